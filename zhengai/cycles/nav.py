from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [
    NavItem(_("诊改周期"), "cycles:mine", order=50, group="cycles"),
    NavItem(_("诊改报告"), "cycles:reports", order=51, group="cycles"),
    NavItem(_("改进措施"), "cycles:actions", order=55, group="cycles"),
    NavItem(_("周期日历"), "cycles:calendar", act=access.SEE_OTHERS, order=56, group="cycles"),
    # The quality office marks; the school's leaders read (views.may_see_assessment).
    NavItem(_("年度考核"), "cycles:assessment", check=lambda user: access.may(user, access.MANAGE_CYCLES)
            or access.may(user, access.APPROVE_SCHOOL_REPORT), order=57, group="cycles"),
    NavItem(_("后台批量任务"), "cycles:jobs", act=access.MANAGE_CYCLES, order=58, group="cycles"),
    NavItem(_("周期设置"), "cycles:policies", act=access.MANAGE_CYCLES, order=81, group="system"),
]
