"""Signing in with a local account: password rules, expiry, timeouts, sign-out everywhere, one session
per account, the per-client limit across accounts and the trusted-proxy rule for the client address."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengai.core import clock, signin
from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent


def sign_in(client, username, password, ip="10.0.0.7", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.mark.parametrize("password", ["demo1234", "12345678", "20261120", "admin123", "Admin@2026", "woaini1314",
                                      "1qaz2wsx", "zhengai2026", "password1"])
def test_it_refuses_all_digit_and_common_passwords(password, db):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_it_accepts_a_password_that_is_hard_to_guess(db):
    validate_password("Kz8-quality-2026")
    validate_password("青山-绿水-Kz8")


def test_it_refuses_demo1234_on_the_account_page_with_a_chinese_message(client, cast):
    client.force_login(cast.dave)
    response = client.post(reverse("account"), {
        "old_password": "pw-dave-Kz8", "new_password1": "demo1234", "new_password2": "demo1234"})
    assert response.status_code == 200
    assert "过于常见" in response.content.decode()
    cast.dave.refresh_from_db()
    assert cast.dave.check_password("pw-dave-Kz8")


def test_a_password_below_the_rules_must_be_changed_at_sign_in_before_anything_else(client, cast):
    cast.dave.set_password("demo1234")  # set by hand, as the demo does: the rules never saw it
    cast.dave.save()
    response = sign_in(client, "dave", "demo1234")
    assert response.status_code == 302 and response["Location"] == reverse("account")
    page = client.get(reverse("account")).content.decode()
    assert "不符合现行的密码规则" in page
    # Every other page sends the account back until the password is changed.
    assert client.get(reverse("home"))["Location"] == reverse("account")
    assert client.get(reverse("audit"))["Location"] == reverse("account")
    response = client.post(reverse("account"), {
        "old_password": "demo1234", "new_password1": "Kz8-teacher-2026", "new_password2": "Kz8-teacher-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED, user=cast.dave, detail__owed="weak").exists()


def test_the_demo_college_keeps_its_public_demo_password(client, cast):
    cast.dave.set_password("demo1234")
    cast.dave.save()
    clock.record_demo_date(timezone.localdate(), "demo")
    response = sign_in(client, "dave", "demo1234")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_an_expired_password_must_be_changed_at_sign_in(client, cast, settings):
    settings.ZHENGAI_PASSWORD_MAX_AGE_DAYS = 90
    type(cast.dave).objects.filter(pk=cast.dave.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = sign_in(client, "dave", "pw-dave-Kz8")
    assert response["Location"] == reverse("account")
    assert "您的密码已过期" in client.get(reverse("account")).content.decode()
    # A fresh password is not expired.
    type(cast.erin).objects.filter(pk=cast.erin.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert sign_in(Client(), "erin", "pw-erin-Kz8")["Location"] == reverse("home")


def test_a_new_password_records_when_it_was_set(cast):
    cast.dave.set_password("Kz8-teacher-2026")
    assert abs((timezone.now() - cast.dave.password_changed_at).total_seconds()) < 5


def _age(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_an_idle_session_ends_after_the_idle_timeout(client, cast, settings, monkeypatch):
    monkeypatch.setattr(signin, "SEEN_RESOLUTION", 15)
    settings.ZHENGAI_SESSION_IDLE_MINUTES = 30
    assert sign_in(client, "erin", "pw-erin-Kz8")["Location"] == reverse("home")
    _age(client, signin.SEEN_AT, 29 * 60)
    assert client.get(reverse("account")).status_code == 200  # still alive, and the idle clock restarts
    assert time.time() - client.session[signin.SEEN_AT] < 60
    _age(client, signin.SEEN_AT, 31 * 60)
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(kind=AuditKind.SESSION_EXPIRED)
    assert event.user == cast.erin and event.detail == {"reason": "idle"}
    assert "30 分钟没有操作" in client.get(response["Location"]).content.decode()


def test_a_session_ends_after_the_absolute_timeout_however_busy(client, cast, settings):
    settings.ZHENGAI_SESSION_MAX_HOURS = 8
    sign_in(client, "erin", "pw-erin-Kz8")
    _age(client, signin.SIGNED_IN_AT, 8 * 3600 + 1)
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.get(kind=AuditKind.SESSION_EXPIRED).detail == {"reason": "absolute"}


def test_sign_out_everywhere_ends_every_session_of_the_account(cast):
    laptop, phone, other = Client(), Client(), Client()
    sign_in(laptop, "erin", "pw-erin-Kz8")
    sign_in(phone, "erin", "pw-erin-Kz8", ip="10.0.0.8")
    sign_in(other, "frank", "pw-frank-Kz8")
    assert "退出所有会话" in phone.get(reverse("account")).content.decode()
    response = phone.post(reverse("sign_out_everywhere"), REMOTE_ADDR="10.0.0.8")
    assert response["Location"] == reverse("login")
    for client in (laptop, phone):
        assert client.get(reverse("account"))["Location"].startswith(reverse("login"))
    assert other.get(reverse("account")).status_code == 200  # somebody else's sessions live on
    assert AuditEvent.objects.filter(kind=AuditKind.SIGNED_OUT_EVERYWHERE, user=cast.erin, ip="10.0.0.8").exists()
    # Signing in again works.
    assert sign_in(laptop, "erin", "pw-erin-Kz8")["Location"] == reverse("home")
    assert laptop.get(reverse("account")).status_code == 200


def test_sign_out_everywhere_takes_a_post(client, cast):
    client.force_login(cast.erin)
    assert client.get(reverse("sign_out_everywhere")).status_code == 405


def test_one_session_per_account_ends_the_older_session_when_asked(cast, settings):
    first, second = Client(), Client()
    sign_in(first, "erin", "pw-erin-Kz8")
    sign_in(second, "erin", "pw-erin-Kz8")
    assert first.get(reverse("account")).status_code == 200  # by default both live
    settings.ZHENGAI_ONE_SESSION_PER_ACCOUNT = True
    sign_in(first, "erin", "pw-erin-Kz8")
    assert second.get(reverse("account"))["Location"].startswith(reverse("login"))
    assert first.get(reverse("account")).status_code == 200


def test_guesses_spread_over_many_accounts_lock_the_client_out(cast, settings):
    settings.ZHENGAI_SIGNIN_CLIENT_LIMIT = 6
    attacker = Client()
    for name in ("alice", "grace", "bob", "heidi", "ivan", "dave"):
        assert sign_in(attacker, name, "guess-1", ip="10.9.9.9").status_code == 200
    # The seventh try from that address is refused even with a right password, and recorded.
    response = sign_in(attacker, "erin", "pw-erin-Kz8", ip="10.9.9.9")
    assert response.status_code == 429
    assert "不论哪个账号" in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    locked = AuditEvent.objects.get(kind=AuditKind.LOCKED_OUT)
    assert locked.ip == "10.9.9.9" and locked.username == "erin" and locked.detail == {"scope": "client"}
    # Nobody else is locked out: not the accounts, not other addresses.
    assert sign_in(Client(), "erin", "pw-erin-Kz8", ip="10.0.0.1")["Location"] == reverse("home")
    assert sign_in(Client(), "grace", "pw-grace-Kz8", ip="10.0.0.2")["Location"] == reverse("home")


def test_every_failed_sign_in_is_recorded_with_its_address(client, cast):
    sign_in(client, "nobody-here", "x", ip="192.0.2.5")
    event = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert (event.username, event.ip) == ("nobody-here", "192.0.2.5")


def test_a_forwarded_for_header_is_ignored_unless_the_peer_is_a_trusted_proxy(client, cast, settings):
    settings.ZHENGAI_TRUSTED_PROXIES = []
    sign_in(client, "erin", "pw-erin-Kz8", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert AuditEvent.objects.get(kind=AuditKind.LOGIN).ip == "10.0.0.2"


def test_behind_a_trusted_proxy_the_client_is_the_last_untrusted_hop(cast, settings):
    import ipaddress

    settings.ZHENGAI_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]
    # A client that forges the leftmost hop does not choose its address: the proxies' hops count.
    sign_in(Client(), "erin", "pw-erin-Kz8", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7, 10.0.0.3")
    assert AuditEvent.objects.get(kind=AuditKind.LOGIN).ip == "203.0.113.7"
    # One person's wrong guesses behind the proxy lock out that person, not everyone behind it.
    settings.ZHENGAI_SIGNIN_CLIENT_LIMIT = 3
    for _ in range(3):
        sign_in(Client(), "nobody", "guess", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert sign_in(Client(), "frank", "pw-frank-Kz8", ip="10.0.0.2",
                   HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert sign_in(Client(), "frank", "pw-frank-Kz8", ip="10.0.0.2",
                   HTTP_X_FORWARDED_FOR="198.51.100.2")["Location"] == reverse("home")


def test_the_proxy_setting_is_parsed_strictly(monkeypatch):
    from zhengai.settings import envnetworks

    monkeypatch.setenv("ZHENGAI_TRUSTED_PROXIES", " 10.0.0.0/8, 172.16.0.1 ,::1 ")
    assert [str(n) for n in envnetworks("ZHENGAI_TRUSTED_PROXIES")] == ["10.0.0.0/8", "172.16.0.1/32", "::1/128"]
    for bad in ("10.0.0.0/33", "proxy.example", "10.0.0.1,,10.0.0.2"):
        monkeypatch.setenv("ZHENGAI_TRUSTED_PROXIES", bad)
        with pytest.raises(ImproperlyConfigured):
            envnetworks("ZHENGAI_TRUSTED_PROXIES")


def test_the_admin_site_signs_in_through_the_one_sign_in_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=/admin/"
