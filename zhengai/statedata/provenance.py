"""Where a filled value came from: its indicator (definition, sources), its window with dates,
and the data-center rows behind it — each source table filtered to the window and to the cell's
subject the way the indicator reads it (``zhengai.indicators.paths``), restricted to what the
viewer may see."""

from dataclasses import dataclass

from zhengai.core import windows as W
from zhengai.datacenter.choices import Level
from zhengai.datacenter.dictionary import model_for_table
from zhengai.datacenter.models.subjects import LEVEL_COLUMN
from zhengai.indicators import registry
from zhengai.indicators.paths import PATHS, group_lookup, window_q
from zhengai.org import access

SHOWN = 20


@dataclass
class Source:
    table: str
    label: str
    count: int
    fields: list
    rows: list


def behind(cell, user) -> tuple[object | None, list[Source]]:
    """(indicator, sources) of a computed cell; (None, []) for a cell no indicator computes."""
    if not cell.indicator or not cell.window:
        return None, []
    try:
        indicator = registry.get(cell.indicator)
    except LookupError:
        return None, []
    window = W.Window(cell.window_start, cell.window_end, "academic_year", cell.window)
    level = indicator.level
    master = None
    if level != Level.SCHOOL:
        subject = cell.subject
        master = getattr(subject, LEVEL_COLUMN[level] + "_id", None) if subject is not None else None
    out = []
    for table in indicator.sources:
        if table not in PATHS:
            continue
        try:
            lookup = group_lookup(table, level)
        except LookupError:
            continue
        model = model_for_table(table)
        qs = model._default_manager.filter(window_q(table, window))
        if lookup:
            qs = qs.filter(**{lookup: master})
        if hasattr(model, "scope_lookups"):
            qs = access.restrict(qs, user)
        fields = [f for f in model._meta.concrete_fields if f.name not in ("id", "source", "batch")][:8]
        rows = [[_shown(obj, f) for f in fields] for obj in qs.order_by("pk")[:SHOWN]]
        out.append(Source(table, str(model._meta.verbose_name), qs.count(), [str(f.verbose_name) for f in fields], rows))
    return indicator, out


def _shown(obj, field):
    if field.is_relation:
        return getattr(obj, field.attname)
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    return getattr(obj, field.name)
