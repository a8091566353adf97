"""Choices of monitoring and early warning (监测预警): cadences, run states, grades, warning states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    """How often a level is monitored (监测周期); names the kind of window a run steps through."""

    HALF_MONTH = "half_month", _("每半月")
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    TERM = "term", _("每学期")
    ACADEMIC_YEAR = "academic_year", _("每学年")
    YEAR = "year", _("每年")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class Grade(models.TextChoices):
    """Warning grades, mildest first (预警等级)."""

    YELLOW = "yellow", _("黄色预警")
    ORANGE = "orange", _("橙色预警")
    RED = "red", _("红色预警")


GRADE_RANK = {Grade.YELLOW: 1, Grade.ORANGE: 2, Grade.RED: 3}


class WarningStatus(models.TextChoices):
    """The life of a warning: open → acknowledged → correcting → resolved, or closed with a reason."""

    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CORRECTING = "correcting", _("纠偏中")
    RESOLVED = "resolved", _("已解除")
    CLOSED = "closed", _("已关闭")


# A warning in one of these states is "open" for the one-per-subject-and-indicator rule.
ACTIVE_STATUSES = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED, WarningStatus.CORRECTING)
DONE_STATUSES = (WarningStatus.RESOLVED, WarningStatus.CLOSED)


class WarningSource(models.TextChoices):
    STANDARD = "standard", _("标准预警线")
    GOAL = "goal", _("目标进度滞后")
    MANUAL = "manual", _("人工关注")
    ACTION = "action", _("改进措施逾期")


class MeasureKind(models.TextChoices):
    """Kinds of correction measure (纠偏措施), so "did it work?" can be compared per kind."""

    TALK = "talk", _("谈心谈话")
    TUTORING = "tutoring", _("学业辅导")
    HOME_CONTACT = "home_contact", _("家校联系")
    TEACHING_ADJUSTMENT = "teaching_adjustment", _("教学调整")
    TRAINING = "training", _("培训进修")
    RESOURCE = "resource", _("资源投入")
    MANAGEMENT = "management", _("管理整改")
    OTHER = "other", _("其他")


class EventKind(models.TextChoices):
    """What happened to a warning (预警记录)."""

    OPENED = "opened", _("触发预警")
    RAISED = "raised", _("等级升高")
    ESCALATED = "escalated", _("升级上报")
    ACKNOWLEDGED = "acknowledged", _("确认")
    CORRECTING = "correcting", _("开始纠偏")
    RESOLVED = "resolved", _("解除")
    AUTO_RESOLVED = "auto_resolved", _("数据恢复自动解除")
    CLOSED = "closed", _("关闭")
    FLAGGED = "flagged", _("人工关注")
    SELF_REPORTED = "self_reported", _("本人说明")
