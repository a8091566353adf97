"""Goals (目标链): who may write and review them, and their progress.

Permission is decided by ``zhengai.org.access`` alone, by named acts: a goal lies where its owner
subject lies.

- A personal goal (a teacher's development plan, a student's growth goals) is written by its owner
  — the person whose subject owns it (``write_own_goal``, ``submit_goal``) — and reviewed by staff
  whose scope holds it, other than the owner (``approve_goal``: the student's counsellor, the head of
  the department, the quality office): approve, or return with a comment. Changing an approved
  personal goal sends it back for review.
- A unit goal (school, department, specialty, course, tasks) is written by staff whose scope holds
  its owner (``edit_goal``).

Progress (0–1) of a goal is the weighted mean of what is known of its parts: each key result, each
child goal, and the latest progress report. An indicator key result's current value is the latest
measurement of monitoring when there is one, else computed live from the indicator library for the
window containing the day; its progress runs from the baseline (0) to the target (1).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level
from zhengai.org import access
from zhengai.org.access import VIEW, grants_for, restrict

from .choices import PERSONAL_KINDS, Direction, GoalKind, GoalStatus, KeyResultKind, ReviewDecision
from .models import ChainEvent, Evidence, Goal, KeyResult, TaskReport

ONE = Decimal(1)
ZERO = Decimal(0)


# ------------------------------------------------------------------------------------ permission

def own_subject_ids(user) -> set[int]:
    """The subjects that are the signed-in person: their student subject, their teacher subject."""
    from zhengai.datacenter.models import Subject

    grants = grants_for(user, VIEW)
    q = Q(pk__in=[])
    if grants.self_student:
        q |= Q(level=Level.STUDENT, student_id__in=grants.self_student)
    if grants.self_staff:
        q |= Q(level=Level.TEACHER, staff_id__in=grants.self_staff)
    return set(Subject.objects.filter(q).values_list("pk", flat=True)) if (grants.self_student or grants.self_staff) else set()


def writing_act(kind: str) -> access.Act:
    """The act of writing a goal of ``kind``: one's own plan, or a unit's goal."""
    return access.WRITE_OWN_GOAL if kind in PERSONAL_KINDS else access.EDIT_GOAL


def can_edit_goal(user, goal: Goal) -> bool:
    return access.may(user, writing_act(goal.kind), goal)


def can_review_goal(user, goal: Goal) -> bool:
    return goal.kind in PERSONAL_KINDS and access.may(user, access.APPROVE_GOAL, goal)


def can_submit_goal(user, goal: Goal) -> bool:
    return access.may(user, access.SUBMIT_GOAL, goal)


def may_see_tasks(user) -> bool:
    """The annual task table belongs to the school and its departments."""
    return access.may(user, access.SEE_TASK_TABLE)


def can_create_goal_for(user, owner, kind: str) -> bool:
    return access.may(user, writing_act(kind), owner)


# ------------------------------------------------------------------------------------ state changes

KIND_LEVELS = {
    GoalKind.SCHOOL: {Level.SCHOOL}, GoalKind.ANNUAL_TASK: {Level.SCHOOL, Level.DEPARTMENT},
    GoalKind.DEPARTMENT_TASK: {Level.SCHOOL, Level.DEPARTMENT}, GoalKind.SPECIALTY: {Level.SPECIALTY},
    GoalKind.COURSE: {Level.COURSE, Level.OFFERING}, GoalKind.TEACHER: {Level.TEACHER},
    GoalKind.STUDENT_THREE_YEAR: {Level.STUDENT}, GoalKind.STUDENT_ANNUAL: {Level.STUDENT},
}


def _check_goal(owner, kind, start, end, parent):
    if owner.level not in KIND_LEVELS[kind]:
        raise ValidationError(_("“%(kind)s”的责任主体应是%(levels)s，而不是%(level)s") % {
            "kind": GoalKind(kind).label, "levels": "、".join(str(Level(lv).label) for lv in sorted(KIND_LEVELS[kind])),
            "level": Level(owner.level).label})
    if end is not None and end < start:
        raise ValidationError(_("完成日期早于开始日期"))
    if parent is not None and parent.end is not None and start > parent.end:
        raise ValidationError(_("目标的开始日期晚于上级目标“%(parent)s”的完成日期") % {"parent": parent.title})


@transaction.atomic
def do_create_goal(*, owner, kind, title, start, end=None, parent=None, description="", key_results=(), acting_user) -> Goal:
    """A new goal; personal goals start as drafts for their owner to submit."""
    if not can_create_goal_for(acting_user, owner, kind):
        raise PermissionDenied(_("您不能为该主体制定目标。"))
    if parent is not None and not restrict(Goal.objects.filter(pk=parent.pk), acting_user, VIEW).exists():
        raise PermissionDenied(_("上级目标不在您的范围内。"))
    _check_goal(owner, kind, start, end, parent)
    goal = Goal.objects.create(
        kind=kind, title=title, description=description, owner=owner, parent=parent, start=start, end=end,
        status=GoalStatus.DRAFT if kind in PERSONAL_KINDS else GoalStatus.APPROVED, created_by=acting_user,
    )
    KeyResult.objects.bulk_create([KeyResult(goal=goal, order=i, **kr) for i, kr in enumerate(key_results, start=1)])
    ChainEvent.objects.create(user=acting_user, action="create_goal", goal=goal, detail={"title": title})
    return goal


TASK_KINDS = (GoalKind.ANNUAL_TASK, GoalKind.DEPARTMENT_TASK)


@transaction.atomic
def do_update_goal(goal: Goal, *, acting_user, key_results=None, **fields) -> Goal:
    """Change a goal's fields (and, if given, replace its key results). An approved personal goal
    goes back to draft: what was approved is no longer what is written.

    A department task whose 牵头部门 or 承担部门 text changes is owned by the first lead department
    named (the school when none is known) and shared with the others, as the import resolves them;
    an annual task's 体系类别 is its department tasks' too."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if not can_edit_goal(acting_user, goal):
        raise PermissionDenied(_("只有目标的责任人可以修改该目标。"))
    before = {name: getattr(goal, name) for name in fields}
    for name, value in fields.items():
        setattr(goal, name, value)
    changed = {name for name in fields if getattr(goal, name) != before[name]}
    if goal.kind == GoalKind.DEPARTMENT_TASK and changed & {"lead_departments", "partner_departments"}:
        _resolve_task_departments(goal)
    if goal.kind == GoalKind.ANNUAL_TASK and "category" in changed:
        goal.children.filter(kind=GoalKind.DEPARTMENT_TASK).update(category=goal.category)
    _check_goal(goal.owner, goal.kind, goal.start, goal.end, goal.parent)
    if goal.kind in PERSONAL_KINDS and goal.status in (GoalStatus.APPROVED, GoalStatus.SUBMITTED) \
            and goal.owner_id in own_subject_ids(acting_user):
        goal.status = GoalStatus.DRAFT
    goal.save()
    if key_results is not None:
        goal.key_results.all().delete()
        KeyResult.objects.bulk_create([KeyResult(goal=goal, order=i, **kr) for i, kr in enumerate(key_results, start=1)])
    ChainEvent.objects.create(user=acting_user, action="update_goal", goal=goal, detail={"fields": sorted(fields)})
    return goal


