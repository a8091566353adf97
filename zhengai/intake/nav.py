from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org.choices import Role

from .quality import QUALITY_ROLES

INTAKE_ROLES = (Role.ADMIN, Role.QUALITY_OFFICE)
ITEMS = [
    NavItem(_("来源系统"), "intake:sources", roles=INTAKE_ROLES, order=80),
    NavItem(_("数据质量"), "intake:quality", roles=QUALITY_ROLES, order=81),
    # Leaders read the pulls page (restrict grants them every row to view, none to change).
    NavItem(_("数据库抽取"), "intake:pulls", roles=(Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER), order=82),
    NavItem(_("导入数据"), "intake:import", roles=INTAKE_ROLES, order=83),
    # School leaders read the batches (who imported what, when); they do not import.
    NavItem(_("导入批次"), "intake:batches", roles=(*INTAKE_ROLES, Role.LEADER), order=84),
    NavItem(_("字段映射"), "intake:mappings", roles=INTAKE_ROLES, order=85),
]
