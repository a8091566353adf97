"""``zhengai pull NAME…|--all|--due``: run saved database pulls now and print their batches."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengai.core.output import FORMATS, render
from zhengai.intake.pull.models import SavedPull
from zhengai.intake.pull.runner import PullBusy, due_pulls, run_pull

COLUMNS = ["pull", "batch", "status", "read", "inserted", "updated", "unchanged", "rejected", "message"]


class Command(BaseCommand):
    help = "运行已保存的数据库抽取任务（按名称、全部或到期的）"

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="抽取任务名称")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="运行全部已启用的抽取任务")
        group.add_argument("--due", action="store_true", help="只运行按周期已到期的抽取任务")
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, names, all, due, format, **options):
        if bool(names) + all + due != 1:
            raise CommandError(_("请给出抽取任务名称，或 --all，或 --due（三者选一）"))
        now = timezone.now()
        if due:
            pulls = list(due_pulls(now))
        elif all:
            pulls = list(SavedPull.objects.filter(enabled=True).select_related("connection__source"))
        else:
            found = {p.name: p for p in SavedPull.objects.filter(name__in=names).select_related("connection__source")}
            missing = [n for n in names if n not in found]
            if missing:
                raise CommandError(_("没有名为 %(names)s 的抽取任务") % {"names": "、".join(missing)})
            pulls = [found[n] for n in names]
        rows, failed = [], 0
        for pull in pulls:
            try:
                batch = run_pull(pull, now=now).batch
            except PullBusy as exc:
                rows.append([pull.name, "", "busy", 0, 0, 0, 0, 0, str(exc)])
                continue
            if batch.status != "succeeded":
                failed += 1
            rows.append([
                pull.name, batch.pk, batch.status, batch.rows_read, batch.rows_inserted, batch.rows_updated,
                batch.rows_unchanged, batch.rows_rejected, batch.error,
            ])
        self.stdout.write(render(rows, COLUMNS, format), ending="")
        if failed:
            raise CommandError(_("%(n)s 个抽取任务未成功") % {"n": failed})
