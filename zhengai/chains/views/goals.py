"""Goal pages: the tree at a glance (restricted to the user's scope), one goal with its key
results, children, reports and evidence, writing, submitting and reviewing, progress reports with
evidence files, and the annual task table's import and export."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.core import clock, params
from zhengai.org import access
from zhengai.org.access import VIEW, access_object, restrict

from .. import goal_values
from .. import goals as domain
from .. import tasks_export, tasks_io
from ..choices import GoalKind, GoalStatus, KeyResultKind
from ..forms import KeyResultForm, NewGoalForm, ReportForm, ReviewForm, UploadForm, form_for
from ..models import Evidence, Goal, KeyResult, TaskTable
from ..xlsxutil import ImportProblems
from .standards import XLSX


@login_required
@require_safe
def goal_tree(request):
    kind = request.GET.get("kind") or ""
    visible = restrict(Goal.objects.all(), request.user, VIEW)
    if kind in GoalKind.values:
        visible = visible.filter(kind=kind)
    # Roots: visible goals whose parent the user cannot see (or that have none).
    parents = dict(visible.values_list("pk", "parent_id"))
    visible_ids = set(parents)
    roots = [pk for pk, parent in parents.items() if parent not in visible_ids]
    trees = goal_values.goal_tree(Goal.objects.filter(pk__in=roots[:200]).order_by("kind", "order", "pk"), clock.today())
    own = domain.own_subject_ids(request.user)
    return render(request, "chains/goal_tree.html", {
        "trees": trees, "kinds": GoalKind.choices, "kind": kind, "today": clock.today(), "truncated": len(roots) > 200,
        "may_create": bool(own) or access.may(request.user, access.EDIT_GOAL) or access.may(request.user, access.WRITE_OWN_GOAL),
        "breadcrumbs": [(_("目标"), None)],
    })


@login_required
@require_safe
def goal_detail(request, pk):
    goal = access_object(Goal.objects.select_related("owner", "parent", "reviewed_by"), request.user, VIEW, pk=pk)
    [node] = goal_values.goal_tree(Goal.objects.filter(pk=goal.pk), clock.today())
    reports = list(goal.reports.order_by("-as_of", "-pk").prefetch_related("evidence")[:20])
    return render(request, "chains/goal_detail.html", {
        "goal": goal, "node": node, "reports": reports, "evidence": goal.evidence.filter(report__isnull=True),
        "may_edit": domain.can_edit_goal(request.user, goal),
        "may_review": domain.can_review_goal(request.user, goal) and goal.status == GoalStatus.SUBMITTED,
        "may_submit": domain.can_submit_goal(request.user, goal) and goal.status in (GoalStatus.DRAFT, GoalStatus.RETURNED),
        "review_form": ReviewForm(), "report_form": ReportForm(initial={"as_of": clock.today()}), "kr_form": KeyResultForm(),
        "breadcrumbs": [(_("目标"), reverse("chains:goals")), (goal.title[:40], None)],
    })


def _may_write_goals(user, _obj=None) -> bool:
    return access.may(user, access.EDIT_GOAL) or access.may(user, access.WRITE_OWN_GOAL)


def _goal_of_key_result(kwargs, data):
    return Goal.objects.filter(key_results__pk=kwargs.get("pk"), key_results__kind=KeyResultKind.MILESTONE).first()


@access.gate(access.SIGNED_IN, check=_may_write_goals)
def goal_new(request):
    parent = None
    parent_id = params.id_param(request, "parent")
    if parent_id:
        parent = access_object(Goal, request.user, VIEW, pk=parent_id)
    own = domain.own_subject_ids(request.user)
    initial = {}
    if own:
        from zhengai.datacenter.models import Subject

        mine = Subject.objects.filter(pk__in=own).first()
        initial = {"owner_level": mine.level, "owner_key": mine.key,
                   "kind": GoalKind.STUDENT_ANNUAL if mine.level == "student" else GoalKind.TEACHER}
    form = NewGoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = domain.do_create_goal(owner=data["owner"], kind=data["kind"], title=data["title"], start=data["start"],
                                         end=data["end"], parent=parent, description=data["description"], acting_user=request.user)
            return redirect("chains:goal", pk=goal.pk)
        except (PermissionDenied, ValidationError) as exc:  # an owner outside one's scope: said on the form
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(request, "chains/form.html", {"form": form, "title": _("新建目标"), "breadcrumbs": [
        (_("目标"), reverse("chains:goals")), (_("新建目标"), None)]})


@access.gate(access.SIGNED_IN, on=Goal, check=domain.can_edit_goal)
def goal_edit(request, pk):
    goal = access_object(Goal, request.user, VIEW, pk=pk)
    if not domain.can_edit_goal(request.user, goal):
        raise PermissionDenied
    form = form_for(goal)(request.POST or None, instance=Goal.objects.get(pk=goal.pk))
    if request.method == "POST" and form.is_valid():
        try:
            domain.do_update_goal(goal, acting_user=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields})
            return redirect("chains:goal", pk=goal.pk)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
    return render(request, "chains/form.html", {"form": form, "title": _("修改目标"), "breadcrumbs": [
        (_("目标"), reverse("chains:goals")), (goal.title[:40], reverse("chains:goal", args=[goal.pk])), (_("修改"), None)]})


@require_POST
@access.gate(access.SIGNED_IN, on=Goal, check=domain.can_edit_goal)
def goal_delete(request, pk):
    goal = access_object(Goal, request.user, VIEW, pk=pk)
    if not domain.can_edit_goal(request.user, goal):
        raise PermissionDenied
    try:
        domain.do_delete_goal(goal, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("chains:goal", pk=goal.pk)
    messages.success(request, _("已删除“%(title)s”。") % {"title": goal.title})
    return redirect("chains:goal", pk=goal.parent_id) if goal.parent_id else redirect("chains:goals")


@require_POST
@access.gate(access.SIGNED_IN, on=Goal, check=domain.can_edit_goal)
def key_result_add(request, pk):
    goal = access_object(Goal, request.user, VIEW, pk=pk)
    if not domain.can_edit_goal(request.user, goal):
        raise PermissionDenied
    form = KeyResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}" for f, e in form.errors.items()))
        return redirect("chains:goal", pk=goal.pk)
    existing = [{f: getattr(kr, f) for f in form.Meta.fields} for kr in goal.key_results.order_by("order", "pk")]
    domain.do_update_goal(goal, acting_user=request.user, key_results=existing + [form.cleaned_data])
    return redirect("chains:goal", pk=goal.pk)


@require_POST
@access.gate(access.SIGNED_IN, on=_goal_of_key_result, check=lambda user, goal: goal is not None and domain.can_edit_goal(user, goal))
def milestone_done(request, pk):
    kr = KeyResult.objects.select_related("goal").filter(pk=pk, kind=KeyResultKind.MILESTONE).first()
    if kr is None:
        raise Http404
    access_object(Goal, request.user, VIEW, pk=kr.goal_id)
    if not domain.can_edit_goal(request.user, kr.goal):
        raise PermissionDenied
    domain.do_complete_milestone(kr, done=request.POST.get("done") == "1", on=clock.today(), text=request.POST.get("text", ""),
                                 files=request.FILES.getlist("files"), acting_user=request.user)
    return redirect("chains:goal", pk=kr.goal_id)


@require_POST
@access.gate(access.SUBMIT_GOAL, on=Goal)
def goal_submit(request, pk):
    goal = access_object(Goal, request.user, VIEW, pk=pk)
    access.require(request.user, access.SUBMIT_GOAL, goal)
    try:
        domain.do_submit_goal(goal, acting_user=request.user)
        messages.success(request, _("已提交审核。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("chains:goal", pk=goal.pk)


@require_POST
@access.gate(access.APPROVE_GOAL, on=Goal, check=domain.can_review_goal)
def goal_review(request, pk):
    goal = access_object(Goal, request.user, VIEW, pk=pk)
    if not domain.can_review_goal(request.user, goal):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            domain.do_review_goal(goal, form.cleaned_data["decision"], form.cleaned_data["comment"], acting_user=request.user)
            messages.success(request, _("审核完成。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("chains:goal", pk=goal.pk)


@require_POST
@access.gate(access.SIGNED_IN, on=Goal, check=domain.can_edit_goal)
def goal_report(request, pk):
    goal = access_object(Goal, request.user, VIEW, pk=pk)
    if not domain.can_edit_goal(request.user, goal):
        raise PermissionDenied
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            domain.do_report_progress(goal, completion=form.cleaned_data["completion"], as_of=form.cleaned_data["as_of"],
                                      note=form.cleaned_data["note"], files=request.FILES.getlist("files"), acting_user=request.user)
            messages.success(request, _("进展已填报。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("请检查截至日期与完成度（0–100）。"))
    return redirect("chains:goal", pk=goal.pk)


@login_required
@require_safe
def evidence_file(request, pk):
    evidence = access_object(Evidence, request.user, VIEW, pk=pk)
    if not evidence.file:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=str(evidence))


@login_required
@require_safe
def task_tables(request):
    if not domain.may_see_tasks(request.user):
        raise PermissionDenied
    tables = list(TaskTable.objects.order_by("-imported_at", "-pk")[:20])
    window = params.window_param(request, "window")
    rows, _columns = goal_values.task_rows(window.code if window else None)
    visible = set(restrict(Goal.objects.filter(pk__in=[r[0] for r in rows]), request.user, VIEW).values_list("pk", flat=True))
    return render(request, "chains/tasks.html", {
        "tables": tables, "rows": [r for r in rows if r[0] in visible], "may_import": access.may(request.user, access.IMPORT_TASKS),
        "upload": UploadForm(), "window": request.GET.get("window", ""), "breadcrumbs": [(_("任务表"), None)],
    })


@require_POST
@access.gate(access.IMPORT_TASKS)
def task_import(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择 .xlsx 文件。"))
        return redirect("chains:tasks")
    try:
        table, notices = tasks_io.import_table(form.cleaned_data["file"], acting_user=request.user,
                                               source_name=form.cleaned_data["file"].name)
    except ImportProblems as exc:
        return render(request, "chains/problems.html", {"problems": exc.problems, "back": reverse("chains:tasks"),
                                                        "breadcrumbs": [(_("任务表"), reverse("chains:tasks")), (_("导入失败"), None)]},
                      status=400)
    messages.success(request, _("已导入任务表：%(rows)s 行。") % {"rows": table.rows.count()})
    for notice in notices:
        messages.info(request, notice)
    return redirect("chains:tasks")


@login_required
@require_safe
def task_export(request, pk=None):
    """The task table as it stands: an imported one (``pk``) in its file's layout, or without
    ``pk`` the latest imported one, else the tasks made on the pages."""
    table = None
    if pk is not None:
        table = TaskTable.objects.filter(pk=pk).first()
        if table is None:
            raise Http404
    if not domain.may_see_tasks(request.user):
        raise PermissionDenied
    out = io.BytesIO()
    try:
        rows = tasks_export.export_table(out, table)
    except ImportProblems as exc:
        messages.error(request, exc.problems[0])
        return redirect("chains:tasks")
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="tasks-{table.pk if table else "current"}.xlsx"'
    response.export_rows = rows
    return response
