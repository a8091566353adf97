"""Facts (事实数据): what happened, each row tied to master data and to its import batch.

The two large tables, attendance and learning activity, carry their date and offering
denormalised and index exactly what windowed aggregates read: indicators group a window of rows
by student or offering, and every extra index is paid for on each bulk load.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengai.core.windows import GRADUATES_HELD, INTAKE_HELD

from ..choices import (
    AttendanceStatus,
    AwardKind,
    AwardLevel,
    Development,
    EmploymentStatus,
    EvaluatorKind,
    LearningVerb,
    ResearchKind,
    SessionStatus,
)
from .lineage import Lineage
from .master import Offering, Specialty, Staff, Student

STUDENT_SCOPE = {
    "department": "student__specialty__department_id",
    "specialty": "student__specialty_id",
    "admin_class": "student__admin_class_id",
    "self_student": "student_id",
}
STAFF_SCOPE = {"department": "staff__department_id", "self_staff": "staff_id"}
OFFERING_SCOPE = {
    "department": "offering__course__department_id",
    "specialty": "offering__course__specialty_id",
    "course": "offering__course_id",
    "self_staff": "offering__teacher_id",
}


class ClassSession(Lineage):
    """One timetabled class meeting (课次) of an offering — held, or still to come when the
    timetable is imported ahead."""

    offering = models.ForeignKey(Offering, models.CASCADE, related_name="sessions", verbose_name=_("开课"), db_index=False)
    date = models.DateField(_("上课日期"))
    period = models.PositiveSmallIntegerField(_("开始节次"))
    periods = models.PositiveSmallIntegerField(_("节数"), default=2)
    # A database default too: the demo loader and imports COPY the columns they know.
    status = models.CharField(
        _("课次状态"), max_length=16, choices=SessionStatus.choices, blank=True, default="", db_default="",
        help_text=_("教务系统记录的课次状态；未记录时按上课日期判断：不晚于今天的课次视为已上课，今天以后的只是排定"),
    )

    scope_lookups = OFFERING_SCOPE

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        constraints = [models.UniqueConstraint(fields=["offering", "date", "period"], name="session_unique")]
        indexes = [models.Index(fields=["date"], name="session_date")]


class Attendance(Lineage):
    """Attendance of one student at one class session (考勤)."""

    session = models.ForeignKey(ClassSession, models.CASCADE, related_name="attendance", verbose_name=_("课次"), db_index=False)
    student = models.ForeignKey(Student, models.CASCADE, related_name="attendance", verbose_name=_("学生"), db_index=False)
    offering = models.ForeignKey(Offering, models.CASCADE, related_name="attendance", verbose_name=_("开课"), db_index=False)
    date = models.DateField(_("日期"))
    status = models.CharField(_("考勤状态"), max_length=8, choices=AttendanceStatus.choices)
    periods = models.PositiveSmallIntegerField(_("节数"), default=2)

    scope_lookups = {**STUDENT_SCOPE, "course": "offering__course_id", "self_staff": "offering__teacher_id"}

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="attendance_unique")]
        indexes = [
            models.Index(fields=["date"], name="attendance_date"),
            models.Index(fields=["student", "date"], name="attendance_student_date"),
            models.Index(fields=["offering", "date"], name="attendance_offering_date"),
        ]


class Grade(Lineage):
    """A student's final grade in an offering (成绩); ``attempt`` 1 is the first sitting, 2 the resit (补考)."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="grades", verbose_name=_("学生"), db_index=False)
    offering = models.ForeignKey(Offering, models.CASCADE, related_name="grades", verbose_name=_("开课"))
    attempt = models.PositiveSmallIntegerField(_("考试次数"), default=1)
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1, help_text=_("百分制，0–100"))
    passed = models.BooleanField(_("是否及格"))
    credits_earned = models.DecimalField(_("获得学分"), max_digits=4, decimal_places=1, default=0)
    recorded_on = models.DateField(_("登记日期"))

    scope_lookups = {**STUDENT_SCOPE, "course": "offering__course_id", "self_staff": "offering__teacher_id"}

    class Meta:
        verbose_name = _("成绩")
        verbose_name_plural = _("成绩")
        constraints = [models.UniqueConstraint(fields=["student", "offering", "attempt"], name="grade_unique")]


class Assignment(Lineage):
    """An assignment set in an offering (作业)."""

    offering = models.ForeignKey(Offering, models.CASCADE, related_name="assignments", verbose_name=_("开课"), db_index=False)
    code = models.CharField(_("作业编号"), max_length=48)
    title = models.CharField(_("标题"), max_length=200)
    due_date = models.DateField(_("截止日期"))

    scope_lookups = OFFERING_SCOPE

    class Meta:
        verbose_name = _("作业")
        verbose_name_plural = _("作业")
        constraints = [models.UniqueConstraint(fields=["offering", "code"], name="assignment_unique")]
        indexes = [models.Index(fields=["due_date"], name="assignment_due")]


