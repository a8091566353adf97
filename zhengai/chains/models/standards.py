"""Standards (标准): versioned trees of measurable requirements for a class of subjects."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengai.datacenter.choices import Level

from ..choices import Direction, JudgingPeriod, NodeKind, StandardClass, VersionStatus

_DEC = {"max_digits": 14, "decimal_places": 4, "null": True, "blank": True}


class Standard(models.Model):
    """A standard (标准), e.g. 标杆专业建设标准 or 讲师发展标准: one level, one class of subject,
    and a history of versions. Which subjects it applies to is a rule on each version."""

    code = models.CharField(_("标准代码"), max_length=48, unique=True)
    name = models.CharField(_("标准名称"), max_length=200)
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    standard_class = models.CharField(_("标准类别"), max_length=24, choices=StandardClass.choices)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("标准")
        verbose_name_plural = _("标准")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name

    def version_in_force(self, on_date: date) -> "StandardVersion | None":
        return self.versions.filter(in_force_q(on_date)).first()


def in_force_q(on_date: date, prefix: str = "") -> Q:
    """Published versions in force on ``on_date``; both ends of a version's period are included."""
    return (
        Q(**{f"{prefix}status": VersionStatus.PUBLISHED, f"{prefix}effective_from__lte": on_date})
        & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on_date}))
    )


class StandardVersion(models.Model):
    """A version (标准版本) of a standard. A published version is never edited again: a new version
    is published instead, and the old one gets ``effective_to`` the day before, so every
    measurement keeps being judged by the version in force on its date."""

    standard = models.ForeignKey(Standard, models.CASCADE, related_name="versions", verbose_name=_("标准"))
    label = models.CharField(_("版本"), max_length=32)
    status = models.CharField(_("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("含当日；空表示仍然有效"))
    # The applicability rule: attribute → allowed values, e.g. {"tier": ["benchmark"]}; empty: all
    # subjects of the level. See zhengai.chains.applicability.
    applies_to = models.JSONField(_("适用范围"), default=dict, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    note = models.TextField(_("版本说明"), blank=True)

    class Meta:
        verbose_name = _("标准版本")
        verbose_name_plural = _("标准版本")
        ordering = ["standard", "effective_from", "pk"]
        constraints = [models.UniqueConstraint(fields=["standard", "label"], name="standard_version_label")]
        indexes = [models.Index(fields=["status", "effective_from"], name="version_in_force")]

    def __str__(self) -> str:
        return f"{self.standard.name} {self.label}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class StandardNode(models.Model):
    """A node of a standard's tree: 诊断项目, 诊断要素 or 诊断点 (diagnosis point).

    A 诊断点 either binds an indicator code to grade thresholds (合格/良好/优秀), warning lines
    (yellow/orange/red) and a weight, or asks for evidence (files, text) where no indicator fits.
    ``resolve_margin`` and ``resolve_windows`` keep a warning from flapping: it closes only when the
    value is back inside the line by the margin, or has stayed inside for that many windows.
    ``period`` (评价周期) keeps an annual requirement from being judged on a month or a term.
    """

    version = models.ForeignKey(StandardVersion, models.CASCADE, related_name="nodes", verbose_name=_("标准版本"))
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("上级"))
    kind = models.CharField(_("类型"), max_length=8, choices=NodeKind.choices)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    code = models.CharField(_("编号"), max_length=32, blank=True)
    name = models.CharField(_("名称"), max_length=300)
    indicator_code = models.CharField(_("指标代码"), max_length=64, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    qualified = models.DecimalField(_("合格"), **_DEC)
    good = models.DecimalField(_("良好"), **_DEC)
    excellent = models.DecimalField(_("优秀"), **_DEC)
    yellow = models.DecimalField(_("黄色预警"), **_DEC)
    orange = models.DecimalField(_("橙色预警"), **_DEC)
    red = models.DecimalField(_("红色预警"), **_DEC)
    weight = models.DecimalField(_("权重"), max_digits=8, decimal_places=4, default=1)
    resolve_margin = models.DecimalField(_("解除回差"), max_digits=14, decimal_places=4, default=0)
    resolve_windows = models.PositiveSmallIntegerField(_("连续达标窗口数"), default=1)
    period = models.CharField(
        _("评价周期"), max_length=16, blank=True, default="", choices=JudgingPeriod.choices,
        help_text=_("空：每次监测都判定；填写后只在该周期的窗口（如学年）结束后判定"),
    )
    evidence = models.TextField(_("证据要求"), blank=True, help_text=_("无指标可测时，需提交的材料（文件、文字）"))

    class Meta:
        verbose_name = _("标准节点")
        verbose_name_plural = _("标准节点")
        ordering = ["version", "order", "pk"]
        indexes = [models.Index(fields=["version", "kind"], name="node_version_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def has_warning_lines(self) -> bool:
        return any(v is not None for v in (self.yellow, self.orange, self.red))
