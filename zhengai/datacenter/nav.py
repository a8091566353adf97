from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [NavItem(_("数据字典"), "datacenter:dictionary", act=access.SEE_OTHERS, order=90, group="datacenter",
                   technical=True)]
