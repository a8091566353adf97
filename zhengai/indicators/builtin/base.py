"""Building blocks of built-in evaluators: each returns ONE grouped query's rows.

``table`` is a data-dictionary table code; ``paths.py`` says how its rows reach a window and a
level. Rates are computed in Python from the numerator and denominator the query returns, so both
databases give the same figure and a zero denominator simply yields no entry.
"""

from django.db import connections
from django.db.models import Count, F, FloatField, Func, OuterRef, Q, Subquery, Value

from zhengai.datacenter.choices import Level
from zhengai.datacenter.dictionary import model_for_table

from ..paths import group_lookup, window_q
from ..registry import Indicator, keying, register, restricted_to
from .english import DEFINITIONS_EN


def today():
    """The day the built-in indicators take as today (``core.clock``): a class session after it has
    not been held yet, a roll counted on a day after it is not known. The one place the indicators
    read the clock from."""
    from zhengai.core import clock

    return clock.today()


def rows_of(qs, key: str, **aggregates):
    """(group key, {alias: value}) for each group of ``qs`` by lookup ``key``. One query.

    ``key`` "" is the whole school: the rows are grouped by a constant, so an empty table gives no
    group (no data, no entry) and non-aggregate columns (correlated subqueries) work as for any level.

    While an indicator evaluates (``registry.keying``), the group key is the *subject* id: the
    grouped query is joined to the subject registry in the database, as a hand-written query would
    be, instead of a second query for the map from master ids. Rows are read through a bare cursor
    (for tens of thousands of groups Django's per-row converters cost more than the query); values
    come as the database gives them (``int``, ``float`` or ``Decimal``) and ``registry.normalise``
    and ``ratio`` make them one type.
    """
    state = keying()
    if key == "":
        # Django leaves a constant out of GROUP BY, so an empty table still gives one row: count it.
        qs = qs.annotate(_school=Value(0))
        names, rows = _fetch(qs.order_by().values("_school").annotate(_rows=Count("pk"), **aggregates),
                             state and "school")
        school = None
        if state is not None:
            state.in_database = True
            names = names[1:]
        for row in rows:
            if state is not None:
                school, row = row[0], row[1:]
                if school is None:  # no school in the registry: no subject to key by
                    continue
            row = dict(zip(names, row))
            row.pop("_school")
            if row.pop("_rows"):
                yield school, row
        return
    masters = restricted_to()
    if masters is not None:
        qs = qs.filter(**{f"{key}__in": masters})
    names, rows = _fetch(qs.order_by().values(_k=F(key)).annotate(**aggregates), state and state.level)
    # Rows are (master id, values …), or while an indicator evaluates (subject id, master id,
    # values …): the first column is the group key either way, the values start at ``first``.
    first = 1
    if state is not None:
        state.in_database = True
        first = 2
    names = names[first:]
    if len(names) == 1:  # the common case, one aggregate: no zip per row
        name = names[0]
        for row in rows:
            if row[0] is not None:
                yield row[0], {name: row[first]}
        return
    for row in rows:
        if row[0] is not None:
            yield row[0], dict(zip(names, row[first:]))


def _fetch(qs, subject_level: str | None = None) -> tuple[list[str], list[tuple]]:
    """The column names and rows of a ``values()`` queryset, read through a bare cursor. With
    ``subject_level``, each row is joined to its subject of that level — by the column ``_k`` the
    queryset names — whose id comes first (``"school"``: the school's subject id, on every row)."""
    from zhengai.datacenter.models.subjects import LEVEL_COLUMN, Subject

    connection = connections[qs.db]
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    if subject_level:
        qn = connection.ops.quote_name
        table = qn(Subject._meta.db_table)
        if subject_level == Level.SCHOOL:
            sql = f"SELECT (SELECT s.id FROM {table} s WHERE s.level = %s ORDER BY s.id LIMIT 1) AS _subject, g.* FROM ({sql}) g"
            params = (Level.SCHOOL, *params)
        else:
            column = qn(Subject._meta.get_field(LEVEL_COLUMN[subject_level]).column)
            sql = (f"SELECT s.id AS _subject, g.* FROM ({sql}) g "
                   f"JOIN {table} s ON s.level = %s AND s.{column} = g.{qn('_k')}")
            params = (*params, subject_level)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [column[0] for column in cursor.description], cursor.fetchall()


class GroupScalar(Subquery):
    """A correlated subquery on a grouped query's key, kept out of GROUP BY so that the database
    runs it once per group rather than once per row (Django would otherwise group by it too)."""

    def get_group_by_cols(self):
        return []


