from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [
    NavItem(_("学生名册"), "datacenter:students", act=access.SEE_OTHERS, order=70, group="datacenter"),
    NavItem(_("教职工名册"), "datacenter:teachers", act=access.SEE_OTHERS, order=71, group="datacenter"),
    NavItem(_("课程清单"), "datacenter:courses", act=access.SEE_OTHERS, order=72, group="datacenter"),
    NavItem(_("数据字典"), "datacenter:dictionary", act=access.SEE_OTHERS, order=90, group="datacenter",
                   technical=True),
]
