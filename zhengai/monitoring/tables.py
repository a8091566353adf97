"""The warnings list's table (预警列表): its columns, sort keys and filters for the page and its
.xlsx export (``zhengai.core.tables``). The ``zhengai warnings`` command keeps its own contract
columns (``queries.COLUMNS``); the page's export is for people: Chinese headers, labels, dates."""

from datetime import timedelta

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.core import clock, tables, windows
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Department
from zhengai.org.access import restrict

from .choices import ACTIVE_STATUSES, GRADE_RANK, Grade, WarningStatus
from .owners import owned_q

GRADE_ORDER = Case(*[When(grade=g, then=Value(rank)) for g, rank in GRADE_RANK.items()], default=Value(0),
                   output_field=IntegerField())


def _status(queryset, value):
    if value == "active":
        return queryset.filter(status__in=ACTIVE_STATUSES)
    return queryset.filter(status=value)


def _departments(request):
    return restrict(Department.objects.order_by("code"), request.user).values_list("pk", "name")


def _window_day(which: int, attribute: str):
    def value(warning):
        window = warning.window_cache.get(getattr(warning, attribute))
        return window[which] if window else None
    return value


class WarningTable(tables.Table):
    columns = [
        tables.Column("subject", _("主体"), sort="subject__name", value="subject.name"),
        tables.Column("key", _("编号"), sort="subject__key", value="subject.key"),
        tables.Column("department", pgettext_lazy("column", "部门"), sort="subject__department__name", value="subject.department.name"),
        tables.Column("level", _("层面"), sort="level", value="get_level_display"),
        tables.Column("indicator", _("指标"), sort="indicator_code", value="indicator_label"),
        tables.Column("grade", _("等级"), sort=GRADE_ORDER, value="get_grade_display"),
        tables.Column("status", _("状态"), sort="status", value="get_status_display"),
        tables.Column("opened", _("触发窗口"), sort=("opened_window_end", "opened_window"), value="opened_window"),
        tables.Column("opened_start", _("触发窗口开始"), value=_window_day(0, "opened_window"), shown=False),
        tables.Column("opened_end", _("触发窗口结束"), value=_window_day(1, "opened_window"), shown=False),
        tables.Column("last", _("最近窗口"), sort=("last_window_end", "last_window"), value="last_window"),
        tables.Column("last_start", _("最近窗口开始"), value=_window_day(0, "last_window"), shown=False),
        tables.Column("last_end", _("最近窗口结束"), value=_window_day(1, "last_window"), shown=False),
        tables.Column("value", _("当前值"), sort="value", value="value", css="right"),
        tables.Column("opened_at", _("触发时间"), sort="opened_at", value=lambda w: w.opened_at.replace(microsecond=0),
                      shown=False),
    ]
    filters = [
        tables.Search("q", _("搜索"), ["subject__name", "subject__key"], placeholder=_("姓名、学号、名称或代码")),
        tables.Choice("level", _("层面"), "level", Level.choices),
        tables.Choice("grade", _("等级"), "grade", Grade.choices),
        tables.Choice("status", _("状态"), choices=[("active", _("未解除")), *WarningStatus.choices], apply=_status,
                      default="active"),
        tables.Choice("department", pgettext_lazy("column", "部门"), "subject__department_id", _departments, ids=True),
        tables.Number("age", _("持续天数不少于"), lambda qs, days: qs.filter(
            opened_window_end__lte=clock.today() - timedelta(days=days)), maximum=36500),
    ]
    default_sort = "-opened"
    export_name = "预警.xlsx"
    sheet_title = _("预警")

    def __init__(self, request, queryset):
        self.filters = [*type(self).filters, tables.Flag("mine", _("只看我负责的"),
                                                          lambda qs, on: qs.filter(owned_q(request.user)))]
        super().__init__(request, queryset)

    @classmethod
    def param_names(cls):
        return [*super().param_names(), "mine"]

    def prepare(self, rows):
        from .sources import label_warnings

        # Indicators described once per code for the whole export, not once per chunk.
        label_warnings(rows, self.__dict__.setdefault("_indicators", {}))
        codes = {code for w in rows for code in (w.opened_window, w.last_window) if code}
        cache = getattr(self, "_windows", None)
        if cache is None:
            self._terms, cache = windows.term_dates(), {}
            self._windows = cache
        missing = sorted(codes - cache.keys())
        if missing:
            found = windows.resolve(missing, self._terms)
            for code in missing:
                w = found.get(code)
                cache[code] = (w.start, w.end) if w else None
        for w in rows:
            w.window_cache = cache
