"""Notifications: one digest per person per run, sent to a real HTTP server on 127.0.0.1."""

import base64
import hashlib
import hmac
from datetime import timedelta
from urllib.parse import unquote_plus

import pytest
from django.core import mail
from django.utils import timezone

from zhengai.monitoring.engine import run_window
from zhengai.monitoring.testing import attendance_rule, month, table_sources
from zhengai.notifications.choices import DeliveryStatus
from zhengai.notifications.delivery import deliver_due
from zhengai.notifications.digest import send_run_digests
from zhengai.notifications.models import Channel, Delivery, Notification
from zhengai.notifications.testing import RobotServer
from zhengai.notifications.transports import dingtalk_sign

RATE = "stu_attendance_rate"


def _run(table, window="2026-10"):
    return run_window("student", month(window), sources=table_sources(table, [attendance_rule()]), notify=False)


def test_it_sends_one_digest_per_person_per_run_not_one_per_warning(cast):
    # 张三 and 陈四 both warned: carol (their counsellor) owns both, erin owns one.
    summary = _run({"2026-10": {RATE: {"2024001": 0.85, "2024002": 0.6, "2024101": 0.99}}})
    notes = send_run_digests(summary.run.pk)

    by_user = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert sorted(by_user) == ["carol", "erin"] and len(notes) == 2
    assert by_user["carol"].body.count("\n- ") + by_user["carol"].body.startswith("- ") == 2
    assert "陈四" in by_user["carol"].body and "张三" in by_user["carol"].body
    assert "陈四" not in by_user["erin"].body and "2026-10" in by_user["erin"].title
    # Processed once: a second call sends nothing more.
    assert send_run_digests(summary.run.pk) == [] and Notification.objects.count() == 2


def test_wecom_and_dingtalk_robots_get_markdown_with_a_valid_signature(cast, college, django_capture_on_commit_callbacks):
    secret = "SECabc123"
    with RobotServer() as wecom, RobotServer() as dingtalk:
        Channel.objects.create(kind="wecom", department=college.mech, webhook_url=f"{wecom.url}/cgi-bin/webhook/send?key=K1")
        Channel.objects.create(kind="dingtalk", user=cast.carol, webhook_url=f"{dingtalk.url}/robot/send?access_token=T1", secret=secret)
        summary = _run({"2026-10": {RATE: {"2024001": 0.85}}})
        with django_capture_on_commit_callbacks(execute=True):
            send_run_digests(summary.run.pk)

        # WeCom: one message per person of 机械工程学院 (erin is a student there, carol staff there).
        assert len(wecom.requests) == 2
        body = wecom.requests[0]["json"]
        assert body["msgtype"] == "markdown" and "张三" in body["markdown"]["content"]
        assert wecom.requests[0]["query"]["key"] == ["K1"]
        # DingTalk: carol's own robot, signed: sign = base64(HMAC-SHA256(secret, "timestamp\nsecret")).
        request, = dingtalk.requests
        timestamp = request["query"]["timestamp"][0]
        expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()).decode()
        assert request["query"]["sign"] == [expected]
        assert request["query"]["access_token"] == ["T1"]
        assert request["json"]["msgtype"] == "markdown" and "张三" in request["json"]["markdown"]["text"]
        assert request["json"]["markdown"]["title"].startswith("监测预警摘要")
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_the_dingtalk_signature_matches_the_documented_scheme():
    # Worked by hand with the standard library (the scheme of DingTalk's 自定义机器人 加签).
    sign = dingtalk_sign("SEC000", 1700000000000)
    raw = hmac.new(b"SEC000", b"1700000000000\nSEC000", hashlib.sha256).digest()
    assert unquote_plus(sign) == base64.b64encode(raw).decode()


def test_a_failing_channel_is_retried_with_backoff_then_recorded_and_never_breaks_the_run(cast, college, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_BACKOFF_SECONDS = 60
    with RobotServer(answers=[(500, {}), (200, {"errcode": 45009, "errmsg": "freq"}), (200, {"errcode": 0})]) as robot:
        Channel.objects.create(kind="wecom", user=cast.erin, webhook_url=f"{robot.url}/hook")
        summary = _run({"2026-10": {RATE: {"2024001": 0.85}}})
        with django_capture_on_commit_callbacks(execute=True):
            send_run_digests(summary.run.pk)
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.PENDING, 1, "HTTP 500")
        first_retry = delivery.next_attempt_at
        assert deliver_due(now=timezone.now()) == 0  # not yet due
        assert deliver_due(now=first_retry + timedelta(seconds=1)) == 0  # rate limited: retried again later
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and "45009" in delivery.error
        assert delivery.next_attempt_at - first_retry >= timedelta(seconds=100)  # backoff doubles
        assert deliver_due(now=delivery.next_attempt_at + timedelta(seconds=1)) == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert len(robot.requests) == 3


def test_a_permanent_error_is_not_retried(cast, django_capture_on_commit_callbacks):
    with RobotServer(answers=[(404, {})]) as robot:
        Channel.objects.create(kind="wecom", user=cast.erin, webhook_url=f"{robot.url}/gone")
        summary = _run({"2026-10": {RATE: {"2024001": 0.85}}})
        with django_capture_on_commit_callbacks(execute=True):
            send_run_digests(summary.run.pk)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.FAILED, 1, "HTTP 404")


def test_an_unreachable_robot_does_not_break_the_run_that_notifies(cast, django_capture_on_commit_callbacks):
    Channel.objects.create(kind="wecom", user=cast.erin, webhook_url="http://127.0.0.1:9/nothing-listens-here")
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_window("student", month("2026-10"), sources=table_sources({"2026-10": {RATE: {"2024001": 0.85}}},
                                                                                  [attendance_rule()]))
    assert summary.opened == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "连接失败" in delivery.error


def test_email_goes_through_the_django_backend(cast, college, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.carol.email = "carol@example.edu.cn"
    cast.carol.save()
    Channel.objects.create(kind="email", department=college.mech)
    summary = _run({"2026-10": {RATE: {"2024001": 0.85}}})
    with django_capture_on_commit_callbacks(execute=True):
        send_run_digests(summary.run.pk)
    message, = mail.outbox  # erin has no address anywhere; carol has one
    assert message.to == ["carol@example.edu.cn"] and "张三" in message.body
