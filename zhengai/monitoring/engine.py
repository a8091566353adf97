"""The monitoring engine (监测→预警): one run measures every subject of a level over a window and
moves warnings, set-based.

A run (level, window):
1. reads the warning rules in force on the window's last day that judge this kind of window (a point
   with its own judging period, e.g. 学年, only on windows of that kind) and the goal key results
   due, and so the indicator codes they need;
2. computes those indicators for ALL subjects of the level (the indicators app groups in the
   database) and replaces the window's measurements in bulk;
3. judges every (subject, indicator) in memory: which line it crosses (yellow/orange/red), or whether
   a goal's key result is behind its straight-line trajectory from baseline to target;
4. diffs the verdicts with the active warnings (loaded in one query) and writes the difference in bulk:
   new warnings, raised grades, automatic resolutions (only when back inside by the rule's margin, or
   inside for ``resolve_windows`` consecutive windows — no flapping), escalations one level up after
   the policy's number of cadences; every change leaves a ``WarningEvent``;
5. after commit, says so (``signals.run_committed``): the notifier, above, sends one digest per person.

The number of queries is fixed whatever the number of subjects (bulk writes batch by thousands).
Rules, goals and indicators come through ``sources.Sources`` so tests can inject tiny ones.
"""

import dataclasses
import time
from types import SimpleNamespace
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhengai.core import clock
from zhengai.core import windows as W
from zhengai.indicators import measurements

from . import drilldown
from .choices import ACTIVE_STATUSES, DONE_STATUSES, GRADE_RANK, EventKind, Grade, RunStatus, WarningSource, WarningStatus
from .bulk import fast_update, insert_objects, measurement_ids, upsert_measurements
from .lock import claimed
from .models import Run, Warning, WarningEvent
from .owners import ESCALATION_LEVEL, active_subject_ids, subject_rows
from .policies import policy_for
from .signals import run_committed
from .sources import Sources
from .sources import default as default_sources

BATCH = 5000
STALE_REASON = gettext_lazy("标准已调整：该诊断点不再在此类时间窗口判定")
_OTHER = {WarningSource.STANDARD.value: WarningSource.GOAL.value, WarningSource.GOAL.value: WarningSource.STANDARD.value}
MERGED_REASON = gettext_lazy("同一事实只保留一条预警：已并入同一指标的标准预警 #%(pk)s")
# A goal's key result is "behind" when it trails the expected value by more than this share of the
# distance from baseline to target.
GOAL_MARGIN_SHARE = 0.1


@dataclass
class Verdict:
    grade: str | None  # None: inside every line
    well_inside: bool  # inside by at least the rule's resolve margin
    value: float
    threshold: float | None
    direction: str
    rule: object
    source: str
    period: tuple | None = None  # (start, end) the value was measured over, when not the run's window
    also: "Verdict | None" = None  # the other judgement of the same fact (a standard's and a goal's)


def _f(x):
    return None if x is None else float(x)


def _worse(value, line, direction) -> bool:
    if line is None:
        return False
    return value < float(line) if direction != "lower" else value > float(line)


def judged_on(rule, window) -> bool:
    """A point with its own judging period (评价周期) is judged only on a window of that kind — an
    annual requirement on 学年 windows, never on a month or a term, where nearly everyone falls short."""
    period = getattr(rule, "period", "")
    return not period or period == window.kind


def _crossing_test(rule):
    """A fast test of whether a value crosses any of ``rule``'s lines (for the many values that don't)."""
    lines = [float(line) for line in (rule.yellow, rule.orange, rule.red) if line is not None]
    if not lines:
        return lambda value: False
    if rule.direction != "lower":
        highest = max(lines)
        return lambda value: value < highest
    lowest = min(lines)
    return lambda value: value > lowest


