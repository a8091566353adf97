from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Level


# How a row about one quality subject lies inside role scopes (zhengai.org.access ``scope_lookups``):
# where its subject does. Models with a ``subject`` relation use it as it is.
SUBJECT_SCOPE = {
    "department": "subject__department_id",
    "specialty": "subject__specialty_id",
    "course": "subject__course_id",
    "admin_class": "subject__admin_class_id",
    "self_staff": "subject__staff_id",
    "self_student": "subject__student_id",
}


class Subject(models.Model):
    """A quality subject (质量主体): the school, a department, specialty, course, offering, teacher or
    student, under one stable natural key (学号, 工号, 课程代码, 专业代码 …).

    Measurements, warnings, goals and cycles refer to subjects, never to the master tables directly,
    so every later table is one shape for all levels. The foreign keys to master data are both the
    subject's own row (``LEVEL_COLUMN``) and its scope coordinates. Kept in step with master data by
    ``zhengai.datacenter.subjects.sync_subjects``.
    """

    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    key = models.CharField(_("标识"), max_length=64, help_text=_("自然键：学号、工号、课程代码、专业代码等"))
    name = models.CharField(_("名称"), max_length=200)
    parent = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="children", verbose_name=_("上级主体")
    )
    active = models.BooleanField(_("有效"), default=True, help_text=_("已毕业学生、已停开课程等为无效"))
    # Scope coordinates, copied from master data so that every scope check on measurements,
    # warnings and goals is one indexed comparison on this table (see zhengai.org.access).
    department = models.ForeignKey("Department", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("所属部门"))
    specialty = models.ForeignKey("Specialty", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, verbose_name=_("所属专业"))
    course = models.ForeignKey("Course", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, verbose_name=_("所属课程"))
    offering = models.ForeignKey("Offering", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, verbose_name=_("开课"))
    admin_class = models.ForeignKey("AdminClass", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, verbose_name=_("所属班级"))
    staff = models.ForeignKey("Staff", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, verbose_name=_("教职工"))
    student = models.ForeignKey("Student", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, verbose_name=_("学生"))

    scope_lookups = {
        "department": "department_id",
        "specialty": "specialty_id",
        "course": "course_id",
        "admin_class": "admin_class_id",
        "self_staff": "staff_id",
        "self_student": "student_id",
    }
    subject_level_lookup = "level"

    class Meta:
        verbose_name = _("质量主体")
        verbose_name_plural = _("质量主体")
        constraints = [models.UniqueConstraint(fields=["level", "key"], name="subject_level_key")]
        ordering = ["level", "key"]
        indexes = [
            models.Index(fields=["level", "department"], name="subject_level_department"),
            models.Index(fields=["student"], name="subject_student"),
            models.Index(fields=["staff"], name="subject_staff"),
            models.Index(fields=["offering"], name="subject_offering"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.name}"


# The column of ``Subject`` that names the master row a subject of each level *is*.
LEVEL_COLUMN = {
    Level.SCHOOL: None,
    Level.DEPARTMENT: "department",
    Level.SPECIALTY: "specialty",
    Level.COURSE: "course",
    Level.OFFERING: "offering",
    Level.TEACHER: "staff",
    Level.STUDENT: "student",
}
