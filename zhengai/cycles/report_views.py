"""Pages of the self-diagnosis and its report: the report of a cycle (drafted facts beside the
owner's analysis), rating points, improvement actions, submitting, reviewing, correcting."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.core import windows
from zhengai.org import access

from . import charts, queries, reports
from .choices import RatingStatus
from .models import Cycle, PointRating, Report


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _back(report_or_cycle):
    cycle_id = getattr(report_or_cycle, "cycle_id", None) or report_or_cycle.pk
    return HttpResponseRedirect(reverse("cycles:report", args=[cycle_id]))


@access.gate(access.SIGNED_IN)
@require_safe
def report_page(request, pk):
    cycle = access.access_object(Cycle.objects.select_related("subject"), request.user, pk=pk)
    versions = list(access.restrict(cycle.reports.order_by("version"), request.user))
    report = versions[-1] if versions else None
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        report = next((r for r in versions if r.version == int(wanted)), report)
    ratings = list(report.ratings.select_related("point").order_by("order", "pk")) if report else []
    actions = list(cycle.actions.select_related("owner", "point").order_by("due", "pk"))
    acted = {a.point_id for a in actions if a.point_id}
    for r in ratings:
        r.needs_action = r.status == RatingStatus.FAIL and r.point_id not in acted
    may_write = report is not None and report.editable and reports.may_write(request.user, report)
    may_draft = access.may(request.user, access.SUBMIT_REPORT, cycle) and (report is None or report.editable)
    data = report.data if report else {}
    return render(request, "cycles/report.html", {
        "cycle": cycle, "report": report, "versions": versions, "ratings": ratings, "actions": actions, "data": data,
        "radar": mark_safe(charts.radar_svg(data.get("radar", []))) if data.get("radar") else "",
        "may_write": may_write, "may_draft": may_draft,
        "may_review": report is not None and report.status == "submitted" and reports.may_review(request.user, report),
        "may_correct": report is not None and report.is_published and reports.may_write(request.user, report)
        and report == versions[-1],
        "blockers": reports.blockers(report) if may_write else [],
        "statuses": [s for s in RatingStatus if s.value],
        "window": windows.parse(cycle.period) if windows.kind_of(cycle.period) else None,
        "info": queries.current_cycles([cycle.subject_id]).get(cycle.subject_id),
        "breadcrumbs": [(_("诊改周期"), reverse("cycles:mine")), (str(cycle), reverse("cycles:cycle", args=[cycle.pk])),
                        (_("诊改报告"), None)],
    })


@access.gate(access.SUBMIT_REPORT, on=Cycle)
@require_POST
def draft(request, pk):
    try:
        reports.do_draft_report(pk, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已根据数据起草诊改报告。"))
    return HttpResponseRedirect(reverse("cycles:report", args=[pk]))


@access.gate(access.SUBMIT_REPORT, on=PointRating)
@require_POST
def rate(request, pk):
    rating = access.access_object(PointRating.objects.select_related("report"), request.user, pk=pk)
    try:
        reports.do_rate_point(rating, status=request.POST.get("status", ""), evidence=request.POST.get("evidence", ""),
                              judgement=request.POST.get("judgement", ""), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(rating.report)


@access.gate(access.SUBMIT_REPORT, on=Report)
@require_POST
def analysis(request, pk):
    report = access.access_object(Report, request.user, pk=pk)
    try:
        reports.do_write_analysis(report, acting_user=request.user,
                                  **{f: request.POST.get(f, "") for f in reports.ANALYSIS_FIELDS})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("分析已保存。"))
    return _back(report)


def _date(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@access.gate(access.SUBMIT_REPORT, on=Report)
@require_POST
def add_action(request, pk):
    report = access.access_object(Report, request.user, pk=pk)
    rating = request.POST.get("rating", "")
    due = _date(request.POST.get("due"))
    try:
        reports.do_add_action(report, text=request.POST.get("text", ""), due=due,
                              rating=int(rating) if rating.isdigit() else None, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _back(report)


@access.gate(access.SUBMIT_REPORT, on=Report)
@require_POST
def submit(request, pk):
    report = access.access_object(Report, request.user, pk=pk)
    try:
        reports.do_submit_report(report, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("诊改报告已提交审核。"))
    return _back(report)


@access.gate(access.SIGNED_IN, on=Report, check=lambda user, obj: obj is not None and reports.may_review(user, obj))
@require_POST
def review(request, pk):
    report = access.access_object(Report, request.user, pk=pk)
    try:
        reports.do_review_report(report, request.POST.get("decision", ""), request.POST.get("comment", ""),
                                 acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("审核结果已保存。"))
    return _back(report)


@access.gate(access.SUBMIT_REPORT, on=Report)
@require_POST
def correct(request, pk):
    report = access.access_object(Report, request.user, pk=pk)
    try:
        reports.do_correct_report(report, acting_user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已发起更正：新版本为草稿，原版本保持不变。"))
    return _back(report)


@access.gate(access.SIGNED_IN)
@require_safe
def review_list(request):
    """Reports waiting for the user's review; cycles in 诊断 whose report the user writes."""
    return render(request, "cycles/reviews.html", {
        "to_review": list(queries.reports_to_review(request.user)), "to_write": queries.reports_to_write(request.user),
        "breadcrumbs": [(_("诊改报告"), None)],
    })


EXPORT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


@access.gate(access.SIGNED_IN)
@require_safe
def report_export(request, pk):
    """The report (latest version, or ?version=N) as .docx or PDF; ?package=1 the evidence package."""
    from django.http import HttpResponse, HttpResponseBadRequest

    from . import export

    cycle = access.access_object(Cycle.objects.select_related("subject"), request.user, pk=pk)
    reports_qs = access.restrict(cycle.reports.order_by("-version"), request.user)
    wanted = request.GET.get("version", "")
    report = (reports_qs.filter(version=int(wanted)).first() if wanted.isdigit() else None) or reports_qs.first()
    if report is None:
        return HttpResponseBadRequest(_("尚未起草诊改报告。"))
    if request.GET.get("package") == "1":
        response = HttpResponse(export.evidence_package(report), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.filename(report, "zip")}"'
        return response
    fmt = request.GET.get("format", "docx")
    if fmt not in EXPORT_TYPES:
        return HttpResponseBadRequest(_("格式应为 docx 或 pdf。"))
    response = HttpResponse(export.render(report, fmt), content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export.filename(report, fmt)}"'
    return response