def _resolve_task_departments(goal: Goal) -> None:
    from zhengai.datacenter.models import Subject

    from .models import GoalPartner
    from .tasks_io import task_departments

    owner_id, partner_ids = task_departments(goal.lead_departments, goal.partner_departments)
    goal.owner = Subject.objects.get(pk=owner_id) if owner_id else Subject.objects.get(level=Level.SCHOOL)
    GoalPartner.objects.filter(goal=goal).delete()
    GoalPartner.objects.bulk_create([GoalPartner(goal=goal, subject_id=s) for s in partner_ids])


@transaction.atomic
def do_delete_goal(goal: Goal, *, acting_user) -> None:
    """Delete a goal or task with the goals below it (a task deleted here leaves the task table's
    export). A personal goal submitted or approved stays unless the quality office deletes it: it
    is what the reviewer accepted."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if not can_edit_goal(acting_user, goal):
        raise PermissionDenied(_("您不能删除该目标。"))
    if goal.kind in PERSONAL_KINDS and goal.status in (GoalStatus.SUBMITTED, GoalStatus.APPROVED) \
            and not access.may(acting_user, access.DELETE_REVIEWED_GOAL):
        raise ValidationError(_("已提交或已通过审核的目标不能删除。"))
    # The event outlives the goal (its goal link would cascade away with it).
    ChainEvent.objects.create(user=acting_user, action="delete_goal", detail={
        "goal": goal.pk, "kind": goal.kind, "title": goal.title, "parent": goal.parent_id,
        "below": Goal.objects.filter(parent=goal).count()})
    goal.delete()


@transaction.atomic
def do_submit_goal(goal: Goal, *, acting_user) -> Goal:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if not can_submit_goal(acting_user, goal):
        raise PermissionDenied(_("只有目标的责任人可以提交审核。"))
    if goal.status not in (GoalStatus.DRAFT, GoalStatus.RETURNED):
        raise ValidationError(_("只有草稿或已退回的目标可以提交。"))
    goal.status = GoalStatus.SUBMITTED
    goal.save(update_fields=["status"])
    ChainEvent.objects.create(user=acting_user, action="submit_goal", goal=goal)
    return goal


@transaction.atomic
def do_review_goal(goal: Goal, decision: str, comment: str = "", *, acting_user) -> Goal:
    """Approve a submitted personal goal, or return it with a comment saying what to change."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if not can_review_goal(acting_user, goal):
        raise PermissionDenied(_("您不能审核该目标。"))
    if goal.status != GoalStatus.SUBMITTED:
        raise ValidationError(_("该目标不在待审核状态。"))
    if decision == ReviewDecision.RETURN and not comment.strip():
        raise ValidationError(_("退回时请写明修改意见。"))
    goal.status = GoalStatus.APPROVED if decision == ReviewDecision.APPROVE else GoalStatus.RETURNED
    goal.reviewed_by, goal.reviewed_at, goal.review_comment = acting_user, clock.now(), comment.strip()
    goal.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    ChainEvent.objects.create(user=acting_user, action=f"review_goal_{decision}", goal=goal, detail={"comment": comment})
    return goal


