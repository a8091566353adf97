"""``zhengai tasks import FILE.xlsx | export FILE.xlsx | list``: the annual task table."""

from django.core.management.base import BaseCommand, CommandError

from zhengai.core.output import FORMATS, render


class Command(BaseCommand):
    help = "年度工作任务表的导入、导出与列表（import / export / list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="从 .xlsx 导入任务表（可有标题行、合并单元格、空白即同上）")
        p.add_argument("file")
        p.add_argument("--year", type=int, help="“每年1月”一类日期的起算年份（默认取表中最早的年份）")
        p.add_argument("--parent", type=int, help="任务所支撑的学校发展目标（目标 id）")
        p = sub.add_parser("export", help="把任务表按原样导出为 .xlsx")
        p.add_argument("file")
        p.add_argument("--table", type=int, help="任务表 id（默认最近导入的一张）")
        p = sub.add_parser("list", help="列出任务及完成度")
        p.add_argument("--window", help="时间窗口，如 2026；默认全部")
        p.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, action, **options):
        from zhengai.chains import tasks_export, tasks_io
        from zhengai.chains.models import Goal, TaskTable
        from zhengai.chains.xlsxutil import ImportProblems

        if action == "import":
            parent = None
            if options.get("parent"):
                parent = Goal.objects.filter(pk=options["parent"]).first()
                if parent is None:
                    raise CommandError(f"找不到目标 {options['parent']}")
            try:
                with open(options["file"], "rb") as fh:
                    table, notices = tasks_io.import_table(fh, year=options.get("year"), parent=parent,
                                                           source_name=options["file"].rsplit("/", 1)[-1])
            except FileNotFoundError:
                raise CommandError(f"找不到文件：{options['file']}") from None
            except ImportProblems as exc:
                for line in exc.problems:
                    self.stderr.write(line)
                raise CommandError(f"导入失败：{len(exc.problems)} 处错误，未写入任何内容。") from None
            for line in notices:
                self.stdout.write(f"提示：{line}")
            self.stdout.write(f"已导入任务表 {table.pk}：{table.rows.count()} 行，"
                              f"{Goal.objects.filter(task_rows__table=table).values('parent').distinct().count()} 项工作任务。")
        elif action == "export":
            table = None
            if options.get("table"):
                table = TaskTable.objects.filter(pk=options["table"]).first()
                if table is None:
                    raise CommandError(f"找不到任务表 {options['table']}")
            try:
                rows = tasks_export.export_table(options["file"], table)
            except ImportProblems as exc:
                raise CommandError(exc.problems[0]) from None
            self.stdout.write(f"已导出 {rows} 行到 {options['file']}")
        else:
            from zhengai.chains.goal_values import task_rows

            rows, columns = task_rows(options.get("window"))
            self.stdout.write(render(rows, columns, options["format"]), ending="")
