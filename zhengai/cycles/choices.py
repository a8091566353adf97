"""Choices of the cycles app: the big loop's phases, the period kinds of each level, report states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """The ten phases of the big loop (“8”字螺旋的大循环), in order."""

    GOAL = "goal", _("目标")
    STANDARD = "standard", _("标准")
    DESIGN = "design", _("设计")
    ORGANIZE = "organize", _("组织")
    IMPLEMENT = "implement", _("实施")
    DIAGNOSE = "diagnose", _("诊断")
    INCENTIVE = "incentive", _("激励")
    LEARN = "learn", _("学习")
    INNOVATE = "innovate", _("创新")
    IMPROVE = "improve", _("改进")


PHASES = [p.value for p in Phase]
PHASE_INDEX = {p: i for i, p in enumerate(PHASES)}


class PeriodKind(models.TextChoices):
    """How long a level's cycle runs (诊改周期), as a kind of window."""

    YEAR = "year", _("自然年")
    ACADEMIC_YEAR = "academic_year", _("学年")
    ACADEMIC_YEARS = "academic_years", _("多学年")
    TERM = "term", _("学期")
    PROJECT = "project", _("建设项目周期")


class CycleStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class ReportStatus(models.TextChoices):
    """Where a cycle's diagnosis report (诊改报告) stands. ``none``: not drafted yet."""

    NONE = "none", _("未起草")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")


class EventKind(models.TextChoices):
    OPENED = "opened", _("开启周期")
    ADVANCED = "advanced", _("进入下一阶段")
    MOVED_BACK = "moved_back", _("退回上一阶段")
    CLOSED = "closed", _("结束周期")
    POLICY = "policy", _("修改周期设置")
    DRAFTED = "drafted", _("起草报告")
    RATED = "rated", _("评定诊断点")
    WROTE = "wrote", _("撰写分析")
    ACTION = "action", _("添加改进措施")
    SUBMITTED = "submitted", _("提交审核")
    APPROVED = "approved", _("审核通过并发布")
    RETURNED = "returned", _("退回修改")
    CORRECTED = "corrected", _("发起更正（新版本）")
    OUTCOME = "outcome", _("登记改进措施结果")
    GOALS = "goals", _("采纳建议目标")
    MARKED = "marked", _("任务考核评审打分")
    # Self-diagnosis evidence (自诊材料): the event carries the submission (CycleEvent.evidence).
    EVIDENCE_SUBMITTED = "evidence_submitted", _("提交自诊材料")
    EVIDENCE_RESUBMITTED = "evidence_resubmitted", _("重新提交自诊材料")
    EVIDENCE_REVIEWED = "evidence_reviewed", _("审核自诊材料")
    EVIDENCE_FILE_REMOVED = "evidence_file_removed", _("删除自诊材料文件")


class RatingStatus(models.TextChoices):
    """A 诊断点's judgement in a self-diagnosis: met (合格), met but across a warning line (预警), not
    met (不合格). Blank: not rated yet."""

    UNRATED = "", _("未评")
    QUALIFIED = "合格", _("合格")
    WARNING = "预警", _("预警")
    FAIL = "不合格", _("不合格")


class ActionStatus(models.TextChoices):
    """An improvement action (改进措施): open until it has an outcome (done, or dropped with a reason)."""

    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    DROPPED = "dropped", _("已终止")



class JobKind(models.TextChoices):
    """Bulk work on a level's cycles of a period, run in the background."""

    OPEN = "open", _("批量开启周期")
    DRAFT = "draft", _("批量起草报告")
    EXPORT = "export", _("批量导出报告")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


JobStatus.ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class EvidenceStatus(models.TextChoices):
    """Where a submission of self-diagnosis evidence (自诊材料) stands. A subject that owes evidence
    and has submitted nothing has no row: it is "missing" (未提交) on pages, never stored."""

    SUBMITTED = "submitted", _("待审核")
    PASSED = "passed", _("达标")
    FAILED = "failed", _("不达标")
    MORE = "more", _("需补充")


# What a reviewer may decide; every decision but 达标 leaves the owner able to submit again.
EVIDENCE_REVIEW_RESULTS = (EvidenceStatus.PASSED, EvidenceStatus.FAILED, EvidenceStatus.MORE)
EVIDENCE_REVIEWED = {EvidenceStatus.PASSED, EvidenceStatus.FAILED, EvidenceStatus.MORE}
