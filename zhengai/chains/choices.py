"""Choices of the chains app: standards (标准链) and goals (目标链)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Standards and key results bind indicators, so they share the indicators' notion of direction.
from zhengai.indicators.choices import Direction  # noqa: F401


class StandardClass(models.TextChoices):
    """The class of subject a standard is written for (the seed's kinds of standards)."""

    SCHOOL = "school", _("学校发展标准")
    DEPARTMENT = "department", _("部门工作标准")
    SPECIALTY = "specialty", _("专业建设标准")
    COURSE_CONSTRUCTION = "course_construction", _("课程建设标准")
    COURSE_TEACHING = "course_teaching", _("课程教学标准")
    TEACHER = "teacher", _("教师发展标准")
    STUDENT = "student", _("学生发展标准")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class NodeKind(models.TextChoices):
    """The national guideline's shape: 诊断项目 → 诊断要素 → 诊断点."""

    PROJECT = "project", _("诊断项目")
    ELEMENT = "element", _("诊断要素")
    POINT = "point", _("诊断点")


class JudgingPeriod(models.TextChoices):
    """The window a 诊断点 is judged over (评价周期). Blank: whatever window its level is monitored
    on. An annual requirement (40 training hours a year) judged on a term or a month would warn
    nearly everyone, so it names its own period and is judged once that window has ended."""

    EVERY_RUN = "", _("随监测周期")
    HALF_MONTH = "half_month", _("半月")
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季度")
    TERM = "term", _("学期")
    ACADEMIC_YEAR = "academic_year", _("学年")
    YEAR = "year", _("自然年")


class Grade(models.TextChoices):
    """A graded judgement of a value against a 诊断点's thresholds. The values are the Chinese
    words themselves because other stages (monitoring, portraits, reports) print and compare them."""

    FAIL = "不合格", _("不合格")
    QUALIFIED = "合格", _("合格")
    GOOD = "良好", _("良好")
    EXCELLENT = "优秀", _("优秀")


class GoalKind(models.TextChoices):
    """Where a goal sits in the goal chain."""

    SCHOOL = "school", _("学校发展目标")
    ANNUAL_TASK = "annual_task", _("年度工作任务")
    DEPARTMENT_TASK = "department_task", _("部门任务")
    SPECIALTY = "specialty", _("专业建设目标")
    COURSE = "course", _("课程建设目标")
    TEACHER = "teacher", _("教师个人发展目标")
    STUDENT_THREE_YEAR = "student_three_year", _("学生三年成长目标")
    STUDENT_ANNUAL = "student_annual", _("学生年度成长目标")


# Goals whose owner is one person: that person writes them, a head reviews them.
PERSONAL_KINDS = {GoalKind.TEACHER, GoalKind.STUDENT_THREE_YEAR, GoalKind.STUDENT_ANNUAL}


class GoalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回")


class KeyResultKind(models.TextChoices):
    INDICATOR = "indicator", _("指标")
    MILESTONE = "milestone", _("里程碑")
