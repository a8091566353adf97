"""``zhengai sources add|rotate|revoke|list``: register source systems and manage their credentials.

With ``--json``, ``add`` and ``rotate`` print exactly one JSON object and nothing else, so a script
can capture the credentials, which are shown only this once.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from zhengai.core.output import FORMATS, render
from zhengai.datacenter.choices import SourceKind
from zhengai.intake import sources


class Command(BaseCommand):
    help = "管理来源系统及其接入凭据（Register source systems; rotate and revoke their credentials）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a source system")
        add.add_argument("name", help="source code, e.g. jw, lms")
        add.add_argument("--kind", required=True, choices=SourceKind.values)
        add.add_argument("--title", default="", help="中文名称")
        add.add_argument("--cadence-days", type=int, default=None, help="expected update cadence in days")
        add.add_argument("--json", action="store_true", help="print one JSON object")
        rotate = sub.add_parser("rotate", help="revoke the credentials and issue new ones")
        rotate.add_argument("name")
        rotate.add_argument("--json", action="store_true")
        revoke = sub.add_parser("revoke", help="revoke the credentials")
        revoke.add_argument("name")
        listing = sub.add_parser("list", help="list source systems")
        listing.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except sources.SourceError as exc:
            raise CommandError(str(exc)) from None

    def _show(self, source, issued, as_json):
        payload = issued.as_json(source.code) if issued else {"source": source.code}
        if as_json:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"来源系统 {source.code}（{source.name}，{source.get_kind_display()}）")
        for field in ("token", "key", "secret"):
            if field in payload:
                self.stdout.write(f"{field}: {payload[field]}")
        if issued:
            self.stdout.write("请立即妥善保存：凭据只显示这一次。")

    def _add(self, name, kind, title, cadence_days, json, **options):
        source, issued = sources.do_add_source(name, kind, title=title, cadence_days=cadence_days)
        self._show(source, issued, json)

    def _rotate(self, name, json, **options):
        source = sources.get_source(name)
        self._show(source, sources.do_rotate_credentials(source), json)

    def _revoke(self, name, **options):
        source = sources.get_source(name)
        count = sources.do_revoke_credentials(source)
        self.stdout.write(f"来源系统 {source.code}：已吊销 {count} 个凭据。")

    def _list(self, format, **options):
        rows = [row[:7] for row in sources.source_rows()]
        self.stdout.write(render(rows, sources.LIST_COLUMNS, format), ending="")
