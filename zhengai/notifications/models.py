"""Notifications (消息通知): the in-app inbox, channels configured per department or person, and one
delivery row per message and channel with its status, attempts and error."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengai.core import clock

from .choices import ChannelKind, DeliveryStatus


class Notification(models.Model):
    """A message in a person's inbox (站内消息): a run's digest of their warnings, or a step of a
    warning they own or raised."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name=_("收件人"))
    run_id = models.IntegerField(_("监测运行"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), help_text=_("Markdown"))
    warning_ids = models.JSONField(_("相关预警"), default=list, blank=True)
    # The platform's clock, not the wall clock: on the demo college a digest is dated on its demo day.
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_recipient"),
            models.Index(fields=["recipient"], name="notification_unread", condition=Q(read_at=None)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language. Titles are stored as sent (in Chinese, the language
        of the channels); the digest titles the platform writes itself are said again in the active
        language, any other title as stored."""
        return localized_title(self.title)


def localized_title(title: str) -> str:
    import re

    from django.utils import translation
    from django.utils.translation import gettext

    from zhengai.datacenter.choices import Level

    if (translation.get_language() or "").startswith("zh"):
        return title
    if title in _PLATFORM_TITLES:
        return gettext(title)
    match = re.fullmatch(r"监测预警摘要：(\S*) (\S*)", title)
    if match:
        with translation.override("zh-hans"):
            levels = {str(label): value for value, label in Level.choices}
        level = levels.get(match[1])
        return gettext("监测预警摘要：%(level)s %(window)s") % {
            "level": Level(level).label if level else match[1], "window": match[2]}
    return title


# The fixed titles the digests use (zhengai.notifications.digest), as stored.
_PLATFORM_TITLES = ("监测预警摘要", "预警处理进展")


class Channel(models.Model):
    """A notification channel (通知渠道) for a department's people or for one person: e-mail, or a
    WeCom / DingTalk group robot webhook (DingTalk with its signing secret)."""

    kind = models.CharField(_("类型"), max_length=12, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    department = models.ForeignKey("datacenter.Department", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("部门"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("个人"))
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500, blank=True)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”安全设置的密钥"))
    email = models.EmailField(_("邮箱"), blank=True, help_text=_("留空则发到本人账号或人事/学籍中的邮箱"))
    active = models.BooleanField(_("启用"), default=True)

    scope_lookups = {"department": "department_id"}

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False) | Q(user__isnull=False), name="channel_department_or_user"
            )
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} · {self.department or self.user}"


class Delivery(models.Model):
    """One message sent through one channel (投递记录): status, attempts, the last error, when to retry."""

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries", verbose_name=_("消息"))
    channel = models.ForeignKey(Channel, models.SET_NULL, null=True, blank=True, related_name="deliveries", verbose_name=_("渠道"))
    kind = models.CharField(_("类型"), max_length=12, choices=ChannelKind.choices)
    target = models.CharField(_("发送目标"), max_length=500)
    status = models.CharField(_("状态"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        indexes = [
            # For the retry loop (zhengai.notifications.delivery.deliver_due): pending rows only.
            models.Index(fields=["next_attempt_at"], name="delivery_pending", condition=Q(status="pending")),
        ]
