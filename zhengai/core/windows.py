"""Time windows, written the way users write them — one parser for pages, commands and the API.

    2025-2026-1              a term (学年-学期), dates from the Term table
    2025-2026                an academic year (学年): from 1 September (or its first term's start,
                             if earlier) to the day before the next academic year starts, so the
                             summer break — when teachers train — closes the year it ends
    2026                     a calendar year
    2026Q4                   a quarter
    2026-10                  a month
    2026-10H1 / 2026-10H2    a half month: days 1–15 / 16–end
    2026-09-01..2026-09-30   an explicit range, both ends included
    2024-2025..2026-2027     consecutive academic years (多学年), from the first's first day to the
                             last's last day: the period of a multi-year diagnosis cycle (a
                             specialty's three years, a teacher's appointment term)

A window is closed on both ends (``start <= day <= end``). Cadences (``month``, ``half_month``,
``quarter``, ``term``, ``academic_year``, ``year``) name the kind of window a monitoring schedule steps through.

Every page, export and command that shows a figure names its window by ``label`` — its code, kind and
first and last day, “2025-2026 学年（2025-09-01 至 2026-08-31）” — and ``zhengai window WINDOW`` prints
them. Figures of a cohort (graduates' employment, an intake's admissions) count the one cohort a
window holds: ``graduating_cohort`` and ``intake_cohort``.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

ACCEPTED_FORMS = gettext_lazy(
    "2025-2026-1（学期）、2025-2026（学年）、2026（年）、2026Q4（季度）、2026-10（月）、2026-10H1 / 2026-10H2（半月）、2026-09-01..2026-09-30（日期区间）、2024-2025..2026-2027（多学年）"
)


KIND_LABELS = {
    "term": gettext_lazy("学期"),
    "academic_year": gettext_lazy("学年"),
    "year": gettext_lazy("年"),
    "quarter": gettext_lazy("季度"),
    "month": gettext_lazy("月"),
    "half_month": gettext_lazy("半月"),
    "range": gettext_lazy("日期区间"),
    "academic_years": gettext_lazy("多学年"),
}


class WindowError(ValueError):
    """A window that cannot be parsed; the message shows the accepted forms."""


@dataclass(frozen=True, order=True)
class Window:
    start: date
    end: date
    kind: str
    code: str

    def __str__(self) -> str:
        return self.code

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Window":
        return step(self, -1)

    def next(self) -> "Window":
        return step(self, +1)


_TERM = re.compile(r"^(\d{4})-(\d{4})-([12])$")
_ACADEMIC_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_HALF = re.compile(r"^(\d{4})-(\d{1,2})[Hh]([12])$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_ACADEMIC_YEARS = re.compile(r"^(\d{4})-(\d{4})\.\.(\d{4})-(\d{4})$")


def _fail(text: str, reason: str = "") -> WindowError:
    message = _("无法识别的时间窗口“%(text)s”") % {"text": text}
    if reason:
        message += f"（{reason}）"
    return WindowError(message + _("。可用格式：") + str(ACCEPTED_FORMS))


def year(y: int) -> Window:
    return Window(date(y, 1, 1), date(y, 12, 31), "year", f"{y}")


def quarter(y: int, q: int) -> Window:
    first = 3 * (q - 1) + 1
    return Window(date(y, first, 1), date(y, first + 2, calendar.monthrange(y, first + 2)[1]), "quarter", f"{y}Q{q}")


def month(y: int, m: int) -> Window:
    return Window(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month", f"{y}-{m:02d}")


def half_month(y: int, m: int, h: int) -> Window:
    if h == 1:
        return Window(date(y, m, 1), date(y, m, 15), "half_month", f"{y}-{m:02d}H1")
    return Window(date(y, m, 16), date(y, m, calendar.monthrange(y, m)[1]), "half_month", f"{y}-{m:02d}H2")


def days(start: date, end: date) -> Window:
    """The explicit range from ``start`` to ``end`` (both included), coded as users write it."""
    return Window(start, end, "range", f"{start.isoformat()}..{end.isoformat()}")


_term_table = None


def use_terms(manager) -> None:
    """The app holding the term table (the data center, when it is ready) says where it is: a
    function returning its manager, rows with ``code``, ``start_date`` and ``end_date``."""
    global _term_table
    _term_table = manager


def _terms():
    if _term_table is None:
        raise WindowError(_("没有学期表：学期窗口需要数据中心的学期表。"))
    return _term_table()


def term_dates() -> dict[str, tuple[date, date]]:
    """Code → (first day, last day) of every term in the term table, in one query: what ``parse``
    and ``resolve`` take as ``terms`` to name many stored windows without a query each."""
    return {code: (start, end) for code, start, end in _terms().values_list("code", "start_date", "end_date")}


def term(code: str, terms: dict | None = None) -> Window:
    match = _TERM.match(code)
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise _fail(code, _("学年应为相邻两年，如 2025-2026"))
    if terms is not None:
        row = terms.get(code)
    else:
        row = _terms().filter(code=code).values_list("start_date", "end_date").first()
    if row is None:
        raise WindowError(_("学期“%(code)s”不在学期表中，请先导入学期表。") % {"code": code})
    return Window(row[0], row[1], "term", code)


def _academic_year_starts(first: int, last: int, terms: dict | None = None) -> dict[int, date]:
    """The first day of each academic year ``first``…``last`` (by its first year): 1 September, or
    the start of its earliest term when a term starts before that (one query, or none with ``terms``)."""
    starts = {y: date(y, 9, 1) for y in range(first, last + 1)}
    if terms is not None:
        rows = [(code, start) for code, (start, _end) in terms.items() if code[:4].isdigit() and int(code[:4]) in starts]
    else:
        prefixes = Q()
        for y in starts:
            prefixes |= Q(code__startswith=f"{y}-{y + 1}-")
        rows = _terms().filter(prefixes).values_list("code", "start_date")
    for code, start in rows:
        y = int(code[:4])
        starts[y] = min(starts[y], start)
    return starts


def academic_year(first_year: int, terms: dict | None = None) -> Window:
    starts = _academic_year_starts(first_year, first_year + 1, terms)
    return Window(starts[first_year], starts[first_year + 1] - timedelta(days=1), "academic_year",
                  f"{first_year}-{first_year + 1}")


def academic_years(first_year: int, last_year: int, terms: dict | None = None) -> Window:
    """The academic years ``first_year``-… to ``last_year``-… (by their first calendar year) as one
    window, coded ``2024-2025..2026-2027``: a multi-year cycle's period."""
    if last_year < first_year:
        raise _fail(f"{first_year}-{first_year + 1}..{last_year}-{last_year + 1}", _("结束学年早于开始学年"))
    starts = _academic_year_starts(first_year, last_year + 1, terms)
    return Window(starts[first_year], starts[last_year + 1] - timedelta(days=1), "academic_years",
                  f"{first_year}-{first_year + 1}..{last_year}-{last_year + 1}")