def judge_rule(rule, value: float) -> Verdict:
    """Where ``value`` stands against one rule's warning lines."""
    grade, threshold = None, None
    for name in (Grade.RED, Grade.ORANGE, Grade.YELLOW):
        line = getattr(rule, name.value)
        if _worse(value, line, rule.direction):
            grade, threshold = name.value, line
            break
    yellow = _f(rule.yellow)
    margin = _f(rule.resolve_margin) or 0.0
    if yellow is None:
        well_inside = grade is None
    elif rule.direction != "lower":
        well_inside = value >= yellow + margin
    else:
        well_inside = value <= yellow - margin
    return Verdict(grade, well_inside if grade is None else False, value, _f(threshold) if grade else yellow,
                   rule.direction, rule, WarningSource.STANDARD)


def goal_period(goal, window) -> tuple:
    """The days a key result on an accruing quantity is measured over in a run of ``window``: from
    its goal's start to the window's end, or to the goal's end once that has passed."""
    return goal.start, min(window.end, goal.end)


def trajectory_start(goal, accumulates: bool) -> float:
    """Where a key result's straight line starts: its baseline for a level (a rate, a score), zero
    for a quantity that accrues over the period (hours, days, outputs — the baseline is then last
    period's total, not where this one starts)."""
    return 0.0 if accumulates else float(goal.baseline)


def expected_on_track(goal, day, *, accumulates: bool = False) -> float:
    """The straight-line trajectory to the target (at the goal's end), on ``day``."""
    span = (goal.end - goal.start).days
    share = 1.0 if span <= 0 else min(1.0, max(0.0, (day - goal.start).days / span))
    start = trajectory_start(goal, accumulates)
    return start + (float(goal.target) - start) * share


def judge_goal(goal, value: float, day, *, accumulates: bool = False) -> Verdict | None:
    """Behind its trajectory by more than the margin → a yellow "goal behind" verdict. A key result
    without a baseline has no trajectory: it is judged against its target once its period is over."""
    if goal.baseline is None:
        if day < goal.end:
            return None
        goal = dataclasses.replace(goal, baseline=goal.target)
    expected = expected_on_track(goal, day, accumulates=accumulates)
    margin = abs(float(goal.target) - trajectory_start(goal, accumulates)) * GOAL_MARGIN_SHARE
    if goal.direction != "lower":
        behind = value < expected - margin
    else:
        behind = value > expected + margin
    return Verdict(Grade.YELLOW.value if behind else None, not behind, value, expected, goal.direction, goal,
                   WarningSource.GOAL)


@dataclass
class Summary:
    run: Run
    subjects: int = 0
    measurements: int = 0
    opened: int = 0
    # A crossing of a line on a fact whose warning the other source (a goal's key result, or a
    # standard's point) already has open: it joins that warning's reasons instead of opening a second
    # (one alert per fact), so it is not in ``opened`` — yet it is a subject found beyond a line.
    joined: int = 0
    raised: int = 0
    resolved: int = 0
    escalated: int = 0
    closed: int = 0  # no longer judged on this kind of window (a revised standard)
    still_open: int = 0
    seconds: float = 0.0
    notes: list = field(default_factory=list)


def run_window(level: str, window, *, sources: Sources | None = None, trigger: str = "cli", notify: bool = True) -> Summary:
    """Run monitoring for ``level`` over ``window``. Raises ``lock.RunLocked`` if the same run is in
    progress elsewhere; any other error leaves the previous results intact and the run failed."""
    sources = sources or default_sources()
    started = time.monotonic()
    with claimed(level, window, trigger) as run:
        summary = _execute(run, level, window, sources)
        summary.seconds = time.monotonic() - started
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED, subjects=summary.subjects, measurements=summary.measurements,
            opened=summary.opened, raised=summary.raised, resolved=summary.resolved, escalated=summary.escalated,
            still_open=summary.still_open, finished_at=timezone.now(), seconds=summary.seconds, error="",
        )
        run.status = RunStatus.SUCCEEDED
        if notify:
            transaction.on_commit(lambda: _notify(run.pk))
    return summary


def _notify(run_id: int) -> None:
    # Whoever tells people listens (zhengai.notifications); monitoring does not know who that is.
    run_committed.send(sender=Run, run_id=run_id)


