"""``zhengai standards import FILE.xlsx | export FILE.xlsx | install-defaults | list``."""

from django.core.management.base import BaseCommand, CommandError

from zhengai.core.output import FORMATS, render


class Command(BaseCommand):
    help = "标准的导入、导出与默认标准安装（import / export / install-defaults / list）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="从 .xlsx 导入标准（有错误时不写入任何内容）")
        p.add_argument("file")
        p = sub.add_parser("export", help="把标准导出为 .xlsx")
        p.add_argument("file")
        p.add_argument("--code", action="append", help="只导出这些标准代码（可重复）")
        p = sub.add_parser("install-defaults", help="安装默认标准（可重复运行）")
        p.add_argument("--upgrade-from", metavar="YYYY-MM-DD",
                       help="已安装的默认标准与本版本不同时，自该日起发布本版本内容为新版本（此前的窗口仍按旧版本判定）")
        p = sub.add_parser("list", help="列出标准版本")
        p.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, action, **options):
        from zhengai.chains import standards_io
        from zhengai.chains.xlsxutil import ImportProblems

        if action == "import":
            try:
                with open(options["file"], "rb") as fh:
                    counts = standards_io.import_workbook(fh)
            except FileNotFoundError:
                raise CommandError(f"找不到文件：{options['file']}") from None
            except ImportProblems as exc:
                for line in exc.problems:
                    self.stderr.write(line)
                raise CommandError(f"导入失败：{len(exc.problems)} 处错误，未写入任何内容。") from None
            self.stdout.write("导入完成：新建或更新标准 {standards} 个，写入版本 {versions} 个（诊断点 {points} 个），未变的已发布版本 {unchanged} 个。".format(**counts))
        elif action == "export":
            from zhengai.chains.models import Standard

            standards = Standard.objects.all()
            if options.get("code"):
                standards = standards.filter(code__in=options["code"])
            rows = standards_io.export_workbook(options["file"], standards)
            self.stdout.write(f"已导出 {rows} 行到 {options['file']}")
        elif action == "install-defaults":
            from zhengai.chains.defaults import install_default_standards

            from zhengai.chains.defaults import outdated_defaults
            from zhengai.chains.xlsxutil import parse_day

            upgrade_from = None
            if options.get("upgrade_from"):
                try:
                    upgrade_from = parse_day(options["upgrade_from"])
                except ValueError as exc:
                    raise CommandError(f"--upgrade-from：{exc}") from None
            try:
                counts = install_default_standards(upgrade_from=upgrade_from)
            except ImportProblems as exc:
                for line in exc.problems:
                    self.stderr.write(line)
                raise CommandError("默认标准未能安装，未写入任何内容。") from None
            self.stdout.write("默认标准：新建 {standards} 个，已存在 {unchanged} 个，修订 {upgraded} 个，诊断点 {points} 个。".format(**counts))
            if upgrade_from is None:
                outdated = outdated_defaults()
                if outdated:
                    self.stdout.write("以下默认标准与本版本随附的内容不同（已修改，或为旧版本）："
                                      + "、".join(f"{code}（{label}）" for code, label in sorted(outdated.items()))
                                      + "。如需采用本版本的内容，请运行 zhengai standards install-defaults --upgrade-from YYYY-MM-DD。")
        elif action == "list":
            from django.db.models import Count, Q

            from zhengai.chains.applicability import format_rule
            from zhengai.chains.choices import NodeKind
            from zhengai.chains.models import StandardVersion

            rows = [
                (v.standard.code, v.standard.name, v.standard.level, v.label, v.status, v.effective_from, v.effective_to,
                 format_rule(v.applies_to), v.points)
                for v in StandardVersion.objects.select_related("standard").order_by("standard__code", "pk")
                .annotate(points=Count("nodes", filter=Q(nodes__kind=NodeKind.POINT)))
            ]
            self.stdout.write(render(rows, ["code", "name", "level", "version", "status", "effective_from", "effective_to", "applies_to", "points"], options["format"]), ending="")
