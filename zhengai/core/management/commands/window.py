"""``zhengai window WINDOW [--format table|csv|json]``: a window's kind and its first and last day,
as every figure is computed over them.

    columns: window,kind,kind_name,first_day,last_day,days,label
"""

from django.core.management.base import BaseCommand, CommandError

from zhengai.core import windows
from zhengai.core.output import FORMATS, render

COLUMNS = ["window", "kind", "kind_name", "first_day", "last_day", "days", "label"]


class Command(BaseCommand):
    help = "时间窗口的类型与起止日期（A window's kind and first and last day）"

    def add_arguments(self, parser):
        parser.add_argument("window", help=str(windows.ACCEPTED_FORMS))
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, window, format="table", **options):
        try:
            parsed = windows.parse(window)
        except windows.WindowError as exc:
            raise CommandError(str(exc)) from None
        row = [parsed.code, parsed.kind, str(windows.KIND_LABELS[parsed.kind]), parsed.start, parsed.end, parsed.days,
               windows.label(parsed)]
        self.stdout.write(render([row], COLUMNS, format), ending="")