class Submission(Lineage):
    """A student's submission of an assignment (作业提交)."""

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="submissions", verbose_name=_("作业"), db_index=False)
    student = models.ForeignKey(Student, models.CASCADE, related_name="submissions", verbose_name=_("学生"))
    submitted_at = models.DateTimeField(_("提交时间"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    late = models.BooleanField(_("逾期"), default=False)

    scope_lookups = {**STUDENT_SCOPE, "course": "assignment__offering__course_id", "self_staff": "assignment__offering__teacher_id"}

    class Meta:
        verbose_name = _("作业提交")
        verbose_name_plural = _("作业提交")
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="submission_unique")]


class LearningActivity(Lineage):
    """An online learning event (在线学习活动) from the smart classroom or an LMS, often via xAPI."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="learning", verbose_name=_("学生"), db_index=False)
    offering = models.ForeignKey(
        Offering, models.CASCADE, null=True, blank=True, related_name="learning", verbose_name=_("开课"), db_index=False
    )
    occurred_at = models.DateTimeField(_("发生时间"))
    date = models.DateField(_("日期"))
    verb = models.CharField(_("行为"), max_length=16, choices=LearningVerb.choices)
    activity = models.CharField(_("学习对象"), max_length=300, blank=True)
    duration_seconds = models.PositiveIntegerField(_("时长（秒）"), default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    statement_id = models.UUIDField(_("xAPI 语句 ID"), null=True, blank=True, unique=True)

    scope_lookups = {**STUDENT_SCOPE, "course": "offering__course_id", "self_staff": "offering__teacher_id"}

    class Meta:
        verbose_name = _("在线学习活动")
        verbose_name_plural = _("在线学习活动")
        indexes = [
            models.Index(fields=["date"], name="learning_date"),
            models.Index(fields=["student", "date"], name="learning_student_date"),
            models.Index(fields=["offering", "date"], name="learning_offering_date"),
        ]


class TeachingEvaluation(Lineage):
    """The evaluation of an offering's teaching (评教) by one kind of evaluator, as an average score."""

    offering = models.ForeignKey(Offering, models.CASCADE, related_name="evaluations", verbose_name=_("开课"), db_index=False)
    evaluator_kind = models.CharField(_("评价类型"), max_length=16, choices=EvaluatorKind.choices)
    score = models.DecimalField(_("平均分"), max_digits=5, decimal_places=2)
    respondents = models.PositiveIntegerField(_("参评人数"), default=0)
    evaluated_on = models.DateField(_("评价日期"))

    scope_lookups = OFFERING_SCOPE

    class Meta:
        verbose_name = _("评教")
        verbose_name_plural = _("评教")
        constraints = [models.UniqueConstraint(fields=["offering", "evaluator_kind"], name="evaluation_unique")]


class ResearchOutput(Lineage):
    """A research or service output of a member of staff (科研成果)."""

    staff = models.ForeignKey(Staff, models.CASCADE, related_name="research", verbose_name=_("教职工"))
    code = models.CharField(_("成果编号"), max_length=48, unique=True)
    kind = models.CharField(_("成果类型"), max_length=16, choices=ResearchKind.choices)
    title = models.CharField(_("题目"), max_length=300)
    level = models.CharField(_("级别"), max_length=16, choices=AwardLevel.choices)
    achieved_on = models.DateField(_("取得日期"))

    scope_lookups = STAFF_SCOPE

    class Meta:
        verbose_name = _("科研成果")
        verbose_name_plural = _("科研成果")


