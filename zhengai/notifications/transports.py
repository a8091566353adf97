"""Channels, one small class each, healthchecks-style: ``notify(message, target, channel)`` sends or
raises ``TransportError`` saying whether trying again can help (``permanent``)."""

import base64
import hashlib
import hmac
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

TIMEOUT = 5


class TransportError(Exception):
    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Message:
    def __init__(self, title: str, body: str, mentions=()):
        self.title, self.body, self.mentions = title, body, list(mentions)


def _post_json(url: str, payload: dict) -> dict:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=getattr(settings, "NOTIFY_TIMEOUT", TIMEOUT)) as response:
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        # 4xx other than 429: the request itself is wrong — retrying sends the same wrong request.
        permanent = 400 <= exc.code < 500 and exc.code != 429
        raise TransportError(f"HTTP {exc.code}", permanent=permanent) from None
    except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as exc:
        raise TransportError(f"连接失败：{getattr(exc, 'reason', exc)}") from None
    try:
        return json.loads(text or "{}")
    except ValueError:
        raise TransportError(f"响应不是 JSON：{text[:200]}") from None


def _check_robot_answer(answer: dict) -> None:
    code = answer.get("errcode", 0)
    if code:
        # 45009 (WeCom) / 130101 (DingTalk): too many messages per minute — worth another try later.
        raise TransportError(f"errcode {code}: {answer.get('errmsg', '')}", permanent=code not in (45009, 130101, -1))


class EmailTransport:
    kind = "email"

    def notify(self, message: Message, target: str, channel=None) -> None:
        if not target or "@" not in target:
            raise TransportError(f"无效的邮箱地址：{target!r}", permanent=True)
        try:
            send_mail(message.title, message.body, settings.DEFAULT_FROM_EMAIL, [target], fail_silently=False)
        except (OSError, ConnectionError) as exc:
            raise TransportError(f"邮件发送失败：{exc}") from None
        except Exception as exc:  # smtplib's recipient refusals and the like
            raise TransportError(f"邮件发送失败：{exc}", permanent=True) from None


class WeComTransport:
    """企业微信群机器人: POST ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the webhook."""

    kind = "wecom"

    def payload(self, message: Message) -> dict:
        content = f"**{message.title}**\n{message.body}"
        return {"msgtype": "markdown", "markdown": {"content": content}}

    def notify(self, message: Message, target: str, channel=None) -> None:
        _check_robot_answer(_post_json(target, self.payload(message)))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")), URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


class DingTalkTransport:
    """钉钉群机器人: markdown message; with a secret, ``&timestamp=…&sign=…`` on the webhook URL."""

    kind = "dingtalk"

    def payload(self, message: Message) -> dict:
        return {"msgtype": "markdown", "markdown": {"title": message.title, "text": f"### {message.title}\n{message.body}"}}

    def signed_url(self, url: str, secret: str, now_ms: int | None = None) -> str:
        if not secret:
            return url
        timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"

    def notify(self, message: Message, target: str, channel=None) -> None:
        url = self.signed_url(target, getattr(channel, "secret", "") or "")
        _check_robot_answer(_post_json(url, self.payload(message)))


TRANSPORTS = {"email": EmailTransport(), "wecom": WeComTransport(), "dingtalk": DingTalkTransport()}
