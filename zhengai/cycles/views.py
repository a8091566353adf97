"""Pages of the big loop: my cycles, a cycle (what each phase needs, its moves and history), the
calendar per level for the quality office, opening cycles in bulk, and the periods' settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.core import clock, windows
from zhengai.core.output import render as render_rows
from zhengai.datacenter.choices import Level
from zhengai.org import access

from . import actions, gates, improvement, periods, queries, ratings
from .choices import PHASES, CycleStatus, Phase, PeriodKind
from .models import Cycle, CyclePolicy, ImprovementAction
from .tables import ActionTable

LEVELS = [lv for lv in Level.values]


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@access.gate(access.SIGNED_IN)
@require_safe
def my_cycles(request):
    """The cycles the user moves (as owner or for the college), late first; and their own."""
    to_move = queries.cycles_to_move(request.user)
    own_ids = list(Cycle.objects.filter(access.own_subjects_q(Cycle, request.user)).values_list("subject_id", flat=True)) \
        if not access.grants_for(request.user).is_empty() else []
    own = list(queries.current_cycles(own_ids).values())
    return render(request, "cycles/my_cycles.html", {
        "to_move": to_move, "own": own, "phases": list(Phase), "breadcrumbs": [(_("诊改周期"), None)],
    })


# The improvement actions' list's query parameters, read by core.tests.test_junk_params.
FILTERS = ActionTable.param_names()


@access.gate(access.SIGNED_IN)
@require_safe
def action_list(request):
    """改进措施: the improvement actions of the viewer's scope across cycles, due first."""
    table = ActionTable(request, ActionTable.queryset(request.user))
    if table.exporting:
        return table.export()
    return render(request, "cycles/action_list.html", {"table": table, "breadcrumbs": [(_("改进措施"), None)]})


def _level_period(request):
    """The calendar's level and period from the query string; junk falls back to defaults."""
    level = request.GET.get("level", Level.OFFERING)
    if level not in LEVELS:
        level = Level.OFFERING
    text = (request.GET.get("period") or "").strip()[:48]
    window = None
    if text:
        try:
            window = windows.parse(text)
        except windows.WindowError:
            window = None
    if window is None:
        window = default_window(level)
    return level, window


def default_window(level: str) -> windows.Window:
    """The period the calendar opens on: the level's period holding today (its current term, year …)."""
    today = clock.today()
    pol = periods.policy(level)
    try:
        if pol.period_kind in (PeriodKind.TERM, PeriodKind.YEAR, PeriodKind.ACADEMIC_YEAR):
            return windows.containing(pol.period_kind, today)
        return windows.containing("academic_year", today)
    except windows.WindowError:
        return windows.year(today.year)


