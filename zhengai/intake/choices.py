from django.db import models
from django.utils.translation import gettext_lazy as _


class CredentialKind(models.TextChoices):
    """How a source system proves who it is: a bearer token (push API) or an xAPI key and secret
    (HTTP Basic, as the xAPI specification asks of a Learning Record Store)."""

    TOKEN = "token", _("令牌")
    BASIC = "basic", _("密钥对")


class BatchAction(models.TextChoices):
    """What happened to a batch, as recorded in its audit trail (操作记录)."""

    IMPORTED = "imported", _("导入")
    REFUSED = "refused", _("拒绝")
    FAILED = "failed", _("失败")
    UNDONE = "undone", _("撤销")
    RECOVERED = "recovered", _("中断后标记失败")
