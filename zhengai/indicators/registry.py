"""The indicator library (指标库): every indicator, built-in or custom, behind one interface.

An ``Indicator`` computes its value for ALL subjects of its level over a window in one set-based
query (grouping in the database), and returns ``{subject id: value}`` keyed by ``datacenter.Subject``.

What the values mean, the same for every indicator:

- **No data, no entry.** A subject whose rows the indicator reads are absent in the window (no
  attendance recorded, no grade, no evaluation …) gets *no key* in the result — never ``None`` and
  never a made-up zero — so monitoring cannot warn on missing data. A zero appears only when the
  subject has rows and the counted condition is met by none of them (a student with attendance
  records and no absence has ``absent_periods`` 0). A rate whose denominator is zero has no entry.
- Counts are ``int``; rates (unit ``%``, 0–100), averages, sums of hours and ratios are ``float``
  rounded to 4 decimals, so SQLite and PostgreSQL give the same numbers.

The public interface (other apps depend on it):

    get(code) -> Indicator                 built-in or custom; LookupError if unknown
    for_level(level) -> list[Indicator]    built-in first (library order), then custom
    all_indicators() -> list[Indicator]
    compute(level, window, codes=None) -> {code: {subject_id: value}}
    Indicator.evaluate(window) -> {subject_id: value}
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from zhengai.core.windows import Window
from zhengai.datacenter.choices import Level

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)
BUILTIN = "builtin"
CUSTOM = "custom"

# Each level's cadence (DESIGN.md "Cycles and cadences") until the quality office edits it: the
# defaults of the monitoring policy rows (监测策略). What is in force is ``cadences()``: the policy rows
# (the monitoring app says where they are, ``cadences_from``), these defaults for levels without one.
# It is the windows an indicator page steps through for "values over time" and a goal's live value.
DEFAULT_CADENCE = {
    Level.SCHOOL: "month",
    Level.DEPARTMENT: "month",
    Level.SPECIALTY: "term",
    Level.COURSE: "quarter",
    Level.OFFERING: "half_month",
    Level.TEACHER: "term",
    Level.STUDENT: "month",
}

# Units of indicators whose value over a longer window is the sum of its parts (hours, days, counts of
# events or outputs), as opposed to rates, averages, scores and headcounts. A goal's key result on
# such an indicator accrues over the goal's period, so its expected value to date starts from zero.
ACCUMULATING_UNITS = frozenset({"小时", "分钟", "天", "次", "项", "门", "节"})

# Rows an evaluator yields: (master-row id of the level — None for the school —, raw value).
Rows = Iterable[tuple[int | None, object]]


@dataclass(frozen=True)
class Indicator:
    """One indicator (指标): a named, unit-bearing, direction-bearing measure at one level."""

    code: str
    level: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    definition_zh: str  # 口径说明: the rule in words, the authority
    sources: tuple[str, ...]
    kind: str = BUILTIN
    definition_en: str = ""  # the same rule in English (``builtin.english``); custom indicators have none
    evaluator: Callable[[Window], Rows] | None = field(default=None, compare=False, repr=False)
    spec: dict | None = field(default=None, compare=False, repr=False)  # custom indicators: their definition
    # The evaluator yields subject ids already (an indicator read from another app's computation).
    keyed_by_subject: bool = field(default=False, compare=False, repr=False)

    def evaluate(self, window: Window, *, subjects: dict[int, int] | None = None) -> dict[int, int | float]:
        """The value of every subject of the level that has data in ``window``, keyed by subject id.

        One query whatever the number of subjects: the evaluator's aggregate, which the building
        blocks of ``builtin.base`` join to the subject registry in the database (``keying``). An
        evaluator that yields master ids by other means is mapped through ``subject_map`` (or the
        ``subjects`` map given), a second query.
        """
        if self.keyed_by_subject:
            if subjects is None:
                subjects = subject_map(self.level)
            of_level = set(subjects.values())
            return {sid: normalise(v) for sid, v in self.evaluator(window) if sid in of_level and v is not None}
        state = _Keying(self.level)
        token = _keying.set(state)
        try:
            rows = list(self.evaluator(window))
        finally:
            _keying.reset(token)
        if not rows:  # nothing in the window: no map needed (it is the costly query at the student level)
            return {}
        if state.in_database:
            return _normalised(rows)
        return keyed(rows, subjects if subjects is not None else subject_map(self.level), self.level)

    @property
    def cadence(self) -> str:
        """The cadence of the indicator's level in force (one query; use ``cadences()`` in loops)."""
        return cadences()[self.level]

    @property
    def accumulates(self) -> bool:
        """Whether the value over a window is the sum of its values over the window's parts."""
        return self.unit in ACCUMULATING_UNITS

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def name(self) -> str:
        """The name in the active language: English pages show ``name_en``, every other language the
        Chinese name (the library's names are data, not gettext strings)."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name_zh

    @property
    def definition(self) -> str:
        """The definition in the active language: English pages show ``definition_en`` where the
        library has one, every other language (and a custom indicator) the Chinese."""
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en")
        return self.definition_en if english and self.definition_en else self.definition_zh


@dataclass
class _Keying:
    """While an indicator evaluates: its level, and whether its rows were keyed by subject id in the
    database (``in_database``; otherwise they came by master id)."""

    level: str
    in_database: bool = False


_keying: ContextVar[_Keying | None] = ContextVar("indicators_keying", default=None)


def keying() -> _Keying | None:
    """The evaluation in progress, for the building blocks that can key their rows by subject id
    in the query itself (a join to the subject registry, as a hand-written query would)."""
    return _keying.get()


def subject_map(level: str) -> dict[int, int]:
    """Master id → subject id of every subject of ``level``, in one query — the same map as
    ``datacenter.subjects.subject_ids``, read through a bare cursor because for the student level
    (tens of thousands of rows) the queryset machinery costs more than the query."""
    from django.db import connection

    from zhengai.datacenter.models.subjects import LEVEL_COLUMN, Subject

    column = LEVEL_COLUMN[level]
    table = connection.ops.quote_name(Subject._meta.db_table)
    attname = connection.ops.quote_name(Subject._meta.get_field(column).column if column else "id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {attname}, id FROM {table} WHERE level = %s", [level])
        return dict(cursor.fetchall())


def normalise(value):
    """Counts stay ``int``; every other number becomes a ``float`` rounded to 4 decimals."""
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, (Decimal, float)):
        return round(float(value), 4)
    return value


def _normalised(rows) -> dict[int, int | float]:
    """{subject id: normalised value} of rows already keyed by subject, without empty values."""
    result = {}
    for subject, value in rows:
        kind = type(value)  # inline of normalise() for the common types: this runs once per subject
        if kind is int:
            result[subject] = value
        elif kind is float or kind is Decimal:
            result[subject] = round(float(value), 4)
        elif value is not None:
            result[subject] = normalise(value)
    return result


def keyed(rows: Rows, subjects: dict[int, int], level: str) -> dict[int, int | float]:
    """Map (master id, value) rows to {subject id: value}, dropping rows with no value or subject."""
    result = {}
    if level == Level.SCHOOL:
        school = next(iter(subjects.values()), None)
        for _key, value in rows:
            value = normalise(value)
            if value is not None and school is not None:
                result[school] = value
        return result
    get = subjects.get
    for key, value in rows:
        subject = get(key)
        if subject is None or value is None:
            continue
        # Inline of normalise() for the common types: this loop runs once per subject.
        kind = type(value)
        if kind is int:
            result[subject] = value
        elif kind is float or kind is Decimal:
            result[subject] = round(float(value), 4)
        else:
            result[subject] = normalise(value)
    return result


_BUILTINS: dict[str, Indicator] = {}


_cadence_source: Callable | None = None


def cadences_from(source: Callable) -> None:
    """The app that stores the monitoring policies supplies {level: cadence} of its rows."""
    global _cadence_source
    _cadence_source = source


def cadences() -> dict[str, str]:
    """Level → the cadence in force: the stored policy, else the default. One query."""
    return {**DEFAULT_CADENCE, **(_cadence_source() if _cadence_source is not None else {})}


# Values an app above this one supplies for a built-in indicator (name → function(window) returning
# {subject id: value}): the annual task completion is the goal chain's (``zhengai.chains`` provides
# it when it is ready), so the library lists the indicator without importing the app that holds it.
_providers: dict[str, Callable] = {}


def provide(name: str, function: Callable) -> None:
    """An app supplies the values behind ``name`` (``AppConfig.ready``)."""
    _providers[name] = function


def provided(name: str, window) -> dict:
    """The values ``name``'s provider gives for ``window``; none when no installed app provides it."""
    function = _providers.get(name)
    return function(window) if function is not None else {}