@access.gate(access.SEE_OTHERS)
@require_safe
def calendar(request):
    """Where every subject of a level stands in its cycle, and who is late (the quality office's view;
    others see their scope)."""
    level, window = _level_period(request)
    late_only = request.GET.get("late") == "1"
    phase = request.GET.get("phase", "")
    phase = phase if phase in PHASES else ""
    infos = queries._infos(queries.overlapping(level, window, request.user).filter(
        **({"phase": phase, "status": CycleStatus.OPEN} if phase else {})).order_by("subject__key", "start")
        .values(*queries._FIELDS), clock.today())
    late_total = sum(1 for i in infos if i.late_days)
    if late_only:
        infos = [i for i in infos if i.late_days]
    if request.GET.get("format") == "csv":
        names = queries.owner_names({level}, [i.subject_id for i in infos])
        for i in infos:
            i.owners = names.get(i.subject_id, "")
        response = HttpResponse(render_rows(queries.as_rows(infos), queries.COLUMNS, "csv"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cycles-{level}-{window.code}.csv"'
        response.export_rows = len(infos)
        return response
    page = Paginator(infos, 100).get_page(request.GET.get("page"))
    names = queries.owner_names({level}, [i.subject_id for i in page.object_list])
    for i in page.object_list:
        i.owners = names.get(i.subject_id, "")
    counts = queries.phase_counts(level, window, request.user)
    return render(request, "cycles/calendar.html", {
        "level": level, "levels": Level.choices, "window": window, "page": page, "late_only": late_only,
        "late_total": late_total, "phase": phase, "phases": list(Phase), "counts": counts,
        "total": sum(counts.values()), "may_open": access.may(request.user, access.MANAGE_CYCLES),
        "period_example": periods.example(periods.policy(level), clock.today()),
        "breadcrumbs": [(_("周期日历"), None)],
    })


@access.gate(access.MANAGE_CYCLES)
@require_POST
def open_cycles(request):
    level = request.POST.get("level", "")
    period = (request.POST.get("period") or "").strip()[:48]
    if level not in LEVELS:
        return HttpResponseBadRequest(_("未知的层面。"))
    try:
        result = actions.do_open_cycles(level, period, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return HttpResponseRedirect(reverse("cycles:calendar") + f"?level={level}")
    messages.success(request, _("已开启 %(created)s 个诊改周期（已有 %(existing)s 个，关联上级周期 %(linked)s 个）。") % {
        "created": result.created, "existing": result.existing, "linked": result.linked})
    return HttpResponseRedirect(reverse("cycles:calendar") + f"?level={level}&period={result.period}")


@access.gate(access.SIGNED_IN)
@require_safe
def cycle_detail(request, pk):
    cycle = access.access_object(Cycle.objects.select_related("subject", "parent__subject"), request.user, pk=pk)
    owners = queries.owner_names({cycle.level}, [cycle.subject_id]).get(cycle.subject_id, "")
    info = queries._infos(Cycle.objects.filter(pk=cycle.pk).values(*queries._FIELDS), clock.today())[0]
    pol = periods.policy(cycle.level)
    due = [(day, (PHASES[i] if i < len(PHASES) else "closed")) for day, i in periods.due_dates(cycle.start, cycle.end, pol.diagnosis_days)]
    children = access.restrict(cycle.children.select_related("subject").order_by("subject__key"), request.user)
    prev = improvement.previous(cycle)
    prev_actions = list(prev.actions.select_related("owner").order_by("due", "pk")) if prev else []
    own_actions = list(cycle.actions.select_related("owner").order_by("due", "pk"))
    today = clock.today()
    open_ids = [a.pk for a in prev_actions + own_actions if a.status == "open"]
    recordable = set(access.restrict(ImprovementAction.objects.filter(pk__in=open_ids), request.user, access.SUBMIT_REPORT)
                     .values_list("pk", flat=True)) if open_ids else set()
    for a in prev_actions + own_actions:
        a.overdue = a.status == "open" and a.due < today
        a.may_record = a.pk in recordable
    may_accept = not cycle.is_closed and improvement.may_accept(request.user, cycle)
    return render(request, "cycles/cycle.html", {
        "prev": prev, "prev_actions": prev_actions, "own_actions": own_actions,
        "rated_level": cycle.level in ratings.RATED_LEVELS, "end_rating_label": ratings.LABELS.get(cycle.end_rating, ""),
        "proposals": improvement.proposals(cycle, prev) if prev else [], "may_accept": may_accept,
        "action_statuses": [("done", _("已完成")), ("dropped", _("已终止"))],
        "cycle": cycle, "info": info, "owners": owners, "needs": gates.needs(cycle, owners),
        "may_move": access.may(request.user, access.ADVANCE_CYCLE_PHASE, cycle), "due": due,
        "window": windows.parse(cycle.period) if windows.kind_of(cycle.period) else None,
        "children": children[:50], "children_total": children.count(),
        "events": cycle.events.select_related("actor")[:50], "phases": list(Phase),
        "breadcrumbs": [(_("诊改周期"), reverse("cycles:mine")), (str(cycle), None)],
    })


def _move(request, pk, do):
    try:
        do(pk, acting_user=request.user, note=request.POST.get("note", "")[:2000])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("阶段已更新。"))
    return HttpResponseRedirect(reverse("cycles:cycle", args=[pk]))


@access.gate(access.ADVANCE_CYCLE_PHASE, on=Cycle)
@require_POST
def advance(request, pk):
    return _move(request, pk, actions.do_advance_phase)


@access.gate(access.ADVANCE_CYCLE_PHASE, on=Cycle)
@require_POST
def move_back(request, pk):
    return _move(request, pk, actions.do_move_back_phase)


@access.gate(access.MANAGE_CYCLES)
def policy_page(request):
    """The quality office sets how long each level's cycle runs."""
    current = periods.policies()
    if request.method == "POST":
        errors = []
        for level in LEVELS:
            kind = request.POST.get(f"kind-{level}", current[level].period_kind)
            years, days = request.POST.get(f"years-{level}", ""), request.POST.get(f"days-{level}", "")
            if not years.isdigit() or not days.isdigit():
                errors.append(_("“%(level)s”的学年数与自诊期限应为整数。") % {"level": Level(level).label})
                continue
            if (kind, int(years), int(days)) == (current[level].period_kind, current[level].years, current[level].diagnosis_days):
                continue
            try:
                actions.do_set_policy(level, period_kind=kind, years=int(years), diagnosis_days=int(days),
                                      acting_user=request.user)
            except ValidationError as exc:
                errors.append(f"{Level(level).label}：{_errors(exc)}")
        for e in errors:
            messages.error(request, e)
        if not errors:
            messages.success(request, _("周期设置已保存。"))
        return HttpResponseRedirect(reverse("cycles:policies"))
    rows = [(Level(level).label, current[level], CyclePolicy.objects.filter(level=level).exists()) for level in LEVELS]
    return render(request, "cycles/policies.html", {
        "rows": rows, "kinds": PeriodKind.choices, "breadcrumbs": [(_("周期设置"), None)],
    })


# ------------------------------------------------------------------------ improvement and next cycle

@access.gate(access.SUBMIT_REPORT, on=ImprovementAction)
@require_POST
def action_outcome(request, pk):
    action = access.access_object(ImprovementAction, request.user, pk=pk)
    try:
        improvement.do_record_outcome(action, status=request.POST.get("status", ""), outcome=request.POST.get("outcome", "")[:5000],
                                      evidence=request.POST.get("evidence", "")[:5000], acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("改进措施的结果已登记。"))
    back = request.POST.get("back", "")
    target = int(back) if back.isdigit() else action.cycle_id
    return HttpResponseRedirect(reverse("cycles:cycle", args=[target]) + "#actions")


@access.gate(access.SIGNED_IN, on=Cycle, check=lambda user, obj: improvement.may_accept(user, obj))
@require_POST
def accept_goals(request, pk):
    cycle = access.access_object(Cycle.objects.select_related("subject"), request.user, pk=pk)
    if not improvement.may_accept(request.user, cycle):
        raise PermissionDenied
    try:
        goals = improvement.do_accept_goals(cycle, request.POST.getlist("key")[:200], acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已采纳 %(n)s 条建议目标，可在“目标”页继续完善关键结果。") % {"n": len(goals)})
    return HttpResponseRedirect(reverse("cycles:cycle", args=[pk]) + "#proposals")


# ------------------------------------------------------------------------------------- assessment

def may_see_assessment(user, _obj=None) -> bool:
    """The quality office enters the marks; the school's leaders read the results."""
    return access.may(user, access.MANAGE_CYCLES) or access.may(user, access.APPROVE_SCHOOL_REPORT)


@access.gate(access.SIGNED_IN, check=may_see_assessment)
@require_safe
def assessment_page(request):
    """The year's 任务考核表 (progress, marks, scores) and 考核结果 (ranking per department); the
    quality office enters the reviewers' marks here; ?format=xlsx downloads the workbook."""
    import io

    from . import assessment

    text = request.GET.get("year", "") or str(clock.today().year)
    try:
        year = assessment.check_year(text[:8])
    except ValidationError as exc:
        return HttpResponseBadRequest(_errors(exc))
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        assessment.write_workbook(year, buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="assessment-{year}.xlsx"'
        return response
    if request.GET.get("format") not in (None, ""):
        return HttpResponseBadRequest(_("格式应为 xlsx。"))
    rows = assessment.task_scores(year)
    return render(request, "cycles/assessment.html", {
        "year": year, "rows": rows, "results": assessment.department_results(rows),
        "may_mark": access.may(request.user, access.MANAGE_CYCLES), "columns": assessment.TASK_COLUMNS,
        "breadcrumbs": [(_("年度考核"), None)],
    })


@access.gate(access.MANAGE_CYCLES)
@require_POST
def assessment_mark(request):
    from . import assessment

    year, task = request.POST.get("year", ""), request.POST.get("task", "")
    if not task.isdigit():
        return HttpResponseBadRequest(_("缺少任务。"))
    try:
        assessment.do_mark_task(int(task), year[:8], request.POST.get("mark", "")[:20], request.POST.get("comment", ""),
                                acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("评审得分已保存。"))
    safe_year = year if year.isdigit() and len(year) == 4 else ""
    return HttpResponseRedirect(reverse("cycles:assessment") + (f"?year={safe_year}" if safe_year else "") + f"#task-{task}")


# --------------------------------------------------------------------------- bulk work in the background

@access.gate(access.MANAGE_CYCLES)
@require_POST
def start_job(request):
    from . import jobs

    level = request.POST.get("level", "")
    try:
        job = jobs.do_start_job(request.POST.get("kind", ""), level, (request.POST.get("period") or "")[:48],
                                request.POST.get("format", "docx"), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return HttpResponseRedirect(reverse("cycles:calendar") + (f"?level={level}" if level in LEVELS else ""))
    return HttpResponseRedirect(reverse("cycles:job", args=[job.pk]))


@access.gate(access.MANAGE_CYCLES)
@require_safe
def jobs_page(request):
    from .models import BulkJob

    return render(request, "cycles/jobs.html", {
        "jobs": BulkJob.objects.select_related("created_by")[:50], "breadcrumbs": [(_("后台批量任务"), None)],
    })


@access.gate(access.MANAGE_CYCLES)
@require_safe
def job_page(request, pk):
    """A job's progress bar and time left; an HTMX request gets the bar alone (polled while it runs)."""
    from django.shortcuts import get_object_or_404

    from .models import BulkJob

    job = get_object_or_404(BulkJob.objects.select_related("created_by"), pk=pk)
    if request.headers.get("HX-Request") == "true":
        return render(request, "cycles/_job_progress.html", {"job": job})
    return render(request, "cycles/job.html", {
        "job": job, "breadcrumbs": [(_("后台批量任务"), reverse("cycles:jobs")), (str(job), None)],
    })


@access.gate(access.MANAGE_CYCLES)
@require_safe
def job_download(request, pk):
    from django.http import FileResponse, Http404
    from django.shortcuts import get_object_or_404

    from .models import BulkJob

    job = get_object_or_404(BulkJob, pk=pk)
    if not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result.name.rsplit("/", 1)[-1],
                        content_type="application/zip")