def parse(text: str, terms: dict | None = None) -> Window:
    """Parse a window as users write it; raise ``WindowError`` naming the accepted forms. A term
    and an academic year read the term table, or ``terms`` (``term_dates()``) when given."""
    text = (text or "").strip()
    try:
        if _TERM.match(text):
            return term(text, terms)
        if m := _ACADEMIC_YEAR.match(text):
            if int(m.group(2)) != int(m.group(1)) + 1:
                raise _fail(text, _("学年应为相邻两年，如 2025-2026"))
            return academic_year(int(m.group(1)), terms)
        if m := _YEAR.match(text):
            return year(int(m.group(1)))
        if m := _QUARTER.match(text):
            return quarter(int(m.group(1)), int(m.group(2)))
        if m := _HALF.match(text):
            return half_month(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MONTH.match(text):
            return month(int(m.group(1)), int(m.group(2)))
        if m := _ACADEMIC_YEARS.match(text):
            first, first_next, last, last_next = (int(g) for g in m.groups())
            if first_next != first + 1 or last_next != last + 1:
                raise _fail(text, _("学年应为相邻两年，如 2025-2026"))
            return academic_years(first, last, terms)
        if m := _RANGE.match(text):
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if end < start:
                raise _fail(text, _("结束日期早于开始日期"))
            return days(start, end)
    except ValueError as exc:  # month 13, day 31 of a 30-day month …
        if isinstance(exc, WindowError):
            raise
        raise _fail(text, str(exc)) from None
    raise _fail(text)


def resolve(codes, terms: dict | None = None) -> dict[str, Window]:
    """The windows of stored codes (a list of warnings, measurements, runs), reading the term table
    at most once whatever their number; a code that no longer parses (its term was removed) is left out."""
    codes = {c for c in codes if c}
    if terms is None and any(kind_of(c) in TERM_TABLE_KINDS for c in codes):
        terms = term_dates()
    found = {}
    for code in codes:
        try:
            found[code] = parse(code, terms or {})
        except WindowError:
            pass
    return found


def label(window: Window) -> str:
    """How every page, export and command names a window: its code, kind and first and last day,
    “2025-2026 学年（2025-09-01 至 2026-08-31）” — so a reader can recompute a figure from its dates."""
    if window.kind == "range":
        return dates(window)
    return _("%(code)s %(kind)s（%(start)s 至 %(end)s）") % {
        "code": window.code, "kind": KIND_LABELS.get(window.kind, window.kind),
        "start": window.start.isoformat(), "end": window.end.isoformat()}


def dates(window: Window) -> str:
    """A window's first and last day, “2025-09-01 至 2026-08-31”, where its code is shown beside."""
    return _("%(start)s 至 %(end)s") % {"start": window.start.isoformat(), "end": window.end.isoformat()}


# Which cohort a window holds (窗口所含届别). Graduates and new students come as cohorts named by a
# year — 2026届 graduate in the summer of 2026, 2025级 enter in September 2025 — and a figure of a
# cohort (its employment rate, its admissions against the plan) is only a figure of ONE cohort:
# a window that touched two calendar years used to add two cohorts' graduates together. Each window
# holds the latest cohort by its last day, counting a cohort as graduated on 30 June and as entered
# on 1 September of its year; academic years and terms go by their code, so that a term ending a
# few days earlier or later in one college does not change what it holds.
GRADUATION_DAY = (6, 30)
INTAKE_DAY = (9, 1)
GRADUATES_HELD = gettext_noop(
    "窗口所含毕业届别：Y-(Y+1) 学年及其第二学期含 Y+1 届（在其中毕业），其第一学期含 Y 届（其前一个夏季毕业）；"
    "自然年 Y 含 Y 届；季度、月、半月与日期区间含截至窗口末日已毕业的最近一届（每届以当年 6 月 30 日毕业计）。"
)
INTAKE_HELD = gettext_noop(
    "窗口所含招生年级：Y-(Y+1) 学年及其两个学期含 Y 级（当学年入学的新生）；自然年 Y 含 Y 级；"
    "季度、月、半月与日期区间含截至窗口末日已入学的最近一级（每级以当年 9 月 1 日入学计）。"
)


def _latest_by(day: date, month_day: tuple[int, int]) -> int:
    return day.year if (day.month, day.day) >= month_day else day.year - 1


def graduating_cohort(window: Window) -> int:
    """The graduation year (毕业届别) of the graduates ``window`` holds (``GRADUATES_HELD``)."""
    if window.kind == "academic_year":
        return int(window.code[:4]) + 1
    if window.kind == "term":
        return int(window.code[:4]) + (1 if window.code.endswith("-2") else 0)
    return _latest_by(window.end, GRADUATION_DAY)


def intake_cohort(window: Window) -> int:
    """The admission year (招生年级) of the intake ``window`` holds (``INTAKE_HELD``)."""
    if window.kind in ("academic_year", "term"):
        return int(window.code[:4])
    return _latest_by(window.end, INTAKE_DAY)


# The kinds of window whose dates come from the term table.
TERM_TABLE_KINDS = ("term", "academic_year", "academic_years")


def kind_of(text: str) -> str | None:
    """The kind of window ``text`` is written as, without reading the term table; None if none."""
    text = (text or "").strip()
    for kind, pattern in (("term", _TERM), ("academic_year", _ACADEMIC_YEAR), ("year", _YEAR), ("quarter", _QUARTER),
                          ("half_month", _HALF), ("month", _MONTH), ("range", _RANGE),
                          ("academic_years", _ACADEMIC_YEARS)):
        if pattern.match(text):
            return kind
    return None


CADENCES = ("half_month", "month", "quarter", "term", "academic_year", "year")


def containing(cadence: str, day: date) -> Window:
    """The window of ``cadence`` that contains ``day``."""
    if cadence == "year":
        return year(day.year)
    if cadence == "academic_year":
        starts = _academic_year_starts(day.year - 1, day.year)
        return academic_year(day.year if day >= starts[day.year] else day.year - 1)
    if cadence == "quarter":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if cadence == "month":
        return month(day.year, day.month)
    if cadence == "half_month":
        return half_month(day.year, day.month, 1 if day.day <= 15 else 2)
    if cadence == "term":
        code = _terms().filter(start_date__lte=day).order_by("-start_date").values_list("code", flat=True).first()
        if code is None:
            raise WindowError(_("%(day)s 之前没有学期") % {"day": day})
        return term(code)
    raise ValueError(f"unknown cadence {cadence!r}; use one of {', '.join(CADENCES)}")


def step(window: Window, n: int) -> Window:
    """The window ``n`` steps after (or before, for negative ``n``) ``window``, of the same kind."""
    if window.kind == "academic_years":
        first, last = int(window.code[:4]), int(window.code.split("..")[1][:4])
        span = last - first + 1
        return academic_years(first + n * span, last + n * span)
    if window.kind == "range":
        length = timedelta(days=window.days)
        return days(window.start + n * length, window.end + n * length)
    if window.kind == "term":
        codes = list(_terms().order_by("start_date").values_list("code", flat=True))
        index = codes.index(window.code) + n
        if not 0 <= index < len(codes):
            raise WindowError(_("学期表中没有 %(code)s 之后第 %(n)s 个学期") % {"code": window.code, "n": n})
        return term(codes[index])
    current = window
    for _i in range(abs(n)):
        anchor = current.end + timedelta(days=1) if n > 0 else current.start - timedelta(days=1)
        current = containing(window.kind, anchor)
    return current


def between(cadence: str, first: date, last: date) -> list[Window]:
    """Every window of ``cadence`` from the one containing ``first`` to the one containing ``last``."""
    windows = [containing(cadence, first)]
    while windows[-1].end < last:
        windows.append(windows[-1].next())
    return windows
