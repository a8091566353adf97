"""Improvement and the next cycle (改进 · 下一周期).

- ``warn_overdue_actions()`` — the scheduled job (``zhengai.cycles.warn_overdue_actions``): an
  improvement action past its due date without an outcome warns like any warning. It opens a
  monitoring ``Warning`` (source 改进措施逾期) on the cycle's subject with an *opened* event, which
  the notifier turns into its owners' digest; one active warning per subject carries all its
  overdue actions. Set-based and idempotent (an action is linked to its warning once).
- ``do_record_outcome(action, …)`` — the owner records what became of an action (done, or dropped
  with a reason); once every overdue action of a warning has one, the warning is resolved.
- ``proposals(cycle)`` / ``do_accept_goals(cycle, keys, …)`` — the previous cycle's open actions
  and diagnosed gaps (points 不合格 or 预警) proposed as the new cycle's goals; the owner accepts the
  ones they want and each becomes a goal of the subject over the cycle's period.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level
from zhengai.org import access

from .choices import ActionStatus, EventKind, RatingStatus, ReportStatus
from .models import Cycle, CycleEvent, ImprovementAction


def _reason(rows) -> str:
    return _("改进措施逾期：%(list)s") % {"list": "；".join(
        _("%(text)s（完成期限 %(due)s）") % {"text": r["text"][:60], "due": r["due"].isoformat()} for r in rows)}


def warn_overdue_actions() -> int:
    """Open (or extend) a warning for every subject with improvement actions past due and without an
    outcome; returns how many actions were newly warned about. A fixed number of queries."""
    from zhengai.core.windows import containing
    from zhengai.monitoring.choices import ACTIVE_STATUSES, EventKind as WEvent, Grade, WarningSource, WarningStatus
    from zhengai.monitoring.models import Warning, WarningEvent
    from zhengai.monitoring.policies import policies

    today = clock.today()
    rows = list(ImprovementAction.objects.filter(status=ActionStatus.OPEN, due__lt=today, overdue_warning__isnull=True)
                .order_by("due", "pk").values("pk", "text", "due", "cycle__subject_id", "cycle__level"))
    if not rows:
        return 0
    by_subject = defaultdict(list)
    for r in rows:
        by_subject[r["cycle__subject_id"]].append(r)
    with transaction.atomic():
        active = {w.subject_id: w for w in Warning.objects.select_for_update().filter(
            subject_id__in=sorted(by_subject), source=WarningSource.ACTION, indicator_code="", status__in=ACTIVE_STATUSES)}
        cadence = {p.level: p.cadence for p in policies()}
        new, extended = [], []
        for sid, items in by_subject.items():
            if sid in active:
                w = active[sid]
                w.reason = (w.reason + "；" + _reason(items).split("：", 1)[1])[:5000]
                extended.append(w)
                continue
            level = items[0]["cycle__level"]
            window = containing(cadence.get(level, "month"), today)
            new.append(Warning(subject_id=sid, level=level, indicator_code="", source=WarningSource.ACTION,
                               grade=Grade.YELLOW, opened_window=window.code, opened_window_end=window.end,
                               last_window=window.code, last_window_end=window.end, reason=_reason(items)[:5000],
                               drilldown=[{"action": r["pk"], "text": r["text"][:200], "due": r["due"].isoformat()}
                                          for r in items]))
        Warning.objects.bulk_create(new)
        if extended:
            Warning.objects.bulk_update(extended, ["reason"])
        WarningEvent.objects.bulk_create([
            WarningEvent(warning=w, kind=WEvent.OPENED, to_status=WarningStatus.OPEN, to_grade=w.grade,
                         window_code=w.opened_window, note=w.reason) for w in new])
        warning_of = {w.subject_id: w.pk for w in [*new, *extended]}
        ImprovementAction.objects.bulk_update(
            [ImprovementAction(pk=r["pk"], overdue_warning_id=warning_of[r["cycle__subject_id"]]) for r in rows],
            ["overdue_warning"])
    return len(rows)


def _resolve_overdue(warning_id, acting_user) -> None:
    """The overdue warning is resolved once none of its actions is left without an outcome."""
    from zhengai.monitoring.choices import ACTIVE_STATUSES, EventKind as WEvent, WarningStatus
    from zhengai.monitoring.models import Warning, WarningEvent

    if ImprovementAction.objects.filter(overdue_warning_id=warning_id, status=ActionStatus.OPEN).exists():
        return
    warning = Warning.objects.select_for_update().filter(pk=warning_id, status__in=ACTIVE_STATUSES).first()
    if warning is None:
        return
    note = _("逾期的改进措施均已登记结果。")
    WarningEvent.objects.create(warning=warning, kind=WEvent.RESOLVED, actor=acting_user, from_status=warning.status,
                                to_status=WarningStatus.RESOLVED, window_code=warning.last_window, note=note)
    warning.status, warning.resolved_at = WarningStatus.RESOLVED, clock.now()
    warning.save(update_fields=["status", "resolved_at", "updated_at"])


def do_record_outcome(action, *, status: str, outcome: str, evidence: str = "", acting_user) -> ImprovementAction:
    """What became of an improvement action: done, or dropped with the reason (the cycle's owner)."""
    outcome, evidence = (outcome or "").strip(), (evidence or "").strip()
    pk = getattr(action, "pk", action)
    with transaction.atomic():
        found = access.restrict(ImprovementAction.objects.select_for_update(), acting_user, access.SUBMIT_REPORT) \
            .filter(pk=pk).first()
        if found is None:
            if access.restrict(ImprovementAction.objects.all(), acting_user).filter(pk=pk).exists():
                raise PermissionDenied(_("您不能登记该改进措施的结果。"))
            raise Http404
        if found.status != ActionStatus.OPEN:
            raise ValidationError(_("该改进措施已登记结果。"))
        if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
            raise ValidationError(_("结果应为“已完成”或“已终止”。"))
        if not outcome:
            raise ValidationError(_("请填写改进措施的结果（终止的写明原因）。"))
        found.status, found.outcome, found.evidence = status, outcome[:5000], evidence[:5000]
        found.closed_on = clock.today()
        found.save(update_fields=["status", "outcome", "evidence", "closed_on"])
        CycleEvent.objects.create(cycle_id=found.cycle_id, kind=EventKind.OUTCOME, actor=acting_user, note=outcome[:2000],
                                  detail={"action": found.pk, "status": status})
        if found.overdue_warning_id:
            _resolve_overdue(found.overdue_warning_id, acting_user)
    return found


# ------------------------------------------------------------------------------- the next cycle's goals

GOAL_KIND = {
    Level.SCHOOL: "school", Level.DEPARTMENT: "department_task", Level.SPECIALTY: "specialty", Level.COURSE: "course",
    Level.OFFERING: "course", Level.TEACHER: "teacher", Level.STUDENT: "student_annual",
}


@dataclass
class Proposal:
    key: str
    source: str
    title: str
    description: str


def previous(cycle):
    from .drafting import previous_cycles

    return previous_cycles([cycle]).get(cycle.pk)


def accepted_keys(cycle) -> set[str]:
    keys = set()
    for detail in CycleEvent.objects.filter(cycle=cycle, kind=EventKind.GOALS).values_list("detail", flat=True):
        keys.update(detail.get("keys", []))
    return keys


def proposals(cycle, prev=None) -> list[Proposal]:
    """The previous cycle's open improvement actions and the gaps its report diagnosed (points 不合格
    or 预警 in its latest published version, else its latest), less those already accepted."""
    prev = prev if prev is not None else previous(cycle)
    if prev is None:
        return []
    out = []
    for a in prev.actions.filter(status=ActionStatus.OPEN).order_by("due", "pk"):
        out.append(Proposal(f"action-{a.pk}", _("未完成的改进措施"), _("落实改进措施：%(text)s") % {"text": a.text[:200]},
                            _("上一周期（%(period)s）的改进措施，完成期限 %(due)s。") % {"period": prev.period, "due": a.due}))
    reports = prev.reports.order_by("-version")
    report = reports.filter(status=ReportStatus.PUBLISHED).first() or reports.first()
    if report is not None:
        for r in report.ratings.filter(status__in=[RatingStatus.FAIL, RatingStatus.WARNING]).select_related("point"):
            if r.value is not None and r.line is not None:
                facts = _("上一周期值 %(value)s，合格线 %(line)s，差距 %(gap)s。") % {
                    "value": r.value, "line": r.line, "gap": r.gap if r.gap is not None else "—"}
            else:
                facts = r.judgement or ""
            out.append(Proposal(f"gap-{r.point_id}", _("诊断出的差距（%(status)s）") % {"status": r.status},
                                _("补齐差距：%(point)s") % {"point": r.point.name}, facts))
    done = accepted_keys(cycle)
    return [p for p in out if p.key not in done]


def do_accept_goals(cycle, keys, *, acting_user) -> list:
    """The owner accepts proposed goals: each becomes a goal of the subject over the cycle's period
    (through ``chains.goals.do_create_goal``, which asks whether the user may write it)."""
    from zhengai.chains.goals import do_create_goal

    pk = getattr(cycle, "pk", cycle)
    cycle = access.restrict(Cycle.objects.select_related("subject"), acting_user).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    if cycle.is_closed:
        raise ValidationError(_("该诊改周期已结束。"))
    wanted = set(keys or ())
    chosen = [p for p in proposals(cycle) if p.key in wanted]
    if not chosen:
        raise ValidationError(_("请至少选择一条建议目标。"))
    with transaction.atomic():
        goals = [do_create_goal(owner=cycle.subject, kind=GOAL_KIND[cycle.level], title=p.title[:300], start=cycle.start,
                                end=cycle.end, description=p.description, acting_user=acting_user) for p in chosen]
        CycleEvent.objects.create(cycle=cycle, kind=EventKind.GOALS, actor=acting_user,
                                  note="；".join(p.title for p in chosen)[:2000],
                                  detail={"keys": [p.key for p in chosen], "goals": [g.pk for g in goals]})
    return goals


def may_accept(user, cycle) -> bool:
    """Whether the user may turn proposals into the cycle's subject's goals (who writes its goals)."""
    from zhengai.chains.goals import can_create_goal_for

    return cycle is not None and can_create_goal_for(user, cycle.subject, GOAL_KIND[cycle.level])


def may_record(user, action) -> bool:
    return access.may(user, access.SUBMIT_REPORT, action)
