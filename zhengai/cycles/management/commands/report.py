"""``zhengai report export --subject KEY --level LEVEL --period PERIOD --format docx|pdf --out FILE``
writes one subject's diagnosis report (its latest version) for the cycle of that period; with
``--all`` instead of ``--subject``, every report of the level and period into one .zip at FILE.
``--package`` writes the subject's evidence package (复核材料包, a .zip) instead."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengai.core import windows
from zhengai.datacenter.choices import Level


class Command(BaseCommand):
    help = "导出诊改报告（.docx / PDF）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ex = sub.add_parser("export", help="导出诊改报告")
        who = ex.add_mutually_exclusive_group(required=True)
        who.add_argument("--subject", help="主体的自然键（专业代码、教学班代码、学号……）")
        who.add_argument("--all", action="store_true", help="该层面该周期的全部报告，打包为一个 .zip")
        ex.add_argument("--level", required=True, choices=Level.values)
        ex.add_argument("--period", required=True, help=str(windows.ACCEPTED_FORMS))
        ex.add_argument("--format", required=True, choices=("docx", "pdf"))
        ex.add_argument("--out", required=True)
        ex.add_argument("--package", action="store_true", help="导出复核材料包（.zip）")

    def handle(self, *args, action, subject=None, all=False, level, period, format, out, package=False, **options):
        from zhengai.cycles import export
        from zhengai.cycles.models import Report

        try:
            window = windows.parse(period)
        except windows.WindowError as exc:
            raise CommandError(str(exc)) from None
        qs = (Report.objects.filter(cycle__level=level, cycle__start__lte=window.end, cycle__end__gte=window.start)
              .select_related("cycle__subject").order_by("cycle__subject__key", "cycle_id", "version"))
        exact = qs.filter(cycle__period=window.code)
        if exact.exists():
            qs = exact
        if subject:
            qs = qs.filter(cycle__subject__key=subject)
        latest = {}
        for report in qs:
            latest[report.cycle_id] = report
        reports = sorted(latest.values(), key=lambda r: (r.cycle.subject.key, r.cycle.start))
        if not reports:
            raise CommandError(_("没有找到诊改报告：层面 %(level)s，周期 %(period)s，主体 %(subject)s。") % {
                "level": level, "period": window.code, "subject": subject or _("全部")})
        if subject and len(reports) > 1:
            raise CommandError(_("主体 %(subject)s 在 %(period)s 内有 %(n)s 个周期的报告，请写出其中一个周期。") % {
                "subject": subject, "period": window.code, "n": len(reports)})
        if package:
            if not subject:
                raise CommandError(_("--package 需要 --subject。"))
            content = export.evidence_package(reports[0])
        elif all:
            content = export.reports_zip(reports, format)
        else:
            content = export.render(reports[0], format)
        Path(out).write_bytes(content)
        self.stdout.write(f"{out}: {len(reports)} report(s), {len(content)} bytes")