def _execute(run: Run, level: str, window, sources: Sources) -> Summary:
    """One run's work, in the steps of the module docstring; the number of queries is fixed."""
    job = _Job(run=run, level=level, window=window, sources=sources, summary=Summary(run=run), now=clock.now())
    _read_rules_and_goals(job)
    _measure(job)
    _judge_rules(job)
    _judge_goals(job)
    _one_alert_per_fact(job)
    _diff_with_warnings(job)
    _link_measurements_and_facts(job)
    _close_no_longer_judged(job)
    _write(job)
    return job.summary


@dataclass
class _Job:
    """What one run carries from step to step."""

    run: Run
    level: str
    window: object
    sources: Sources
    summary: Summary
    now: object  # the business time of what this run records (the demo's date on the demo)
    rules: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    indicators: dict = field(default_factory=dict)
    subjects: set = field(default_factory=set)
    values: dict = field(default_factory=dict)
    active: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    events: list = field(default_factory=list)
    escalate: list = field(default_factory=list)
    # Filled after the diff, in one query each: the measurements behind new warnings and automatic
    # resolutions, and the coordinates (fact rows) of the subjects of new warnings.
    needs_measurement: list = field(default_factory=list)  # (warning, attribute, code)
    periods_of: dict = field(default_factory=dict)
    merged_away: list = field(default_factory=list)  # (goal warning, the standard warning it joins)
    folds: list = field(default_factory=list)  # (the fact's open warning, another judgement of the fact)
    update_fields: set = field(default_factory=lambda: {
        "grade", "value", "threshold", "last_window", "last_window_end", "inside_streak", "cadences_open",
        "status", "resolved_at", "resolved_window", "resolved_window_end", "resolved_by_measurement", "updated_at",
        "reasons", "point_id", "version_id", "goal_id", "key_result_id"})


def _read_rules_and_goals(job: _Job) -> None:
    """Step 1: the rules in force that judge this kind of window, the goals due, the codes they need."""
    level, window, sources = job.level, job.window, job.sources
    job.rules = [rule for rule in sources.rules(level, window.end) or [] if judged_on(rule, window)]
    job.goals = list(sources.goals(level, window) or [])
    job.codes = sorted({r.indicator_code for r in job.rules} | {g.indicator_code for g in job.goals})
    job.indicators = {code: sources.describe(code) for code in job.codes}


def _measure(job: _Job) -> None:
    """Step 2: compute the codes for all subjects and replace the window's measurements; then load
    the level's active warnings (one query)."""
    level, window, codes = job.level, job.window, job.codes
    job.subjects = active_subject_ids(level)  # query: ids only; coordinates are read for new warnings alone
    job.summary.subjects = len(job.subjects)
    job.values = job.sources.compute(level, window, codes) if codes else {}
    # Measurements: upserted (ids stay stable, so warnings keep their links); rows of the window this
    # run did not write are dropped — together, the window's measurements are replaced.
    kept = {code: {sid: v for sid, v in (job.values.get(code) or {}).items() if sid in job.subjects and v is not None}
            for code in codes}
    upsert_measurements(job.run.pk, level, window, kept)
    measurements.record_measured(level, window, job.now)
    job.summary.measurements = sum(len(v) for v in kept.values())
    job.active = {
        (w.subject_id, w.indicator_code, w.source): w
        for w in Warning.objects.filter(level=level, status__in=ACTIVE_STATUSES)
        .exclude(source=WarningSource.MANUAL)
    }


def _judge_rules(job: _Job) -> None:
    """Step 3a, in memory: the worst grade any applicable rule gives each (subject, indicator). Most
    subjects are inside every line and have no warning: they are passed over without a verdict."""
    verdicts, active, subjects = job.verdicts, job.active, job.subjects
    standard = WarningSource.STANDARD.value
    for rule in job.rules:
        code = rule.indicator_code
        column = job.values.get(code) or {}
        targets = rule.subject_ids if rule.subject_ids is not None else column.keys()
        crosses = _crossing_test(rule)
        for sid in targets:
            value = column.get(sid)
            if value is None or sid not in subjects:
                continue
            key = (sid, code, standard)
            if not crosses(value) and key not in active and key not in verdicts:
                continue
            verdict = judge_rule(rule, float(value))
            current = verdicts.get(key)
            if current is None or _rank(verdict) > _rank(current) or (
                    _rank(verdict) == _rank(current) and current.well_inside and not verdict.well_inside):
                verdicts[key] = verdict


