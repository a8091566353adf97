"""The one reader of stored indicator values (监测值, ``Measurement``): monitoring writes them, a run at
a time (``zhengai.monitoring.bulk``) and records the window as measured (``record_measured``);
indicator pages, goal pages and warning pages read them here, never from monitoring.

Every reader is one query, whatever the number of subjects.
"""

from datetime import date, timedelta

from django.db.models import Avg

from .models import MeasuredWindow, Measurement

# How far back a "latest" value or a measured window is looked for.
LOOKBACK = timedelta(days=400)


def means(level: str, code: str, window_codes, user=None) -> dict[str, float]:
    """Window code → mean of the stored values of indicator ``code`` over the subjects ``user`` may
    see (all subjects without a user), rounded to two places. One grouped query."""
    qs = Measurement.objects.filter(level=level, indicator_code=code, window_code__in=list(window_codes),
                                    value__isnull=False)
    if user is not None:
        from zhengai.org.access import restrict

        qs = restrict(qs, user)
    rows = qs.order_by().values("window_code").annotate(mean=Avg("value"))
    return {row["window_code"]: round(row["mean"], 2) for row in rows}


def history(subject_id: int, code: str) -> list[tuple[str, float | None]]:
    """(window code, value) of one subject's indicator, oldest window first."""
    return list(Measurement.objects.filter(subject_id=subject_id, indicator_code=code)
                .order_by("window_end").values_list("window_code", "value"))


def by_window(subject_ids, window_codes) -> dict[tuple[int, str, str], float | None]:
    """(subject id, indicator code, window code) → the stored value, for the subjects and windows
    given (a teacher's offerings over the term's half months)."""
    if not subject_ids or not window_codes:
        return {}
    rows = (Measurement.objects.filter(subject_id__in=list(subject_ids), window_code__in=list(window_codes))
            .values_list("subject_id", "indicator_code", "window_code", "value"))
    return {(s, c, w): v for s, c, w, v in rows}


def latest(pairs: set[tuple[int, str]], on_date: date) -> dict[tuple[int, str], float]:
    """(subject id, indicator code) → the value of the latest window ending on or before ``on_date``
    (within ``LOOKBACK``), for the pairs that have one."""
    if not pairs:
        return {}
    subjects, codes = {s for s, _c in pairs}, {c for _s, c in pairs}
    found = {}
    rows = (Measurement.objects.filter(subject_id__in=subjects, indicator_code__in=codes, value__isnull=False,
                                       window_end__lte=on_date, window_end__gte=on_date - LOOKBACK)
            .order_by("subject_id", "indicator_code", "window_end").values_list("subject_id", "indicator_code", "value"))
    for subject, code, value in rows:
        if (subject, code) in pairs:
            found[(subject, code)] = value
    return found


def measured_windows(levels, on_date: date) -> dict[str, list[tuple[date, date]]]:
    """Level → (first, last day) of the windows measured completely, ending within ``LOOKBACK``
    before ``on_date``: a subject without a value there had no data."""
    out: dict[str, list[tuple[date, date]]] = {}
    for level, start, end in (MeasuredWindow.objects.filter(level__in=list(levels), window_end__lte=on_date,
                                                            window_end__gte=on_date - LOOKBACK)
                              .order_by("level", "window_end").values_list("level", "window_start", "window_end")):
        out.setdefault(level, []).append((start, end))
    return out


def record_measured(level: str, window, at) -> None:
    """The writer's last step (in its transaction): ``window`` of ``level`` is measured completely."""
    MeasuredWindow.objects.update_or_create(
        level=level, window_code=window.code,
        defaults={"window_start": window.start, "window_end": window.end, "measured_at": at})


def histories(subject_id: int, codes, last: int) -> dict[str, list[tuple[str, float]]]:
    """Code → (window code, value) of one subject's indicators over their ``last`` stored windows with
    a value, oldest first. One query."""
    rows = (Measurement.objects.filter(subject_id=subject_id, indicator_code__in=list(codes), value__isnull=False)
            .order_by("indicator_code", "-window_end").values_list("indicator_code", "window_code", "value"))
    found: dict[str, list[tuple[str, float]]] = {}
    for code, window_code, value in rows:
        kept = found.setdefault(code, [])
        if len(kept) < last:
            kept.append((window_code, value))
    return {code: kept[::-1] for code, kept in found.items()}
