"""Quality culture measured (质量知晓 · 认同 · 建构): four shares per department and for the school,
which the cycles app provides to the indicator library (``registry.provide``; the built-in
indicators ``school.*`` / ``department.*`` of ``zhengai.indicators.builtin.culture`` read them), so
standards, goals, monitoring and the cockpit use them like any indicator. A subject counts towards
its department (``Subject.department``) and every one towards the school. Each is a percentage of
the cases that fell due in the window, and a department with no case has no value:

- ``selfdiag_on_time`` (质量知晓) — cycles whose self-diagnosis deadline (the cycle's end plus its
  level's ``diagnosis_days``) falls in the window, by today: the share whose report was first
  submitted by the deadline;
- ``warnings_acknowledged`` (质量认同) — warnings opened in the window at least a week ago (or
  answered already): the share a person acted on (acknowledged, corrected, resolved, closed)
  within seven days;
- ``corrections_worked`` (质量建构) — warnings whose correction began in the window: the share since
  resolved;
- ``actions_on_time`` (质量建构) — improvement actions due in the window, by today: the share
  completed by their due date.

Each is two or three queries whatever the number of subjects.
"""

from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from zhengai.core import clock
from zhengai.datacenter.choices import Level

NAMES = ("selfdiag_on_time", "warnings_acknowledged", "corrections_worked", "actions_on_time")
WEEK = timedelta(days=7)


def _units():
    """(department id → department subject id, the school subject id)."""
    from zhengai.datacenter.models import Subject

    departments, school = {}, None
    for pk, level, department_id in Subject.objects.filter(level__in=[Level.SCHOOL, Level.DEPARTMENT]).values_list(
            "pk", "level", "department_id"):
        if level == Level.SCHOOL:
            school = pk
        elif department_id is not None:
            departments[department_id] = pk
    return departments, school


def _shares(cases) -> dict[int, float]:
    """cases: (department id or None, counted) → {subject id: percentage} for departments and school."""
    departments, school = _units()
    tally = {}
    for department_id, ok in cases:
        targets = [departments.get(department_id), school]
        for sid in targets:
            if sid is None:
                continue
            n, good = tally.get(sid, (0, 0))
            tally[sid] = (n + 1, good + (1 if ok else 0))
    return {sid: round(good * 100.0 / n, 2) for sid, (n, good) in tally.items() if n}


def selfdiag_on_time(window) -> dict[int, float]:
    from . import periods
    from .choices import EventKind
    from .models import Cycle, CycleEvent

    today = clock.today()
    pols = periods.policies()
    longest = max(p.diagnosis_days for p in pols.values())
    rows = list(Cycle.objects.filter(end__gte=window.start - timedelta(days=longest), end__lte=window.end)
                .values_list("pk", "level", "end", "subject__department_id"))
    due = []
    for pk, level, end, department_id in rows:
        deadline = end + timedelta(days=pols[level].diagnosis_days)
        if window.start <= deadline <= window.end and deadline <= today:
            due.append((pk, deadline, department_id))
    if not due:
        return {}
    first = dict(CycleEvent.objects.filter(cycle_id__in=[d[0] for d in due], kind=EventKind.SUBMITTED)
                 .values("cycle_id").annotate(at=Min("at")).values_list("cycle_id", "at"))
    return _shares((department_id, pk in first and timezone.localdate(first[pk]) <= deadline)
                   for pk, deadline, department_id in due)


def warnings_acknowledged(window) -> dict[int, float]:
    from zhengai.monitoring.choices import EventKind
    from zhengai.monitoring.models import Warning, WarningEvent

    now = clock.now()
    rows = list(Warning.objects.filter(opened_at__date__gte=window.start, opened_at__date__lte=window.end)
                .values_list("pk", "opened_at", "subject__department_id"))
    if not rows:
        return {}
    acted = dict(WarningEvent.objects.filter(
        warning_id__in=[r[0] for r in rows], actor__isnull=False,
        kind__in=[EventKind.ACKNOWLEDGED, EventKind.CORRECTING, EventKind.RESOLVED, EventKind.CLOSED])
        .values("warning_id").annotate(at=Min("created_at")).values_list("warning_id", "at"))
    cases = []
    for pk, opened_at, department_id in rows:
        answered = pk in acted and acted[pk] - opened_at <= WEEK
        if answered or now - opened_at >= WEEK:
            cases.append((department_id, answered))
    return _shares(cases)


def corrections_worked(window) -> dict[int, float]:
    from zhengai.monitoring.choices import WarningStatus
    from zhengai.monitoring.models import Warning

    rows = Warning.objects.filter(correction_started_at__date__gte=window.start,
                                  correction_started_at__date__lte=window.end).values_list("status", "subject__department_id")
    return _shares((department_id, status == WarningStatus.RESOLVED) for status, department_id in rows)


def actions_on_time(window) -> dict[int, float]:
    from .choices import ActionStatus
    from .models import ImprovementAction

    today = clock.today()
    rows = ImprovementAction.objects.filter(due__gte=window.start, due__lte=min(window.end, today)).values_list(
        "status", "due", "closed_on", "cycle__subject__department_id")
    return _shares((department_id, status == ActionStatus.DONE and closed_on is not None and closed_on <= due)
                   for status, due, closed_on, department_id in rows)


PROVIDERS = {"selfdiag_on_time": selfdiag_on_time, "warnings_acknowledged": warnings_acknowledged,
             "corrections_worked": corrections_worked, "actions_on_time": actions_on_time}
