"""Building blocks of built-in evaluators: each returns ONE grouped query's rows.

``table`` is a data-dictionary table code; ``paths.py`` says how its rows reach a window and a
level. Rates are computed in Python from the numerator and denominator the query returns, so both
databases give the same figure and a zero denominator simply yields no entry.
"""

from django.db.models import Count, F, FloatField, Func, OuterRef, Q, Subquery, Value

from zhengai.datacenter.choices import Level
from zhengai.datacenter.dictionary import model_for_table

from ..paths import group_lookup, window_q
from ..registry import Indicator, register


def rows_of(qs, key: str, **aggregates):
    """(group key, {alias: value}) for each group of ``qs`` by lookup ``key``. One query.

    ``key`` "" is the whole school: the rows are grouped by a constant, so an empty table gives no
    group (no data, no entry) and non-aggregate columns (correlated subqueries) work as for any level.
    """
    if key == "":
        # Django leaves a constant out of GROUP BY, so an empty table still gives one row: count it.
        qs = qs.annotate(_school=Value(0))
        for row in qs.order_by().values("_school").annotate(_rows=Count("pk"), **aggregates):
            row.pop("_school")
            if row.pop("_rows"):
                yield None, row
        return
    for row in qs.order_by().values(key).annotate(**aggregates):
        group = row.pop(key)
        if group is not None:
            yield group, row


def scalar(qs, function: str, field: str = "pk", inner: str = "", outer: str = ""):
    """A scalar subquery: SQL aggregate ``function`` (COUNT, SUM …) of ``field`` over ``qs``'s rows
    whose ``inner`` lookup equals the outer query's ``outer`` column — uncorrelated when ``inner``
    is "" (the school). Used where one indicator reads two tables in one query."""
    if inner:
        qs = qs.filter(**{inner: OuterRef(outer)})
    # A plain Func, not an Aggregate, so the subquery has no GROUP BY: one value per outer row.
    value = Func(F(field), function=function, output_field=FloatField())
    return Subquery(qs.order_by().annotate(_v=value).values("_v"), output_field=FloatField())


def facts(table: str, window, filter: Q | None = None):
    qs = model_for_table(table)._default_manager.filter(window_q(table, window))
    return qs.filter(filter) if filter is not None else qs


def ratio(numerator, denominator, scale=100):
    if not denominator:
        return None
    return float(numerator or 0) * scale / float(denominator)


def aggregate(table: str, level: str, expression, filter: Q | None = None):
    """An evaluator: one aggregate ``expression`` of ``table``'s rows in the window, per subject."""

    def evaluate(window):
        for key, row in rows_of(facts(table, window, filter), group_lookup(table, level), v=expression):
            yield key, row["v"]

    return evaluate


def rate(table: str, level: str, numerator: Q, filter: Q | None = None, scale=100, denominator=None):
    """An evaluator: the share (in %) of ``table``'s rows in the window that meet ``numerator``;
    ``denominator`` (an aggregate) replaces the plain row count when given."""

    def evaluate(window):
        den = denominator if denominator is not None else Count("pk")
        for key, row in rows_of(facts(table, window, filter), group_lookup(table, level),
                                num=Count("pk", filter=numerator), den=den):
            yield key, ratio(row["num"], row["den"], scale)

    return evaluate


def builtin(code, name_zh, name_en, unit, direction, definition, sources, evaluator):
    level = code.split(".", 1)[0]
    assert level in Level.values, code
    return register(Indicator(
        code=code, level=level, name_zh=name_zh, name_en=name_en, unit=unit, direction=direction,
        definition=definition, sources=tuple(sources), evaluator=evaluator,
    ))