def _judge_goals(job: _Job) -> None:
    """Step 3b: goals' key results against their trajectories. A key result on a quantity that
    accrues (training hours, outputs) is measured over its goal's period so far — 60 hours in a year
    is not judged on one term's hours; one on a level (a rate, a score) by its value in the run's
    window. Accrued values are computed for the goals' owners only, once per distinct period."""
    level, window, indicators = job.level, job.window, job.indicators
    goal_values = {(window.start, window.end): job.values}
    periods: dict[tuple, tuple[set, set]] = {}
    for goal in job.goals:
        if getattr(indicators[goal.indicator_code], "accumulates", False):
            codes_needed, owners = periods.setdefault(goal_period(goal, window), (set(), set()))
            codes_needed.add(goal.indicator_code)
            owners.add(goal.subject_id)
    for (start, end), (needed, owners) in periods.items():
        if (start, end) not in goal_values:
            goal_values[(start, end)] = job.sources.compute(level, W.days(start, end), sorted(needed),
                                                            subject_ids=owners) or {}
    for goal in job.goals:
        accumulates = getattr(indicators[goal.indicator_code], "accumulates", False)
        period = goal_period(goal, window) if accumulates else (window.start, window.end)
        value = (goal_values[period].get(goal.indicator_code) or {}).get(goal.subject_id)
        if value is None or goal.subject_id not in job.subjects:
            continue
        key = (goal.subject_id, goal.indicator_code, WarningSource.GOAL.value)
        verdict = judge_goal(goal, float(value), period[1], accumulates=accumulates)
        if verdict is None:
            continue
        verdict.period = period
        if key not in job.verdicts or _rank(verdict) > _rank(job.verdicts[key]):
            job.verdicts[key] = verdict


def _one_alert_per_fact(job: _Job) -> None:
    """Step 3c: a standard and a goal judging the same indicator of the same subject judge one fact,
    so they make one warning that carries both reasons (``Warning.reasons``), never two alerts. The
    fact's warning is the standard's, unless only the goal's is open already (it keeps the fact);
    where both are open (from before this rule), the goal's is closed into the standard's."""
    standard, goal = WarningSource.STANDARD.value, WarningSource.GOAL.value
    for key in [k for k in job.verdicts if k[2] == goal]:
        sid, code, _source = key
        skey = (sid, code, standard)
        s_verdict = job.verdicts.get(skey)
        if s_verdict is None:  # no standard judges it here, or it is inside every line with no warning open
            continue
        g_verdict = job.verdicts[key]
        if key in job.active and skey not in job.active:
            job.verdicts[key] = _joined(g_verdict, s_verdict)
            del job.verdicts[skey]
            continue
        job.verdicts[skey] = _joined(s_verdict, g_verdict)
        del job.verdicts[key]
        if key in job.active and skey in job.active:
            job.merged_away.append((job.active[key], job.active[skey]))
    # Two open from before on one fact, the run judging one of them: the goal's joins the standard's.
    merged = {id(w) for w, _k in job.merged_away}
    for key, twin in list(job.active.items()):
        sid, code, source = key
        skey = (sid, code, standard)
        if source != goal or skey not in job.active or id(twin) in merged:
            continue
        if key not in job.verdicts and skey not in job.verdicts:
            continue
        job.merged_away.append((twin, job.active[skey]))
        alone = job.verdicts.pop(key, None)
        if alone is not None:
            job.folds.append((job.active[skey], alone))


def _joined(primary: Verdict, other: Verdict) -> Verdict:
    """One verdict for one fact: the worse grade of the two, resolved only when both say so."""
    worse = primary if _rank(primary) >= _rank(other) else other
    return dataclasses.replace(primary, grade=worse.grade, well_inside=primary.well_inside and other.well_inside,
                               also=other)


