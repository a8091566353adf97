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

Each is one grouped query (per department and level, kept for the request) and one for the units,
whatever the number of subjects or cases; ``by_level`` gives the college's shares per level from the
same rows.
"""

import threading
from datetime import timedelta

from django.db.models import Count, DateField, DateTimeField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

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


def _shares(groups) -> dict[int, float]:
    """groups: (department id or None, level, cases, counted) → {subject id: percentage} for the
    departments and the school. The database counts (one row per department and level), so a large
    college's tens of thousands of cases never reach Python."""
    groups = list(groups)
    if not groups:
        return {}
    departments, school = _units()
    return _percentages((sid, n, good) for department_id, _level, n, good in groups
                        for sid in (departments.get(department_id), school) if sid is not None)


def by_level(window) -> dict[str, dict[str, float]]:
    """{name: {level: percentage}} of the whole college, each level's cases apart (the quality
    office sees where the culture is weak: students' self-diagnoses, offerings' warnings …)."""
    return {name: _percentages((level, n, good) for _department_id, level, n, good in _groups(name, window))
            for name in NAMES}


def _percentages(counts) -> dict:
    """(target, cases, counted) rows → {target: percentage of its cases counted}, rows of a target summed."""
    tally = {}
    for target, n, good in counts:
        total, counted = tally.get(target, (0, 0))
        tally[target] = (total + n, counted + good)
    return {target: round(good * 100.0 / n, 2) for target, (n, good) in tally.items() if n}


_request = threading.local()


def _groups(name: str, window) -> list[tuple]:
    """(department id, level, cases, counted) of one share over ``window``: one grouped query, kept
    for the request (the school's and the departments' indicators and ``by_level`` read the same)."""
    memo = getattr(_request, "groups", None)
    key = (name, window.kind, window.start, window.end)
    if memo is not None and key in memo:
        return memo[key]
    queryset, department, level, counted = CASES[name](window)
    found = list(queryset.order_by().values(department, level)
                 .annotate(n=Count("pk"), good=Count("pk", filter=counted))
                 .values_list(department, level, "n", "good"))
    if memo is not None:
        memo[key] = found
    return found


def start_request(**kwargs) -> None:
    """Connected to ``request_started``: a request's readings are kept until it ends (and outside a
    request — a monitoring run, a command — never)."""
    _request.groups = {}


def end_request(**kwargs) -> None:
    _request.__dict__.clear()


def _selfdiag_cases(window):
    from . import periods
    from .choices import EventKind
    from .models import Cycle, CycleEvent

    today = clock.today()
    # The deadline is the end plus the level's diagnosis days: per level, a range of ends.
    due = Q(pk__in=[])
    deadlines = []
    for level, policy in periods.policies().items():
        days = timedelta(days=policy.diagnosis_days)
        last = min(window.end, today) - days
        due |= Q(level=level, end__gte=window.start - days, end__lte=last)
        deadlines.append((level, days))
    first_submitted = (CycleEvent.objects.filter(cycle=OuterRef("pk"), kind=EventKind.SUBMITTED)
                       .order_by().values("cycle").annotate(at=Min("at")).values("at"))
    cycles = Cycle.objects.filter(due).annotate(
        submitted_on=TruncDate(Subquery(first_submitted, output_field=DateTimeField())))  # local day
    on_time = Q(pk__in=[])
    for level, days in deadlines:
        on_time |= Q(level=level, submitted_on__lte=ExpressionWrapper(F("end") + days, output_field=DateField()))
    return cycles, "subject__department_id", "level", on_time


def _acknowledged_cases(window):
    from zhengai.monitoring.choices import EventKind
    from zhengai.monitoring.models import Warning, WarningEvent

    now = clock.now()
    first_acted = (WarningEvent.objects.filter(
        warning=OuterRef("pk"), actor__isnull=False,
        kind__in=[EventKind.ACKNOWLEDGED, EventKind.CORRECTING, EventKind.RESOLVED, EventKind.CLOSED])
        .order_by().values("warning").annotate(at=Min("created_at")).values("at"))
    warnings = (Warning.objects.filter(opened_at__date__gte=window.start, opened_at__date__lte=window.end)
                .annotate(acted=Subquery(first_acted),
                          deadline=ExpressionWrapper(F("opened_at") + WEEK, output_field=DateTimeField())))
    answered = Q(acted__isnull=False, acted__lte=F("deadline"))
    # A warning counts once it was answered or its week is over.
    warnings = warnings.filter(answered | Q(opened_at__lte=now - WEEK))
    return warnings, "subject__department_id", "level", answered


def _correction_cases(window):
    from zhengai.monitoring.choices import WarningStatus
    from zhengai.monitoring.models import Warning

    warnings = Warning.objects.filter(correction_started_at__date__gte=window.start,
                                      correction_started_at__date__lte=window.end)
    return warnings, "subject__department_id", "level", Q(status=WarningStatus.RESOLVED)


def _action_cases(window):
    from .choices import ActionStatus
    from .models import ImprovementAction

    actions = ImprovementAction.objects.filter(due__gte=window.start, due__lte=min(window.end, clock.today()))
    done = Q(status=ActionStatus.DONE, closed_on__isnull=False, closed_on__lte=F("due"))
    return actions, "cycle__subject__department_id", "cycle__level", done


CASES = {"selfdiag_on_time": _selfdiag_cases, "warnings_acknowledged": _acknowledged_cases,
         "corrections_worked": _correction_cases, "actions_on_time": _action_cases}


def _provider(name):
    def share(window) -> dict[int, float]:
        return _shares(_groups(name, window))

    share.__name__ = name
    return share


PROVIDERS = {name: _provider(name) for name in NAMES}
