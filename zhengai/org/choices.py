from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md. Each is held over a scope (see ``ScopeKind``)."""

    ADMIN = "admin", _("系统管理员")
    QUALITY_OFFICE = "quality_office", _("质管办")
    LEADER = "leader", _("校领导")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    SPECIALTY_LEADER = "specialty_leader", _("专业负责人")
    COURSE_LEADER = "course_leader", _("课程负责人")
    TEACHER = "teacher", _("教师")
    COUNSELLOR = "counsellor", _("辅导员")
    STUDENT = "student", _("学生")


class ScopeKind(models.TextChoices):
    """What a role is held over: a grant reaches the rows that lie inside its scope."""

    SCHOOL = "school", _("全校")
    DEPARTMENT = "department", _("部门")
    SPECIALTY = "specialty", _("专业")
    COURSE = "course", _("课程")
    ADMIN_CLASS = "admin_class", _("行政班")
    SELF = "self", _("本人")


ROLE_SCOPE = {
    Role.ADMIN: ScopeKind.SCHOOL,
    Role.QUALITY_OFFICE: ScopeKind.SCHOOL,
    Role.LEADER: ScopeKind.SCHOOL,
    Role.DEPARTMENT_HEAD: ScopeKind.DEPARTMENT,
    Role.SPECIALTY_LEADER: ScopeKind.SPECIALTY,
    Role.COURSE_LEADER: ScopeKind.COURSE,
    Role.TEACHER: ScopeKind.SELF,
    Role.COUNSELLOR: ScopeKind.ADMIN_CLASS,
    Role.STUDENT: ScopeKind.SELF,
}
