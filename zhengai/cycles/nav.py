from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [
    NavItem(_("诊改周期"), "cycles:mine", order=50, group="cycles"),
    NavItem(_("诊改报告"), "cycles:reports", order=51, group="cycles"),
    NavItem(_("改进措施"), "cycles:actions", order=55, group="cycles"),
    # 我的自诊: for whoever owns a subject (access.OWNER_SCOPE); the overview for the school and
    # department scopes.
    NavItem(_("我的自诊"), "cycles:self_diagnosis", act=access.SUBMIT_EVIDENCE, order=53, group="cycles"),
    NavItem(_("自诊材料总览"), "cycles:self_diagnosis_overview", act=access.SEE_EVIDENCE_OVERVIEW, order=53, group="cycles"),
    NavItem(_("周期日历"), "cycles:calendar", act=access.SEE_OTHERS, order=56, group="cycles"),
    # The quality office marks; the school's leaders read (views.may_see_assessment).
    NavItem(_("年度考核"), "cycles:assessment", check=lambda user: access.may(user, access.MANAGE_CYCLES)
            or access.may(user, access.APPROVE_SCHOOL_REPORT), order=57, group="cycles"),
    NavItem(_("后台批量任务"), "cycles:jobs", act=access.MANAGE_CYCLES, order=58, group="cycles"),
    NavItem(_("周期设置"), "cycles:policies", act=access.MANAGE_CYCLES, order=81, group="system"),
]


PANEL_HEAD = 5  # reports to review named on the home page; the rest counted


def cycles_panel(request):
    """Home panel: the user's cycle to-dos (reports to write or review, improvement actions due) and,
    for those who lead a scope, its cycles' progress by level and phase with the late ones named."""
    user = request.user
    if not user.is_authenticated or access.grants_for(user).is_empty():
        return None
    from zhengai.core import clock

    from . import progress, queries

    today = clock.today()
    to_write = queries.reports_to_write(user, limit=20)
    reviewing = queries.reports_to_review(user, limit=None)
    to_review = list(reviewing[:PANEL_HEAD])
    # The whole count (a quality office reviews thousands at the end of a term), one query.
    to_review_total = reviewing.count() if len(to_review) == PANEL_HEAD else len(to_review)
    actions_total, actions = progress.actions_due(user, today)
    scope = progress.progress(user, today) if access.grants_for(user).leads() else None
    if not (to_write or to_review or actions or (scope and scope.levels)):
        return None
    return {"template": "cycles/_home_panel.html", "to_write": to_write[:5], "to_write_total": len(to_write),
            "to_review": to_review, "to_review_total": to_review_total, "actions": actions,
            "actions_total": actions_total, "progress": scope, "today": today, "order": 40}


HOME_PANELS = [cycles_panel]
