"""Cycles' progress (诊改进度) in a viewer's scope, for the home page and the cockpit: how many
subjects of each level stand in each phase of the big loop, how many are late, and the latest late
ones by name; and the viewer's own cycle to-dos (reports to write or review, improvement actions due).

Set-based: the open cycles are grouped by (level, phase, start, end) in the database — cycles of one
level mostly share their period, so the groups are few whatever the number of subjects — and the
lateness of each group is reckoned once from its dates (``periods.lateness``). The late cycles named
come from one more query over the latest late groups. Three queries and the policies' one, whatever
the size of the college.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse

from zhengai.datacenter.choices import Level
from zhengai.org import access

from . import periods
from .choices import PHASES, ActionStatus, CycleStatus, Phase
from .models import Cycle, ImprovementAction

LATE_SHOWN = 8
ACTIONS_AHEAD_DAYS = 14  # an improvement action shows as due from two weeks before its date


@dataclass
class LevelProgress:
    level: str
    by_phase: dict[str, int]
    total: int = 0
    late: int = 0

    @property
    def label(self) -> str:
        return Level(self.level).label

    @property
    def calendar_url(self) -> str:
        return f"{reverse('cycles:calendar')}?level={self.level}"

    @property
    def late_url(self) -> str:
        return f"{self.calendar_url}&late=1"


@dataclass
class LateCycle:
    pk: int
    level: str
    subject_name: str
    period: str
    phase: str
    late_days: int

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def url(self) -> str:
        return reverse("cycles:cycle", args=[self.pk])


@dataclass
class Progress:
    levels: list[LevelProgress] = field(default_factory=list)
    late: list[LateCycle] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(lv.total for lv in self.levels)

    @property
    def late_total(self) -> int:
        return sum(lv.late for lv in self.levels)

    @property
    def phases_used(self) -> list[tuple[str, str]]:
        """The phases at least one level has a cycle in (a table's columns), in loop order."""
        return [(p, Phase(p).label) for p in PHASES if any(lv.by_phase.get(p) for lv in self.levels)]

    @property
    def table(self) -> list[tuple[LevelProgress, list[int]]]:
        """Each level with its counts in the columns of ``phases_used``."""
        used = [p for p, _label in self.phases_used]
        return [(lv, [lv.by_phase.get(p, 0) for p in used]) for lv in self.levels]

    def as_chart(self) -> dict:
        """Levels × phases for a stacked bar chart (the cockpit)."""
        return {
            "labels": [str(lv.label) for lv in self.levels],
            "series": [{"name": str(Phase(p).label), "phase": p, "values": [lv.by_phase.get(p, 0) for lv in self.levels]}
                       for p in PHASES],
            "late": [lv.late for lv in self.levels],
        }


def progress(user, today: date) -> Progress:
    """The open cycles ``user`` may see that have started by ``today``, by level and phase."""
    groups = list(
        access.restrict(Cycle.objects.filter(status=CycleStatus.OPEN, start__lte=today), user)
        .values("level", "phase", "start", "end").annotate(n=Count("pk")).order_by()
    )
    if not groups:
        return Progress()
    pols = periods.policies()
    by_level: dict[str, LevelProgress] = {}
    late_groups = []
    for g in groups:
        lv = by_level.setdefault(g["level"], LevelProgress(g["level"], {p: 0 for p in PHASES}))
        lv.by_phase[g["phase"]] += g["n"]
        lv.total += g["n"]
        days = periods.lateness(g["phase"], False, g["start"], g["end"], pols[g["level"]].diagnosis_days, today)
        if days:
            lv.late += g["n"]
            late_groups.append((days, g))
    order = {lv: i for i, lv in enumerate(Level.values)}
    result = Progress(levels=sorted(by_level.values(), key=lambda lv: order.get(lv.level, 99)))
    if late_groups:
        # The latest first; groups until LATE_SHOWN cycles are covered, so the OR stays short.
        late_groups.sort(key=lambda t: (-t[0], order.get(t[1]["level"], 99)))
        chosen, covered = [], 0
        for days, g in late_groups:
            chosen.append((days, g))
            covered += g["n"]
            if covered >= LATE_SHOWN:
                break
        q = Q(pk__in=[])
        lateness = {}
        for days, g in chosen:
            q |= Q(level=g["level"], phase=g["phase"], start=g["start"], end=g["end"])
            lateness[(g["level"], g["phase"], g["start"], g["end"])] = days
        rows = (access.restrict(Cycle.objects.filter(status=CycleStatus.OPEN), user).filter(q)
                .values_list("pk", "level", "phase", "start", "end", "period", "subject__name"))
        late = [LateCycle(pk, level, name, period, phase, lateness[(level, phase, start, end)])
                for pk, level, phase, start, end, period, name in rows]
        late.sort(key=lambda c: (-c.late_days, order.get(c.level, 99), c.subject_name))
        result.late = late[:LATE_SHOWN]
    return result


def actions_due(user, today: date, limit: int = 5) -> tuple[int, list[ImprovementAction]]:
    """Open improvement actions (改进措施) the user is responsible for, due within two weeks or
    overdue: their number and the first few, earliest first (two queries)."""
    qs = (ImprovementAction.objects.filter(owner=user, status=ActionStatus.OPEN,
                                           due__lte=today + timedelta(days=ACTIONS_AHEAD_DAYS))
          .select_related("cycle__subject").order_by("due", "pk"))
    first = list(qs[:limit])
    return (qs.count() if len(first) == limit else len(first)), first
