"""The platform's own records: the sign-in audit trail.

Changes to important rows (accounts, role assignments, staff, students) are recorded by
django-auditlog (``auditlog.LogEntry``); this table records what auditlog cannot see: sign-ins,
sign-outs, failed sign-ins, lockouts and password changes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import AuditKind


class AuditEvent(models.Model):
    """One audited account event (审计日志): who, what, when and from where."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件"), max_length=24, choices=AuditKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("账号")
    )
    # Kept as typed even when no account matches: failed sign-ins name accounts that may not exist.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    # Only school-wide roles see the audit trail (the view also requires the quality office or admin).
    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"], name="audit_kind_at"),
                   # the per-client sign-in limit counts one address's recent failures
                   models.Index(fields=["ip", "at"], name="audit_ip_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    # A configuration change (``audit.record_change``), as the audit page reads it.
    def _model(self):
        from django.apps import apps

        try:
            return apps.get_model((self.detail or {}).get("model", ""))
        except (LookupError, ValueError):
            return None

    def _label(self, model, name: str) -> str:
        try:
            return str(model._meta.get_field(name).verbose_name) if model else name
        except Exception:
            return name

    @property
    def changed_object(self) -> str:
        model = self._model()
        return f"{model._meta.verbose_name if model else ''} · {(self.detail or {}).get('name', '')}"

    @property
    def action_label(self) -> str:
        return str(CHANGE_ACTIONS.get((self.detail or {}).get("action", ""), ""))

    @property
    def change_lines(self) -> list[tuple[str, object, object]]:
        model = self._model()
        return [(self._label(model, name), before, after)
                for name, (before, after) in ((self.detail or {}).get("changes") or {}).items()]

    @property
    def secret_lines(self) -> list[str]:
        model = self._model()
        return [self._label(model, name) for name in (self.detail or {}).get("secrets_changed") or []]


CHANGE_ACTIONS = {"created": pgettext_lazy("配置变更", "新建"), "changed": pgettext_lazy("配置变更", "修改"),
                  "deleted": pgettext_lazy("配置变更", "删除")}


class FixedDate(models.Model):
    """The fixed date (固定业务日期) of a database that holds the demo college: written by
    ``seed_demo``, read by ``zhengai.core.clock``. A real college's database has no row and runs on
    the real date. At most one row (pk 1)."""

    day = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("固定业务日期")
        verbose_name_plural = _("固定业务日期")

    def __str__(self) -> str:
        return f"{self.day} {self.note}".strip()
