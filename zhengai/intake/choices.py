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


class PullCadence(models.TextChoices):
    """How often a saved database pull runs on the schedule (``manual``: only on demand)."""

    MANUAL = "manual", _("仅手动")
    HOURLY = "hourly", _("每小时")
    DAILY = "daily", _("每天")
    WEEKLY = "weekly", _("每周")


class HighWaterKind(models.TextChoices):
    """The type of an incremental column's high-water mark, so it is bound back with its own type."""

    DATETIME = "datetime", _("日期时间")
    DATE = "date", _("日期")
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    TEXT = "text", _("文本")


class Freshness(models.TextChoices):
    """A source system's freshness on the data quality page, against its expected cadence."""

    FRESH = "fresh", _("新鲜")
    LATE = "late", _("滞后")
    NEVER = "never", _("从未导入")
