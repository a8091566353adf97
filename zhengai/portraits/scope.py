"""The unit a person leads (所辖单位) and its key indicators, for the home page of leaders, the
quality office (质管办), department heads, specialty leaders and course leaders.

The unit is the widest the person's roles reach: the school, else their department, else their
specialty, else their course; further units of the same kind are listed by name to open their
portraits. Its key indicators are its standard's 诊断点 (``portrait.standing``: this cycle, the one
before, the 合格 line) with a trend — up, down or level against the last period, and whether that
is better or worse by the point's own direction (``portrait.score``). A fixed number of queries: the
units (one), the standing (the standard, one evaluation per window), the goals.
"""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.org.access import grants_for

from . import portrait

OTHER_UNITS_SHOWN = 6
EPSILON = 0.05  # closer than the figures' one decimal: level


@dataclass
class KeyFigure:
    point: portrait.Point

    @property
    def unit(self) -> str:
        return getattr(self.point.indicator, "unit", "") if self.point.indicator else ""

    @property
    def change(self) -> float | None:
        p = self.point
        if p.value is None or p.previous is None or p.in_progress and p.accrues:
            return None  # an accruing value mid-period is not comparable with a whole period
        return p.value - p.previous

    @property
    def arrow(self) -> str:
        change = self.change
        if change is None:
            return ""
        return "↑" if change > EPSILON else "↓" if change < -EPSILON else "→"

    @property
    def better(self) -> bool | None:
        """True when the change moves the point towards excellent, False away, None level or unknown."""
        if self.change is None or abs(self.change) <= EPSILON:
            return None
        now, before = portrait.score(self.point.value, self.point.node), portrait.score(self.point.previous, self.point.node)
        if now is None or before is None or abs(now - before) < 0.01:
            return None
        return now > before


@dataclass
class Unit:
    subject: Subject
    others: list[Subject]
    figures: list[KeyFigure]
    standing: portrait.Standing
    goals: list

    @property
    def url(self) -> str:
        return portrait.url_of(self.subject)

    @property
    def level_label(self) -> str:
        return Level(self.subject.level).label

    @property
    def met(self) -> int:
        return sum(1 for f in self.figures if f.point.met)

    @property
    def unmet(self) -> int:
        return sum(1 for f in self.figures if f.point.met is False)

    def other_links(self) -> list[tuple[str, str]]:
        return [(s.name, portrait.url_of(s)) for s in self.others]


def units_of(user) -> tuple[str, list[Subject]]:
    """(level, the subjects of the widest units the user leads, by key): one query; ("", []) for
    someone who leads no unit."""
    grants = grants_for(user)
    if grants.school:
        return Level.SCHOOL, list(Subject.objects.filter(level=Level.SCHOOL)[:1])
    for level, ids in ((Level.DEPARTMENT, grants.department), (Level.SPECIALTY, grants.specialty),
                       (Level.COURSE, grants.course)):
        if ids:
            column = {Level.DEPARTMENT: "department_id", Level.SPECIALTY: "specialty_id", Level.COURSE: "course_id"}[level]
            found = list(Subject.objects.filter(level=level, **{f"{column}__in": sorted(ids)}).order_by("key")
                         [:OTHER_UNITS_SHOWN + 1])
            return level, found
    return "", []


def unit(user, today: date) -> Unit | None:
    _level, subjects = units_of(user)
    if not subjects:
        return None
    subject = subjects[0]
    standing = portrait.standing(subject, today, with_peers=False)
    return Unit(subject=subject, others=subjects[1:], figures=[KeyFigure(p) for p in standing.points],
                standing=standing, goals=[
                    {"goal": node.goal, "progress": node.progress,
                     "percent": None if node.progress is None else round(float(node.progress) * 100, 1)}
                    for node in portrait.goals_of(subject, today)[:5]])


def level_links() -> list[tuple[str, str]]:
    """The level overviews (层面总览), for the home's links."""
    return [(Level(lv).label, reverse("portraits:level", args=[lv]))
            for lv in (Level.DEPARTMENT, Level.SPECIALTY, Level.COURSE, Level.TEACHER, Level.STUDENT)]
