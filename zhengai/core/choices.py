from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    """What happened to an account (sign-ins and the account's own changes), and configuration
    changes made through the platform's actions."""

    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账号锁定")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    SESSION_EXPIRED = "session_expired", _("会话超时")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("退出所有会话")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("绑定两步验证")
    TWO_FACTOR_PASSED = "two_factor_passed", _("两步验证通过")
    TWO_FACTOR_FAILED = "two_factor_failed", _("两步验证失败")
    TWO_FACTOR_RESET = "two_factor_reset", _("重置两步验证")
    # A configuration write through a ``do_*`` action (``audit.record_change``): who, when, what changed.
    CONFIG_CHANGED = "config_changed", _("配置变更")
    # A download of records (an .xlsx, CSV, JSON or file): who, which page, with which filters, how many rows.
    EXPORTED = "exported", _("导出数据")
