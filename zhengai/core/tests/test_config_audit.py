"""Configuration writes go through do_* actions, atomic and audited (``zhengai.core.audit``): who,
when and what changed — monitoring policies, field mappings, draft standards, source-database
connections (a password change is audited, the password never written), notification channels."""

import json

import pytest
from django.urls import reverse

from zhengai.chains.defaults import install_default_standards
from zhengai.chains.models import Standard, StandardNode, StandardVersion
from zhengai.chains.versions import do_copy_version
from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent
from zhengai.intake.pull.models import SourceConnection
from zhengai.monitoring.models import MonitoringPolicy
from zhengai.monitoring.policies import do_save_policies, ensure_policies
from zhengai.notifications.models import Channel


def trail():
    return list(AuditEvent.objects.filter(kind=AuditKind.CONFIG_CHANGED).order_by("pk"))


def test_a_policy_change_is_audited_with_what_changed_and_a_save_that_changes_nothing_is_not(cast, college):
    ensure_policies()
    do_save_policies({"student": {"cadence": "half_month", "escalate_after": 3, "active": True}}, acting_user=cast.alice)
    do_save_policies({"student": {"cadence": "half_month", "escalate_after": 3, "active": True}}, acting_user=cast.alice)
    (event,) = trail()
    assert event.user == cast.alice and event.detail["model"] == "monitoring.MonitoringPolicy"
    assert event.detail["changes"] == {"cadence": ["month", "half_month"]}
    assert MonitoringPolicy.objects.get(level="student").updated_by == cast.alice


def test_the_policies_page_saves_through_the_action(client, cast, college):
    ensure_policies()
    client.force_login(cast.alice)
    data = {}
    for policy in MonitoringPolicy.objects.all():
        data[f"cadence-{policy.level}"] = policy.cadence
        data[f"escalate-{policy.level}"] = str(policy.escalate_after)
        data[f"active-{policy.level}"] = "on"
    data["escalate-teacher"] = "5"
    assert client.post(reverse("monitoring:policies"), data).status_code == 302
    (event,) = trail()
    assert event.detail["changes"] == {"escalate_after": [3, 5]}
    page = client.get(reverse("audit") + "?tab=config").content.decode()
    assert "监测策略" in page and "升级前周期数: 3 → 5" in page


def test_a_mapping_saved_on_its_page_is_audited(client, cast, college):
    client.force_login(cast.alice)
    url = reverse("intake:mapping_edit", args=["jw", "students"])
    client.post(url, {"col-student_no": "XH", "col-name": "XM"})
    client.post(url, {"col-student_no": "XH", "col-name": "XINGMING"})
    created, changed = trail()
    assert created.detail["action"] == "created"
    assert changed.detail["changes"]["columns"] == [{"XH": "student_no", "XM": "name"},
                                                    {"XH": "student_no", "XINGMING": "name"}]


def test_draft_standard_edits_are_audited_and_a_published_version_refuses_them(client, cast, college):
    install_default_standards()
    current = StandardVersion.objects.get(standard=Standard.objects.get(code="STU-2023"))
    draft = do_copy_version(current, "2026版", acting_user=cast.alice)
    point = draft.nodes.get(indicator_code="student.attendance_rate")
    client.force_login(cast.alice)
    response = client.post(reverse("chains:node_edit", args=[draft.pk, point.pk]), {
        "code": point.code, "name": point.name, "indicator_code": point.indicator_code, "direction": "higher",
        "qualified": "90", "good": "94", "excellent": "97", "yellow": "88", "orange": "75", "red": "60",
        "weight": "2", "resolve_margin": "2", "resolve_windows": "2", "period": "", "evidence": ""})
    assert response.status_code == 302
    (edit,) = trail()
    assert edit.detail["model"] == "chains.StandardNode" and edit.detail["changes"]["yellow"][1] == "88"
    client.post(reverse("chains:node_delete", args=[point.pk]))
    assert not StandardNode.objects.filter(pk=point.pk).exists()
    assert trail()[-1].detail["action"] == "deleted" and trail()[-1].detail["object"] == point.pk
    before = len(trail())
    old = current.nodes.first()
    client.post(reverse("chains:node_delete", args=[old.pk]))  # published: refused, nothing written
    assert StandardNode.objects.filter(pk=old.pk).exists() and len(trail()) == before


def test_a_connections_password_change_is_audited_without_the_password(client, cast, college):
    client.force_login(cast.alice)
    client.post("/intake/connections/new/", {"name": "hr", "source": college.source.pk,
                                             "url": "mysql+pymysql://reader@10.0.0.9/hr", "password": "first-secret",
                                             "password_env": ""})
    connection = SourceConnection.objects.get(name="hr")
    client.post(f"/intake/connections/{connection.pk}/", {"name": "hr", "source": college.source.pk,
                                                          "url": "mysql+pymysql://reader@10.0.0.10/hr",
                                                          "password": "second-secret", "password_env": ""})
    created, changed = trail()
    assert created.detail["action"] == "created" and changed.detail["secrets_changed"] == ["password_encrypted"]
    assert changed.detail["changes"] == {"url": ["mysql+pymysql://reader@10.0.0.9/hr", "mysql+pymysql://reader@10.0.0.10/hr"]}
    stored = json.dumps([e.detail for e in trail()], ensure_ascii=False)
    assert "secret" not in stored.replace("secrets_changed", "") and connection.password_encrypted not in stored
    page = client.get(reverse("audit") + "?tab=config").content.decode()
    assert "已修改（内容不记录）" in page and "second-secret" not in page


def test_a_channel_changed_in_the_admin_is_audited_without_its_webhook_or_key(client, college):
    from zhengai.org.models import User

    admin = User.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(admin)
    hook = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123"
    response = client.post("/admin/notifications/channel/add/", {
        "kind": "dingtalk", "name": "机械学院群", "department": college.mech.pk, "webhook_url": hook,
        "secret": "SEC-KEY", "email": "", "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    channel = Channel.objects.get()
    client.post(f"/admin/notifications/channel/{channel.pk}/delete/", {"post": "yes"})
    assert not Channel.objects.exists()
    created, deleted = trail()
    assert (created.detail["action"], deleted.detail["action"]) == ("created", "deleted")
    assert sorted(created.detail["secrets_changed"]) == ["secret", "webhook_url"]
    stored = json.dumps([e.detail for e in trail()], ensure_ascii=False)
    assert "TOKEN123" not in stored and "SEC-KEY" not in stored and "机械学院群" in stored


pytestmark = pytest.mark.django_db
