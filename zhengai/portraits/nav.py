from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

# The workspaces (一中心四平台): the affairs hall for everyone; the classroom for those who teach.
ITEMS = [
    NavItem(_("事务大厅"), "workspaces:affairs", order=2),
    NavItem(_("智能云课堂"), "workspaces:classroom", act=access.SEE_OWN_TEACHING, order=3),
    NavItem(_("教师发展"), "workspaces:teacher", act=access.SEE_OWN_TEACHING, order=4),
    NavItem(_("成长空间"), "workspaces:growth", act=access.SEE_OWN_GROWTH, order=4),
    # 画像: the cockpit for school-wide roles (校领导, 质管办, admins); the level overviews for staff.
    NavItem(_("驾驶舱"), "portraits:cockpit", check=lambda user: access.grants_for(user).school, order=10,
            group="portraits"),
    *[NavItem(label, "portraits:level", args=(level,), act=access.SEE_OTHERS, order=11 + i, group="portraits")
      for i, (level, label) in enumerate([("school", _("学校层面")), ("specialty", _("专业层面")),
                                           ("course", _("课程层面")), ("teacher", _("教师层面")),
                                           ("student", _("学生层面"))])],
]


def todo_panel(request):
    """Home panel: what to do now — the affairs hall's items counted by kind, the first few listed
    (``affairs.summary``: counted in the database, never every row read)."""
    if not request.user.is_authenticated:
        return None
    from .affairs import summary

    head = summary(request.user, first=5)
    if not head.total:
        return None
    return {"template": "portraits/workspaces/_todo_panel.html", "items": head.items, "counts": head.counts,
            "total": head.total, "late": head.late, "order": 10}


def unit_panel(request):
    """Home panel for those who lead a unit: its key indicators against the standard with their
    trend, its goals' progress, and the way to the cockpit, its portrait and the level overviews."""
    user = request.user
    if not user.is_authenticated or not access.grants_for(user).leads():
        return None
    from zhengai.core import clock

    from . import scope

    today = clock.today()
    return {"template": "portraits/_unit_panel.html", "unit": scope.unit(user, today), "today": today,
            "cockpit": access.grants_for(user).school, "levels": scope.level_links(), "order": 20}


HOME_PANELS = [todo_panel, unit_panel]
