"""Reading warnings: the filtered, scope-restricted list shared by the page, the .xlsx export and
the ``zhengai warnings`` command, and the rows they print."""

from datetime import timedelta

from django.db.models import Q

from zhengai.core.home import demo_today
from zhengai.org.access import VIEW, scope_q

from .choices import ACTIVE_STATUSES, Grade, WarningStatus
from .models import Warning
from .sources import Sources
from .sources import default as default_sources

COLUMNS = ["subject", "level", "indicator", "indicator_name", "grade", "status", "opened_window", "last_window",
           "value", "opened_at"]


def visible(user, action: str = VIEW, qs=None):
    """Warnings ``user`` may ``action``: those inside their scope (``zhengai.org.access``), plus those
    they own or raised by name — a teacher who flags a student, or an owner one level up after an
    escalation, follows the warning though the subject lies outside their role's scope."""
    qs = Warning.objects.all() if qs is None else qs
    q = scope_q(Warning, user, action)
    if q is None:
        return qs
    if getattr(user, "is_authenticated", False):
        owned = Warning.owners.through.objects.filter(user_id=user.pk).values("warning_id")
        q |= Q(pk__in=owned) | Q(raised_by_id=user.pk)
    return qs.filter(q)


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
        qs = qs.filter(opened_window_end__lte=demo_today() - timedelta(days=int(age)))
    if mine and user is not None:
        owned = Warning.owners.through.objects.filter(user_id=user.pk).values("warning_id")
        qs = qs.filter(Q(pk__in=owned) | Q(raised_by_id=user.pk))
    return qs.order_by("-opened_window_end", "-pk")


def rows(qs, sources: Sources | None = None):
    """The CSV/xlsx rows of ``COLUMNS`` (indicator names from the library, looked up once per code)."""
    sources = sources or default_sources()
    names: dict[str, str] = {}
    for w in qs.iterator(chunk_size=2000):
        code = w.indicator_code
        if code not in names:
            indicator = sources.describe(code) if code else None
            names[code] = (getattr(indicator, "name", "") or getattr(indicator, "name_zh", "")) or ("" if code else w.get_source_display())
        yield [w.subject.key, w.level, code, names[code], w.grade, w.status, w.opened_window, w.last_window,
               w.value, w.opened_at.replace(microsecond=0)]
