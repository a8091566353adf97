from django.db import models
from django.utils.translation import gettext_lazy as _


class CredentialKind(models.TextChoices):
    """How a source system proves who it is: a bearer token (push API) or an xAPI key and secret
    (HTTP Basic, as the xAPI specification asks of a Learning Record Store)."""

    TOKEN = "token", _("令牌")
    BASIC = "basic", _("密钥对")
