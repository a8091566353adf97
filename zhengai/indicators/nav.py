from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [NavItem(_("指标库"), "indicators:library", act=access.SEE_OTHERS, order=40, group="chains")]