def register(indicator: Indicator) -> Indicator:
    """Add a built-in indicator to the library (at import of ``zhengai.indicators.builtin``)."""
    if indicator.code in _BUILTINS:
        raise ValueError(f"indicator {indicator.code} registered twice")
    if indicator.direction not in DIRECTIONS:
        raise ValueError(f"{indicator.code}: direction must be one of {DIRECTIONS}")
    if indicator.level not in Level.values or not indicator.code.startswith(indicator.level + "."):
        raise ValueError(f"{indicator.code}: code must start with its level")
    _BUILTINS[indicator.code] = indicator
    return indicator


def _builtins() -> dict[str, Indicator]:
    from . import builtin  # noqa: F401  (registers the library on first use)

    return _BUILTINS


def builtin_codes() -> set[str]:
    return set(_builtins())


def builtin_indicators() -> list[Indicator]:
    return list(_builtins().values())


def _custom(level: str | None = None, code: str | None = None) -> list[Indicator]:
    from .models import CustomIndicator

    qs = CustomIndicator.objects.all()
    if level is not None:
        qs = qs.filter(level=level)
    if code is not None:
        qs = qs.filter(code=code)
    return [c.as_indicator() for c in qs.order_by("code")]


def get(code: str) -> Indicator:
    """The indicator with ``code``, built-in or custom; ``LookupError`` if there is none."""
    found = _builtins().get(code)
    if found is not None:
        return found
    custom = _custom(code=code)
    if custom:
        return custom[0]
    raise LookupError(code)


