"""Models of data intake (数据接入): credentials of source systems; and what the pipeline keeps beside
the data it loads: mappings per source and table, the rows a batch rejected, the previous values of
rows a batch changed (so it can be undone), and an audit trail of what was done to each batch."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengai.datacenter.models import ImportBatch, SourceSystem

from .choices import BatchAction, CredentialKind


class SourceCredential(models.Model):
    """A credential (接入凭据) a source system uses to push data: an API token or an xAPI key/secret.

    Only a salted SHA-256 of the secret part is stored; ``lookup`` is the public part (the xAPI key,
    or the token's prefix), unique and indexed, so authenticating is one indexed query. Rotation
    revokes the old row and adds a new one, so the history of who could push when stays readable.
    """

    source = models.ForeignKey(
        "datacenter.SourceSystem", models.CASCADE, related_name="credentials", verbose_name=_("来源系统")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=CredentialKind.choices)
    lookup = models.CharField(_("公开标识"), max_length=32, unique=True)
    salt = models.CharField(_("盐"), max_length=32)
    secret_hash = models.CharField(_("密文摘要"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("吊销人")
    )

    class Meta:
        verbose_name = _("接入凭据")
        verbose_name_plural = _("接入凭据")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_id} {self.lookup}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Mapping(models.Model):
    """How one source system's columns and codes map onto one data-dictionary table (字段映射).

    ``columns`` maps a source column header to a dictionary field name; ``value_maps`` maps, per
    field, a source value to a stored value or its Chinese label (性别 1 → 男); ``date_formats``
    gives a ``strptime`` format per date field (``%Y%m%d``).
    """

    source = models.ForeignKey(SourceSystem, models.CASCADE, related_name="mappings", verbose_name=_("来源系统"))
    table = models.CharField(_("目标表"), max_length=64)
    columns = models.JSONField(_("列映射"), default=dict, blank=True)
    value_maps = models.JSONField(_("值映射"), default=dict, blank=True)
    date_formats = models.JSONField(_("日期格式"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("更新人")
    )

    # Mappings describe the college's systems as a whole: only school-wide roles reach them.
    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("字段映射")
        verbose_name_plural = _("字段映射")
        constraints = [models.UniqueConstraint(fields=["source", "table"], name="mapping_source_table")]
        ordering = ["source__code", "table"]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.table}"


class RejectedRow(models.Model):
    """A row a batch did not load (被拒绝的行), with the reason and the row as it came in."""

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="rejected_rows", verbose_name=_("导入批次"))
    row_number = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=200, blank=True)
    value = models.TextField(_("值"), blank=True)
    reason = models.TextField(_("原因"))
    # [[header, value], …]: pairs, because jsonb does not keep the order of an object's keys.
    data = models.JSONField(_("原始行"), default=list, blank=True)

    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("被拒绝的行")
        verbose_name_plural = _("被拒绝的行")
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "row_number"], name="rejected_batch_row")]


class BatchChange(models.Model):
    """The values a row had before a batch updated it (变更前的值), so the batch can be undone.

    Written set-based (one INSERT … SELECT per batch). Rows a batch inserted have no entry: they
    are the rows that carry the batch and have none. ``prev_batch`` is the batch that wrote the
    row before; it tells whether a later batch changed this batch's rows.
    """

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="changes", verbose_name=_("导入批次"))
    row_id = models.BigIntegerField(_("行 ID"))
    prev_batch = models.ForeignKey(
        ImportBatch, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("此前批次")
    )
    old = models.JSONField(_("原值"))

    class Meta:
        verbose_name = _("批次变更")
        verbose_name_plural = _("批次变更")
        indexes = [models.Index(fields=["batch", "row_id"], name="change_batch_row")]


class BatchEvent(models.Model):
    """The audit trail of a batch (操作记录): imported, refused, undone … by whom and when."""

    batch = models.ForeignKey(ImportBatch, models.CASCADE, related_name="events", verbose_name=_("导入批次"))
    action = models.CharField(_("操作"), max_length=16, choices=BatchAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    detail = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("批次操作记录")
        verbose_name_plural = _("批次操作记录")
        ordering = ["at", "pk"]


# Database pull (channel 2) keeps its models in its own module.
from .pull.models import SavedPull, SourceConnection  # noqa: E402,F401
