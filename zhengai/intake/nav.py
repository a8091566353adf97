from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org.choices import Role

from .quality import QUALITY_ROLES

ITEMS = [
    NavItem(_("来源系统"), "intake:sources", roles=(Role.ADMIN, Role.QUALITY_OFFICE), order=80),
    NavItem(_("数据质量"), "intake:quality", roles=QUALITY_ROLES, order=81),
    # Leaders read the pulls page (restrict grants them every row to view, none to change).
    NavItem(_("数据库抽取"), "intake:pulls", roles=(Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER), order=82),
]
