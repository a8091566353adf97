"""``zhengai audit export --since DATE [--until DATE] --out FILE.jsonl`` and ``zhengai audit prune
[--dry-run]``: the audit trail as JSON lines for an external log store, and its pruning beyond
``ZHENGAI_AUDIT_RETENTION_DAYS`` (184 days at least; younger rows are never deleted)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengai.core import retention


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("日期“%(value)s”无效：应为 YYYY-MM-DD。") % {"value": text}) from None


class Command(BaseCommand):
    help = "审计日志：导出为 JSON Lines，按保留期清理"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("export", help="把审计日志导出为 JSON Lines（每行一条）")
        p.add_argument("--since", type=_day, help="起始日期 YYYY-MM-DD（含）")
        p.add_argument("--until", type=_day, help="截止日期 YYYY-MM-DD（含）")
        p.add_argument("--out", required=True, help="输出文件（.jsonl），- 为标准输出")
        p = sub.add_parser("prune", help="删除超过保留期（ZHENGAI_AUDIT_RETENTION_DAYS）的审计日志")
        p.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, action, **options):
        if action == "export":
            if options["out"] == "-":
                n = retention.export_lines(self.stdout, options["since"], options["until"])
            else:
                with open(options["out"], "w", encoding="utf-8") as out:
                    n = retention.export_lines(out, options["since"], options["until"])
                self.stdout.write(_("已导出 %(n)s 条审计记录到 %(out)s") % {"n": n, "out": options["out"]})
            return
        try:
            counts = retention.prune(dry_run=options["dry_run"])
            limit = retention.cutoff()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        message = _("早于 %(cutoff)s 的审计记录：事件 %(events)s 条，数据变更 %(changes)s 条") % {
            "cutoff": limit.strftime("%Y-%m-%d %H:%M"), **counts}
        self.stdout.write(message + (_("（未删除）") if options["dry_run"] else _("，已删除。")))
