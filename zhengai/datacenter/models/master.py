"""Master data (主数据): the things facts refer to, each with its natural key unique and indexed.

``scope_lookups`` on each model tells ``zhengai.org.access`` how a row lies inside a scope: the
lookup from the row to a department, specialty, course, administrative class, or to the staff
member or student it belongs to. Views never filter by role themselves.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (
    CourseCategory,
    DepartmentKind,
    Gender,
    SpecialtyTier,
    StudentStatus,
    TeacherTrack,
    Title,
)
from .lineage import Lineage


class Term(Lineage):
    """An academic term (学期), coded ``学年-学期`` as Chinese colleges write it: ``2025-2026-1``."""

    code = models.CharField(_("学期代码"), max_length=11, unique=True, help_text=_("如 2025-2026-1"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["start_date"]

    def __str__(self) -> str:
        return self.code

    @property
    def academic_year(self) -> str:
        return self.code[:9]


class Department(Lineage):
    """A department: a teaching college (二级学院) or a functional office (职能部门)."""

    code = models.CharField(_("部门代码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=DepartmentKind.choices)

    scope_lookups = {"department": "pk"}

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Specialty(Lineage):
    """A specialty (专业), coded by the national 高职 specialty catalogue (专业代码)."""

    code = models.CharField(_("专业代码"), max_length=32, unique=True)
    name = models.CharField(_("专业名称"), max_length=100)
    department = models.ForeignKey(Department, models.PROTECT, related_name="specialties", verbose_name=_("所属部门"))
    tier = models.CharField(_("建设层次"), max_length=16, choices=SpecialtyTier.choices, default=SpecialtyTier.GENERAL)
    duration_years = models.PositiveSmallIntegerField(_("学制（年）"), default=3)
    leader = models.ForeignKey(
        "Staff", models.SET_NULL, null=True, blank=True, related_name="led_specialties", verbose_name=_("专业负责人")
    )

    scope_lookups = {"department": "department_id", "specialty": "pk"}

    class Meta:
        verbose_name = _("专业")
        verbose_name_plural = _("专业")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Staff(Lineage):
    """A member of staff (教职工), keyed by 工号; teachers are staff with ``is_teacher``."""

    staff_no = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    department = models.ForeignKey(Department, models.PROTECT, related_name="staff", verbose_name=_("所属部门"))
    is_teacher = models.BooleanField(_("专任教师"), default=True)
    title = models.CharField(_("职称"), max_length=16, choices=Title.choices, default=Title.NONE)
    track = models.CharField(_("发展类型"), max_length=24, choices=TeacherTrack.choices, blank=True)
    is_dual_qualified = models.BooleanField(_("双师型"), default=False)
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name=_("账号")
    )

    scope_lookups = {"department": "department_id", "self_staff": "pk"}

    class Meta:
        verbose_name = _("教职工")
        verbose_name_plural = _("教职工")
        ordering = ["staff_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"


class AdminClass(Lineage):
    """An administrative class (行政班): one cohort of one specialty, with its counsellor (辅导员)."""

    code = models.CharField(_("班级代码"), max_length=32, unique=True)
    name = models.CharField(_("班级名称"), max_length=100)
    specialty = models.ForeignKey(Specialty, models.PROTECT, related_name="classes", verbose_name=_("专业"))
    cohort = models.PositiveSmallIntegerField(_("入学年份"))
    counsellor = models.ForeignKey(
        Staff, models.SET_NULL, null=True, blank=True, related_name="counselled_classes", verbose_name=_("辅导员")
    )

    scope_lookups = {"department": "specialty__department_id", "specialty": "specialty_id", "admin_class": "pk"}

    class Meta:
        verbose_name = _("行政班")
        verbose_name_plural = _("行政班")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Student(Lineage):
    """A student (学生), keyed by 学号."""

    student_no = models.CharField(_("学号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    admin_class = models.ForeignKey(AdminClass, models.PROTECT, related_name="students", verbose_name=_("行政班"))
    # Denormalised from the class: every specialty- and department-level indicator groups by it.
    specialty = models.ForeignKey(Specialty, models.PROTECT, related_name="students", verbose_name=_("专业"))
    cohort = models.PositiveSmallIntegerField(_("入学年份"))
    status = models.CharField(
        _("学籍状态"), max_length=16, choices=StudentStatus.choices, default=StudentStatus.ENROLLED,
        help_text=_("在籍（学籍管理口径）：在读、休学的学生在籍（休学保留学籍）；毕业、退学的学生在离校日期之前在籍，无离校日期的不计"),
    )
    enrolled_on = models.DateField(_("入学日期"), null=True, blank=True)
    left_on = models.DateField(_("离校日期"), null=True, blank=True, help_text=_("毕业、退学的日期"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="student", verbose_name=_("账号")
    )

    scope_lookups = {
        "department": "specialty__department_id",
        "specialty": "specialty_id",
        "admin_class": "admin_class_id",
        "self_student": "pk",
    }

    class Meta:
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        ordering = ["student_no"]
        indexes = [models.Index(fields=["specialty", "cohort"], name="student_specialty_cohort")]

    def __str__(self) -> str:
        return f"{self.name}（{self.student_no}）"


class Course(Lineage):
    """A course (课程) in the catalogue, keyed by 课程代码, with its course leader (课程负责人)."""

    code = models.CharField(_("课程代码"), max_length=32, unique=True)
    name = models.CharField(_("课程名称"), max_length=100)
    department = models.ForeignKey(Department, models.PROTECT, related_name="courses", verbose_name=_("开课部门"))
    specialty = models.ForeignKey(
        Specialty, models.SET_NULL, null=True, blank=True, related_name="courses", verbose_name=_("所属专业"),
        help_text=_("公共课为空"),
    )
    category = models.CharField(_("课程类别"), max_length=16, choices=CourseCategory.choices)
    credits = models.DecimalField(_("学分"), max_digits=4, decimal_places=1)
    hours = models.PositiveSmallIntegerField(_("学时"))
    leader = models.ForeignKey(
        Staff, models.SET_NULL, null=True, blank=True, related_name="led_courses", verbose_name=_("课程负责人")
    )
    construction_start = models.DateField(_("建设周期开始"), null=True, blank=True)
    construction_end = models.DateField(_("建设周期结束"), null=True, blank=True)

    scope_lookups = {"department": "department_id", "specialty": "specialty_id", "course": "pk"}

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Offering(Lineage):
    """A course offering (开课/教学班): one course taught in one term by one teacher to one group."""

    code = models.CharField(_("教学班代码"), max_length=48, unique=True)
    course = models.ForeignKey(Course, models.PROTECT, related_name="offerings", verbose_name=_("课程"))
    term = models.ForeignKey(Term, models.PROTECT, related_name="offerings", verbose_name=_("学期"))
    teacher = models.ForeignKey(Staff, models.PROTECT, related_name="offerings", verbose_name=_("任课教师"))
    admin_class = models.ForeignKey(
        AdminClass, models.SET_NULL, null=True, blank=True, related_name="offerings", verbose_name=_("上课班级")
    )
    planned_sessions = models.PositiveSmallIntegerField(_("计划课次"), default=0)

    scope_lookups = {
        "department": "course__department_id",
        "specialty": "course__specialty_id",
        "course": "course_id",
        "self_staff": "teacher_id",
        "admin_class": "admin_class_id",
    }

    class Meta:
        verbose_name = _("开课")
        verbose_name_plural = _("开课")
        ordering = ["code"]
        indexes = [models.Index(fields=["term", "course"], name="offering_term_course")]

    def __str__(self) -> str:
        return self.code


class Enrolment(Lineage):
    """A student's place in a course offering (选课)."""

    offering = models.ForeignKey(Offering, models.CASCADE, related_name="enrolments", verbose_name=_("开课"))
    student = models.ForeignKey(Student, models.CASCADE, related_name="enrolments", verbose_name=_("学生"))

    scope_lookups = {
        "department": "student__specialty__department_id",
        "specialty": "student__specialty_id",
        "admin_class": "student__admin_class_id",
        "course": "offering__course_id",
        "self_staff": "offering__teacher_id",
        "self_student": "student_id",
    }

    class Meta:
        verbose_name = _("选课")
        verbose_name_plural = _("选课")
        constraints = [models.UniqueConstraint(fields=["offering", "student"], name="enrolment_unique")]
        indexes = [models.Index(fields=["student"], name="enrolment_student")]
