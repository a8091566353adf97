from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org.choices import Role

ITEMS = [NavItem(_("来源系统"), "intake:sources", roles=(Role.ADMIN, Role.QUALITY_OFFICE), order=80)]
