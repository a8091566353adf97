"""Warnings in a viewer's scope at a glance (预警概况), for the home page and the cockpit: the active
ones by level and grade, each count with the address of the warning list filtered to it; how many
opened and how many were resolved in the last 30 days against the 30 before (are things getting
better?); and how many active ones already have a correction (纠偏措施).

Dates are the data's (the window that opened or resolved a warning), not the wall clock's, so a
demo college replayed to its demo day reads right. Two queries whatever the number of warnings.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from zhengai.datacenter.choices import Level

from .choices import ACTIVE_STATUSES, Grade, WarningStatus
from .queries import visible

GRADES = [Grade.RED, Grade.ORANGE, Grade.YELLOW]  # the worst first
RECENT_DAYS = 30


def list_url(**filters) -> str:
    """The warning list filtered (active warnings unless a status is given)."""
    filters.setdefault("status", "active")
    return f"{reverse('monitoring:warnings')}?{urlencode({k: v for k, v in filters.items() if v})}"


@dataclass
class Cell:
    n: int
    url: str


@dataclass
class LevelRow:
    level: str
    cells: list[Cell]
    total: Cell

    @property
    def label(self) -> str:
        return Level(self.level).label


@dataclass
class Change:
    """A count over the last 30 days beside the 30 before; ``better`` says which way is good."""

    now: int
    before: int
    lower_is_better: bool

    @property
    def arrow(self) -> str:
        return "↑" if self.now > self.before else "↓" if self.now < self.before else "→"

    @property
    def better(self) -> bool | None:
        if self.now == self.before:
            return None
        return (self.now < self.before) == self.lower_is_better


@dataclass
class Summary:
    rows: list[LevelRow] = field(default_factory=list)
    by_grade: dict[str, Cell] = field(default_factory=dict)
    active: int = 0
    corrected: int = 0
    opened: Change | None = None
    resolved: Change | None = None
    since: date | None = None
    until: date | None = None

    @property
    def grades(self) -> list[tuple[str, str, Cell]]:
        return [(g, Grade(g).label, self.by_grade[g]) for g in GRADES]

    @property
    def corrected_share(self) -> float | None:
        return round(100.0 * self.corrected / self.active, 1) if self.active else None

    @property
    def url(self) -> str:
        return list_url()


def summary(user, today: date) -> Summary:
    qs = visible(user)
    active = qs.filter(status__in=ACTIVE_STATUSES)
    counts = {}
    corrected = 0
    for row in active.values("level", "grade").annotate(n=Count("pk"), corrected=Count("pk", filter=~Q(measure_text=""))).order_by():
        counts[(row["level"], row["grade"])] = row["n"]
        corrected += row["corrected"]
    since = today - timedelta(days=RECENT_DAYS - 1)
    before = since - timedelta(days=RECENT_DAYS)
    recent = qs.aggregate(
        opened_now=Count("pk", filter=Q(opened_window_end__gte=since)),
        opened_before=Count("pk", filter=Q(opened_window_end__range=(before, since - timedelta(days=1)))),
        # the window that resolved a warning may run on past today (this month's): from ``since`` on
        resolved_now=Count("pk", filter=Q(status=WarningStatus.RESOLVED, resolved_window_end__gte=since)),
        resolved_before=Count("pk", filter=Q(status=WarningStatus.RESOLVED,
                                             resolved_window_end__range=(before, since - timedelta(days=1)))),
    )
    rows = []
    for level in Level.values:
        found = [counts.get((level, g), 0) for g in GRADES]
        if any(found):
            rows.append(LevelRow(level, [Cell(n, list_url(level=level, grade=g)) for g, n in zip(GRADES, found)],
                                 Cell(sum(found), list_url(level=level))))
    by_grade = {g: Cell(sum(n for (_lv, grade), n in counts.items() if grade == g), list_url(grade=g)) for g in GRADES}
    return Summary(
        rows=rows, by_grade=by_grade, active=sum(counts.values()), corrected=corrected,
        opened=Change(recent["opened_now"], recent["opened_before"], lower_is_better=True),
        resolved=Change(recent["resolved_now"], recent["resolved_before"], lower_is_better=False),
        since=since, until=today,
    )
