"""Models of data intake (数据接入)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CredentialKind


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
