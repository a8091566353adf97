"""Standards pages: the list, one standard with its versions and a readable tree, editing a draft,
publishing, copying, and .xlsx import/export. Everyone signed in reads the college's standards;
changing them is ``access.EDIT_STANDARD`` (the quality office and admins)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.core import clock, params
from zhengai.org import access

from .. import applicability, standards_io
from ..choices import NodeKind, VersionStatus
from ..forms import CopyForm, NodeForm, PublishForm, RuleForm, UploadForm
from ..models import Standard, StandardNode, StandardVersion
from ..models.standards import in_force_q
from ..versions import (
    can_edit_standards, do_copy_version, do_delete_node, do_publish_version, do_save_node, do_set_applicability,
    require_draft,
)
from ..xlsxutil import ImportProblems

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def own_standards(user, today):
    """For a person who sees no one but themself (a student): the ids of the standards that apply to
    them, the only ones they are shown; None for everyone else (staff read the college's standards)."""
    if access.may(user, access.SEE_OTHERS):
        return None
    from zhengai.datacenter.models import Subject

    grants = access.grants_for(user)
    own = Subject.objects.filter(Q(student_id__in=sorted(grants.self_student), level="student")
                                 | Q(staff_id__in=sorted(grants.self_staff), level="teacher"))
    return applicability.standards_of(own, today)


@login_required
@require_safe
def standard_list(request):
    today = clock.today()
    standards = Standard.objects.annotate(n_versions=Count("versions")).order_by("level", "code")
    own = own_standards(request.user, today)
    if own is not None:
        standards = standards.filter(pk__in=own)
    standards = list(standards)
    in_force = {v.standard_id: v for v in StandardVersion.objects.filter(in_force_q(today)).annotate(
        points=Count("nodes", filter=Q(nodes__kind=NodeKind.POINT)))}
    for s in standards:
        s.current = in_force.get(s.pk)
        s.rule_text = applicability.format_rule(s.current.applies_to) if s.current else ""
    return render(request, "chains/standard_list.html", {
        "standards": standards, "today": today, "may_edit": can_edit_standards(request.user), "own": own is not None,
        "upload": UploadForm(), "breadcrumbs": [(_("标准"), None)],
    })


def _tree(version):
    nodes = list(version.nodes.order_by("order", "pk"))
    children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    for node in nodes:
        node.kids = children.get(node.pk, [])
    return children.get(None, [])


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.kids)


@login_required
@require_safe
def standard_detail(request, pk):
    own = own_standards(request.user, clock.today())
    standard = get_object_or_404(Standard if own is None else Standard.objects.filter(pk__in=own), pk=pk)
    versions = list(standard.versions.order_by("-effective_from", "-pk"))
    chosen = None
    if request.GET.get("version"):
        chosen = next((v for v in versions if str(v.pk) == request.GET["version"].strip()), None)
    chosen = chosen or standard.version_in_force(clock.today()) or (versions[0] if versions else None)
    may_edit = can_edit_standards(request.user)
    context = {
        "standard": standard, "versions": versions, "version": chosen, "tree": _tree(chosen) if chosen else [],
        "rule_text": applicability.format_rule(chosen.applies_to) if chosen else "", "may_edit": may_edit,
        "editable": may_edit and chosen is not None and chosen.status == VersionStatus.DRAFT,
        "publish_form": PublishForm(initial={"effective_from": clock.today()}), "copy_form": CopyForm(),
        "breadcrumbs": [(_("标准"), reverse("chains:standards")), (standard.name, None)],
    }
    if chosen is not None:
        context["applies_count"] = _applies_count(standard.level, chosen.applies_to)
        # Points that ask for evidence lead to what the subjects submitted (自诊材料总览, a page of
        # the cycles app, linked by its URL name only).
        asks_evidence = any(n.kind == NodeKind.POINT and not n.indicator_code for n in _walk(context["tree"]))
        if asks_evidence and chosen.status == VersionStatus.PUBLISHED:
            context["evidence_overview"] = access.may(request.user, access.SEE_EVIDENCE_OVERVIEW)
    return render(request, "chains/standard_detail.html", context)


def _applies_count(level, rule) -> int:
    from zhengai.datacenter.models import Subject

    return Subject.objects.filter(applicability.rule_q(level, rule), active=True).count()