def _entry(v) -> dict:
    return {"source": str(v.source), "grade": v.grade or "", "threshold": v.threshold, "value": v.value}


def _reasons(verdict: Verdict, kept=()) -> list[dict]:
    """The judgements a warning keeps (``Warning.reasons``): both of a joined verdict; a lone verdict
    updates its own entry among those already kept (another source's stays until it judges again).
    Empty while one source alone judges the fact."""
    entries = [verdict] + ([verdict.also] if verdict.also is not None else [])
    by_source = {r["source"]: r for r in kept or ()}
    by_source.update({str(v.source): _entry(v) for v in entries})
    return list(by_source.values()) if len(by_source) > 1 else []


def _fold(job: _Job, warning, verdict: Verdict, *, judged: bool = True) -> None:
    """Another source's judgement of the fact ``warning`` is open for: it joins the warning's reasons
    (and raises its grade when worse) instead of opening a second warning."""
    before = _state(warning)
    own = warning.reasons or [{"source": warning.source, "grade": warning.grade, "threshold": warning.threshold,
                               "value": warning.value}]
    if judged and verdict.grade is not None and not any(r.get("source") == str(verdict.source) and r.get("grade") for r in own):
        job.summary.joined += 1
    warning.reasons = _reasons(verdict, own)
    for name, value in _also_ids(dataclasses.replace(verdict, also=verdict)).items():
        setattr(warning, name, value)
    if verdict.grade is not None and GRADE_RANK[verdict.grade] > GRADE_RANK[warning.grade]:
        job.events.append(_event(warning, job.run, EventKind.RAISED, job.window, from_grade=warning.grade,
                                 to_grade=verdict.grade))
        warning.grade = verdict.grade
        job.summary.raised += 1
    if _state(warning) != before:
        warning.updated_at = job.now
        job.to_update.append(warning)


def _also_ids(verdict: Verdict) -> dict:
    """The other judgement's point or key result, so the warning names both."""
    other = verdict.also
    if other is None:
        return {}
    rule = other.rule
    if other.source == WarningSource.GOAL.value:
        return {"goal_id": getattr(rule, "goal_id", None), "key_result_id": getattr(rule, "key_result_id", None)}
    return {"point_id": getattr(rule, "point_id", None), "version_id": getattr(rule, "version_id", None)}


def _recently_finished(job: _Job) -> dict:
    """Recent finished warnings (re-opening after a correction; never re-opening from an older
    window than one already judged), in one query."""
    finished = {}
    if job.codes:
        done_qs = Warning.objects.filter(level=job.level, status__in=DONE_STATUSES, indicator_code__in=job.codes).filter(
            Q(last_window_end__gte=job.window.start) | ~Q(measure_kind="")
        ).order_by("last_window_end", "pk").values_list("pk", "subject_id", "indicator_code", "source", "last_window_end", "measure_kind")
        for pk, sid, code, source, last_end, kind in done_qs:
            finished[(sid, code, source)] = (pk, last_end, kind)
    return finished


