"""``zhengai cycles open --level LEVEL --period PERIOD`` opens the cycle of every active subject of a
level for a period (set-based; opening again changes nothing); ``zhengai cycles list --level LEVEL
--period PERIOD [--format table|csv|json]`` lists the cycles overlapping the period.

    CSV columns: subject,level,period,phase,owner,report_status

``phase`` is the phase's code (goal, standard, design, organize, implement, diagnose, incentive,
learn, innovate, improve) or ``closed``; ``report_status`` is none, draft, submitted, returned or
published. PERIOD is written in the one window syntax; a multi-year cycle as ``2024-2025..2026-2027``.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhengai.core import windows
from zhengai.core.output import FORMATS, render
from zhengai.datacenter.choices import Level


class Command(BaseCommand):
    help = "诊改周期：批量开启、列出（Diagnosis cycles: open in bulk, list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        opener = sub.add_parser("open", help="开启一个层面某周期的全部诊改周期")
        opener.add_argument("--level", required=True, choices=Level.values)
        opener.add_argument("--period", required=True, help=str(windows.ACCEPTED_FORMS))
        lister = sub.add_parser("list", help="列出诊改周期")
        lister.add_argument("--level", required=True, choices=Level.values)
        lister.add_argument("--period", required=True, help=str(windows.ACCEPTED_FORMS))
        lister.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, action, level, period, format="table", **options):
        from zhengai.cycles import actions, queries

        if action == "open":
            try:
                result = actions.do_open_cycles(level, period)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(f"level={result.level} period={result.period} created={result.created} "
                              f"existing={result.existing} skipped={result.skipped} linked={result.linked}")
            return
        try:
            infos = queries.cycle_rows(level, period)
        except windows.WindowError as exc:
            raise CommandError(str(exc)) from None
        rows = queries.as_rows(infos)
        if format == "table":
            from django.utils.translation import gettext as _

            from zhengai.cycles.choices import Phase, ReportStatus

            rows = [[r[0], r[1], r[2], Phase(r[3]).label if r[3] != "closed" else _("已结束"), r[4],
                     ReportStatus(r[5]).label] for r in rows]
        self.stdout.write(render(rows, queries.COLUMNS, format), ending="")
