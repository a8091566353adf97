"""``zhengai intake_recover``: mark as failed the import batches whose process is gone (killed,
crashed, power cut). Their data was never committed; only the batch row needs to say so. The pages
and every new import do the same on their own; this is for cron and start-up scripts."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengai.intake.pipeline import recover_stale_batches


class Command(BaseCommand):
    help = "把因进程中断而停在“导入中”的批次标记为失败。"

    def handle(self, *args, **options):
        marked = recover_stale_batches()
        self.stdout.write(_("已把 %(n)s 个中断的批次标记为失败。") % {"n": marked})
