from django.utils.translation import gettext_lazy as _

from zhengai.org import access

from .navigation import NavItem

ITEMS = [
    NavItem(_("首页"), "home", order=0),
    NavItem(_("审计日志"), "audit", act=access.SEE_AUDIT, order=950, group="system", technical=True),
    NavItem(_("我的账号"), "account", order=990, group="account"),
]