def _diff_with_warnings(job: _Job) -> None:
    """Step 4: the verdicts against the active warnings — new warnings, raised grades, automatic
    resolutions, escalations after the policy's number of cadences."""
    window, run, now, summary = job.window, job.run, job.now, job.summary
    finished = _recently_finished(job)
    policy = policy_for(job.level)
    for key, verdict in job.verdicts.items():
        sid, code, source = key
        warning = job.active.get(key)
        # A goal judged over its own period has no measurement of the run's window behind it.
        own_period = bool(verdict.period) and verdict.period != (window.start, window.end)
        if warning is None:
            twin = job.active.get((sid, code, _OTHER.get(source)))
            if twin is not None and twin.status in ACTIVE_STATUSES:
                job.folds.append((twin, verdict))  # the fact has its warning already: one alert per fact
                continue
            if verdict.grade is None:
                continue
            previous = finished.get(key)
            if previous and previous[1] and previous[1] >= window.end:
                continue  # a later window already judged this subject; an older re-run changes nothing
            rule = verdict.rule
            ids = {"point_id": getattr(rule, "point_id", None), "version_id": getattr(rule, "version_id", None),
                   "goal_id": getattr(rule, "goal_id", None), "key_result_id": getattr(rule, "key_result_id", None),
                   **_also_ids(verdict)}
            warning = Warning(
                subject_id=sid, level=job.level, indicator_code=code, source=source, **ids,
                direction=verdict.direction, grade=verdict.grade, status=WarningStatus.OPEN,
                opened_window=window.code, opened_window_end=window.end, last_window=window.code, last_window_end=window.end,
                value=verdict.value, threshold=verdict.threshold,
                resolve_margin=getattr(rule, "resolve_margin", 0) or 0,
                resolve_windows=max(1, getattr(rule, "resolve_windows", 1) or 1),
                opened_at=now, reopened_from_id=previous[0] if previous and previous[2] else None,
                reasons=_reasons(verdict),
            )
            job.to_create.append(warning)
            job.periods_of[id(warning)] = verdict.period
            if not own_period:
                job.needs_measurement.append((warning, "measurement_id", code))
            summary.opened += 1
            continue
        if warning.last_window_end and window.end < warning.last_window_end:
            continue  # an older window re-run: the warning has moved on
        before = _state(warning)
        same_window = warning.last_window == window.code
        if not same_window:
            warning.cadences_open += 1
        warning.value, warning.last_window, warning.last_window_end = verdict.value, window.code, window.end
        warning.reasons = _reasons(verdict, warning.reasons)
        for name, value in _also_ids(verdict).items():
            setattr(warning, name, value)
        if verdict.grade is not None:
            warning.inside_streak = 0
            if GRADE_RANK[verdict.grade] > GRADE_RANK[warning.grade]:
                job.events.append(_event(warning, run, EventKind.RAISED, window, from_grade=warning.grade, to_grade=verdict.grade))
                warning.grade, warning.threshold = verdict.grade, verdict.threshold
                summary.raised += 1
        else:
            if not same_window:
                warning.inside_streak += 1
            if verdict.well_inside or warning.inside_streak >= warning.resolve_windows:
                job.events.append(_event(warning, run, EventKind.AUTO_RESOLVED, window, to_status=WarningStatus.RESOLVED))
                warning.status, warning.resolved_at, warning.resolved_window = WarningStatus.RESOLVED, now, window.code
                warning.resolved_window_end = window.end
                warning.resolved_by_measurement_id = None
                if not own_period:
                    job.needs_measurement.append((warning, "resolved_by_measurement_id", code))
                summary.resolved += 1
        if (warning.status in ACTIVE_STATUSES and not warning.escalated_level
                and policy.escalate_after and warning.cadences_open >= policy.escalate_after):
            job.escalate.append(warning)
        if _state(warning) != before or (job.escalate and job.escalate[-1] is warning):
            warning.updated_at = now
            job.to_update.append(warning)  # a re-run that changes nothing writes nothing
    for warning, verdict in job.folds:
        _fold(job, warning, verdict)


def _link_measurements_and_facts(job: _Job) -> None:
    """The measurement behind each new warning and resolution, and the fact rows (drill-down) of each
    new warning's subject: one query each, whatever the number of warnings."""
    level, window, indicators = job.level, job.window, job.indicators
    mids = measurement_ids(level, window, {w.subject_id for w, _a, _c in job.needs_measurement})
    for warning, attribute, code in job.needs_measurement:
        setattr(warning, attribute, mids.get((warning.subject_id, code)))
    if not job.to_create:
        return
    plans = {code: drilldown.plan(level, indicators[code], window) for code in job.codes}

    def describe_facts(code, subject, period=None):
        if period and period != (window.start, window.end):
            key = (code, period)
            if key not in plans:
                plans[key] = drilldown.plan(level, indicators[code], W.days(*period))
            return drilldown.fill(plans[key], subject)
        return drilldown.fill(plans[code], subject)

    coordinates = subject_rows(level, ids={w.subject_id for w in job.to_create})
    for warning in job.to_create:
        warning.drilldown = describe_facts(warning.indicator_code, coordinates.get(warning.subject_id) or {},
                                           job.periods_of[id(warning)])


