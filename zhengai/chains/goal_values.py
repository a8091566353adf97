"""Goals' values and progress (目标链的取值与进度): what a goal has reached, read-only.

Progress (0–1) of a goal is the weighted mean of what is known of its parts: each key result, each
child goal, and the latest progress report. An indicator key result's current value is the latest
stored measurement when there is one (``zhengai.indicators.measurements``), else computed live from
the indicator library for the window containing the day; its progress runs from the baseline (0) to
the target (1). The actions that change goals are ``goals``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from .choices import Direction, GoalKind, GoalStatus, KeyResultKind
from .models import Goal, KeyResult, TaskReport

ONE = Decimal(1)
ZERO = Decimal(0)


def _latest_measurements(pairs: set[tuple[int, str]], on_date: date) -> dict[tuple[int, str], Decimal]:
    """Latest stored value per (subject, indicator) (``zhengai.indicators.measurements``). One query."""
    from zhengai.indicators import measurements

    return {pair: Decimal(str(value)) for pair, value in measurements.latest(pairs, on_date).items()}


def _live_values(wanted: dict[str, set[int]], on_date: date) -> dict[tuple[int, str], Decimal]:
    """Values computed now from the indicator library for the subjects wanted (indicator code →
    subject ids), over the window of the indicator's cadence containing ``on_date``.

    Each indicator is evaluated once, whatever the number of goals asking for it, and only for the
    subjects wanted (``registry.evaluate_many``: the aggregate reads their rows, not the whole
    level's). Queries: the custom indicators asked for, one per level for the subjects' master ids,
    and each indicator's.
    """
    from zhengai.core import windows

    try:
        from zhengai.indicators import registry
    except ImportError:
        return {}
    builtins = {i.code: i for i in registry.builtin_indicators()}
    cadence_of = registry.cadences()
    groups: dict[tuple[str, str], list] = {}
    for code in sorted(wanted):
        indicator = builtins.get(code)
        if indicator is None:
            try:
                indicator = registry.get(code)
            except LookupError:
                continue
        groups.setdefault((indicator.level, cadence_of[indicator.level]), []).append(indicator)
    out = {}
    for (level, cadence), indicators in groups.items():
        subject_ids = set().union(*(wanted[i.code] for i in indicators))
        values = registry.evaluate_many(level, indicators, windows.containing(cadence, on_date), subject_ids=subject_ids)
        for indicator in indicators:
            column = values.get(indicator.code, {})
            for subject in wanted[indicator.code]:
                if column.get(subject) is not None:
                    out[(subject, indicator.code)] = Decimal(str(column[subject]))
    return out


def _monitored_windows(levels: set[str], on_date: date) -> dict[str, list[tuple[date, date]]]:
    """Level → (start, end) of the windows measured completely (a monitoring run succeeded) within
    the look-back of ``_latest_measurements``. One query."""
    from zhengai.indicators import measurements

    return measurements.measured_windows(levels, on_date)


def current_values(key_results: list[KeyResult], goals: dict[int, Goal], on_date: date, *,
                   accruing: set[str] | None = None) -> dict[int, Decimal]:
    """Key result id → current value of its indicator for its goal's owner (``goals``: id → goal,
    with its owner; ``accruing``: ``accruing_codes`` of the key results, when the caller has them).

    Monitoring's stored measurements first. A value is computed live only where monitoring cannot
    have measured it: once monitoring has measured an indicator for some of the subjects wanted, or
    has run the owner's level over a window of an approved goal's period (a run measures every
    approved goal's key results with a target), a missing measurement means the subject had no data
    (the library's "no data, no entry"). Computing a whole level live to learn that is what made
    goal pages take seconds on a large college.
    """
    pairs = {}
    if accruing is None:
        accruing = accruing_codes({kr.indicator_code for kr in key_results if kr.indicator_code})
    accrued = {}
    for kr in key_results:
        if kr.kind == KeyResultKind.INDICATOR and kr.indicator_code:
            if kr.indicator_code in accruing:
                accrued[kr.pk] = kr
            else:
                pairs[kr.pk] = (goals[kr.goal_id].owner_id, kr.indicator_code)
    out = _accrued_values(accrued, goals, on_date) if accrued else {}
    if not pairs:
        return out
    found = _latest_measurements(set(pairs.values()), on_date)
    measured = {code for _subject, code in found}
    unknown = [kr for kr in key_results if kr.pk in pairs and pairs[kr.pk] not in found and kr.indicator_code not in measured]
    runs = _monitored_windows({goals[kr.goal_id].owner.level for kr in unknown}, on_date) if unknown else {}
    missing: dict[str, set[int]] = {}
    for kr in unknown:
        goal = goals[kr.goal_id]
        judged = kr.target is not None and goal.status == GoalStatus.APPROVED and any(
            start <= (goal.end or end) and goal.start <= end for start, end in runs.get(goal.owner.level, ()))
        if not judged:
            missing.setdefault(kr.indicator_code, set()).add(goal.owner_id)
    if missing:
        found.update(_live_values(missing, on_date))
    out.update({kr_id: found[pair] for kr_id, pair in pairs.items() if pair in found})
    return out


def accruing_codes(codes) -> set[str]:
    """The indicator codes among ``codes`` whose value accrues over a period (hours, days, outputs):
    a key result on one is measured over its goal's period so far, as monitoring judges it."""
    try:
        from zhengai.indicators import registry
    except ImportError:
        return set()
    out = set()
    for code in codes:
        try:
            if registry.get(code).accumulates:
                out.add(code)
        except LookupError:
            continue
    return out


def _accrued_values(key_results: dict[int, KeyResult], goals: dict[int, Goal], on_date: date) -> dict[int, Decimal]:
    """Key result id → its indicator's total over its goal's period so far, for the goal's owner:
    one computation per distinct (period, level), for the owners only (``registry.compute``)."""
    from zhengai.core import windows
    from zhengai.indicators import registry

    groups: dict[tuple, list[KeyResult]] = {}
    for kr in key_results.values():
        goal = goals[kr.goal_id]
        end = min(on_date, goal.end) if goal.end else on_date
        if goal.start > end:
            continue
        groups.setdefault((goal.start, end, goal.owner.level), []).append(kr)
    out = {}
    for (start, end, level), krs in groups.items():
        window = windows.days(start, end)
        codes = sorted({kr.indicator_code for kr in krs})
        values = registry.compute(level, window, codes, subject_ids={goals[kr.goal_id].owner_id for kr in krs})
        for kr in krs:
            value = values.get(kr.indicator_code, {}).get(goals[kr.goal_id].owner_id)
            if value is not None:
                out[kr.pk] = Decimal(str(value))
    return out


def key_result_progress(kr: KeyResult, current: Decimal | None, *, accrues: bool = False) -> Decimal | None:
    """0–1: where ``current`` stands between the baseline and the target — from zero for a quantity
    that accrues over the goal's period (``accrues``), whose baseline is the previous period's total."""
    if kr.kind == KeyResultKind.MILESTONE:
        return ONE if kr.done else ZERO
    if current is None or kr.target is None:
        return None
    higher = kr.direction != Direction.LOWER
    target, baseline = Decimal(kr.target), (None if accrues else kr.baseline)
    if (current >= target) if higher else (current <= target):
        return ONE
    if baseline is not None and baseline != target:
        share = (current - baseline) / (target - baseline)
    elif higher:
        share = current / target if target > 0 else ZERO
    else:
        share = target / current if current > 0 else ONE
    return max(ZERO, min(ONE, share))


@dataclass
class GoalNode:
    """A goal with what the tree shows at a glance."""

    goal: Goal
    progress: Decimal | None = None
    key_results: list = field(default_factory=list)  # (key result, current value, progress)
    latest_report: TaskReport | None = None
    children: list["GoalNode"] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else int((self.progress * 100).quantize(ONE, ROUND_HALF_UP))


def goal_tree(goals, on_date: date) -> list[GoalNode]:
    """The goals given (a queryset) and all their descendants, with progress as of ``on_date``.
    Queries: one per depth of the tree, plus key results, reports and current values — never one
    per goal."""
    level = list(goals.select_related("owner"))
    nodes: dict[int, GoalNode] = {g.pk: GoalNode(g) for g in level}
    frontier = [g.pk for g in level]
    while frontier:
        below = [g for g in Goal.objects.filter(parent_id__in=frontier).select_related("owner") if g.pk not in nodes]
        for g in below:
            nodes[g.pk] = GoalNode(g)
        frontier = [g.pk for g in below]
    ids = list(nodes)
    krs = list(KeyResult.objects.filter(goal_id__in=ids).order_by("goal_id", "order", "pk"))
    reports = {}
    for report in TaskReport.objects.filter(goal_id__in=ids, as_of__lte=on_date).order_by("goal_id", "as_of", "pk"):
        reports[report.goal_id] = report
    accruing = accruing_codes({kr.indicator_code for kr in krs if kr.indicator_code})
    values = current_values(krs, {pk: n.goal for pk, n in nodes.items()}, on_date, accruing=accruing)
    for kr in krs:
        current = values.get(kr.pk)
        nodes[kr.goal_id].key_results.append((kr, current, key_result_progress(kr, current, accrues=kr.indicator_code in accruing)))
    for pk, node in nodes.items():
        node.latest_report = reports.get(pk)
        parent = node.goal.parent_id
        if parent in nodes and parent != pk:
            nodes[parent].children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.goal.order, n.goal.pk))

    def compute(node: GoalNode, seen=frozenset()) -> Decimal | None:
        parts = []
        for kr, _current, progress in node.key_results:
            if progress is not None:
                parts.append((Decimal(kr.weight), progress))
        for child in node.children:
            if child.goal.pk not in seen:
                p = compute(child, seen | {node.goal.pk})
                if p is not None:
                    parts.append((Decimal(child.goal.weight), p))
        if node.latest_report is not None:
            parts.append((ONE, min(ONE, node.latest_report.completion / 100)))
        total = sum(w for w, _p in parts)
        node.progress = (sum(w * p for w, p in parts) / total).quantize(Decimal("0.0001")) if total else None
        return node.progress

    roots = [nodes[g.pk] for g in level if g.parent_id not in nodes]
    for root in roots:
        compute(root)
    return roots


def progress_of(goal: Goal, on_date: date) -> Decimal | None:
    [node] = goal_tree(Goal.objects.filter(pk=goal.pk), on_date)
    return node.progress


def task_rows(window_text: str | None = None):
    """Rows for ``zhengai tasks list``: each task with its latest reported completion."""
    from zhengai.core import windows

    tasks = Goal.objects.filter(kind__in=(GoalKind.ANNUAL_TASK, GoalKind.DEPARTMENT_TASK)).select_related("owner")
    if window_text:
        window = windows.parse(window_text)
        tasks = tasks.filter(start__lte=window.end).filter(Q(end__isnull=True) | Q(end__gte=window.start) | Q(recurring=True))
    latest = {}
    for goal_id, completion in TaskReport.objects.filter(goal__in=tasks).order_by("goal_id", "as_of", "pk").values_list("goal_id", "completion"):
        latest[goal_id] = completion
    rows = [(t.pk, t.get_kind_display(), t.category, t.title, t.owner.name, t.lead_departments, t.start, t.end,
             "是" if t.recurring else "", latest.get(t.pk)) for t in tasks.order_by("parent_id", "order", "pk")]
    return rows, ["id", "kind", "category", "title", "owner", "lead", "start", "end", "yearly", "completion"]
