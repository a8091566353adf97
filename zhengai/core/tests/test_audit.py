"""Sign-ins are audited and brute force is locked out (django-axes); model changes on the rows that
decide who sees what are recorded (django-auditlog)."""

from auditlog.models import LogEntry
from django.urls import reverse

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent
from zhengai.org.choices import Role
from zhengai.org.models import RoleAssignment


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def kinds():
    return list(AuditEvent.objects.order_by("pk").values_list("kind", "username"))


def test_it_records_a_sign_in_a_failed_sign_in_and_a_sign_out(client, cast):
    assert AuditEvent.objects.count() == 0
    assert sign_in(client, "grace", "wrong").status_code == 200
    response = sign_in(client, "grace", "pw-grace-Kz8")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    client.post(reverse("logout"))
    assert kinds() == [(AuditKind.LOGIN_FAILED, "grace"), (AuditKind.LOGIN, "grace"), (AuditKind.LOGOUT, "grace")]
    login = AuditEvent.objects.get(kind=AuditKind.LOGIN)
    assert login.user == cast.grace and login.ip == "10.0.0.7"


def test_it_locks_out_after_five_wrong_passwords_with_a_chinese_message(client, cast):
    for _ in range(4):
        assert sign_in(client, "dave", "guess").status_code == 200
    response = sign_in(client, "dave", "guess")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录失败次数过多" in text and "15 分钟后再试" in text
    # Now even the right password is refused until the cool-off ends.
    response = sign_in(client, "dave", "pw-dave-Kz8")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED, username="dave").count() >= 5
    assert AuditEvent.objects.filter(kind=AuditKind.LOGIN).count() == 0
    # Another account from the same address is not affected.
    assert sign_in(client, "alice", "pw-alice-Kz8").status_code == 302


def test_it_records_role_changes_with_the_acting_user(client, cast, college):
    before = LogEntry.objects.get_for_model(RoleAssignment).count()
    RoleAssignment.objects.create(user=cast.dave, role=Role.COUNSELLOR, admin_class=college.class_soft)
    entries = LogEntry.objects.get_for_model(RoleAssignment)
    assert entries.count() == before + 1
    assert entries.latest("timestamp").action == LogEntry.Action.CREATE


def test_it_never_records_password_hashes_in_the_change_log(cast):
    cast.erin.set_password("a-new-secret-2026")
    cast.erin.save()
    for entry in LogEntry.objects.get_for_object(cast.erin):
        assert "password" not in (entry.changes_dict or {})


def test_it_shows_the_audit_trail_to_the_quality_office_only(client, cast):
    sign_in(client, "frank", "nope")
    client.force_login(cast.alice)
    response = client.get(reverse("audit"))
    assert response.status_code == 200
    assert "frank" in response.content.decode() and "登录失败" in response.content.decode()
    assert client.get(reverse("audit"), {"tab": "changes"}).status_code == 200
    for who in (cast.grace, cast.bob, cast.dave, cast.erin):
        client.force_login(who)
        assert client.get(reverse("audit")).status_code == 403


def test_it_filters_the_audit_trail_by_event_and_username(client, cast):
    sign_in(client, "frank", "nope")
    sign_in(client, "erin", "pw-erin-Kz8")
    client.force_login(cast.alice)
    page = client.get(reverse("audit"), {"kind": AuditKind.LOGIN_FAILED}).context["page"]
    assert [e.username for e in page] == ["frank"]
    page = client.get(reverse("audit"), {"q": "eri"}).context["page"]
    assert [(e.kind, e.username) for e in page] == [(AuditKind.LOGIN, "erin")]
