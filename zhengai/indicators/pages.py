"""What an indicator's page shows, computed outside the views: where the data comes from, the
distribution over the level's subjects in one window and the values over time — always over the
subjects the user may see (``org.access.restrict`` on the subject registry), in a fixed number of
queries whatever the number of subjects."""

from contextlib import contextmanager
from dataclasses import dataclass
from statistics import fmean, median

from django.apps import apps
from django.db.models import Count, Max

from zhengai.core import windows
from zhengai.core import clock
from zhengai.datacenter.choices import BatchStatus, Level
from zhengai.datacenter.dictionary import TABLE_CODES, model_for_table
from zhengai.datacenter.models import ImportBatch, Subject
from zhengai.org.access import grants_for, restrict

from . import cache, measurements, registry
from .registry import HIGHER, Indicator

SERIES_LENGTH = 8
# Sources outside the data dictionary: what users enter on the platform itself (goal chain).
OTHER_SOURCES = {"goals": "chains.Goal", "task_reports": "chains.TaskReport", "cycles": "cycles.Cycle",
                 "cycle_events": "cycles.CycleEvent", "warnings": "monitoring.Warning",
                 "improvement_actions": "cycles.ImprovementAction"}
HISTOGRAM_BINS = 10


def default_window(indicator: Indicator):
    """The window of the level's cadence that contains the demo (or real) date."""
    try:
        return windows.containing(indicator.cadence, clock.today())
    except windows.WindowError:  # no term yet
        return windows.containing("month", clock.today())


@dataclass
class Source:
    table: str
    label: str
    systems: list  # [{"code", "name", "batches", "last"}]


def sources(indicator: Indicator) -> list[Source]:
    """The tables an indicator reads and the source systems whose import batches fed them (one
    query over the import batches, grouped)."""
    tables = [t for t in indicator.sources if t in TABLE_CODES]
    others = [t for t in indicator.sources if t in OTHER_SOURCES]
    fed = {}
    rows = (ImportBatch.objects.filter(table__in=tables, status=BatchStatus.SUCCEEDED)
            .values("table", "source__code", "source__name").annotate(batches=Count("pk"), last=Max("finished_at"))
            .order_by("table", "source__code"))
    for row in rows:
        fed.setdefault(row["table"], []).append({"code": row["source__code"], "name": row["source__name"],
                                                 "batches": row["batches"], "last": row["last"]})
    return ([Source(t, str(model_for_table(t)._meta.verbose_name), fed.get(t, [])) for t in tables]
            + [Source(t, str(apps.get_model(OTHER_SOURCES[t])._meta.verbose_name), []) for t in others])


def visible_subjects(user, level: str) -> dict[int, tuple[str, str]]:
    """Subject id → (natural key, name) of the level's subjects the user may see (one query)."""
    qs = restrict(Subject.objects.filter(level=level), user)
    return {pk: (key, name) for pk, key, name in qs.values_list("pk", "key", "name")}


@contextmanager
def scoped(user, level: str, subjects: dict[int, tuple[str, str]]):
    """Within the block, evaluations read only the rows of the subjects ``user`` may see (their
    master ids in one query, ``registry.only``), so a teacher's page computes their offerings, not
    the school's. School-wide viewers, the school level and scopes beyond
    ``registry.RESTRICT_AT_MOST`` subjects compute as before (the IN list would cost more than it saves)."""
    if level == Level.SCHOOL or len(subjects) > registry.RESTRICT_AT_MOST or grants_for(user).school:
        yield
        return
    from zhengai.datacenter.models.subjects import LEVEL_COLUMN

    masters = Subject.objects.filter(level=level, pk__in=list(subjects)).values_list(
        Subject._meta.get_field(LEVEL_COLUMN[level]).attname, flat=True)
    # No subject in scope: restricted to no master (0 is no row's id; an empty IN list cannot be compiled).
    with registry.only(list(masters) or [0]):
        yield


def histogram(values: list[float], bins: int = HISTOGRAM_BINS) -> dict:
    """Equal-width bins from the smallest to the largest value: {"labels": [...], "values": [...]}."""
    if not values:
        return {"labels": [], "values": []}
    low, high = min(values), max(values)
    if low == high:
        return {"labels": [_fmt(low)], "values": [len(values)]}
    width = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(int((v - low) / width), bins - 1)] += 1
    labels = [f"{_fmt(low + i * width)}–{_fmt(low + (i + 1) * width)}" for i in range(bins)]
    return {"labels": labels, "values": counts}


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def summary(values: list[float]) -> dict | None:
    if not values:
        return None
    return {"n": len(values), "mean": round(fmean(values), 2), "median": round(median(values), 2),
            "min": round(min(values), 2), "max": round(max(values), 2)}


def distribution(indicator: Indicator, window, subjects: dict[int, tuple[str, str]]) -> dict:
    """Values of the visible subjects in ``window``: summary, histogram and the ranked rows (worst first)."""
    result = {sid: v for sid, v in cache.values(indicator, window).items() if sid in subjects}
    values = [float(v) for v in result.values()]
    worst_first = sorted(result.items(), key=lambda kv: kv[1], reverse=indicator.direction != HIGHER)
    ranked = [{"key": subjects[sid][0], "name": subjects[sid][1], "value": v} for sid, v in worst_first]
    return {"summary": summary(values), "histogram": histogram(values), "ranked": ranked,
            "missing": len(subjects) - len(result)}


def stored_means(indicator: Indicator, window_codes: list[str], user) -> dict[str, float]:
    """Window code → mean of the values stored for the subjects ``user`` may see, in one grouped
    query (``zhengai.indicators.measurements``); empty when none are stored."""
    return measurements.means(indicator.level, indicator.code, window_codes, user)


def series(indicator: Indicator, window, subjects: dict[int, tuple[str, str]], user=None,
           length: int = SERIES_LENGTH) -> dict:
    """The mean over the visible subjects for the ``length`` windows of the level's cadence ending
    with the one containing ``window``'s end. The last window is always computed; earlier ones are
    read from what monitoring stored for them when it did (one query), else computed — two queries
    per computed window, whatever the number of subjects."""
    steps = []
    try:
        step = windows.containing(indicator.cadence, window.end)
        steps.append(step)
        for _i in range(length - 1):
            step = step.previous()
            steps.insert(0, step)
    except windows.WindowError:  # no earlier term in the term table
        pass
    stored = stored_means(indicator, [w.code for w in steps[:-1]], user) if user is not None else {}
    labels, means = [], []
    for w in steps:
        labels.append(w.code)
        if w.code in stored:
            means.append(stored[w.code])
            continue
        values = [float(v) for sid, v in cache.values(indicator, w).items() if sid in subjects]
        means.append(round(fmean(values), 2) if values else None)
    return {"labels": labels, "dates": [windows.label(w) for w in steps],
            "series": [{"name": indicator.name_zh, "values": means}],
            "stored": [w.code for w in steps if w.code in stored]}
