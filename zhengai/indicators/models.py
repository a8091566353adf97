from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.datacenter.choices import Level
from zhengai.datacenter.models.subjects import SUBJECT_SCOPE

from .choices import Direction



class Measurement(models.Model):
    """An indicator's stored value for one subject over one window (监测值). Monitoring writes them in
    bulk, one run at a time (re-running the window replaces them); everyone else reads them through
    ``zhengai.indicators.measurements``.

    The table keeps the name it had when monitoring owned the model (``monitoring_measurement``), so
    moving it here changed no row."""

    # No database constraints on these two: a run writes tens of thousands of rows, and checking
    # them locks every subject row at commit (FOR KEY SHARE), which cost more than the run's own
    # aggregates. The writer stores only subject ids it has just read from the registry in the same
    # transaction; subjects are deactivated, never deleted, by the registry sync; Django's collector
    # deletes the rows of a subject deleted through the ORM, and the demo reset truncates this table
    # by the model relation. ``run_id`` names the monitoring run that wrote the row (monitoring sits
    # above this app, so it is a plain column, not a relation).
    run_id = models.BigIntegerField(_("监测运行"), null=True)
    subject = models.ForeignKey("datacenter.Subject", models.CASCADE, related_name="+", verbose_name=_("质量主体"),
                                db_index=False, db_constraint=False)
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    indicator_code = models.CharField(_("指标"), max_length=64)
    window_code = models.CharField(_("时间窗口"), max_length=32)
    window_end = models.DateField(_("窗口结束"))
    value = models.FloatField(_("值"), null=True)

    scope_lookups = SUBJECT_SCOPE

    class Meta:
        db_table = "monitoring_measurement"
        verbose_name = _("监测值")
        verbose_name_plural = _("监测值")
        constraints = [
            models.UniqueConstraint(fields=["subject", "indicator_code", "window_code"], name="measurement_unique")
        ]
        indexes = [models.Index(fields=["level", "window_code"], name="measurement_level_window")]


class MeasuredWindow(models.Model):
    """A (level, window) whose measurements were written completely (a monitoring run that succeeded):
    a subject missing from it had no data, so readers need not compute it live."""

    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    window_code = models.CharField(_("时间窗口"), max_length=32)
    window_start = models.DateField(_("窗口开始"))
    window_end = models.DateField(_("窗口结束"))
    measured_at = models.DateTimeField(_("测量时间"))

    class Meta:
        verbose_name = _("已测窗口")
        verbose_name_plural = _("已测窗口")
        constraints = [models.UniqueConstraint(fields=["level", "window_code"], name="measured_window_unique")]
        indexes = [models.Index(fields=["level", "window_end"], name="measured_window_level_end")]


class CustomIndicator(models.Model):
    """A custom indicator (自定义指标) defined on a page by the quality office, without code.

    ``spec`` says what to compute — an aggregate of a data-dictionary table with filters, a ratio
    of two aggregates, or a weighted combination of other indicators — and is validated when saved
    and compiled to an ORM query by ``zhengai.indicators.custom``; users never write SQL.
    """

    code = models.CharField(_("指标代码"), max_length=64, unique=True, help_text=_("如 student.labour_hours_share，须以层面开头"))
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    unit = models.CharField(pgettext_lazy("计量单位", "单位"), max_length=16, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    definition = models.TextField(_("定义"), help_text=_("让人能读懂的口径说明"))
    spec = models.JSONField(_("计算规则"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Definitions are the school's shared vocabulary: every staff member may read them.
    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("自定义指标")
        verbose_name_plural = _("自定义指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def clean(self):
        from .custom import validate

        validate(self)

    def as_indicator(self):
        from .custom import as_indicator

        return as_indicator(self)
