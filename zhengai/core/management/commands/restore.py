"""``zhengai restore FILE.tar.gz``: replace the SQLite database and the uploaded files by a backup's."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengai.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 zhengai backup 的备份文件恢复数据库和上传文件（替换现有内容）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.tar.gz）")

    def handle(self, *args, file, **options):
        try:
            manifest = restore(file)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("已恢复 %(created)s 的备份：%(tables)s 张表共 %(rows)s 行、%(files)s 个文件") % {
            "created": manifest["created_at"], "tables": len(manifest["tables"]),
            "rows": sum(manifest["tables"].values()), "files": len(manifest["files"])})
