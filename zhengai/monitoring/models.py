"""Monitoring and early warning (监测预警): policies, runs, warnings and their events. The values a run
measures are stored by the indicators app (``zhengai.indicators.models.Measurement``); monitoring writes them.

Shaped after healthchecks: a ``Run`` row per (level, window) with its counts and error, like a job
row; ``WarningEvent`` rows are the audit trail AND the notifier's queue — each has a ``processed``
time and a partial index naming its reader, like ``Flip``, so a crash between a run and its
notifications never loses one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models.subjects import SUBJECT_SCOPE
from zhengai.indicators.registry import DEFAULT_CADENCE as DEFAULT_CADENCE_OF_LEVEL

from .choices import ACTIVE_STATUSES, Cadence, EventKind, Grade, MeasureKind, RunStatus, WarningSource, WarningStatus

# The defaults of each level's cadence are defined once, beside the indicators that are measured on it.
DEFAULT_CADENCE = {Level(level): Cadence(cadence) for level, cadence in DEFAULT_CADENCE_OF_LEVEL.items()}
DEFAULT_ESCALATE_AFTER = 3



class MonitoringPolicy(models.Model):
    """A level's monitoring policy (监测策略): its cadence and after how many cadences an open warning
    escalates one level up. One row per level; missing rows fall back to DESIGN.md's defaults."""

    level = models.CharField(_("层面"), max_length=16, choices=Level.choices, unique=True)
    cadence = models.CharField(_("监测周期"), max_length=16, choices=Cadence.choices)
    escalate_after = models.PositiveSmallIntegerField(
        _("升级前周期数"), default=DEFAULT_ESCALATE_AFTER, help_text=_("预警持续未解除多少个监测周期后上报上一级")
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("监测策略")
        verbose_name_plural = _("监测策略")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_cadence_display()}"


class Run(models.Model):
    """One monitoring run (监测运行) of one level over one window, with its counts and error.

    At most one ``running`` row per (level, window): the partial unique constraint is the lock on
    SQLite, where the row is claimed before the work starts (PostgreSQL adds an advisory lock)."""

    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    window_code = models.CharField(_("时间窗口"), max_length=32)
    window_start = models.DateField(_("窗口开始"))
    window_end = models.DateField(_("窗口结束"))
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=16, default="cli")
    subjects = models.PositiveIntegerField(_("主体数"), default=0)
    measurements = models.PositiveIntegerField(_("监测值数"), default=0)
    opened = models.PositiveIntegerField(_("新开预警"), default=0)
    raised = models.PositiveIntegerField(_("升级预警"), default=0)
    resolved = models.PositiveIntegerField(_("解除预警"), default=0)
    escalated = models.PositiveIntegerField(_("上报预警"), default=0)
    still_open = models.PositiveIntegerField(_("未解除预警"), default=0)
    error = models.TextField(_("错误"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)

    class Meta:
        verbose_name = _("监测运行")
        verbose_name_plural = _("监测运行")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "window_code"], condition=Q(status="running"), name="monitoring_run_one_running"
            )
        ]
        indexes = [models.Index(fields=["level", "window_code", "status"], name="monitoring_run_window")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.window_code} {self.get_status_display()}"