def scalar(qs, function: str, field: str = "pk", inner: str = "", outer: str = "pk", distinct: bool = False):
    """A scalar subquery: SQL aggregate ``function`` (COUNT, SUM …) of ``field`` over ``qs``'s rows
    whose ``inner`` lookup equals the outer query's ``outer`` column — uncorrelated when ``inner``
    is "" (the school). Used where one indicator reads two tables in one query."""
    if inner:
        qs = qs.filter(**{inner: OuterRef(outer)})
    # A plain Func, not an Aggregate, so the subquery has no GROUP BY: one value per outer row.
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    value = Func(F(field), function=function, template=template, output_field=FloatField())
    return GroupScalar(qs.order_by().annotate(_v=value).values("_v"), output_field=FloatField())


def masters(level: str):
    """The master rows of ``level`` — for the school its one registry row — as the base of a query
    that reads two tables through correlated subqueries (few outer rows, each an indexed look-up)."""
    from zhengai.datacenter.models import Course, Department, Offering, Specialty, Staff, Student, Subject

    if level == Level.SCHOOL:
        return Subject.objects.filter(level=Level.SCHOOL)
    model = {Level.DEPARTMENT: Department, Level.SPECIALTY: Specialty, Level.COURSE: Course, Level.OFFERING: Offering,
             Level.TEACHER: Staff, Level.STUDENT: Student}[level]
    return model._default_manager.all()


def per_master(level: str, qs=None, **subqueries):
    """(master id — None for the school —, {alias: value}) with each alias a correlated subquery;
    while an indicator evaluates, the subject id instead of the master id (see ``rows_of``)."""
    qs = masters(level) if qs is None else qs
    if level != Level.SCHOOL and restricted_to() is not None:
        qs = qs.filter(pk__in=restricted_to())
    names = list(subqueries)
    # Prefixed: a master model may have a relation of the same name (Specialty.students …).
    aliased = {f"_v_{name}": expression for name, expression in subqueries.items()}
    state = keying()
    if level == Level.SCHOOL:  # the master is the school's registry row: its id is the subject id
        for row in qs.order_by().annotate(**aliased).values_list("pk", *aliased):
            if state is not None:
                state.in_database = True
            yield (row[0] if state is not None else None), dict(zip(names, row[1:]))
        return
    _names, rows = _fetch(qs.order_by().annotate(**aliased).values(*aliased, _k=F("pk")), state and level)
    if state is not None:
        state.in_database = True
        for row in rows:  # (subject id, subject values …, master id)
            yield row[0], dict(zip(names, row[1:-1]))
        return
    for row in rows:  # (subject values …, master id)
        yield row[-1], dict(zip(names, row[:-1]))


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


def roster_total(level: str, roster, table: str, relation: str, function: str, field: str = "pk"):
    """An evaluator: the total (``"count"`` or ``"sum"`` of ``field``) of ``table``'s rows in the
    window for every member of ``roster`` (a callable giving the master rows; ``relation`` is the
    table's reverse relation on them), zero for a member without rows — a teacher who trained no
    hours in the year trained 0 hours, the worst shortfall, not an unknown. Once no member has any
    row in the window, the source reported nothing for it: no data, no entries, rather than a roster
    of zeros. One query: the roster left-joined to its rows, grouped."""
    from django.db.models import FilteredRelation, Sum

    from ..paths import PATHS

    _kind, day = PATHS[table].window
    counts = function == "count"

    def evaluate(window):
        # The window is a condition of the join (FilteredRelation), not a filter over every row the
        # members ever had: the join reads only the window's rows.
        joined = roster().annotate(_in_window=FilteredRelation(
            relation, condition=Q(**{f"{relation}__{day}__range": (window.start, window.end)})))
        total = Count("_in_window__pk") if counts else Sum(f"_in_window__{field}")
        rows = list(rows_of(joined, "pk", v=total))
        if not any(row["v"] for _key, row in rows):
            return
        for key, row in rows:
            yield key, row["v"] or 0

    return evaluate


def builtin(code, name_zh, name_en, unit, direction, definition, sources, evaluator, keyed_by_subject=False):
    level = code.split(".", 1)[0]
    assert level in Level.values, code
    return register(Indicator(
        code=code, level=level, name_zh=name_zh, name_en=name_en, unit=unit, direction=direction,
        definition_zh=definition, definition_en=DEFINITIONS_EN.get(code, ""), sources=tuple(sources),
        evaluator=evaluator, keyed_by_subject=keyed_by_subject,
    ))
