from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org.choices import Role

STAFF_ROLES = tuple(r for r in Role.values if r != Role.STUDENT)
ITEMS = [
    NavItem(_("标准"), "chains:standards", roles=STAFF_ROLES, order=50),
    NavItem(_("目标"), "chains:goals", order=52),
    NavItem(_("任务表"), "chains:tasks", roles=(Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER, Role.DEPARTMENT_HEAD), order=54),
]
