"""One clock (业务日期): what "today" and "now" are, for every module.

A real college lives on the real date. A fixed date is in force only

- when the setting ``ZHENGAI_TODAY`` (``YYYY-MM-DD``) asks for it — a rehearsal, a test run; or
- when the database holds the demo college: ``seed_demo`` records the demo's date in one row
  (``core.FixedDate``), so a copy of the demo keeps its calendar (data up to 2026-11-20) and a real
  college's database, which has no such row, never does.

``today()`` is the business date: due monitoring windows, goal trajectories, the current term, a
window's age. ``now()`` is the business time of an event a person or a run records (a warning
acknowledged, a goal approved, a standard published): on a fixed date, that date at the real time
of day, so the demo's timeline and its calendar agree. What measures real elapsed time — locks,
retries, durations, sign-ins, import batches, data freshness — keeps ``django.utils.timezone.now``.

``fixed()`` says which fixed date is in force (None on the real date); the layout and ``zhengai
serve`` show it. The row is read at most once per ``ZHENGAI_CLOCK_CACHE_SECONDS`` per process
(and again at once after it is written or deleted in this process), so asking costs no query.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEMO = "demo"
SETTING = "setting"


@dataclass(frozen=True)
class FixedToday:
    """A fixed date in force, and why (``DEMO``: the database holds the demo college; ``SETTING``)."""

    day: date
    reason: str

    @property
    def label(self) -> str:
        if self.reason == DEMO:
            return _("演示日期 %(day)s") % {"day": self.day.isoformat()}
        return _("固定日期 %(day)s（设置 ZHENGAI_TODAY）") % {"day": self.day.isoformat()}


_cached: tuple[float, FixedToday | None] | None = None


def invalidate() -> None:
    """Forget the cached row (after ``seed_demo`` writes it, or a test changes it)."""
    global _cached
    _cached = None


def _from_setting() -> FixedToday | None:
    text = (getattr(settings, "ZHENGAI_TODAY", "") or "").strip()
    if not text:
        return None
    try:
        return FixedToday(date.fromisoformat(text), SETTING)
    except ValueError:
        raise ValueError(f"ZHENGAI_TODAY should be a date such as 2026-11-20, got {text!r}") from None


def _from_database() -> FixedToday | None:
    from .models import FixedDate

    try:
        # A savepoint: on PostgreSQL a failed query (table not migrated yet) must not spoil the
        # transaction the caller is in.
        with transaction.atomic():
            row = FixedDate.objects.order_by("pk").values_list("day", flat=True).first()
    except DatabaseError:
        return None
    return FixedToday(row, DEMO) if row else None


def fixed() -> FixedToday | None:
    """The fixed date in force, or None when the platform runs on the real date."""
    global _cached
    from_setting = _from_setting()
    if from_setting is not None:
        return from_setting
    clock = time.monotonic()
    if _cached is None or _cached[0] <= clock:
        _cached = (clock + getattr(settings, "ZHENGAI_CLOCK_CACHE_SECONDS", 60), _from_database())
    return _cached[1]


def today() -> date:
    pinned = fixed()
    return pinned.day if pinned else timezone.localdate()


def now() -> datetime:
    pinned = fixed()
    real = timezone.now()
    if pinned is None:
        return real
    local = timezone.localtime(real)
    return local.replace(year=pinned.day.year, month=pinned.day.month, day=pinned.day.day)


def holds_demo_college() -> bool:
    """Whether this database holds the demo college (its ``FixedDate`` row), whatever the setting."""
    return _from_database() is not None


def record_demo_date(day: date, note: str = "") -> None:
    """Record that this database holds the demo college, living on ``day`` (``seed_demo``)."""
    from .models import FixedDate

    FixedDate.objects.update_or_create(pk=1, defaults={"day": day, "note": note[:200]})
    invalidate()


def forget_demo_date() -> None:
    """The demo college is gone (``seed_demo --reset``): back to the real date."""
    from .models import FixedDate

    FixedDate.objects.all().delete()
    invalidate()
