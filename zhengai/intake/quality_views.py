"""The data quality page (数据质量) and its .xlsx export; the figures come from ``quality``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.core.output import xlsx_response
from zhengai.org import access

from .quality import build_report, report_sheets


def _report(request):
    access.require(request.user, access.SEE_DATA_QUALITY)
    return build_report(request.user)


@login_required
@require_safe
def quality(request):
    report = _report(request)
    chart = {
        "labels": [w.strftime("%m-%d") for w in report.weeks],
        "series": [{"name": s["name"], "values": s["values"]} for s in report.reject_series],
    }
    return render(request, "intake/quality.html", {
        "report": report, "chart": chart, "breadcrumbs": [(_("数据质量"), None)],
    })


@login_required
@require_safe
def quality_xlsx(request):
    return xlsx_response("data-quality.xlsx", report_sheets(_report(request)))