@transaction.atomic
def do_report_progress(goal: Goal, *, completion, as_of: date, note: str = "", files=(), acting_user) -> TaskReport:
    """A progress report on a goal or task with evidence files (stored under MEDIA_ROOT)."""
    if not can_edit_goal(acting_user, goal):
        raise PermissionDenied(_("您不能填报该任务的进展。"))
    completion = Decimal(completion)
    if not ZERO <= completion <= 100:
        raise ValidationError(_("完成度应在 0 到 100 之间。"))
    report = TaskReport.objects.create(goal=goal, as_of=as_of, completion=completion, note=note, reported_by=acting_user)
    for upload in files:
        Evidence.objects.create(file=upload, goal=goal, report=report, uploaded_by=acting_user)
    ChainEvent.objects.create(user=acting_user, action="report_progress", goal=goal,
                              detail={"completion": str(completion), "as_of": as_of.isoformat(), "files": len(files)})
    return report


@transaction.atomic
def do_complete_milestone(key_result: KeyResult, *, done: bool, on: date, text: str = "", files=(), acting_user) -> KeyResult:
    if key_result.kind != KeyResultKind.MILESTONE:
        raise ValidationError(_("只有里程碑可以标记完成。"))
    if not can_edit_goal(acting_user, key_result.goal):
        raise PermissionDenied(_("您不能修改该目标。"))
    key_result.done, key_result.done_on = done, on if done else None
    key_result.save(update_fields=["done", "done_on"])
    for upload in files:
        Evidence.objects.create(file=upload, goal=key_result.goal, key_result=key_result, uploaded_by=acting_user)
    if text:
        Evidence.objects.create(text=text, goal=key_result.goal, key_result=key_result, uploaded_by=acting_user)
    ChainEvent.objects.create(user=acting_user, action="milestone", goal=key_result.goal, detail={"kr": key_result.pk, "done": done})
    return key_result


