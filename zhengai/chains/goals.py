"""Goals (目标链): who may write and review them, and the actions that change them. Their values and
progress are ``goal_values``.

Permission is decided by ``zhengai.org.access`` alone, by named acts: a goal lies where its owner
subject lies.

- A personal goal (a teacher's development plan, a student's growth goals) is written by its owner
  — the person whose subject owns it (``write_own_goal``, ``submit_goal``) — and reviewed by staff
  whose scope holds it, other than the owner (``approve_goal``: the student's counsellor, the head of
  the department, the quality office): approve, or return with a comment. Changing an approved
  personal goal sends it back for review.
- A unit goal (school, department, specialty, course, tasks) is written by staff whose scope holds
  its owner (``edit_goal``).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level
from zhengai.org import access
from zhengai.org.access import VIEW, grants_for, restrict

from .choices import PERSONAL_KINDS, GoalKind, GoalStatus, KeyResultKind, ReviewDecision
from .models import ChainEvent, Evidence, Goal, KeyResult, TaskReport

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
