"""Self-diagnosis evidence pages (自诊材料): an owner's own points with an upload form (HTMX), one
submission with its history and review, file downloads, and the quality office's overview per
standard and window with its .xlsx export. Rules live in ``zhengai.cycles.selfdiag``; scope in
``zhengai.org.access``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.chains.models import StandardNode
from zhengai.core import clock
from zhengai.core.output import xlsx_response
from zhengai.datacenter.models import Department, Subject
from zhengai.org import access
from zhengai.org.access import VIEW, access_object, restrict

from . import selfdiag
from .choices import EVIDENCE_REVIEW_RESULTS, EvidenceStatus
from .models import PointEvidence, PointEvidenceFile


def _errors(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _window(request):
    """The window asked for (``?window=``), else the current term; a bad one is said, not fatal."""
    text = (request.GET.get("window") or request.POST.get("window") or "").strip()
    if text:
        try:
            return selfdiag.parse_window(text), None
        except ValidationError as exc:
            return selfdiag.current_window(clock.today()), _errors(exc)
    return selfdiag.current_window(clock.today()), None


@login_required
@require_safe
def my_self_diagnosis(request):
    """我的自诊: the evidence points the user owes as an owner, with status and an upload form."""
    access.require(request.user, access.SUBMIT_EVIDENCE)
    window, error = _window(request)
    groups = selfdiag.my_items(request.user, window)
    owed = sum(len(g.items) for g in groups)
    done = sum(1 for g in groups for i in g.items if i.evidence is not None)
    return render(request, "cycles/self_diagnosis.html", {
        "groups": groups, "window": window, "window_error": error, "owed": owed, "done": done,
        "max_mb": selfdiag._megabytes(selfdiag.max_bytes()), "extensions": "、".join(selfdiag.allowed_extensions()),
        "breadcrumbs": [(_("我的自诊"), None)],
    })


def _posted_subject(kwargs, data):
    return Subject.objects.filter(pk=data.get("subject") or 0).first()


@require_POST
@access.gate(access.SUBMIT_EVIDENCE, on=_posted_subject)
def evidence_submit(request):
    subject = access_object(Subject, request.user, VIEW, pk=request.POST.get("subject") or 0)
    access.require(request.user, access.SUBMIT_EVIDENCE, subject)
    point = StandardNode.objects.filter(pk=request.POST.get("point") or 0).select_related("version__standard").first()
    if point is None:
        raise Http404
    error = None
    try:
        evidence = selfdiag.do_submit_evidence(subject, point, request.POST.get("window", ""), text=request.POST.get("text", ""),
                                               files=request.FILES.getlist("files"), acting_user=request.user)
    except ValidationError as exc:
        error, evidence = _errors(exc), PointEvidence.objects.filter(subject=subject, point=point, window=request.POST.get("window", "")).first()
    if request.htmx:
        if evidence is not None:
            evidence = PointEvidence.objects.select_related("submitted_by", "reviewed_by").prefetch_related("files").get(pk=evidence.pk)
        response = render(request, "cycles/_evidence_row.html", {
            "item": selfdiag.Item(point, evidence, bool(evidence and selfdiag.frozen_cycle_ids([evidence.cycle_id]))), "subject": subject, "window": request.POST.get("window", ""), "error": error,
            "saved": error is None})  # 200 with the message in the row: htmx swaps no 4xx answer
        if error is None:
            response["HX-Trigger"] = "evidence-saved"  # the page's counter reloads itself
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("材料已提交，等待审核。"))
    return redirect(f"{reverse('cycles:self_diagnosis')}?window={request.POST.get('window', '')}")


def _detail_context(request, evidence):
    frozen = bool(selfdiag.frozen_cycle_ids([evidence.cycle_id]))
    return {
        "e": evidence, "files": list(evidence.files.all()),
        "events": list(evidence.events.select_related("actor").order_by("at", "pk")),
        "frozen": frozen,
        "may_review": not frozen and evidence.status == EvidenceStatus.SUBMITTED and selfdiag.may_review(request.user, evidence),
        "may_submit": not frozen and evidence.status != EvidenceStatus.PASSED and selfdiag.may_submit(request.user, evidence.subject),
        "results": [(r.value, r.label) for r in EVIDENCE_REVIEW_RESULTS],
        "breadcrumbs": [(_("自诊材料"), reverse("cycles:self_diagnosis_overview") if selfdiag.may_see_overview(request.user)
                         else reverse("cycles:self_diagnosis")), (f"{evidence.subject.name} {evidence.point.code}", None)],
    }


@login_required
@require_safe
def evidence_detail(request, pk):
    evidence = access_object(PointEvidence.objects.select_related("subject", "point__version__standard", "submitted_by", "reviewed_by",
                                                                  "cycle"),
                             request.user, VIEW, pk=pk)
    return render(request, "cycles/evidence_detail.html", _detail_context(request, evidence))


@require_POST
@access.gate(access.REVIEW_EVIDENCE, on=PointEvidence)
def evidence_review(request, pk):
    evidence = access_object(PointEvidence, request.user, VIEW, pk=pk)
    access.require(request.user, access.REVIEW_EVIDENCE, evidence)
    try:
        selfdiag.do_review_evidence(evidence, request.POST.get("result", ""), request.POST.get("comment", ""), acting_user=request.user)
        messages.success(request, _("审核完成。"))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cycles:evidence_detail", pk=evidence.pk)


@login_required
@require_safe
def evidence_file_download(request, pk):
    item = access_object(PointEvidenceFile, request.user, VIEW, pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=item.name)


@require_POST
@access.gate(access.SUBMIT_EVIDENCE, on=PointEvidenceFile)
def evidence_file_remove(request, pk):
    item = access_object(PointEvidenceFile, request.user, VIEW, pk=pk)
    access.require(request.user, access.SUBMIT_EVIDENCE, item)
    try:
        selfdiag.do_remove_evidence_file(item, acting_user=request.user)
        messages.success(request, _("已删除文件“%(name)s”。") % {"name": item.name})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cycles:evidence_detail", pk=item.evidence_id)


@login_required
@require_safe
def overview(request):
    """质管办总览: for one standard and window, the subjects that owe its evidence points and what
    each has submitted, with counts per point; filterable by department, exported to .xlsx."""
    if not selfdiag.may_see_overview(request.user):
        raise PermissionDenied
    window, error = _window(request)
    standards = selfdiag.standards_with_evidence(window)
    standard = next((s for s in standards if str(s.pk) == request.GET.get("standard")), standards[0] if standards else None)
    departments = list(restrict(Department.objects.all(), request.user).order_by("code").values_list("pk", "name"))
    department = request.GET.get("department") or ""
    if department and not any(str(pk) == department for pk, _name in departments):
        department = ""
    context = {"window": window, "window_error": error, "standards": standards, "standard": standard,
               "departments": departments, "department": department, "breadcrumbs": [(_("自诊材料总览"), None)]}
    if standard is None:
        return render(request, "cycles/self_diagnosis_overview.html", context)
    points = selfdiag.evidence_points(window, standard=standard)
    version = points[0].version if points else standard.version_in_force(window.end)
    subjects = selfdiag.overview_subjects(request.user, version, department or None)
    if request.GET.get("format") == "xlsx":
        header, rows = selfdiag.overview_rows(subjects, points, window)
        counts = selfdiag.overview_counts(subjects, points, window)
        summary = [[f"{c.point.code} {c.point.name}", c.point.evidence, c.owed, c.submitted, c.missing, c.reviewed, c.passed,
                    c.failed, c.more] for c in counts]
        return xlsx_response(f"自诊材料-{standard.code}-{window.code}.xlsx", {
            _("自诊材料"): (header, rows),
            _("汇总"): ([_("诊断点"), _("证据要求"), _("应提交"), _("已提交"), _("未提交"), _("已审核"), _("达标"), _("不达标"), _("需补充")], summary),
        })
    page = Paginator(subjects.select_related("department"), 50).get_page(request.GET.get("page"))
    cells = selfdiag.overview_cells(page.object_list, points, window)
    rows = [(s, [(p, cells.get((s.pk, p.pk))) for p in points]) for s in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(points=points, counts=selfdiag.overview_counts(subjects, points, window, owed=page.paginator.count), page=page, rows=rows,
                   query=query.urlencode())
    return render(request, "cycles/self_diagnosis_overview.html", context)