# ------------------------------------------------------------------------------------ progress

def _latest_measurements(pairs: set[tuple[int, str]], on_date: date) -> dict[tuple[int, str], Decimal]:
    """Latest stored value per (subject, indicator) (``zhengai.indicators.measurements``). One query."""
    from zhengai.indicators import measurements

    return {pair: Decimal(str(value)) for pair, value in measurements.latest(pairs, on_date).items()}


def _live_values(wanted: dict[str, set[int]], on_date: date) -> dict[tuple[int, str], Decimal]:
    """Values computed now from the indicator library for the subjects wanted (indicator code →
    subject ids), over the window of the indicator's cadence containing ``on_date``.

    Each indicator is evaluated once, whatever the number of goals asking for it, and only for the
    subjects wanted (``registry.evaluate_many``: the aggregate reads their rows, not the whole
    level's). Queries: the custom indicators asked for, one per level for the subjects' master ids,
    and each indicator's.
    """
    from zhengai.core import windows

    try:
        from zhengai.indicators import registry
    except ImportError:
        return {}
    builtins = {i.code: i for i in registry.builtin_indicators()}
    groups: dict[tuple[str, str], list] = {}
    for code in sorted(wanted):
        indicator = builtins.get(code)
        if indicator is None:
            try:
                indicator = registry.get(code)
            except LookupError:
                continue
        groups.setdefault((indicator.level, indicator.cadence), []).append(indicator)
    out = {}
    for (level, cadence), indicators in groups.items():
        subject_ids = set().union(*(wanted[i.code] for i in indicators))
        values = registry.evaluate_many(level, indicators, windows.containing(cadence, on_date), subject_ids=subject_ids)
        for indicator in indicators:
            column = values.get(indicator.code, {})
            for subject in wanted[indicator.code]:
                if column.get(subject) is not None:
                    out[(subject, indicator.code)] = Decimal(str(column[subject]))
    return out


def _monitored_windows(levels: set[str], on_date: date) -> dict[str, list[tuple[date, date]]]:
    """Level → (start, end) of the windows measured completely (a monitoring run succeeded) within
    the look-back of ``_latest_measurements``. One query."""
    from zhengai.indicators import measurements

    return measurements.measured_windows(levels, on_date)


