"""``zhengai import --source NAME --table TABLE FILE [--partial] [--rejects OUT.xlsx] [--sheet NAME]``
and ``zhengai import --template TABLE --out FILE.xlsx``.

Exit status: 0 when the batch succeeded, 1 when it was refused or failed (the message says why,
in Chinese, and nothing was written), 2 when the command itself was used wrongly (unknown source,
table or file).
"""

import os
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import SourceSystem
from zhengai.intake.errors import IntakeError
from zhengai.intake.files import import_file, write_rejects, write_template
from zhengai.intake.pipeline import summary


class Command(BaseCommand):
    help = "导入 CSV 或 Excel 文件到数据中心的一张表；或生成导入模板。"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV 或 .xlsx 文件")
        parser.add_argument("--source", help="来源系统代码（zhengai sources add 登记的名称）")
        parser.add_argument("--table", help="数据字典的表代码：students、teachers、courses、offerings、enrolments、attendance、grades …")
        parser.add_argument("--partial", action="store_true", help="只导入有效行，其余行退回（默认全部有效才导入）")
        parser.add_argument("--rejects", metavar="OUT.xlsx", help="把被拒绝的行及原因写入这个 Excel 文件")
        parser.add_argument("--sheet", help="Excel 工作表名称（默认自动找到有表头的工作表）")
        parser.add_argument("--user", help="记在批次上的操作人账号")
        parser.add_argument("--template", metavar="TABLE", help="生成这张表的导入模板（中文表头和示例行）")
        parser.add_argument("--out", metavar="FILE.xlsx", help="模板的输出文件")

    def fail(self, message: str, code: int):
        self.stderr.write(message)
        sys.exit(code)

    def handle(self, *args, **options):
        if options["template"]:
            if not options["out"]:
                self.fail(_("请用 --out 指定模板文件名，例如 --out 学生模板.xlsx"), 2)
            try:
                write_template(options["template"], options["out"])
            except IntakeError as exc:
                self.fail(str(exc), 2)
            self.stdout.write(_("已生成模板：%(out)s") % {"out": options["out"]})
            return
        if not (options["source"] and options["table"] and options["file"]):
            self.fail(_("用法：zhengai import --source 来源系统 --table 表代码 文件 [--partial] [--rejects 退回.xlsx]"), 2)
        source = SourceSystem.objects.filter(code=options["source"]).first()
        if source is None:
            known = "、".join(SourceSystem.objects.values_list("code", flat=True)) or _("（还没有登记任何来源系统）")
            self.fail(_("没有代码为“%(code)s”的来源系统。已登记的来源系统：%(known)s") % {"code": options["source"], "known": known}, 2)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                self.fail(_("没有账号“%(user)s”。") % {"user": options["user"]}, 2)
        path = options["file"]
        # Checked without opening it: a named pipe opened and closed here would lose its writer.
        if not os.path.exists(path) or os.path.isdir(path) or not os.access(path, os.R_OK):
            reason = _("没有这个文件") if not os.path.exists(path) else _("不是可读的文件")
            self.fail(_("无法打开文件“%(path)s”：%(error)s") % {"path": path, "error": reason}, 2)
        try:
            batch = import_file(source, options["table"], path, user=user, partial=options["partial"], sheet=options["sheet"])
        except IntakeError as exc:
            self.fail(str(exc), 2)
        if options["rejects"] and batch.rows_rejected:
            count = write_rejects(batch, options["rejects"])
            self.stdout.write(_("被拒绝的 %(n)s 行已写入 %(out)s") % {"n": count, "out": options["rejects"]})
        if batch.status != BatchStatus.SUCCEEDED:
            self.fail(_("批次 #%(id)s：%(message)s") % {"id": batch.pk, "message": batch.error}, 1)
        self.stdout.write(_("批次 #%(id)s：导入完成，读取 %(read)s 行，%(summary)s。") % {
            "id": batch.pk, "read": batch.rows_read, "summary": summary(batch)})
