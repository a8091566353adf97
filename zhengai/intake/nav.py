from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

ITEMS = [
    NavItem(_("来源系统"), "intake:sources", act=access.MANAGE_SOURCES, order=80, group="system", technical=True),
    NavItem(_("数据质量"), "intake:quality", act=access.SEE_DATA_QUALITY, order=81, group="datacenter", technical=True),
    # Leaders read the pulls and the batches (who imported what, when); they do not import.
    NavItem(_("数据库抽取"), "intake:pulls", act=access.SEE_PULLS, order=82, group="datacenter", technical=True),
    NavItem(_("导入数据"), "intake:import", act=access.IMPORT_DATA, order=83, group="datacenter", technical=True),
    NavItem(_("导入批次"), "intake:batches", act=access.SEE_BATCHES, order=84, group="datacenter", technical=True),
    NavItem(_("字段映射"), "intake:mappings", act=access.IMPORT_DATA, order=85, group="system", technical=True),
]
