"""The demo college's fixed calendar (校历): terms, teaching weeks, holidays and the demo date.

Nothing here reads the clock: the data of the demo college is the same whatever day it is built.
Dates are handed to the loaders as ISO strings (``'2026-10-08'``), which both SQLite and
PostgreSQL's COPY read as dates, so no per-row conversion is needed in the hot loops.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

DEMO_DATE = date(2026, 11, 20)

# Cohorts (年级) present in the calendar: 2021 is in its third year in 2023-2024, 2026 in its first term.
COHORTS = (2021, 2022, 2023, 2024, 2025, 2026)
PROGRAMME_YEARS = 3
TEACHING_WEEKS = 16

# Public holidays that cancel classes (法定节假日), inclusive ranges.
HOLIDAYS = (
    (date(2023, 9, 29), date(2023, 10, 6)),
    (date(2024, 1, 1), date(2024, 1, 1)),
    (date(2024, 4, 4), date(2024, 4, 6)),
    (date(2024, 5, 1), date(2024, 5, 5)),
    (date(2024, 6, 10), date(2024, 6, 10)),
    (date(2024, 9, 16), date(2024, 9, 17)),
    (date(2024, 10, 1), date(2024, 10, 7)),
    (date(2025, 4, 4), date(2025, 4, 6)),
    (date(2025, 5, 1), date(2025, 5, 5)),
    (date(2025, 5, 31), date(2025, 6, 2)),
    (date(2025, 10, 1), date(2025, 10, 8)),
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
)


def _holiday_set() -> frozenset:
    days = set()
    for start, end in HOLIDAYS:
        d = start
        while d <= end:
            days.add(d)
            d += timedelta(days=1)
    return frozenset(days)


HOLIDAY_DAYS = _holiday_set()


@dataclass
class TermPlan:
    """One term of the calendar and its teaching days by weekday (0 = Monday)."""

    id: int
    code: str
    start: date
    end: date
    year: int  # the academic year's first calendar year: 2025 for 2025-2026-x
    half: int  # 1 autumn, 2 spring
    teaching_days: dict = field(default_factory=dict)  # weekday → [ISO date strings up to the demo date]
    planned_by_weekday: dict = field(default_factory=dict)  # weekday → sessions in the whole term

    @property
    def complete(self) -> bool:
        return self.end < DEMO_DATE

    def index_for(self, cohort: int) -> int:
        return term_index(cohort, self)

    def grade_day(self) -> date:
        """Grades are recorded a week after the teaching weeks end."""
        return self.start + timedelta(weeks=TEACHING_WEEKS + 1)


_TERM_DATES = (
    ("2023-2024-1", date(2023, 9, 4), date(2024, 1, 19)),
    ("2023-2024-2", date(2024, 2, 26), date(2024, 7, 5)),
    ("2024-2025-1", date(2024, 9, 2), date(2025, 1, 17)),
    ("2024-2025-2", date(2025, 2, 24), date(2025, 7, 4)),
    ("2025-2026-1", date(2025, 9, 1), date(2026, 1, 16)),
    ("2025-2026-2", date(2026, 3, 2), date(2026, 7, 10)),
    ("2026-2027-1", date(2026, 9, 7), date(2027, 1, 22)),
)


def build_terms() -> list[TermPlan]:
    terms = []
    for i, (code, start, end) in enumerate(_TERM_DATES, start=1):
        term = TermPlan(id=i, code=code, start=start, end=end, year=int(code[:4]), half=int(code[-1]))
        for weekday in range(5):
            days = [start + timedelta(weeks=week, days=weekday) for week in range(TEACHING_WEEKS)]
            days = [d for d in days if d not in HOLIDAY_DAYS]
            term.planned_by_weekday[weekday] = len(days)
            term.teaching_days[weekday] = [d.isoformat() for d in days if d <= DEMO_DATE]
        terms.append(term)
    return terms


def term_index(cohort: int, term: TermPlan) -> int:
    """1 for a cohort's first term (the autumn it enters) … 6 for its last; outside that range it is not studying."""
    return (term.year - cohort) * 2 + term.half


def graduation_day(cohort: int) -> date:
    return date(cohort + PROGRAMME_YEARS, 6, 30)


def month_of(iso_day: str) -> str:
    return iso_day[:7]


def iso(d: date) -> str:
    return d.isoformat()


def at(d: date, hour: int, minute: int = 0, second: int = 0) -> str:
    """A UTC timestamp as Django stores it on SQLite (naive UTC); PostgreSQL reads it in the connection's UTC
    time zone. The demo's local day is UTC+8, so UTC hours 0–15 stay on the same calendar day."""
    return f"{d.isoformat()} {hour:02d}:{minute:02d}:{second:02d}"
