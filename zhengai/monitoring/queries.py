"""Reading warnings: the filtered, scope-restricted list shared by the page, the .xlsx export and
the ``zhengai warnings`` command, and the rows they print."""

from datetime import timedelta

from zhengai.core import clock, windows
from zhengai.org.access import VIEW, restrict

from .choices import ACTIVE_STATUSES, Grade, WarningStatus
from .models import Warning
from .owners import owned_q
from .sources import Sources
from .sources import default as default_sources

COLUMNS = ["subject", "level", "indicator", "indicator_name", "grade", "status", "opened_window", "last_window",
           "value", "opened_at", "opened_window_start", "opened_window_end", "last_window_start", "last_window_end"]


def visible(user, act=VIEW, qs=None):
    """Warnings ``user`` may see (``VIEW``) or do ``act`` on — decided by ``zhengai.org.access``
    alone, from the user's role scopes (a flag one raised is seen as its author while one holds a
    role)."""
    qs = Warning.objects.all() if qs is None else qs
    return restrict(qs, user, act)


def filtered(user=None, *, level="", grade="", status="", department="", age="", mine=False) -> "QuerySet":
    """Warnings the user may see, narrowed by the list's filters. ``status`` may be one status or
    ``active`` (open, acknowledged or correcting); ``age`` is a minimum number of days since the
    window that opened the warning ended."""
    qs = Warning.objects.select_related("subject", "subject__department")
    if user is not None:
        qs = visible(user, VIEW, qs)
    if level:
        qs = qs.filter(level=level)
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status in WarningStatus.values:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(subject__department_id=department)
    if age and str(age).isdigit():
        qs = qs.filter(opened_window_end__lte=clock.today() - timedelta(days=int(age)))
    if mine and user is not None:
        qs = qs.filter(owned_q(user))
    return qs.order_by("-opened_window_end", "-pk")


def rows(qs, sources: Sources | None = None):
    """The CSV/xlsx rows of ``COLUMNS`` (indicator names from the library, looked up once per code;
    the windows' first and last days from one read of the term table)."""
    sources = sources or default_sources()
    names: dict[str, str] = {}
    terms = windows.term_dates()
    found: dict[str, windows.Window | None] = {}

    def dates(code):
        if code not in found:
            found[code] = windows.resolve([code], terms).get(code)
        window = found[code]
        return (window.start, window.end) if window else (None, None)

    for w in qs.iterator(chunk_size=2000):
        code = w.indicator_code
        if code not in names:
            indicator = sources.describe(code) if code else None
            names[code] = (getattr(indicator, "name", "") or getattr(indicator, "name_zh", "")) or ("" if code else w.get_source_display())
        yield [w.subject.key, w.level, code, names[code], w.grade, w.status, w.opened_window, w.last_window,
               w.value, w.opened_at.replace(microsecond=0), *dates(w.opened_window), *dates(w.last_window)]