class Warning(models.Model):
    """A warning (预警): a subject's indicator across a line, or a goal behind, or a person's flag
    (关注). At most one active warning per subject, indicator and source (partial unique
    constraint); it follows open → acknowledged → correcting → resolved, or is closed."""

    subject = models.ForeignKey("datacenter.Subject", models.CASCADE, related_name="+", verbose_name=_("质量主体"))
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    indicator_code = models.CharField(_("指标"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=WarningSource.choices, default=WarningSource.STANDARD)
    # Where the line came from: a 诊断点 of a standard version, or a goal's key result (chains app).
    point_id = models.IntegerField(_("诊断点"), null=True, blank=True)
    version_id = models.IntegerField(_("标准版本"), null=True, blank=True)
    goal_id = models.IntegerField(_("目标"), null=True, blank=True)
    key_result_id = models.IntegerField(_("关键结果"), null=True, blank=True)
    direction = models.CharField(_("方向"), max_length=8, blank=True)
    grade = models.CharField(_("等级"), max_length=8, choices=Grade.choices, default=Grade.YELLOW)
    status = models.CharField(_("状态"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    opened_window = models.CharField(_("触发窗口"), max_length=32, blank=True)
    opened_window_end = models.DateField(_("触发窗口结束"), null=True, blank=True)
    last_window = models.CharField(_("最近评估窗口"), max_length=32, blank=True)
    last_window_end = models.DateField(_("最近评估窗口结束"), null=True, blank=True)
    value = models.FloatField(_("当前值"), null=True, blank=True)
    threshold = models.FloatField(_("预警线"), null=True, blank=True)
    resolve_margin = models.FloatField(_("解除余量"), default=0)
    resolve_windows = models.PositiveSmallIntegerField(_("解除所需连续窗口"), default=1)
    inside_streak = models.PositiveSmallIntegerField(_("连续回到线内窗口数"), default=0)
    cadences_open = models.PositiveSmallIntegerField(_("持续周期数"), default=1)
    opened_at = models.DateTimeField(_("触发时间"), default=clock.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolved_window = models.CharField(_("解除窗口"), max_length=32, blank=True)
    resolved_window_end = models.DateField(_("解除窗口结束"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    escalated_level = models.CharField(_("上报层面"), max_length=16, blank=True)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("关注发起人"))
    reason = models.TextField(_("关注原因 / 关闭原因"), blank=True)
    cause = models.TextField(_("原因分析"), blank=True)
    measure_kind = models.CharField(_("纠偏措施类别"), max_length=24, choices=MeasureKind.choices, blank=True)
    measure_text = models.TextField(_("纠偏措施"), blank=True)
    correction_started_at = models.DateTimeField(_("开始纠偏时间"), null=True, blank=True)
    measurement = models.ForeignKey("indicators.Measurement", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("触发监测值"))
    resolved_by_measurement = models.ForeignKey("indicators.Measurement", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("解除监测值"))
    reopened_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("复发自"))
    # Where the facts behind the value lie: [{"model": "datacenter.attendance", "filter": {...}}].
    drilldown = models.JSONField(_("数据明细"), default=list, blank=True)
    # One fact, one alert: when a standard and a goal judge the same indicator of the same subject,
    # this one warning carries both judgements ([{source, grade, threshold, value}, …]; empty when
    # one judges alone) and names the point and the key result (point_id … key_result_id).
    reasons = models.JSONField(_("预警依据"), default=list, blank=True)

    # Seen inside the viewer's scopes, and by whoever raised a flag (关注) while they hold a role;
    # owners (责任人) are derived from role scopes (``owners.owners_of``), never stored.
    scope_lookups = {**SUBJECT_SCOPE, "author": "raised_by_id"}
    subject_level_lookup = "level"

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "indicator_code", "source"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]) & ~Q(source="manual"),
                name="warning_one_active_per_indicator",
            )
        ]
        indexes = [
            models.Index(fields=["level", "status"], name="warning_level_status"),
            models.Index(fields=["subject", "indicator_code"], name="warning_subject_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name} · {self.indicator_code or self.get_source_display()} · {self.get_grade_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def reason_labels(self) -> list[str]:
        """Why it is open, each judgement that finds the fact wrong: "标准预警线 0.9", "目标进度滞后 0.75"
        (a warning carrying a standard's and a goal's judgement names both; else its source)."""
        shown = [r for r in self.reasons or [] if r.get("grade")]
        if not shown:
            return [str(self.get_source_display())]
        return [f"{WarningSource(r['source']).label} {r['threshold']:.4g}" if r.get("threshold") is not None
                else str(WarningSource(r["source"]).label) for r in shown]

    @property
    def reasons_text(self) -> str:
        return " + ".join(self.reason_labels)


class WarningEvent(models.Model):
    """One step in a warning's life (预警记录): who, when, what, status and grade before and after.

    The notifier reads events whose ``processed`` is null (partial index) and sends one digest per
    person per run, then stamps them."""

    warning = models.ForeignKey(Warning, models.CASCADE, related_name="events", verbose_name=_("预警"))
    run = models.ForeignKey(Run, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("监测运行"))
    kind = models.CharField(_("事件"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    from_grade = models.CharField(_("原等级"), max_length=8, blank=True)
    to_grade = models.CharField(_("新等级"), max_length=8, blank=True)
    window_code = models.CharField(_("时间窗口"), max_length=32, blank=True)
    value = models.FloatField(_("值"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    processed = models.DateTimeField(_("通知处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["created_at", "pk"]
        indexes = [
            # For the notifier (zhengai.notifications.digest): unprocessed events only.
            models.Index(fields=["processed"], name="warning_event_unprocessed", condition=Q(processed=None)),
        ]
