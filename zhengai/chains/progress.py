"""Progress of goals and tasks (目标进展): from key results, progress reports and children.

``task_completion_by_subject(window)`` is what the indicator ``school.task_completion`` reads: the
annual task completion of the school and of each department over a window.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from zhengai.datacenter.choices import Level

from .choices import GoalKind

TASK_KINDS = (GoalKind.ANNUAL_TASK, GoalKind.DEPARTMENT_TASK)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _due_dates(start: date, end: date | None, recurring: bool, first: date, last: date) -> list[date]:
    """The days a task falls due inside [first, last]: its end date, or for a task repeated every
    year (``每年3月``) the same day of each year from its first year on."""
    if end is None:
        return []
    if not recurring:
        return [end] if first <= end <= last else []
    out = []
    for year in range(max(first.year, end.year), last.year + 1):
        try:
            day = end.replace(year=year)
        except ValueError:  # 29 February
            day = end.replace(year=year, day=28)
        if first <= day <= last:
            out.append(day)
    return out


def task_completion_by_subject(window) -> dict[int, Decimal]:
    """Subject id → completion (0–100, %) of the annual and department tasks falling due in
    ``window``: each task counts with its latest reported completion on or before the window's end
    (0 when it has none; a task repeated every year counts only reports of that year's round).

    Departments own the tasks they lead; the school's figure is over all tasks due. A subject with
    no task due in the window has no entry (no data, no value). Two queries whatever the number of
    tasks and subjects.
    """
    from zhengai.core import windows
    from zhengai.datacenter.models import Subject

    from .models import Goal, TaskReport

    if isinstance(window, str):
        window = windows.parse(window)
    tasks = list(
        Goal.objects.filter(kind__in=TASK_KINDS, end__isnull=False, start__lte=window.end)
        .filter(Q(end__gte=window.start, end__lte=window.end) | Q(recurring=True))
        .values_list("pk", "owner_id", "owner__level", "start", "end", "recurring")
    )
    due = []  # (task id, owner subject id, owner level, round start, due day)
    for pk, owner, level, start, end, recurring in tasks:
        for day in _due_dates(start, end, recurring, window.start, window.end):
            round_start = start.replace(year=day.year - (end.year - start.year)) if recurring else date.min
            due.append((pk, owner, level, round_start, day))
    if not due:
        return {}
    latest: dict[int, list[tuple[date, Decimal]]] = {}
    earliest = min(d[3] for d in due)
    for goal_id, as_of, completion in (
        TaskReport.objects.filter(goal_id__in={d[0] for d in due}, as_of__lte=window.end, as_of__gte=earliest)
        .order_by("goal_id", "as_of", "pk").values_list("goal_id", "as_of", "completion")
    ):
        latest.setdefault(goal_id, []).append((as_of, completion))
    school_id = Subject.objects.filter(level=Level.SCHOOL).values_list("pk", flat=True).first()
    sums: dict[int, list[Decimal]] = {}
    for pk, owner, level, round_start, day in due:
        reports = [c for as_of, c in latest.get(pk, []) if as_of >= round_start]
        value = min(reports[-1], HUNDRED) if reports else Decimal(0)
        if level != Level.SCHOOL:
            sums.setdefault(owner, []).append(value)
        if school_id is not None:
            sums.setdefault(school_id, []).append(value)
    return {sid: (sum(values) / len(values)).quantize(CENT, ROUND_HALF_UP) for sid, values in sums.items()}
