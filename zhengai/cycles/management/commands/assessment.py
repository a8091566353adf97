"""``zhengai assessment export --year YEAR --out FILE.xlsx`` writes the year's annual assessment of
department tasks as one workbook: 任务分解表 (the task table's nine columns), 任务考核表 (each task's
goal progress, the quality office's mark and its score) and 考核结果 (each department's score, grade
and rank). Every cell is neutralised against formulas."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "年度考核：导出任务考核表与考核结果（Annual assessment: export the task assessment and ranking）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出某年度的任务分解表、任务考核表与考核结果 (.xlsx)")
        export.add_argument("--year", required=True, help="年度，如 2026")
        export.add_argument("--out", required=True, help="输出文件 FILE.xlsx")

    def handle(self, *args, action, year, out, **options):
        from zhengai.cycles import assessment

        if not out.lower().endswith(".xlsx"):
            raise CommandError(f"输出文件“{out}”应以 .xlsx 结尾。")
        try:
            tasks, departments = assessment.write_workbook(year, out)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except OSError as exc:
            raise CommandError(f"无法写入“{out}”：{exc.strerror or exc}") from None
        self.stdout.write(f"{out}: {tasks} tasks, {departments} departments")
