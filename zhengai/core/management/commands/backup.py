"""``zhengai backup --out FILE.tar.gz``: the SQLite database (online) and every uploaded file."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengai.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份嵌入式 SQLite 数据库（在线）和所有上传文件，写成一个 .tar.gz"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="备份文件（.tar.gz）")

    def handle(self, *args, out, **options):
        try:
            manifest = backup(out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("已备份 %(tables)s 张表共 %(rows)s 行、%(files)s 个文件到 %(out)s") % {
            "tables": len(manifest["tables"]), "rows": sum(manifest["tables"].values()),
            "files": len(manifest["files"]), "out": out})