def for_level(level: str) -> list[Indicator]:
    if level not in Level.values:
        raise LookupError(level)
    return [i for i in _builtins().values() if i.level == level] + _custom(level=level)


def all_indicators() -> list[Indicator]:
    order = {lv: n for n, lv in enumerate(Level.values)}
    builtins = sorted(_builtins().values(), key=lambda i: order[i.level])  # stable: library order within a level
    return builtins + _custom()


def compute(level: str, window: Window, codes: Iterable[str] | None = None, *,
            subject_ids: Iterable[int] | None = None) -> dict[str, dict[int, int | float]]:
    """Several indicators of one level over one window: one query per indicator whatever the number
    of subjects. With ``subject_ids``, the result holds at least those subjects, and evaluators
    grouped by subject read only their rows (``evaluate_many``)."""
    if codes is None:
        indicators = for_level(level)
    else:
        indicators = [get(code) for code in codes]
        wrong = [i.code for i in indicators if i.level != level]
        if wrong:
            raise ValueError(f"not {level} indicators: {', '.join(wrong)}")
    return evaluate_many(level, indicators, window, subject_ids=subject_ids)


# Beyond this many subjects an evaluation is not restricted to them: the IN list would cost more than
# it saves (and SQLite bounds the number of parameters of a statement).
RESTRICT_AT_MOST = 1000


def evaluate_many(level: str, indicators: Iterable[Indicator], window: Window, *,
                  subject_ids: Iterable[int] | None = None) -> dict[str, dict[int, int | float]]:
    """``compute`` for indicators already in hand: each evaluated once; with ``subject_ids`` (at most
    ``RESTRICT_AT_MOST``), restricted to them (``only``), their master ids read in one query."""
    subject_ids = None if subject_ids is None else set(subject_ids)
    if subject_ids is None or level == Level.SCHOOL or len(subject_ids) > RESTRICT_AT_MOST:
        return {i.code: i.evaluate(window) for i in indicators}
    from zhengai.datacenter.models.subjects import LEVEL_COLUMN, Subject

    masters = Subject.objects.filter(level=level, pk__in=subject_ids).values_list(
        Subject._meta.get_field(LEVEL_COLUMN[level]).attname, flat=True)
    with only(list(masters)):
        return {i.code: i.evaluate(window) for i in indicators}


# The master ids an evaluation is restricted to (``only``), or None for all.
_only: ContextVar[frozenset | None] = ContextVar("indicators_only", default=None)


@contextmanager
def only(master_ids: Iterable[int]):
    """Within the block, evaluators that group by the level's master id read only the rows of these
    masters. Their values are the same as unrestricted, since the filter is on the grouping key;
    an evaluator that cannot be restricted simply computes every subject."""
    token = _only.set(frozenset(master_ids))
    try:
        yield
    finally:
        _only.reset(token)


def restricted_to() -> frozenset | None:
    return _only.get()