def _close_no_longer_judged(job: _Job) -> None:
    """A warning whose point is no longer judged on this kind of window — its standard was revised,
    or the point given its own judging period (training hours per 学年, no longer per term) — would
    never be judged again by these runs: it is closed, with the reason, rather than left open."""
    window, now = job.window, job.now
    judged = {rule.indicator_code for rule in job.rules}
    stale_reason = str(STALE_REASON)
    for warning in job.active.values():
        if (warning.source == WarningSource.STANDARD and warning.indicator_code not in judged
                and W.kind_of(warning.last_window) == window.kind
                and (warning.last_window_end is None or warning.last_window_end <= window.end)):
            job.events.append(_event(warning, job.run, EventKind.CLOSED, window, to_status=WarningStatus.CLOSED,
                                     note=stale_reason))
            warning.status, warning.closed_at, warning.reason, warning.updated_at = WarningStatus.CLOSED, now, stale_reason, now
            job.to_update.append(warning)
            job.update_fields |= {"closed_at", "reason"}
            job.summary.closed += 1
    for duplicate, kept in job.merged_away:
        if not any(r.get("source") == duplicate.source for r in kept.reasons or ()):
            _fold(job, kept, Verdict(duplicate.grade, False, duplicate.value, duplicate.threshold, duplicate.direction,
                                     SimpleNamespace(goal_id=duplicate.goal_id, key_result_id=duplicate.key_result_id),
                                     duplicate.source), judged=False)
        note = str(MERGED_REASON) % {"pk": kept.pk}
        job.events.append(_event(duplicate, job.run, EventKind.CLOSED, window, to_status=WarningStatus.CLOSED, note=note))
        duplicate.status, duplicate.closed_at, duplicate.reason, duplicate.updated_at = WarningStatus.CLOSED, now, note, now
        job.to_update.append(duplicate)
        job.update_fields |= {"closed_at", "reason"}
        job.summary.closed += 1


def _write(job: _Job) -> None:
    """Step 4's writes, in bulk: new warnings, escalations one level up (who owns a warning and its
    escalation is derived from role scopes when read, owners.owners_of, never stored), updates, and
    every change's event."""
    window, run, now = job.window, job.run, job.now
    insert_objects(Warning, job.to_create)
    for warning in job.to_create:
        job.events.append(_event(warning, run, EventKind.OPENED, window, to_status=WarningStatus.OPEN, to_grade=warning.grade))
    if job.escalate:
        up = ESCALATION_LEVEL[job.level]
        for w in job.escalate:
            w.escalated_level, w.escalated_at = up, now
            job.events.append(_event(w, run, EventKind.ESCALATED, window, note=up))
        job.update_fields |= {"escalated_level", "escalated_at"}
        job.summary.escalated = len(job.escalate)
    if job.to_update:
        unique = list({id(w): w for w in job.to_update}.values())
        fast_update(Warning, unique, sorted(job.update_fields))
    for event in job.events:
        event.warning_id = event.warning.pk
    insert_objects(WarningEvent, job.events)
    job.summary.still_open = Warning.objects.filter(level=job.level, status__in=ACTIVE_STATUSES).count()


def _state(warning) -> tuple:
    return (warning.grade, warning.value, warning.threshold, warning.last_window, warning.inside_streak,
            warning.cadences_open, warning.status, warning.reasons, warning.point_id, warning.goal_id,
            warning.key_result_id)


def _rank(verdict: Verdict) -> int:
    return GRADE_RANK.get(verdict.grade, 0) if verdict.grade else 0


def _event(warning, run, kind, window, *, to_status="", from_grade="", to_grade="", note=""):
    opened = kind == EventKind.OPENED
    return WarningEvent(
        warning=warning, run=run, kind=kind, window_code=window.code, value=warning.value,
        from_status=warning.status if to_status and not opened else "", to_status=to_status,
        from_grade=from_grade, to_grade=to_grade, note=note,
    )
