"""What monitoring compares measurements with: the warning rules of the standards in force, the
targets of goals, and grading by a 诊断点's thresholds.

This module is the chains app's interface to later stages; it returns plain frozen values so that
callers never touch the models. Every function runs a number of queries that depends on the
number of standard versions or goals involved, never on the number of subjects.

Warning lines: for a "higher is better" indicator a value *below* a line crosses it; for "lower is
better", a value *above* it. Red is the most severe line (for "higher": red <= orange <= yellow).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from . import applicability
from .choices import Direction, GoalStatus, Grade, KeyResultKind, NodeKind, VersionStatus


@dataclass(frozen=True)
class WarningRule:
    """One 诊断点 with warning lines, in the standard version in force on a date."""

    point_id: int
    version_id: int
    indicator_code: str
    direction: str  # "higher" | "lower": which way is better
    yellow: Decimal | None
    orange: Decimal | None
    red: Decimal | None
    resolve_margin: Decimal  # a warning closes once the value is back inside its line by this much …
    resolve_windows: int  # … or has stayed inside for this many consecutive windows
    subject_ids: frozenset[int] | None  # None: every subject of the level
    # The kind of window the point is judged over ("academic_year" …); "" for every run's window.
    period: str = ""
    # Beyond the monitoring contract: the point's grading and place, for portraits and reports.
    qualified: Decimal | None = None
    good: Decimal | None = None
    excellent: Decimal | None = None
    weight: Decimal = Decimal(1)
    standard_id: int | None = None
    point_code: str = ""
    point_name: str = ""


def _points_with_lines():
    """诊断点 bound to an indicator with at least one warning line: the ones monitoring judges."""
    from .models import StandardNode

    return (StandardNode.objects.filter(kind=NodeKind.POINT).exclude(indicator_code="")
            .filter(Q(yellow__isnull=False) | Q(orange__isnull=False) | Q(red__isnull=False)))


def warning_rules(level: str, on_date: date) -> list[WarningRule]:
    """The 诊断点 with warning lines of every published standard version of ``level`` in force on
    ``on_date``. Queries: one for the points, one per distinct non-empty applicability rule."""
    from .models.standards import in_force_q

    points = list(
        _points_with_lines().filter(in_force_q(on_date, "version__"), version__standard__level=level)
        .select_related("version")
        .order_by("version__standard_id", "version_id", "order", "pk")
    )
    evaluated: dict[str, frozenset[int] | None] = {}
    rules = []
    for point in points:
        rule = point.version.applies_to or {}
        key = repr(sorted(rule.items()))
        if key not in evaluated:
            evaluated[key] = applicability.subject_ids(level, rule)
        rules.append(WarningRule(
            point_id=point.pk, version_id=point.version_id, indicator_code=point.indicator_code,
            direction=point.direction, yellow=point.yellow, orange=point.orange, red=point.red,
            resolve_margin=point.resolve_margin, resolve_windows=point.resolve_windows,
            subject_ids=evaluated[key], qualified=point.qualified, good=point.good, excellent=point.excellent,
            weight=point.weight, standard_id=point.version.standard_id, point_code=point.code, point_name=point.name,
            period=point.period,
        ))
    return rules


def judging_periods(since: date) -> dict[str, set[str]]:
    """For each level, the judging periods named by its points with warning lines, in published
    standard versions in force at any time from ``since`` on; one query. Schedulers monitor those
    windows as well as each level's cadence."""
    rows = (
        _points_with_lines().filter(version__status=VersionStatus.PUBLISHED)
        .filter(Q(version__effective_to__isnull=True) | Q(version__effective_to__gte=since))
        .exclude(period="")
        .values_list("version__standard__level", "period").distinct()
    )
    periods: dict[str, set[str]] = {}
    for level, period in rows:
        periods.setdefault(level, set()).add(period)
    return periods


def crossed_line(rule, value: Decimal | None) -> str | None:
    """The most severe line (``"red"``, ``"orange"``, ``"yellow"``) a value crosses, or None."""
    if value is None:
        return None
    value = Decimal(value)
    for colour in ("red", "orange", "yellow"):
        line = getattr(rule, colour)
        if line is None:
            continue
        if (value < line) if rule.direction == Direction.HIGHER else (value > line):
            return colour
    return None


@dataclass(frozen=True)
class GoalTarget:
    """A key result bound to an indicator, with the goal's owner and period."""

    goal_id: int
    key_result_id: int
    subject_id: int
    indicator_code: str
    direction: str
    baseline: Decimal | None
    target: Decimal
    start: date
    end: date  # a continuing goal (no end date) ends, for this purpose, with the window asked about


def goal_targets(level: str, window) -> list[GoalTarget]:
    """Indicator key results of approved goals owned by subjects of ``level`` whose period overlaps
    ``window`` (a ``Window`` or its text, e.g. ``2026-10``). One query."""
    from zhengai.core import windows

    from .models import KeyResult

    if isinstance(window, str):
        window = windows.parse(window)
    rows = (
        KeyResult.objects.filter(
            kind=KeyResultKind.INDICATOR, target__isnull=False, goal__owner__level=level,
            goal__status=GoalStatus.APPROVED, goal__start__lte=window.end,
        )
        .exclude(indicator_code="")
        .filter(Q(goal__end__isnull=True) | Q(goal__end__gte=window.start))
        .order_by("goal_id", "order", "pk")
        .values_list("goal_id", "pk", "goal__owner_id", "indicator_code", "direction", "baseline", "target",
                     "goal__start", "goal__end")
    )
    return [
        GoalTarget(goal_id=g, key_result_id=k, subject_id=s, indicator_code=code, direction=d, baseline=b,
                   target=t, start=start, end=end or window.end)
        for g, k, s, code, d, b, t, start, end in rows
    ]


def grade(point, value) -> str | None:
    """合格 / 良好 / 优秀 — or 不合格 — of ``value`` by a 诊断点's thresholds (a ``StandardNode`` or
    a ``WarningRule``). None when there is no value or the point has no thresholds. A value on a
    threshold reaches it."""
    if value is None:
        return None
    value = Decimal(value)
    higher = point.direction != Direction.LOWER
    steps = [(Grade.EXCELLENT, point.excellent), (Grade.GOOD, point.good), (Grade.QUALIFIED, point.qualified)]
    steps = [(g, line) for g, line in steps if line is not None]
    if not steps:
        return None
    for label, line in steps:
        if (value >= line) if higher else (value <= line):
            return str(label.value)
    return str(Grade.FAIL.value)
