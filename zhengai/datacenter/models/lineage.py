import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import BatchStatus, SourceKind


class SourceSystem(models.Model):
    """A business system that feeds the data center (来源系统): 教务, 学工, 人事, 科研, 云课堂 …"""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("接入方式"), max_length=16, choices=SourceKind.choices)
    expected_cadence_days = models.PositiveIntegerField(
        _("预期更新周期（天）"), default=7, help_text=_("超过该天数未成功导入即视为数据不新鲜")
    )
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("来源系统")
        verbose_name_plural = _("来源系统")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name or self.code


_DEMO_COMMAND = re.compile(r"seed_demo --size (?P<size>\w+) --seed (?P<seed>\d+)")


class ImportBatch(models.Model):
    """One import (导入批次): who, when, from where, what it did, and the rows it wrote.

    Every master-data and fact row keeps the batch that wrote it last, so a batch can be shown
    (lineage) and undone.
    """

    source = models.ForeignKey(SourceSystem, models.PROTECT, related_name="batches", verbose_name=_("来源系统"))
    table = models.CharField(_("目标表"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    file_name = models.CharField(_("文件名或查询"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_inserted = models.PositiveIntegerField(_("新增行数"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新行数"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("拒绝行数"), default=0)
    log = models.TextField(_("日志"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    partial = models.BooleanField(_("部分导入"), default=False, help_text=_("只导入有效行，其余行退回"))
    # host:pid of the process running the batch, so a batch left running by a killed process can be
    # recognised as failed on the next look.
    runner = models.CharField(_("执行进程"), max_length=100, blank=True)

    # Batches concern the whole college: only school-wide roles reach them through restrict().
    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source", "status", "-finished_at"], name="batch_source_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_id} → {self.table}"

    @property
    def file_label(self) -> str:
        """The file or query, said for people: the demo generator's batches record the command that
        wrote them (``seed_demo --size small --seed 1``), shown as 演示学院（小规模，随机种子 1）."""
        match = _DEMO_COMMAND.fullmatch(self.file_name or "")
        if not match:
            return self.file_name
        size = {"small": _("小规模"), "medium": _("中规模"), "large": _("大规模")}.get(match["size"], match["size"])
        return str(_("演示学院（%(size)s，随机种子 %(seed)s）") % {"size": size, "seed": match["seed"]})

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Lineage(models.Model):
    """Where a row came from. The batch index serves undo; the source is read through the batch
    in lists, so it gets no index of its own."""

    source = models.ForeignKey(
        SourceSystem, models.PROTECT, null=True, blank=True, db_index=False, related_name="+",
        verbose_name=_("来源系统"),
    )
    batch = models.ForeignKey(
        ImportBatch, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("导入批次")
    )

    class Meta:
        abstract = True
