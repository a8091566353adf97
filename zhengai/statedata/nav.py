from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [
    NavItem(_("状态数据"), "statedata:index", act=access.SEE_STATE_DATA, order=75, group="datacenter"),
    NavItem(_("状态数据填报"), "statedata:tasks", act=access.ENTER_STATE_DATA, order=76, group="datacenter"),
]
