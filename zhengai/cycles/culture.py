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

Each is two queries whatever the number of subjects or cases: the database counts per department.
"""

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
    """groups: (department id or None, cases, counted) → {subject id: percentage} for the departments
    and the school. The database counts (one row per department), so a large college's tens of
    thousands of cases never reach Python."""
    groups = list(groups)
    if not groups:
        return {}
    departments, school = _units()
    tally = {}
    for department_id, n, good in groups:
        for sid in (departments.get(department_id), school):
            if sid is None:
                continue
            total, counted = tally.get(sid, (0, 0))
            tally[sid] = (total + n, counted + good)
    return {sid: round(good * 100.0 / n, 2) for sid, (n, good) in tally.items() if n}


def _by_department(queryset, department: str, counted: Q):
    return (queryset.order_by().values(department)
            .annotate(n=Count("pk"), good=Count("pk", filter=counted)).values_list(department, "n", "good"))


def selfdiag_on_time(window) -> dict[int, float]:
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
    return _shares(_by_department(cycles, "subject__department_id", on_time))


def warnings_acknowledged(window) -> dict[int, float]:
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
    return _shares(_by_department(warnings, "subject__department_id", answered))


def corrections_worked(window) -> dict[int, float]:
    from zhengai.monitoring.choices import WarningStatus
    from zhengai.monitoring.models import Warning

    warnings = Warning.objects.filter(correction_started_at__date__gte=window.start,
                                      correction_started_at__date__lte=window.end)
    return _shares(_by_department(warnings, "subject__department_id", Q(status=WarningStatus.RESOLVED)))


def actions_on_time(window) -> dict[int, float]:
    from .choices import ActionStatus
    from .models import ImprovementAction

    actions = ImprovementAction.objects.filter(due__gte=window.start, due__lte=min(window.end, clock.today()))
    done = Q(status=ActionStatus.DONE, closed_on__isnull=False, closed_on__lte=F("due"))
    return _shares(_by_department(actions, "cycle__subject__department_id", done))


PROVIDERS = {"selfdiag_on_time": selfdiag_on_time, "warnings_acknowledged": warnings_acknowledged,
             "corrections_worked": corrections_worked, "actions_on_time": actions_on_time}
