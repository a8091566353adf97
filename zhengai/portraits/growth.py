"""学生成长服务平台 and 教师发展服务平台: what a student or a teacher sees of themself — their goals,
their standard, their portrait, their records and cycle, and for each of their open warnings what
they can do next and who can help.

The words a student reads are supportive: a warning is something to look at together with the
counsellor, never a rank among classmates (the standing shown is against the standard and the
student's own past only; no peers).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# What a student can do next about a warning, by the indicator behind it (its family: the code's
# stem up to the first underscore-suffix that varies). The counsellor is named beside it.
_NEXT_STEPS = (
    (("student.attendance_rate", "student.absent_periods", "student.late_count", "student.leave_periods"),
     _("按时上好每一节课。如果遇到身体、家庭或学业上的困难，先和辅导员聊一聊；需要请假时按学校流程请假。")),
    (("student.assignment_submission_rate",),
     _("列出还没交的作业，和任课教师确认能否补交，之后按时提交。")),
    (("student.gpa", "student.average_score", "student.failed_courses", "student.credits_earned_ratio"),
     _("和任课教师或辅导员约个时间，了解补考、重修的安排；学校的学业辅导也可以预约。")),
    (("student.online_activity", "student.online_minutes"),
     _("每周留出固定时间，在学习平台上完成课程的线上学习任务。")),
    (("student.fitness_score", "student.activity_hours_physical"),
     _("每周安排几次体育锻炼或体育类第二课堂活动，按时参加体质测试。")),
    (("student.activity_hours_",),
     _("参加学校的第二课堂活动（志愿服务、社团、劳动实践等），活动后记得登记学时。")),
)
_DEFAULT_STEP = _("和辅导员聊一聊，一起看看可以怎样改进。")
_FLAG_STEP = _("老师写下了关注的原因，请看一看，并和辅导员聊一聊。")


def next_step(indicator_code: str, source: str = "standard") -> str:
    """What a student can do next about a warning on ``indicator_code`` (supportive words)."""
    if source == "manual":
        return str(_FLAG_STEP)
    for codes, step in _NEXT_STEPS:
        if any(indicator_code == c or (c.endswith("_") and indicator_code.startswith(c)) for c in codes):
            return str(step)
    return str(_DEFAULT_STEP)


# ------------------------------------------------------------------------------------ the pages' reads

def own_subject(user, level: str):
    """The subject that is the person signed in at ``level`` (``student`` or ``teacher``), or None
    (one query)."""
    from zhengai.datacenter.models import Subject
    from zhengai.org.access import grants_for

    grants = grants_for(user)
    if level == "student" and grants.self_student:
        return Subject.objects.filter(level="student", student_id__in=sorted(grants.self_student)).first()
    if level == "teacher" and grants.self_staff:
        return Subject.objects.filter(level="teacher", staff_id__in=sorted(grants.self_staff)).first()
    return None


@dataclass
class WarningStep:
    """One of the person's own open warnings, with what to do next."""

    warning: object
    step: str


def own_goals(subject, kinds, today):
    """The person's own goals of ``kinds`` in every state (their drafts too), with their progress
    (``chains.goals.goal_tree``: a fixed number of queries)."""
    from zhengai.chains.goal_values import goal_tree
    from zhengai.chains.models import Goal

    return goal_tree(Goal.objects.filter(owner=subject, kind__in=list(kinds)).order_by("-start", "pk"), today)


@dataclass
class StandardPoint:
    """A 诊断点 of the standard that applies to the person, with their latest stored value."""

    node: object
    name: str
    unit: str
    value: float | None
    grade: str | None  # 合格 / 良好 / 优秀 / 不合格 (chains.rules.grade), None without a value

    @property
    def met(self) -> bool | None:
        return None if self.grade is None else self.grade != "不合格"

    @property
    def grade_label(self) -> str:
        from zhengai.chains.choices import Grade

        return Grade(self.grade).label if self.grade in Grade.values else ""


