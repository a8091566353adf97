"""Indicator values for pages, read from the indicator library (``zhengai.indicators.registry``) —
the one definition of every figure, so a page never computes a rate a second way.

Each function costs one query for the subjects plus one per indicator, whatever the number of
subjects (the evaluation is restricted to them with ``registry.only``), and none for an indicator
whose values are kept (``indicators.cache``).
"""

from collections.abc import Iterable

from zhengai.core.windows import Window
from zhengai.datacenter.models import Subject
from zhengai.datacenter.models.subjects import LEVEL_COLUMN
from zhengai.indicators import cache, registry


def subjects_of(level: str, master_ids: Iterable[int]) -> dict[int, int]:
    """Subject id → master id (a student's, an offering's …) of the masters given (one query)."""
    column = Subject._meta.get_field(LEVEL_COLUMN[level]).attname
    return dict(Subject.objects.filter(level=level, **{f"{column}__in": list(master_ids)}).values_list("pk", column))


def evaluate(level: str, codes: Iterable[str], window: Window, subjects: dict[int, int]) -> dict[str, dict[int, float]]:
    """{code: {subject id: value}} of the subjects given (subject id → master id) over ``window``.

    Read from the values kept between page views (``indicators.cache``) where they are: a whole
    level's serve any subjects of it. Otherwise many subjects compute (and keep) the whole level, a
    few compute (and keep) only theirs (``registry.only``)."""
    codes = list(codes)
    if not subjects or not codes:
        return {code: {} for code in codes}
    masters = [m for m in subjects.values() if m is not None]
    indicators = [registry.get(code) for code in codes]
    found = cache.kept(indicators, window)
    whole = len(masters) > registry.RESTRICT_AT_MOST
    for indicator in indicators:
        if indicator.code not in found:
            found[indicator.code] = cache.values(indicator, window, only=None if whole else masters)
    return {code: {sid: v for sid, v in found[code].items() if sid in subjects} for code in codes}


def by_master(level: str, code: str, window: Window, master_ids: Iterable[int]) -> dict[int, float]:
    """{master id: value} of one indicator for the masters given (two queries)."""
    subjects = subjects_of(level, master_ids)
    values = evaluate(level, [code], window, subjects)[code]
    return {subjects[sid]: value for sid, value in values.items()}
