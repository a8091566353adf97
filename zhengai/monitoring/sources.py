"""What a run reads from the stages before it, behind one small seam so tests inject their own.

- ``rules(level, on_date)`` → warning rules of the standard versions in force on that date
  (``zhengai.chains.rules.warning_rules``): objects with ``point_id, version_id, indicator_code,
  direction, yellow, orange, red, resolve_margin, resolve_windows, subject_ids`` (a frozenset of
  subject ids, or None for every subject of the level) and ``period``, the kind of window the point
  is judged over ("" for every run's window).
- ``goals(level, window)`` → goal key results due in the window (``zhengai.chains.rules.goal_targets``):
  ``goal_id, key_result_id, subject_id, indicator_code, direction, baseline, target, start, end``.
- ``compute(level, window, codes, subject_ids=None)`` → ``{code: {subject_id: value}}``, set-based
  (``zhengai.indicators.registry.compute``); with ``subject_ids``, at least those subjects.
- ``describe(code)`` → the indicator (name, unit, sources) or None.
- ``periods(since)`` → ``{level: {window kind, …}}``: the judging periods points name beyond each
  level's cadence (``zhengai.chains.rules.judging_periods``), which the scheduler monitors as well.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable


@dataclass(frozen=True)
class WarningRule:
    """A warning line of one 诊断点 (the chains app's shape; tests build them by hand)."""

    point_id: int | None
    version_id: int | None
    indicator_code: str
    direction: str  # "higher" (higher is better) or "lower"
    yellow: float | None
    orange: float | None = None
    red: float | None = None
    resolve_margin: float = 0.0
    resolve_windows: int = 1
    subject_ids: frozenset | None = None
    period: str = ""


@dataclass(frozen=True)
class GoalTarget:
    goal_id: int | None
    key_result_id: int | None
    subject_id: int
    indicator_code: str
    direction: str
    baseline: float
    target: float
    start: date
    end: date


def _chains_rules(level, on_date):
    try:
        from zhengai.chains.rules import warning_rules
    except ImportError:
        return []
    return warning_rules(level, on_date)


def _chains_goals(level, window):
    try:
        from zhengai.chains.rules import goal_targets
    except ImportError:
        return []
    return goal_targets(level, window)


def _chains_periods(since):
    try:
        from zhengai.chains.rules import judging_periods
    except ImportError:
        return {}
    return judging_periods(since)


def _indicators_compute(level, window, codes, subject_ids=None):
    if not codes:
        return {}
    from zhengai.indicators.registry import compute

    return compute(level, window, list(codes), subject_ids=subject_ids)


def _indicators_describe(code):
    try:
        from zhengai.indicators.registry import get
    except ImportError:
        return None
    try:
        return get(code)
    except Exception:  # an unknown code (a deleted custom indicator) is shown by its code alone
        return None


@dataclass
class Sources:
    rules: Callable[[str, date], list] = _chains_rules
    goals: Callable[[str, Any], list] = _chains_goals
    compute: Callable[[str, Any, list], dict] = _indicators_compute
    describe: Callable[[str], Any] = _indicators_describe
    periods: Callable[[date], dict] = _chains_periods
    extra: dict = field(default_factory=dict)


_override: Sources | None = None


def default() -> Sources:
    """The sources every caller without its own uses: the chains and indicators apps, unless a test
    has put its own in place with ``use``."""
    return _override or Sources()


def use(sources: Sources | None) -> None:
    global _override
    _override = sources


def indicator_name(code: str, sources: Sources | None = None) -> str:
    return _name_of((sources or default()).describe(code) if code else None, code)


def _name_of(indicator, code: str) -> str:
    return (getattr(indicator, "name", "") or getattr(indicator, "name_zh", "")) or code


def label_warnings(warnings, memo: dict | None = None) -> None:
    """Give each warning ``indicator_label`` (the indicator's name, or the warning's source) and
    ``unit`` (to show its value as 85%, not 85), the indicator described once per code — across
    calls when they share ``memo``."""
    memo = {} if memo is None else memo
    for w in warnings:
        code = w.indicator_code
        if code and code not in memo:
            indicator = default().describe(code)
            memo[code] = (_name_of(indicator, code), getattr(indicator, "unit", "") or "")
        w.indicator_label, w.unit = memo.get(code) or (w.get_source_display(), "")
