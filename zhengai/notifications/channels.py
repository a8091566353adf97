"""Notification channels (通知渠道: e-mail, WeCom and DingTalk robots per department or person) are
configuration: written through these actions, atomic and audited (``zhengai.core.audit``). A robot's
webhook carries its access token and DingTalk's signing key is a secret: the trail says that they
changed, never what they are."""

from zhengai.core import audit

from .models import Channel

SECRETS = ("webhook_url", "secret")


def do_save_channel(channel: Channel, *, acting_user) -> Channel:
    return audit.save_object(channel, acting_user=acting_user, secret=SECRETS)


def do_delete_channel(channel: Channel, *, acting_user) -> None:
    audit.delete_audited(channel, acting_user=acting_user, secret=SECRETS)