def current_values(key_results: list[KeyResult], goals: dict[int, Goal], on_date: date, *,
                   accruing: set[str] | None = None) -> dict[int, Decimal]:
    """Key result id → current value of its indicator for its goal's owner (``goals``: id → goal,
    with its owner; ``accruing``: ``accruing_codes`` of the key results, when the caller has them).

    Monitoring's stored measurements first. A value is computed live only where monitoring cannot
    have measured it: once monitoring has measured an indicator for some of the subjects wanted, or
    has run the owner's level over a window of an approved goal's period (a run measures every
    approved goal's key results with a target), a missing measurement means the subject had no data
    (the library's "no data, no entry"). Computing a whole level live to learn that is what made
    goal pages take seconds on a large college.
    """
    pairs = {}
    if accruing is None:
        accruing = accruing_codes({kr.indicator_code for kr in key_results if kr.indicator_code})
    accrued = {}
    for kr in key_results:
        if kr.kind == KeyResultKind.INDICATOR and kr.indicator_code:
            if kr.indicator_code in accruing:
                accrued[kr.pk] = kr
            else:
                pairs[kr.pk] = (goals[kr.goal_id].owner_id, kr.indicator_code)
    out = _accrued_values(accrued, goals, on_date) if accrued else {}
    if not pairs:
        return out
    found = _latest_measurements(set(pairs.values()), on_date)
    measured = {code for _subject, code in found}
    unknown = [kr for kr in key_results if kr.pk in pairs and pairs[kr.pk] not in found and kr.indicator_code not in measured]
    runs = _monitored_windows({goals[kr.goal_id].owner.level for kr in unknown}, on_date) if unknown else {}
    missing: dict[str, set[int]] = {}
    for kr in unknown:
        goal = goals[kr.goal_id]
        judged = kr.target is not None and goal.status == GoalStatus.APPROVED and any(
            start <= (goal.end or end) and goal.start <= end for start, end in runs.get(goal.owner.level, ()))
        if not judged:
            missing.setdefault(kr.indicator_code, set()).add(goal.owner_id)
    if missing:
        found.update(_live_values(missing, on_date))
    out.update({kr_id: found[pair] for kr_id, pair in pairs.items() if pair in found})
    return out


def accruing_codes(codes) -> set[str]:
    """The indicator codes among ``codes`` whose value accrues over a period (hours, days, outputs):
    a key result on one is measured over its goal's period so far, as monitoring judges it."""
    try:
        from zhengai.indicators import registry
    except ImportError:
        return set()
    out = set()
    for code in codes:
        try:
            if registry.get(code).accumulates:
                out.add(code)
        except LookupError:
            continue
    return out


def _accrued_values(key_results: dict[int, KeyResult], goals: dict[int, Goal], on_date: date) -> dict[int, Decimal]:
    """Key result id → its indicator's total over its goal's period so far, for the goal's owner:
    one computation per distinct (period, level), for the owners only (``registry.compute``)."""
    from zhengai.core import windows
    from zhengai.indicators import registry

    groups: dict[tuple, list[KeyResult]] = {}
    for kr in key_results.values():
        goal = goals[kr.goal_id]
        end = min(on_date, goal.end) if goal.end else on_date
        if goal.start > end:
            continue
        groups.setdefault((goal.start, end, goal.owner.level), []).append(kr)
    out = {}
    for (start, end, level), krs in groups.items():
        window = windows.days(start, end)
        codes = sorted({kr.indicator_code for kr in krs})
        values = registry.compute(level, window, codes, subject_ids={goals[kr.goal_id].owner_id for kr in krs})
        for kr in krs:
            value = values.get(kr.indicator_code, {}).get(goals[kr.goal_id].owner_id)
            if value is not None:
                out[kr.pk] = Decimal(str(value))
    return out


def key_result_progress(kr: KeyResult, current: Decimal | None, *, accrues: bool = False) -> Decimal | None:
    """0–1: where ``current`` stands between the baseline and the target — from zero for a quantity
    that accrues over the goal's period (``accrues``), whose baseline is the previous period's total."""
    if kr.kind == KeyResultKind.MILESTONE:
        return ONE if kr.done else ZERO
    if current is None or kr.target is None:
        return None
    higher = kr.direction != Direction.LOWER
    target, baseline = Decimal(kr.target), (None if accrues else kr.baseline)
    if (current >= target) if higher else (current <= target):
        return ONE
    if baseline is not None and baseline != target:
        share = (current - baseline) / (target - baseline)
    elif higher:
        share = current / target if target > 0 else ZERO
    else:
        share = target / current if current > 0 else ONE
    return max(ZERO, min(ONE, share))


@dataclass
class GoalNode:
    """A goal with what the tree shows at a glance."""

    goal: Goal
    progress: Decimal | None = None
    key_results: list = field(default_factory=list)  # (key result, current value, progress)
    latest_report: TaskReport | None = None
    children: list["GoalNode"] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else int((self.progress * 100).quantize(ONE, ROUND_HALF_UP))


