"""Two-factor sign-in: superusers, administrators and the quality office enrol an authenticator and give
its code after the password; the codes here are computed as a phone computes them (RFC 6238)."""

import base64
import re
import time

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7", **extra)


def code(secret_b32: str, offset: int = 0) -> str:
    """The 6-digit code an authenticator shows for ``secret_b32``, ``offset`` seconds from now."""
    key = base64.b32decode(secret_b32.replace(" ", ""))
    clock = TOTP(key, step=30, t0=0, digits=6)
    clock.time = time.time() + offset
    return f"{clock.token():06d}"


def enrol(client, password="pw-alice-Kz8", username="alice"):
    response = sign_in(client, username, password)
    assert response.status_code == 302 and response["Location"] == reverse("two_factor")
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" in page and "绑定验证器" in page
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    response = client.post(reverse("two_factor"), {"code": code(secret)})
    assert response.status_code == 302 and response["Location"] == reverse("home"), response.content.decode()[:500]
    return secret


def test_the_quality_office_enrols_an_authenticator_at_first_sign_in(client, cast):
    response = sign_in(client, "alice", "pw-alice-Kz8")
    assert response["Location"] == reverse("two_factor")
    # Until the step is done, no page opens, not even the audit trail the account may see.
    for url in (reverse("home"), reverse("audit"), reverse("account"), "/admin/"):
        assert client.get(url)["Location"] == reverse("two_factor"), url
    page = client.get(reverse("two_factor")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    # The QR code carries the same secret, as an otpauth:// URL drawn inline.
    device = TOTPDevice.objects.get(user=cast.alice)
    assert base64.b32encode(device.bin_key).decode() == secret.replace(" ", "") and not device.confirmed
    wrong = client.post(reverse("two_factor"), {"code": "000000"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    time.sleep(1.1)  # a wrong code holds the device back a second (doubling with each further one)
    response = client.post(reverse("two_factor"), {"code": code(secret)})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("audit")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert list(AuditEvent.objects.filter(user=cast.alice).order_by("pk").values_list("kind", flat=True)) == [
        AuditKind.LOGIN, AuditKind.TWO_FACTOR_FAILED, AuditKind.TWO_FACTOR_ENROLLED]


def test_the_next_sign_in_asks_for_the_code_and_refuses_a_replayed_one(cast):
    first = Client()
    secret = enrol(first)
    used = code(secret)
    second = Client()
    assert sign_in(second, "alice", "pw-alice-Kz8")["Location"] == reverse("two_factor")
    page = second.get(reverse("two_factor")).content.decode()
    assert "<svg" not in page and "6 位数字" in page
    assert second.post(reverse("two_factor"), {"code": used}).status_code == 400  # already used
    time.sleep(1.1)
    assert second.get(reverse("home"))["Location"] == reverse("two_factor")
    response = second.post(reverse("two_factor"), {"code": code(secret, offset=30)})
    assert response["Location"] == reverse("home")
    assert second.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.TWO_FACTOR_PASSED, user=cast.alice).count() == 1


def test_the_step_keeps_where_the_sign_in_was_going(cast):
    client = Client()
    secret = enrol(client)
    client.post(reverse("logout"))
    response = client.post(reverse("login") + "?next=/audit/", {"username": "alice", "password": "pw-alice-Kz8",
                                                                "next": "/audit/"}, REMOTE_ADDR="10.0.0.7")
    assert response["Location"] == reverse("two_factor")
    assert client.post(reverse("two_factor"), {"code": code(secret, offset=30)})["Location"] == "/audit/"


def test_too_many_wrong_codes_end_the_session(client, cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "alice", "pw-alice-Kz8")
    for _ in range(2):
        assert client.post(reverse("two_factor"), {"code": "123456"}).status_code == 400
    response = client.post(reverse("two_factor"), {"code": "123456"})
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_superusers_need_it_and_other_roles_do_not(client, cast, django_user_model):
    django_user_model.objects.create_superuser("root", password="Kz8-root-2026")
    assert sign_in(Client(), "root", "Kz8-root-2026")["Location"] == reverse("two_factor")
    assert sign_in(Client(), "bob", "pw-bob-Kz8")["Location"] == reverse("home")
    assert sign_in(Client(), "erin", "pw-erin-Kz8")["Location"] == reverse("home")


def test_it_can_be_switched_off_by_setting(client, cast, settings):
    settings.ZHENGAI_TOTP_REQUIRED = False
    assert sign_in(client, "alice", "pw-alice-Kz8")["Location"] == reverse("home")


def test_a_weak_password_is_changed_after_the_code(client, cast):
    cast.alice.set_password("demo1234")
    cast.alice.save()
    sign_in(client, "alice", "demo1234")
    page = client.get(reverse("two_factor")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert client.post(reverse("two_factor"), {"code": code(secret)})["Location"] == reverse("account")
    assert client.get(reverse("home"))["Location"] == reverse("account")


def test_an_administrator_resets_a_lost_phone_and_the_account_enrols_again(cast, django_user_model):
    from zhengai.org.choices import Role
    from zhengai.org.models import RoleAssignment

    phone_lost = Client()
    enrol(phone_lost)
    admin = django_user_model.objects.create_user("sysadmin", password="Kz8-sysadmin-2026")
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN)
    office = Client()
    office.force_login(admin)
    page = office.get(reverse("two_factor_reset")).content.decode()
    assert "alice" in page
    response = office.post(reverse("two_factor_reset"), {"username": "alice"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.alice).exists()
    # The session that had passed the code ends; the next sign-in enrols again.
    assert phone_lost.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert sign_in(Client(), "alice", "pw-alice-Kz8")["Location"] == reverse("two_factor")
    event = AuditEvent.objects.get(kind=AuditKind.TWO_FACTOR_RESET)
    assert event.user == admin and event.ip == "10.0.0.9" and event.detail["account"] == "alice"
    # Nobody else may reset: not the quality office, not a teacher.
    for who in (cast.alice, cast.dave):
        who.refresh_from_db()  # the reset raised alice's session epoch
        other = Client()
        other.force_login(who)
        response = other.post(reverse("two_factor_reset"), {"username": "bob"})
        assert response.status_code == 403, (who, response.status_code, response.get("Location"))


def test_the_command_resets_the_last_administrator(cast, capsys):
    enrol(Client())
    call_command("reset_two_factor", "alice")
    assert not TOTPDevice.objects.filter(user=cast.alice).exists()
    assert AuditEvent.objects.get(kind=AuditKind.TWO_FACTOR_RESET).username == "(command)"
