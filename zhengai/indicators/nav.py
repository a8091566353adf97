from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org.choices import Role

STAFF_ROLES = tuple(r for r in Role.values if r != Role.STUDENT)
ITEMS = [NavItem(_("指标库"), "indicators:library", roles=STAFF_ROLES, order=40)]
