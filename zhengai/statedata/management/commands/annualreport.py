"""``zhengai annualreport draft --year 2025-2026 --out FILE.docx``: the 质量年度报告 drafted.

The annex tables of the default template (质量年报附表) not filled for the year yet are filled first
(the same fill as ``zhengai statedata fill``); the report is then drafted from them, the charts and
the level reports published in the cycles (``zhengai.statedata.annualreport``).
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "质量年度报告：按学年起草 .docx（六个部分、附表、图表、各层面诊改报告要点）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("draft", help="起草质量年度报告（.docx），供质管办修改定稿")
        p.add_argument("--year", required=True, help="学年，如 2025-2026")
        p.add_argument("--out", required=True, help="输出文件（.docx）")

    def handle(self, *args, action, **options):
        from zhengai.core.windows import WindowError
        from zhengai.statedata.actions import do_fill_template
        from zhengai.statedata.annualreport import draft_docx
        from zhengai.statedata.defaults import ANNUAL_REPORT, install_default_templates
        from zhengai.statedata.filling import academic_year
        from zhengai.statedata.models import ReportTemplate, TableFill

        try:
            window = academic_year(options["year"])
        except WindowError as exc:
            raise CommandError(str(exc)) from None
        out = options["out"]
        if not out.lower().endswith(".docx"):
            raise CommandError(f"--out 应为 .docx 文件：{out}")
        template = ReportTemplate.objects.filter(name=ANNUAL_REPORT).first()
        if template is None:
            install_default_templates()
            template = ReportTemplate.objects.get(name=ANNUAL_REPORT)
            self.stdout.write(f"尚无“{ANNUAL_REPORT}”模板，已安装默认模板")
        filled = set(TableFill.objects.filter(table__template=template, year=window.code).values_list("table__code", flat=True))
        missing = [t.code for t in template.tables.all() if t.code not in filled]
        if missing:
            do_fill_template(template, window.code, table_codes=missing)
            self.stdout.write(f"附表尚未按 {window.code} 学年填报，已先填报：{'、'.join(missing)}")
        data = draft_docx(window.code)
        try:
            with open(out, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror}") from None
        self.stdout.write(f"已起草 {window.code} 学年质量年度报告：{out}（标【系统起草】的句子请核实改写，标【待撰写】处请补充）")