@require_POST
@access.gate(access.EDIT_STANDARD, on=StandardVersion)
def version_publish(request, pk):
    version = get_object_or_404(StandardVersion, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            do_publish_version(version, form.cleaned_data["effective_from"], acting_user=request.user)
            messages.success(request, _("已发布版本“%(label)s”。") % {"label": version.label})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={version.pk}")


@require_POST
@access.gate(access.EDIT_STANDARD, on=StandardVersion)
def version_copy(request, pk):
    version = get_object_or_404(StandardVersion, pk=pk)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            draft = do_copy_version(version, form.cleaned_data["label"], acting_user=request.user)
            return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={draft.pk}")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={version.pk}")


@access.gate(access.EDIT_STANDARD, on=StandardVersion)
def version_rule(request, pk):
    version = get_object_or_404(StandardVersion.objects.select_related("standard"), pk=pk)
    try:
        require_draft(version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={version.pk}")
    form = RuleForm(request.POST or None, level=version.standard.level,
                    initial={"applies_to": applicability.format_rule(version.applies_to)})
    if request.method == "POST" and form.is_valid():
        do_set_applicability(version, form.cleaned_data["applies_to"], acting_user=request.user)
        return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={version.pk}")
    return render(request, "chains/form.html", {"form": form, "title": _("适用范围"), "breadcrumbs": [
        (_("标准"), reverse("chains:standards")), (version.standard.name, reverse("chains:standard", args=[version.standard_id])),
        (_("适用范围"), None)]})


@access.gate(access.EDIT_STANDARD)
def node_edit(request, version_pk, pk=None):
    """Add a node under ``?parent=`` (or a project at the top), or edit one — drafts only."""
    version = get_object_or_404(StandardVersion.objects.select_related("standard"), pk=version_pk)
    try:
        require_draft(version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={version.pk}")
    node = get_object_or_404(StandardNode, pk=pk, version=version) if pk else None
    parent = None
    parent_id = params.id_param(request, "parent")
    if node is None and parent_id:
        parent = get_object_or_404(StandardNode, pk=parent_id, version=version)
    kind = node.kind if node else (NodeKind.PROJECT if parent is None else
                                    NodeKind.ELEMENT if parent.kind == NodeKind.PROJECT and request.GET.get("kind") != "point"
                                    else NodeKind.POINT)
    form = NodeForm(request.POST or None, instance=node, kind=kind, level=version.standard.level)
    if request.method == "POST" and form.is_valid():
        do_save_node(form, version=version, parent=parent, kind=kind, acting_user=request.user)
        return redirect(f"{reverse('chains:standard', args=[version.standard_id])}?version={version.pk}")
    return render(request, "chains/form.html", {"form": form, "title": NodeKind(kind).label, "breadcrumbs": [
        (_("标准"), reverse("chains:standards")), (version.standard.name, reverse("chains:standard", args=[version.standard_id])),
        (NodeKind(kind).label, None)]})


@require_POST
@access.gate(access.EDIT_STANDARD, on=StandardNode)
def node_delete(request, pk):
    node = get_object_or_404(StandardNode.objects.select_related("version"), pk=pk)
    try:
        do_delete_node(node, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('chains:standard', args=[node.version.standard_id])}?version={node.version_id}")


@login_required
@require_safe
def standards_export(request):
    out = io.BytesIO()
    standards = Standard.objects.all()
    standard_id = params.id_param(request, "standard")
    if standard_id:
        standards = standards.filter(pk=standard_id)
    rows = standards_io.export_workbook(out, standards)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="standards-{clock.today():%Y%m%d}.xlsx"'
    response.export_rows = rows
    return response


@require_POST
@access.gate(access.EDIT_STANDARD)
def standards_import(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择 .xlsx 文件。"))
        return redirect("chains:standards")
    try:
        counts = standards_io.import_workbook(form.cleaned_data["file"], acting_user=request.user)
    except ImportProblems as exc:
        return render(request, "chains/problems.html", {"problems": exc.problems, "back": reverse("chains:standards"),
                                                        "breadcrumbs": [(_("标准"), reverse("chains:standards")), (_("导入失败"), None)]},
                      status=400)
    except Exception as exc:  # an unreadable file: say so rather than a server error
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, _("无法读取该文件：%(error)s") % {"error": exc})
        return redirect("chains:standards")
    messages.success(request, _("导入完成：标准 %(standards)s 个，版本 %(versions)s 个，诊断点 %(points)s 个，未变的已发布版本 %(unchanged)s 个。") % counts)
    return redirect("chains:standards")


@require_POST
@access.gate(access.EDIT_STANDARD)
def standards_install_defaults(request):
    from ..defaults import install_default_standards

    counts = install_default_standards(acting_user=request.user)
    messages.success(request, _("默认标准：新建 %(standards)s 个，已存在 %(unchanged)s 个。") % counts)
    return redirect("chains:standards")
