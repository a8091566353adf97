"""``zhengai statedata fill --year 2025-2026 [--template NAME]`` and the template's .xlsx round trip.

    zhengai statedata fill --year 2025-2026 [--template NAME] [--table CODE …]
    zhengai statedata export --year 2025-2026 --format xlsx|csv|json --out DIR [--template NAME] [--mapping FILE]
    zhengai statedata import-failures FILE [--mapping FILE]   (the 数字基座's failure response → correction tasks)
    zhengai statedata install-defaults
    zhengai statedata template-export FILE.xlsx --template NAME
    zhengai statedata template-import FILE.xlsx --template NAME     (creates the template if new)
"""

import os

from django.core.management.base import BaseCommand, CommandError



class Command(BaseCommand):
    help = "状态数据与质量年报：按学年填报模板，安装默认模板，导入导出模板（.xlsx）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("fill", help="按学年填报：平台能算的格子按指标计算，其余成为部门的待填报任务")
        p.add_argument("--year", required=True, help="学年，如 2025-2026（9 月 1 日至次年 8 月 31 日）")
        p.add_argument("--template", help="模板名称（默认全部模板）")
        p.add_argument("--table", action="append", help="只填这张表（表代码，可重复）")
        p = sub.add_parser("export", help="导出已填报的表：.xlsx 按表样，CSV/JSON 按字段映射供数字基座对接")
        p.add_argument("--year", required=True, help="学年，如 2025-2026")
        p.add_argument("--format", required=True, choices=("xlsx", "csv", "json"))
        p.add_argument("--out", required=True, help="输出目录（每张表一个文件；CSV/JSON 另附 mapping.json）")
        p.add_argument("--template", help="模板名称（默认全部模板）")
        p.add_argument("--table", action="append", help="只导出这张表（表代码，可重复）")
        p.add_argument("--mapping", help="字段映射文件（JSON；默认 ZHENGAI_STATEDATA_MAPPING）")
        p = sub.add_parser("import-failures", help="导入数字基座的上传失败回执：每条失败记录成为负责部门的整改任务")
        p.add_argument("file", help=".csv、.xlsx 或 .json，含主键数据唯一性标识与失败原因")
        p.add_argument("--mapping", help="字段映射文件（JSON；默认 ZHENGAI_STATEDATA_MAPPING）")
        sub.add_parser("install-defaults", help="安装默认模板（已有的不变）")
        p = sub.add_parser("template-export", help="把模板导出为 .xlsx")
        p.add_argument("file")
        p.add_argument("--template", required=True)
        p = sub.add_parser("template-import", help="从 .xlsx 导入模板（替换其全部表；有错则不写入）")
        p.add_argument("file")
        p.add_argument("--template", required=True)

    def handle(self, *args, action, **options):
        from zhengai.chains.xlsxutil import ImportProblems
        from zhengai.core.windows import WindowError

        from . import _helpers as h

        try:
            if action == "fill":
                return h.fill(self, options)
            if action == "export":
                return h.export(self, options)
            if action == "import-failures":
                return h.import_failures(self, options)
            if action == "install-defaults":
                from zhengai.statedata.defaults import install_default_templates

                counts = install_default_templates()
                self.stdout.write(f"默认模板：新建 {counts['templates']} 个，自定义指标 {counts['indicators']} 个")
                return None
            if action == "template-export":
                template = h.template(options["template"])
                from zhengai.statedata.templates_io import export_workbook

                with open(options["file"], "wb") as fh:
                    fh.write(export_workbook(template))
                self.stdout.write(f"已导出模板“{template.name}”到 {options['file']}")
                return None
            if action == "template-import":
                from zhengai.statedata.actions import do_import_template
                from zhengai.statedata.models import ReportTemplate

                path = options["file"]
                if not os.path.exists(path):
                    raise CommandError(f"找不到文件：{path}")
                from django.db import transaction

                with transaction.atomic():
                    template, _created = ReportTemplate.objects.get_or_create(name=options["template"])
                    with open(path, "rb") as fh:
                        counts = do_import_template(template, fh, os.path.getsize(path))
                self.stdout.write(f"已导入模板“{template.name}”：{counts['tables']} 张表，{counts['rows']} 行，"
                                  f"{counts['columns']} 列；删去 {counts['removed']} 张表")
                return None
        except ImportProblems as exc:
            raise CommandError("文件有错误，未写入任何内容：\n" + "\n".join(exc.problems)) from None
        except (WindowError, LookupError, ValueError) as exc:
            raise CommandError(str(exc).strip("'\"")) from None
        raise CommandError(action)


