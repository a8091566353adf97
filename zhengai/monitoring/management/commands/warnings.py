"""``zhengai warnings [--level LEVEL] [--status …] [--format table|csv|json]``: the warnings, one a row;
CSV columns ``subject,level,indicator,indicator_name,grade,status,opened_window,last_window,value,opened_at,
opened_window_start,opened_window_end,last_window_start,last_window_end`` (the windows' first and last days)."""

from django.core.management.base import BaseCommand

from zhengai.core.output import FORMATS, render
from zhengai.datacenter.choices import Level
from zhengai.monitoring.choices import WarningStatus


class Command(BaseCommand):
    help = "列出预警"

    def add_arguments(self, parser):
        parser.add_argument("--level", choices=Level.values)
        parser.add_argument("--status", choices=WarningStatus.values)
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, level=None, status=None, format="table", **options):
        from zhengai.monitoring.queries import COLUMNS, filtered, rows

        qs = filtered(None, level=level or "", status=status or "")
        self.stdout.write(render(rows(qs), COLUMNS, format), ending="")
