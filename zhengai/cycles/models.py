"""Diagnosis cycles (诊改周期): one subject's pass around the big loop, and the policy that says how
long each level's cycle runs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengai.datacenter.choices import Level

from .choices import (
    PHASE_INDEX, ActionStatus, CycleStatus, EventKind, EvidenceStatus, JobKind, JobStatus, PeriodKind, Phase, RatingStatus,
    ReportStatus,
)

# How a cycle lies inside scopes: through its subject's coordinates (zhengai.org.access).
SUBJECT_SCOPE = {
    "department": "subject__department_id", "specialty": "subject__specialty_id", "course": "subject__course_id",
    "admin_class": "subject__admin_class_id", "self_staff": "subject__staff_id", "self_student": "subject__student_id",
}


class CyclePolicy(models.Model):
    """How long one level's cycle runs (the seed's defaults, each college may change them):
    ``zhengai.cycles.periods.DEFAULTS`` holds a level without a row."""

    level = models.CharField(_("层面"), max_length=16, choices=Level.choices, unique=True)
    period_kind = models.CharField(_("周期类型"), max_length=16, choices=PeriodKind.choices)
    years = models.PositiveSmallIntegerField(_("学年数"), default=1, help_text=_("多学年周期的学年数，如专业 3 年"))
    diagnosis_days = models.PositiveSmallIntegerField(
        _("自诊期限（天）"), default=30, help_text=_("周期结束后完成自诊的天数；再过同样天数应完成激励至改进"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_lookups: dict = {}  # the college's own settings: school-wide roles only

    class Meta:
        verbose_name = _("周期设置")
        verbose_name_plural = _("周期设置")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_period_kind_display()}"


class Cycle(models.Model):
    """One subject's diagnosis cycle over one period, moving through the ten phases of the big loop.
    A cycle nests in its parent's (an offering's term in its course's construction cycle, a
    department's year in the school's)."""

    subject = models.ForeignKey("datacenter.Subject", models.CASCADE, related_name="+", verbose_name=_("质量主体"))
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    period = models.CharField(_("周期"), max_length=48, help_text=_("时间窗口写法，如 2026-2027-1、2024-2025..2026-2027"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices, default=Phase.GOAL)
    phase_since = models.DateField(_("进入阶段日期"))
    status = models.CharField(_("状态"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    closed_on = models.DateField(_("结束于"), null=True, blank=True)
    end_rating = models.CharField(_("结束评定"), max_length=8, blank=True,
                                  help_text=_("教师、学生周期结束时依自诊结果评定：优秀、良好、合格、不合格"))
    parent = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="children",
                               verbose_name=_("上级周期"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("开启人"))
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)

    scope_lookups = SUBJECT_SCOPE
    subject_level_lookup = "level"

    class Meta:
        verbose_name = _("诊改周期")
        verbose_name_plural = _("诊改周期")
        ordering = ["level", "start", "subject_id"]
        constraints = [models.UniqueConstraint(fields=["subject", "period"], name="cycle_subject_period")]
        indexes = [
            models.Index(fields=["level", "start", "end"], name="cycle_level_dates"),
            models.Index(fields=["subject", "start"], name="cycle_subject_start"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name} {self.period}"

    @property
    def phase_index(self) -> int:
        return PHASE_INDEX[self.phase]

    @property
    def is_closed(self) -> bool:
        return self.status == CycleStatus.CLOSED


class CycleEvent(models.Model):
    """An audit row (操作记录) of a cycle: opened, moved on or back, closed — who, when, from and to —
    and every step of its self-diagnosis evidence (``evidence``: submitted, reviewed, a file removed;
    ``cycle`` is blank for evidence no open cycle holds yet)."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="events", verbose_name=_("诊改周期"), null=True, blank=True)
    evidence = models.ForeignKey("PointEvidence", models.CASCADE, related_name="events", verbose_name=_("自诊材料"),
                                 null=True, blank=True)
    kind = models.CharField(_("操作"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    from_phase = models.CharField(_("原阶段"), max_length=12, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("新阶段"), max_length=12, choices=Phase.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    scope_lookups = {k: f"cycle__{v}" for k, v in SUBJECT_SCOPE.items()}

    class Meta:
        verbose_name = _("周期操作记录")
        verbose_name_plural = _("周期操作记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


REPORT_SCOPE = {k: f"cycle__{v}" for k, v in SUBJECT_SCOPE.items()}


class PointEvidence(models.Model):
    """Self-diagnosis evidence (自诊材料, 诊断点佐证材料): one subject's submission for one
    evidence-type 诊断点 of the standard version in force, over one window (a term ``2026-2027-1``,
    an academic year ``2026-2027`` or a year ``2026``), held by the subject's cycle whose period
    contains the window — the cycle's self-diagnosis brings it into the rating of that point, and its
    evidence package carries its files. Evidence given before its cycle is opened is attached when it
    opens (``zhengai.cycles.selfdiag.attach_to_cycles``). Once the cycle's report is published the
    evidence is frozen.

    The row holds the latest state — text, status, the last submission and the last review; every
    step (submitted, resubmitted, reviewed) is also a ``CycleEvent`` with who and when. Moved here
    from the chains app (migration ``cycles.0007``): the table, its rows and files were kept.
    """

    subject = models.ForeignKey("datacenter.Subject", models.PROTECT, related_name="+", verbose_name=_("主体"))
    # PROTECT: a published version is never edited, so its points stay while evidence refers to them.
    point = models.ForeignKey("chains.StandardNode", models.PROTECT, related_name="+", verbose_name=_("诊断点"))
    window = models.CharField(_("时间窗口"), max_length=32, help_text=_("学期（如 2026-2027-1）、学年（如 2026-2027）或年份（如 2026）"))
    # SET_NULL: the evidence is the subject's, whatever becomes of a cycle opened by mistake.
    cycle = models.ForeignKey(Cycle, models.SET_NULL, null=True, blank=True, related_name="evidence",
                              verbose_name=_("诊改周期"))
    text = models.TextField(_("文字说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=EvidenceStatus.choices, default=EvidenceStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    # A submission lies inside a scope where its subject does (zhengai.org.access), like a goal.
    scope_lookups = SUBJECT_SCOPE
    # Which level the subject is of: owners and heads are told apart by it (the owner and head reaches of zhengai.org.access).
    subject_level_lookup = "subject__level"

    class Meta:
        verbose_name = _("自诊材料")
        verbose_name_plural = _("自诊材料")
        ordering = ["subject", "point", "window"]
        constraints = [models.UniqueConstraint(fields=["subject", "point", "window"], name="point_evidence_unique")]
        # The overview reads one point's window for many subjects.
        indexes = [models.Index(fields=["point", "window"], name="point_evidence_point_window")]

    def __str__(self) -> str:
        return f"{self.subject.name} {self.point} {self.window}"

    @property
    def is_reviewed(self) -> bool:
        return self.status != EvidenceStatus.SUBMITTED


class PointEvidenceFile(models.Model):
    """A file (佐证文件) of a self-diagnosis submission, stored under MEDIA_ROOT like goals'
    evidence, with the name it was uploaded under. Files uploaded before the move keep their path
    (``chains/self_diagnosis/…``)."""

    evidence = models.ForeignKey(PointEvidence, models.CASCADE, related_name="files", verbose_name=_("自诊材料"))
    file = models.FileField(_("文件"), upload_to="cycles/self_diagnosis/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_lookups = {k: f"evidence__{v}" for k, v in PointEvidence.scope_lookups.items()}
    subject_level_lookup = "evidence__subject__level"

    class Meta:
        verbose_name = _("佐证文件")
        verbose_name_plural = _("佐证文件")
        ordering = ["evidence", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class FrozenError(ValidationError):
    """A published report (and what belongs to it) is never changed: a correction is a new version."""


class Report(models.Model):
    """One version of a cycle's diagnosis report (诊改报告): the facts drafted from data (``data``:
    goals, counts, radar, peers, warnings, last cycle's actions, drafted sentences), the 诊断点
    ratings, and the owner's analysis. Submitted, reviewed by the next level up, then published and
    frozen; a later correction is a new version that supersedes it."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="reports", verbose_name=_("诊改周期"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    data = models.JSONField(_("起草数据"), default=dict, blank=True)
    achievements = models.TextField(_("主要成效"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    causes = models.TextField(_("原因分析"), blank=True)
    measures = models.TextField(_("改进措施"), blank=True)
    drafted_at = models.DateTimeField(_("起草时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    supersedes = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("更正的版本"))

    scope_lookups = REPORT_SCOPE
    subject_level_lookup = "cycle__level"

    class Meta:
        verbose_name = _("诊改报告")
        verbose_name_plural = _("诊改报告")
        ordering = ["cycle", "version"]
        constraints = [models.UniqueConstraint(fields=["cycle", "version"], name="report_cycle_version")]
        # "Is the cycle's report published?" — asked of thousands of cycles at once (evidence awaiting
        # review, the lists of reports): the index answers without reading the drafted data.
        indexes = [models.Index(fields=["status", "cycle"], name="report_status_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    def save(self, *args, **kwargs):
        # A published version never changes, whoever calls save (the page, the admin, a script).
        if self.pk and Report.objects.filter(pk=self.pk, status=ReportStatus.PUBLISHED).exists():
            raise FrozenError(_("已发布的诊改报告不能修改；如需更正，请发起新版本。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise FrozenError(_("已发布的诊改报告不能删除。"))
        return super().delete(*args, **kwargs)


class PointRating(models.Model):
    """One 诊断点 rated in a report: value, grade, line and gap filled from its indicator over the
    cycle's period (对标找差), or — where no indicator measures it — the owner's evidence and judgement."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="ratings", verbose_name=_("诊改报告"))
    point = models.ForeignKey("chains.StandardNode", models.PROTECT, related_name="+", verbose_name=_("诊断点"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    project = models.CharField(_("诊断项目"), max_length=300, blank=True)
    element = models.CharField(_("诊断要素"), max_length=300, blank=True)
    indicator_code = models.CharField(_("指标代码"), max_length=64, blank=True)
    value = models.FloatField(_("值"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=8, blank=True)
    line = models.FloatField(_("合格线"), null=True, blank=True)
    gap = models.FloatField(_("差距"), null=True, blank=True, help_text=_("值与合格线之差，正为优于合格线"))
    warning = models.CharField(_("预警线"), max_length=8, blank=True)
    status = models.CharField(_("评定"), max_length=8, choices=RatingStatus.choices, blank=True)
    drafted = models.BooleanField(_("系统起草"), default=False, help_text=_("值与评定由指标自动填写"))
    evidence = models.TextField(_("佐证"), blank=True)
    judgement = models.TextField(_("判断说明"), blank=True)
    peers = models.JSONField(_("同类比较"), default=dict, blank=True)
    last_value = models.FloatField(_("上一周期值"), null=True, blank=True)

    scope_lookups = {k: f"report__{v}" for k, v in REPORT_SCOPE.items()}
    subject_level_lookup = "report__cycle__level"

    class Meta:
        verbose_name = _("诊断点评定")
        verbose_name_plural = _("诊断点评定")
        ordering = ["report", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "point"], name="rating_report_point")]

    def __str__(self) -> str:
        return f"{self.point} {self.status}"


class ImprovementAction(models.Model):
    """An improvement action (改进措施): what will be done about a point not met or a warning, by
    whom and when, and what became of it. Raised in one cycle; the next cycle cannot be submitted
    until each has an outcome."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="actions", verbose_name=_("诊改周期"))
    rating = models.ForeignKey(PointRating, models.SET_NULL, null=True, blank=True, related_name="actions",
                               verbose_name=_("针对的诊断点"))
    point = models.ForeignKey("chains.StandardNode", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("诊断点"))
    warning = models.ForeignKey("monitoring.Warning", models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("针对的预警"))
    text = models.TextField(_("措施"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("责任人"))
    due = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(_("结果"), blank=True)
    evidence = models.TextField(_("佐证"), blank=True)
    closed_on = models.DateField(_("完成日期"), null=True, blank=True)
    overdue_warning = models.ForeignKey("monitoring.Warning", models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name=_("逾期预警"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_lookups = REPORT_SCOPE
    subject_level_lookup = "cycle__level"

    class Meta:
        verbose_name = _("改进措施")
        verbose_name_plural = _("改进措施")
        ordering = ["cycle", "due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="action_status_due")]

    def __str__(self) -> str:
        return self.text[:40]


class AssessmentMark(models.Model):
    """The quality office's mark (评审得分, 0–100) of one task of the annual task table for a year's
    assessment (任务考核表), beside the score from its goal progress."""

    year = models.PositiveSmallIntegerField(_("年度"))
    task = models.ForeignKey("chains.Goal", models.CASCADE, related_name="+", verbose_name=_("任务"))
    mark = models.DecimalField(_("评审得分"), max_digits=4, decimal_places=1)
    comment = models.TextField(_("评审意见"), blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("评审人"))
    marked_at = models.DateTimeField(_("评审时间"), null=True, blank=True)

    scope_lookups: dict = {}  # the college's own assessment: school-wide roles only

    class Meta:
        verbose_name = _("任务考核评审得分")
        verbose_name_plural = _("任务考核评审得分")
        ordering = ["year", "task_id"]
        constraints = [models.UniqueConstraint(fields=["year", "task"], name="assessment_mark_year_task")]

    def __str__(self) -> str:
        return f"{self.year} {self.task_id} {self.mark}"


class BulkJob(models.Model):
    """Bulk work in the background (后台批量任务) on a level's cycles of a period: opening, drafting,
    exporting. ``done`` of ``total`` is recorded as it runs, for the progress bar and the time left."""

    kind = models.CharField(_("任务"), max_length=8, choices=JobKind.choices)
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    period = models.CharField(_("周期"), max_length=48)
    fmt = models.CharField(_("格式"), max_length=8, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    message = models.TextField(_("结果"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    result = models.FileField(_("导出文件"), upload_to="cycles/jobs/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_lookups: dict = {}  # the quality office's own work: school-wide roles only

    class Meta:
        verbose_name = _("后台批量任务")
        verbose_name_plural = _("后台批量任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.level} {self.period}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def seconds_left(self) -> int | None:
        """The time left, from the pace so far; None before the first chunk is done."""
        from zhengai.core import clock

        if self.status != JobStatus.RUNNING or not self.started_at or not self.done or not self.total:
            return None
        elapsed = (clock.now() - self.started_at).total_seconds()
        return max(0, int(elapsed / self.done * (self.total - self.done)))

    @property
    def active(self) -> bool:
        return self.status in JobStatus.ACTIVE
