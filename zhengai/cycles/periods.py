"""How long each level's cycle runs, and when each phase is due.

Defaults from the seed (a college changes them on *周期设置*, ``CyclePolicy`` rows):

===========  ==============================  =========================================
level        cycle (诊改周期)                 period written as
===========  ==============================  =========================================
school       a calendar year                 ``2026``
department   a calendar year (in the school's) ``2026``
specialty    three academic years            ``2024-2025..2026-2027``
course       its construction project        the course's 建设周期 dates, else the period given
offering     a term (in its course's cycle)  ``2026-2027-1``
teacher      the appointment term (3 years)  ``2024-2025..2026-2027``
student      a term                          ``2026-2027-1``
===========  ==============================  =========================================

**When a phase is due** (who is late): the planning phases (目标 → 组织) within the first tenth of the
period — from then on a cycle should be in 实施; once the period has ended, in 诊断 at least; the
self-diagnosis done (past 诊断) within ``diagnosis_days`` (30) after the end; the cycle closed
(激励 → 改进 done) within as many days again. A cycle behind what its dates ask is late, by the days
since the due date it missed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhengai.core import windows
from zhengai.datacenter.choices import Level

from .choices import PHASE_INDEX, PHASES, PeriodKind, Phase


@dataclass(frozen=True)
class Policy:
    level: str
    period_kind: str
    years: int = 1
    diagnosis_days: int = 30


DEFAULTS = {
    Level.SCHOOL: Policy(Level.SCHOOL, PeriodKind.YEAR),
    Level.DEPARTMENT: Policy(Level.DEPARTMENT, PeriodKind.YEAR),
    Level.SPECIALTY: Policy(Level.SPECIALTY, PeriodKind.ACADEMIC_YEARS, 3),
    Level.COURSE: Policy(Level.COURSE, PeriodKind.PROJECT, 2),
    Level.OFFERING: Policy(Level.OFFERING, PeriodKind.TERM),
    Level.TEACHER: Policy(Level.TEACHER, PeriodKind.ACADEMIC_YEARS, 3),
    Level.STUDENT: Policy(Level.STUDENT, PeriodKind.TERM),
}

# A child level's cycle nests in its parent level's (the parent's subject is the child's parent
# subject in the registry: an offering's course, a department's school).
NESTS_IN = {Level.OFFERING: Level.COURSE, Level.DEPARTMENT: Level.SCHOOL}


def policies() -> dict[str, Policy]:
    """Every level's policy: the college's rows over the defaults (one query)."""
    from .models import CyclePolicy

    found = dict(DEFAULTS)
    for row in CyclePolicy.objects.all():
        found[row.level] = Policy(row.level, row.period_kind, row.years, row.diagnosis_days)
    return found


def policy(level: str) -> Policy:
    if level not in DEFAULTS:
        raise ValidationError(_("未知的层面“%(level)s”。") % {"level": level})
    return policies()[level]


def example(pol: Policy, today: date) -> str:
    """A period of the policy's kind written as users write it, for messages and forms."""
    y = today.year if today.month >= 9 else today.year - 1
    if pol.period_kind == PeriodKind.YEAR:
        return str(today.year)
    if pol.period_kind == PeriodKind.ACADEMIC_YEAR:
        return f"{y}-{y + 1}"
    if pol.period_kind == PeriodKind.TERM:
        return f"{y}-{y + 1}-1"
    span = max(pol.years, 1)
    first = y - span + 1
    return f"{first}-{first + 1}..{y}-{y + 1}"


def check_period(level: str, text: str, today: date | None = None) -> windows.Window:
    """The window of a cycle period for ``level``; refused with a Chinese message naming the level's
    kind of period when it is of another kind."""
    from zhengai.core import clock

    pol = policy(level)
    try:
        window = windows.parse(text)
    except windows.WindowError as exc:
        raise ValidationError(str(exc)) from None
    kind = pol.period_kind
    fits = {
        PeriodKind.YEAR: window.kind == "year",
        PeriodKind.ACADEMIC_YEAR: window.kind == "academic_year",
        PeriodKind.TERM: window.kind == "term",
        PeriodKind.ACADEMIC_YEARS: (window.kind == "academic_years" and _span(window) == pol.years)
        or (pol.years == 1 and window.kind == "academic_year"),
        PeriodKind.PROJECT: window.kind in ("academic_years", "academic_year", "year", "range"),
    }[kind]
    if not fits:
        raise ValidationError(
            _("%(level)s层面的诊改周期为“%(kind)s”%(years)s，“%(text)s”不符；请写成如 %(example)s。") % {
                "level": Level(level).label, "kind": PeriodKind(kind).label, "text": text,
                "years": _("（%(n)s 个学年）") % {"n": pol.years} if kind == PeriodKind.ACADEMIC_YEARS else "",
                "example": example(pol, today or clock.today())})
    return window


def _span(window: windows.Window) -> int:
    first, last = window.code.split("..")
    return int(last[:4]) - int(first[:4]) + 1


# ------------------------------------------------------------------------------------ due dates

CLOSED_INDEX = len(PHASES)  # beyond 改进: the cycle is closed


def due_dates(start: date, end: date, diagnosis_days: int) -> list[tuple[date, int]]:
    """(day, phase index a cycle must have reached the day after it), in order."""
    planning = start + timedelta(days=max(((end - start).days + 1) // 10, 1))
    return [
        (planning, PHASE_INDEX[Phase.IMPLEMENT]),
        (end, PHASE_INDEX[Phase.DIAGNOSE]),
        (end + timedelta(days=diagnosis_days), PHASE_INDEX[Phase.INCENTIVE]),
        (end + timedelta(days=2 * diagnosis_days), CLOSED_INDEX),
    ]


def expected(start: date, end: date, diagnosis_days: int, today: date) -> tuple[int, date | None]:
    """The phase index a cycle should have reached by ``today``, and the due date that asked it."""
    reached, since = 0, None
    for day, index in due_dates(start, end, diagnosis_days):
        if today > day:
            reached, since = index, day
    return reached, since


def lateness(phase: str, closed: bool, start: date, end: date, diagnosis_days: int, today: date) -> int:
    """Days a cycle is late (0: on time): since the due date of the phase it has not reached."""
    at = CLOSED_INDEX if closed else PHASE_INDEX[phase]
    late_since = None
    for day, index in due_dates(start, end, diagnosis_days):
        if today > day and at < index:
            late_since = day
            break
    return (today - late_since).days if late_since else 0