def standard_points(subject, today) -> list[StandardPoint]:
    """The indicator 诊断点 of the published standards in force today whose applicability holds the
    subject, with the subject's latest value monitoring stored (``indicators.measurements.latest``)
    and its grade. Queries: the points, the applicability (one, ``chains.selfdiag.applicable``), the
    values — whatever the number of points."""
    from zhengai.chains.choices import NodeKind
    from zhengai.chains.models import StandardNode
    from zhengai.chains.models.standards import in_force_q
    from zhengai.chains.rules import grade
    from zhengai.chains.selfdiag import applicable
    from zhengai.datacenter.models import Subject
    from zhengai.indicators import measurements, registry

    points = list(StandardNode.objects.filter(in_force_q(today, "version__"), kind=NodeKind.POINT,
                                              version__standard__level=subject.level).exclude(indicator_code="")
                  .select_related("version__standard").order_by("version__standard__code", "parent__parent__order",
                                                                 "parent__order", "order", "pk"))
    mine = applicable(Subject.objects.filter(pk=subject.pk), points).get(subject.pk, [])
    values = measurements.latest({(subject.pk, p.indicator_code) for p in mine}, today)
    out = []
    for p in mine:
        try:
            indicator = registry.get(p.indicator_code)
            name, unit = indicator.name, indicator.unit
        except LookupError:
            name, unit = p.name, ""
        value = values.get((subject.pk, p.indicator_code))
        out.append(StandardPoint(p, p.name or name, unit, value, grade(p, value)))
    return out


def own_warnings(subject, user):
    """The person's own active warnings, worst first (one query; indicator names from the library)."""
    from zhengai.monitoring.choices import ACTIVE_STATUSES, GRADE_RANK
    from zhengai.monitoring.queries import visible
    from zhengai.monitoring.views import label_warnings

    warnings = list(visible(user).filter(subject=subject, status__in=ACTIVE_STATUSES).order_by("-opened_window_end", "-pk"))
    warnings.sort(key=lambda w: -GRADE_RANK.get(w.grade, 0))
    label_warnings(warnings)
    return warnings


def portrait_url(subject) -> str | None:
    """The subject's portrait (the portraits app's page of every level; a student's own page)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("portraits:subject", args=[subject.level, subject.key])
    except NoReverseMatch:
        if subject.level == "student":
            return reverse("portraits:student", args=[subject.key])
        return None


def teacher_records(subject, user, today, limit=6) -> dict:
    """A teacher's latest teaching, training, enterprise practice and research (one query each)."""
    from zhengai.datacenter.models import EnterprisePractice, Offering, ResearchOutput, TrainingRecord
    from zhengai.org.access import restrict

    staff = subject.staff_id
    return {
        "teaching": list(restrict(Offering.objects.filter(teacher_id=staff, term__start_date__lte=today), user)
                         .select_related("course", "term", "admin_class").order_by("-term__start_date", "code")[:limit]),
        "training": list(restrict(TrainingRecord.objects.filter(staff_id=staff), user).order_by("-attended_on", "-pk")[:limit]),
        "practice": list(restrict(EnterprisePractice.objects.filter(staff_id=staff), user).order_by("-start_date", "-pk")[:limit]),
        "research": list(restrict(ResearchOutput.objects.filter(staff_id=staff), user).order_by("-achieved_on", "-pk")[:limit]),
    }


def page(user, level: str, today):
    """What the growth (student) or development (teacher) platform shows its owner, or None when
    the account is not such a person: the subject, goals, standing against the standard (no peers),
    open warnings with next steps (a student's), records (a teacher's), the portrait's address."""
    from zhengai.chains.choices import GoalKind

    subject = own_subject(user, level)
    if subject is None:
        return None
    kinds = (GoalKind.STUDENT_THREE_YEAR, GoalKind.STUDENT_ANNUAL) if level == "student" else (GoalKind.TEACHER,)
    warnings = own_warnings(subject, user)
    points = standard_points(subject, today)
    return {
        "subject": subject,
        "goals": own_goals(subject, kinds, today),
        "points": points,
        "standards": sorted({p.node.version.standard.name for p in points}),
        "warnings": [WarningStep(w, next_step(w.indicator_code, w.source) if level == "student" else "") for w in warnings],
        "records": teacher_records(subject, user, today) if level == "teacher" else {},
        "portrait_url": portrait_url(subject),
    }


def current_cycle(subject):
    """The subject's current diagnosis cycle (``zhengai.cycles``), or None while that app is not
    installed or the subject has none."""
    from django.apps import apps

    if not apps.is_installed("zhengai.cycles"):
        return None
    from zhengai.cycles.queries import current_cycles

    return current_cycles([subject.pk]).get(subject.pk)
