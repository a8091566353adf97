from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [
    NavItem(_("预警"), "monitoring:warnings", order=30, group="monitoring"),
    NavItem(_("纠偏成效"), "monitoring:effectiveness", act=access.SEE_OTHERS, order=31, group="monitoring"),
    NavItem(_("监测策略"), "monitoring:policies", act=access.EDIT_MONITORING_POLICY, order=80, group="system"),
]


def my_warnings_panel(request):
    """Home panel: the open warnings the user owns or raised (their to-do list)."""
    from zhengai.org.access import grants_for

    if not request.user.is_authenticated or grants_for(request.user).is_empty():
        return None  # an account without roles is told so by the home page itself
    from .queries import filtered
    from .sources import label_warnings

    qs = filtered(request.user, status="active", mine=True)
    items = list(qs[:8])
    total = qs.count() if len(items) == 8 else len(items)
    if not items and grants_for(request.user).leads():
        return None  # nothing of one's own: the scope's panel says what stands open
    label_warnings(items)
    return {"template": "monitoring/_home_panel.html", "items": items, "total": total, "order": 15}


def scope_warnings_panel(request):
    """Home panel for those who lead a unit: the open warnings of their scope by level and grade,
    each count linked to the filtered list, and whether fewer open and more are resolved lately."""
    from zhengai.core import clock
    from zhengai.org.access import grants_for

    if not request.user.is_authenticated or not grants_for(request.user).leads():
        return None
    from .summary import summary

    return {"template": "monitoring/_scope_panel.html", "summary": summary(request.user, clock.today()),
            "school": grants_for(request.user).school, "order": 30}


HOME_PANELS = [scope_warnings_panel, my_warnings_panel]
