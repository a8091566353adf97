from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org import access

# Standards are read by everyone, students included: a student sees the standard they are judged by.
# The task table is for those whose scope holds its owners, the school and its departments.
ITEMS = [
    NavItem(_("标准"), "chains:standards", order=50, group="chains"),
    NavItem(_("目标"), "chains:goals", order=52, group="chains"),
    NavItem(_("任务表"), "chains:tasks", act=access.SEE_TASK_TABLE, order=54, group="chains"),
]
