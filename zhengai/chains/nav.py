from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem
from zhengai.org.choices import Role

# Standards are read by everyone, students included: a student sees the standard they are judged by.
# The task table is for those whose scope holds its owners, the school and its departments
# (``goals.may_see_tasks``); the menu says the same in roles.
ITEMS = [
    NavItem(_("标准"), "chains:standards", order=50),
    NavItem(_("目标"), "chains:goals", order=52),
    # 我的自诊: for whoever owns a subject (access.OWNER_SCOPE); the overview for the school and
    # department scopes (``selfdiag.may_see_overview``).
    NavItem(_("我的自诊"), "chains:self_diagnosis", roles=(Role.ADMIN, Role.QUALITY_OFFICE, Role.DEPARTMENT_HEAD, Role.SPECIALTY_LEADER,
                                                         Role.COURSE_LEADER, Role.TEACHER, Role.COUNSELLOR), order=53),
    NavItem(_("自诊材料总览"), "chains:self_diagnosis_overview", roles=(Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER, Role.DEPARTMENT_HEAD), order=53),
    NavItem(_("任务表"), "chains:tasks", roles=(Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER, Role.DEPARTMENT_HEAD), order=54),
]
