"""``zhengai monitor --level LEVEL --window WINDOW`` runs one monitoring run and prints its summary;
``zhengai monitor --due`` runs every window that has ended and has not yet been monitored."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengai.core import windows
from zhengai.datacenter.choices import Level


class Command(BaseCommand):
    help = "运行监测预警：一个层面、一个时间窗口，或所有到期的窗口（--due）"

    def add_arguments(self, parser):
        parser.add_argument("--level", choices=Level.values)
        parser.add_argument("--window", help="如 2026-10、2026-10H1、2026Q4、2025-2026-1")
        parser.add_argument("--due", action="store_true", help="运行所有已结束且尚未成功监测的窗口")
        parser.add_argument("--today", help="截止日期（默认今天；演示学院的数据库为演示日期）")

    def handle(self, *args, level=None, window=None, due=False, today=None, **options):
        from zhengai.monitoring.engine import run_window
        from zhengai.monitoring.lock import RunLocked
        from zhengai.core import clock
        from zhengai.monitoring.scheduling import run_due

        if due:
            try:
                day = date.fromisoformat(today) if today else clock.today()
            except ValueError:
                raise CommandError(_("--today 应为日期，如 2026-11-20，收到“%(value)s”") % {"value": today}) from None
            results = run_due(day, trigger="cli")
            for level_, window_, summary, error in results:
                self.stdout.write(self._line(level_, window_.code, summary, error))
            self.stdout.write(_("到期运行 %(n)s 个（截至 %(day)s）") % {"n": len(results), "day": day})
            return
        if not level or not window:
            raise CommandError(_("请给出 --level 和 --window，或使用 --due"))
        try:
            win = windows.parse(window)
        except windows.WindowError as exc:
            raise CommandError(str(exc)) from None
        try:
            summary = run_window(level, win, trigger="cli")
        except RunLocked as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:
            raise CommandError(_("监测运行失败（已记录，原有结果保持不变）：%(error)s") % {"error": exc}) from None
        self.stdout.write(self._line(level, win.code, summary, None))

    def _line(self, level, window, summary, error):
        if error:
            return f"{level} {window}: {_('失败')} — {error}"
        return (
            f"{level} {window}: subjects={summary.subjects} measurements={summary.measurements} "
            f"opened={summary.opened} joined={summary.joined} raised={summary.raised} resolved={summary.resolved} "
            f"escalated={summary.escalated} closed={summary.closed} still_open={summary.still_open} seconds={summary.seconds:.2f}"
        )
