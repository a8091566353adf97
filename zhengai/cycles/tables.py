"""The improvement actions' list (改进措施): every action of the viewer's scope across cycles, sorted
and filtered by the database and exported to .xlsx (``zhengai.core.tables``). An action is overdue
(已逾期) while it is open past its due date — a WHERE, not a loop. The list opens on what is still
to do, soonest due first."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.core import clock, tables
from zhengai.datacenter.choices import Level
from zhengai.org.access import restrict

from .choices import ActionStatus
from .models import ImprovementAction


STATUS_ORDER = Case(*[When(status=v, then=Value(i)) for i, v in enumerate(ActionStatus.values)], output_field=IntegerField())


def overdue_q() -> Q:
    return Q(status=ActionStatus.OPEN, due__lt=clock.today())


def _owner_name(action):
    return (action.owner.display_name or action.owner.username) if action.owner else ""


def _overdue(action):
    return action.status == ActionStatus.OPEN and action.due < clock.today()


class ActionTable(tables.Table):
    caption = _("改进措施")
    columns = [
        tables.Column("text", _("措施"), sort="text", value="text", css="wrap"),
        tables.Column("subject", _("主体"), sort="cycle__subject__name", value="cycle.subject.name"),
        tables.Column("level", _("层面"), sort="cycle__level", value="cycle.get_level_display"),
        tables.Column("period", _("周期"), sort=("cycle__start", "cycle__period"), value="cycle.period"),
        tables.Column("owner", pgettext_lazy("column", "责任人"), sort="owner__display_name", value=_owner_name),
        tables.Column("due", _("完成期限"), sort="due", value="due"),
        # Open first (then due date), then done, then dropped.
        tables.Column("status", _("状态"), sort=(STATUS_ORDER, "due"), value="get_status_display"),
        tables.Column("overdue", _("已逾期"), value=lambda a: str(_("是") if _overdue(a) else _("否")), shown=False),
        tables.Column("closed", _("完成日期"), sort="closed_on", value="closed_on"),
        tables.Column("outcome", _("结果"), value="outcome", shown=False),
    ]
    filters = [
        tables.Search("q", _("搜索"), ["text", "cycle__subject__name", "cycle__subject__key"], placeholder=_("措施或主体")),
        tables.Choice("level", _("层面"), "cycle__level", Level.choices),
        tables.Choice("status", _("状态"), "status", ActionStatus.choices),
        tables.Flag("overdue", _("只看已逾期"), lambda qs, on: qs.filter(overdue_q())),
    ]
    default_sort = "status"  # what is still to do, soonest due first
    export_name = "改进措施.xlsx"

    def __init__(self, request, queryset):
        self.filters = [*type(self).filters, tables.Flag("mine", _("只看我负责的"),
                                                          lambda qs, on: qs.filter(owner=request.user))]
        super().__init__(request, queryset)

    @classmethod
    def param_names(cls):
        return [*super().param_names(), "mine"]

    @staticmethod
    def queryset(user):
        return restrict(ImprovementAction.objects.select_related("cycle__subject", "owner"), user)

    def prepare(self, rows):
        today = clock.today()
        for a in rows:
            a.overdue = a.status == ActionStatus.OPEN and a.due < today