def goal_tree(goals, on_date: date) -> list[GoalNode]:
    """The goals given (a queryset) and all their descendants, with progress as of ``on_date``.
    Queries: one per depth of the tree, plus key results, reports and current values — never one
    per goal."""
    level = list(goals.select_related("owner"))
    nodes: dict[int, GoalNode] = {g.pk: GoalNode(g) for g in level}
    frontier = [g.pk for g in level]
    while frontier:
        below = [g for g in Goal.objects.filter(parent_id__in=frontier).select_related("owner") if g.pk not in nodes]
        for g in below:
            nodes[g.pk] = GoalNode(g)
        frontier = [g.pk for g in below]
    ids = list(nodes)
    krs = list(KeyResult.objects.filter(goal_id__in=ids).order_by("goal_id", "order", "pk"))
    reports = {}
    for report in TaskReport.objects.filter(goal_id__in=ids, as_of__lte=on_date).order_by("goal_id", "as_of", "pk"):
        reports[report.goal_id] = report
    accruing = accruing_codes({kr.indicator_code for kr in krs if kr.indicator_code})
    values = current_values(krs, {pk: n.goal for pk, n in nodes.items()}, on_date, accruing=accruing)
    for kr in krs:
        current = values.get(kr.pk)
        nodes[kr.goal_id].key_results.append((kr, current, key_result_progress(kr, current, accrues=kr.indicator_code in accruing)))
    for pk, node in nodes.items():
        node.latest_report = reports.get(pk)
        parent = node.goal.parent_id
        if parent in nodes and parent != pk:
            nodes[parent].children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.goal.order, n.goal.pk))

    def compute(node: GoalNode, seen=frozenset()) -> Decimal | None:
        parts = []
        for kr, _current, progress in node.key_results:
            if progress is not None:
                parts.append((Decimal(kr.weight), progress))
        for child in node.children:
            if child.goal.pk not in seen:
                p = compute(child, seen | {node.goal.pk})
                if p is not None:
                    parts.append((Decimal(child.goal.weight), p))
        if node.latest_report is not None:
            parts.append((ONE, min(ONE, node.latest_report.completion / 100)))
        total = sum(w for w, _p in parts)
        node.progress = (sum(w * p for w, p in parts) / total).quantize(Decimal("0.0001")) if total else None
        return node.progress

    roots = [nodes[g.pk] for g in level if g.parent_id not in nodes]
    for root in roots:
        compute(root)
    return roots


def progress_of(goal: Goal, on_date: date) -> Decimal | None:
    [node] = goal_tree(Goal.objects.filter(pk=goal.pk), on_date)
    return node.progress


def task_rows(window_text: str | None = None):
    """Rows for ``zhengai tasks list``: each task with its latest reported completion."""
    from zhengai.core import windows

    tasks = Goal.objects.filter(kind__in=(GoalKind.ANNUAL_TASK, GoalKind.DEPARTMENT_TASK)).select_related("owner")
    if window_text:
        window = windows.parse(window_text)
        tasks = tasks.filter(start__lte=window.end).filter(Q(end__isnull=True) | Q(end__gte=window.start) | Q(recurring=True))
    latest = {}
    for goal_id, completion in TaskReport.objects.filter(goal__in=tasks).order_by("goal_id", "as_of", "pk").values_list("goal_id", "completion"):
        latest[goal_id] = completion
    rows = [(t.pk, t.get_kind_display(), t.category, t.title, t.owner.name, t.lead_departments, t.start, t.end,
             "是" if t.recurring else "", latest.get(t.pk)) for t in tasks.order_by("parent_id", "order", "pk")]
    return rows, ["id", "kind", "category", "title", "owner", "lead", "start", "end", "yearly", "completion"]