class TrainingRecord(Lineage):
    """Training a member of staff attended (培训), in hours."""

    staff = models.ForeignKey(Staff, models.CASCADE, related_name="training", verbose_name=_("教职工"))
    code = models.CharField(_("培训记录编号"), max_length=48, unique=True)
    title = models.CharField(_("培训项目"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    attended_on = models.DateField(_("培训日期"))

    scope_lookups = STAFF_SCOPE

    class Meta:
        verbose_name = _("教师培训")
        verbose_name_plural = _("教师培训")


class EnterprisePractice(Lineage):
    """A teacher's practice in an enterprise (企业实践), counted in days."""

    staff = models.ForeignKey(Staff, models.CASCADE, related_name="practice", verbose_name=_("教职工"))
    code = models.CharField(_("实践记录编号"), max_length=48, unique=True)
    enterprise = models.CharField(_("实践企业"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.PositiveSmallIntegerField(_("天数"))

    scope_lookups = STAFF_SCOPE

    class Meta:
        verbose_name = _("企业实践")
        verbose_name_plural = _("企业实践")


class Award(Lineage):
    """An award or certificate (获奖与证书) of a student or of a member of staff, including 1+X."""

    code = models.CharField(_("记录编号"), max_length=48, unique=True)
    student = models.ForeignKey(Student, models.CASCADE, null=True, blank=True, related_name="awards", verbose_name=_("学生"))
    staff = models.ForeignKey(Staff, models.CASCADE, null=True, blank=True, related_name="awards", verbose_name=_("教职工"))
    kind = models.CharField(_("类型"), max_length=16, choices=AwardKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=16, choices=AwardLevel.choices)
    awarded_on = models.DateField(_("获得日期"))

    scope_lookups = {**STUDENT_SCOPE, "self_staff": "staff_id"}

    class Meta:
        verbose_name = _("获奖与证书")
        verbose_name_plural = _("获奖与证书")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(student__isnull=False) | models.Q(staff__isnull=False), name="award_has_holder"
            )
        ]


class EnrolmentPlan(Lineage):
    """A specialty's admissions plan for one year (招生计划)."""

    specialty = models.ForeignKey(Specialty, models.CASCADE, related_name="enrolment_plans", verbose_name=_("专业"))
    year = models.PositiveSmallIntegerField(_("招生年份"), help_text=_(INTAKE_HELD))
    planned = models.PositiveIntegerField(_("计划人数"))

    scope_lookups = {"department": "specialty__department_id", "specialty": "specialty_id"}

    class Meta:
        verbose_name = _("招生计划")
        verbose_name_plural = _("招生计划")
        constraints = [models.UniqueConstraint(fields=["specialty", "year"], name="enrolment_plan_unique")]


class Admission(Lineage):
    """A candidate admitted to a specialty (录取) and whether they registered (报到)."""

    candidate_no = models.CharField(_("考生号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    specialty = models.ForeignKey(Specialty, models.CASCADE, related_name="admissions", verbose_name=_("录取专业"))
    year = models.PositiveSmallIntegerField(_("录取年份"), help_text=_(INTAKE_HELD))
    registered = models.BooleanField(_("已报到"), default=False)
    student = models.OneToOneField(
        Student, models.SET_NULL, null=True, blank=True, related_name="admission", verbose_name=_("学生")
    )

    scope_lookups = {"department": "specialty__department_id", "specialty": "specialty_id"}

    class Meta:
        verbose_name = _("录取与报到")
        verbose_name_plural = _("录取与报到")
        indexes = [models.Index(fields=["specialty", "year"], name="admission_specialty_year")]


class Employment(Lineage):
    """A graduate's destination (毕业去向), as reported to the employment office."""

    student = models.OneToOneField(Student, models.CASCADE, related_name="employment", verbose_name=_("学生"))
    graduation_year = models.PositiveSmallIntegerField(_("毕业年份"), help_text=_(GRADUATES_HELD))
    status = models.CharField(_("去向"), max_length=16, choices=EmploymentStatus.choices)
    employer = models.CharField(_("单位"), max_length=200, blank=True)
    relevant = models.BooleanField(_("专业对口"), default=False)
    monthly_salary = models.PositiveIntegerField(_("月薪（元）"), null=True, blank=True)
    reported_on = models.DateField(_("填报日期"))

    scope_lookups = STUDENT_SCOPE

    class Meta:
        verbose_name = _("毕业生就业")
        verbose_name_plural = _("毕业生就业")


class FitnessTest(Lineage):
    """A student's annual physical fitness test (体质测试)."""

    student = models.ForeignKey(Student, models.CASCADE, related_name="fitness_tests", verbose_name=_("学生"), db_index=False)
    year = models.PositiveSmallIntegerField(_("测试年份"))
    score = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    tested_on = models.DateField(_("测试日期"))

    scope_lookups = STUDENT_SCOPE

    class Meta:
        verbose_name = _("体质测试")
        verbose_name_plural = _("体质测试")
        constraints = [models.UniqueConstraint(fields=["student", "year"], name="fitness_unique")]


class ActivityRecord(Lineage):
    """Second-classroom activity (第二课堂): volunteering, arts, labour, clubs — by development aspect."""

    code = models.CharField(_("记录编号"), max_length=48, unique=True)
    student = models.ForeignKey(Student, models.CASCADE, related_name="activities", verbose_name=_("学生"))
    aspect = models.CharField(_("发展维度"), max_length=16, choices=Development.choices)
    title = models.CharField(_("活动"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    occurred_on = models.DateField(_("日期"))

    scope_lookups = STUDENT_SCOPE

    class Meta:
        verbose_name = _("第二课堂")
        verbose_name_plural = _("第二课堂")
