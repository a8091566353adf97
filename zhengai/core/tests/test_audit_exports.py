"""Exports of personal data are audited (who, what, which filters, how many rows); audit-like
records are read-only in the admin for everyone; the audit page filters by who, action, date range
and object; the trail is kept 184 days at least, pruned beyond, and exported as JSON lines."""

import json
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent
from zhengai.datacenter.models import ImportBatch


def exports():
    return list(AuditEvent.objects.filter(kind=AuditKind.EXPORTED).order_by("pk"))


def test_a_warnings_download_records_who_which_filters_and_how_many_rows(client, cast):
    from zhengai.monitoring.models import Warning
    from zhengai.datacenter.models import Subject

    zhang = Subject.objects.get(level="student", key="2024001")
    for code in ("student.attendance_rate", "student.gpa"):
        Warning.objects.create(subject=zhang, level="student", indicator_code=code, opened_window="2026-10",
                               last_window="2026-10", value=0.6)
    client.force_login(cast.alice)

    response = client.get(reverse("monitoring:warnings"), {"format": "xlsx", "level": "student", "status": "active"},
                          REMOTE_ADDR="10.0.0.7")

    assert response.status_code == 200
    [event] = exports()
    assert (event.user, event.username, event.ip) == (cast.alice, "alice", "10.0.0.7")
    assert event.detail["view"] == "monitoring:warnings" and event.detail["file"] == "预警.xlsx"
    assert event.detail["filters"] == {"format": "xlsx", "level": "student", "status": "active"}
    assert event.detail["rows"] == 2


@pytest.mark.parametrize("name,query", [
    ("datacenter:dictionary_xlsx", {}), ("intake:quality_xlsx", {}), ("intake:mapping_export", {}),
    ("chains:standards_export", {}), ("cycles:calendar", {"format": "csv"}),
])
def test_every_download_page_records_one_export(client, cast, name, query):
    client.force_login(cast.alice)
    response = client.get(reverse(name), query)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    [event] = exports()
    assert event.detail["view"] == name and event.user == cast.alice
    assert isinstance(event.detail["rows"], int)  # counted by the view, or from the file


def test_the_rows_of_a_download_the_view_did_not_count_are_counted_from_the_file():
    from django.http import HttpResponse, StreamingHttpResponse

    from zhengai.core.audit import count_rows
    from zhengai.core.workbook import xlsx_bytes

    workbook = xlsx_bytes({"甲": (["a", "b"], [[1, 2], [3, 4], [5, 6]]), "乙": (["c"], [["=x"]])})
    assert count_rows(HttpResponse(workbook, content_type="application/octet-stream"), "t.xlsx") == 4
    assert count_rows(HttpResponse("a,b\n1,\"x\ny\"\n2,3\n".encode(), content_type="text/csv"), "t.csv") == 2
    assert count_rows(HttpResponse(b'[{"a": 1}, {"a": 2}]', content_type="application/json"), "t.json") == 2
    assert count_rows(HttpResponse(b'{"a": 1}\n{"a": 2}\n', content_type="application/x-ndjson"), "t.jsonl") == 2
    assert count_rows(HttpResponse(b"PK\x03\x04...", content_type="application/msword"), "report.docx") is None
    assert count_rows(StreamingHttpResponse(iter([b"x"])), "t.csv") is None


def test_pages_that_are_not_downloads_record_nothing(client, cast):
    client.force_login(cast.alice)
    assert client.get(reverse("monitoring:warnings")).status_code == 200
    assert exports() == []


def test_audit_like_records_are_read_only_in_the_admin_even_for_the_superuser(client, college, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root")
    batch = ImportBatch.objects.create(source=college.source, table="students", status="succeeded", rows_read=3)
    event = AuditEvent.objects.create(kind=AuditKind.LOGIN, username="alice")
    client.force_login(root)

    for model, obj in (("datacenter/importbatch", batch), ("core/auditevent", event)):
        change = f"/admin/{model}/{obj.pk}/change/"
        assert client.get(change).status_code == 200  # shown …
        assert client.post(change, {"status": "failed", "rows_read": 0}).status_code == 403  # … never changed
        assert client.get(f"/admin/{model}/add/").status_code == 403
        assert client.post(f"/admin/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    batch.refresh_from_db()
    assert (batch.status, batch.rows_read) == ("succeeded", 3)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _event(days_ago, **fields):
    e = AuditEvent.objects.create(**fields)
    AuditEvent.objects.filter(pk=e.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return e


def test_the_audit_page_filters_by_who_action_dates_and_object(client, cast):
    _event(10, kind=AuditKind.EXPORTED, username="bob", detail={"view": "monitoring:warnings", "file": "warnings.xlsx", "filters": {}, "rows": 4})
    _event(1, kind=AuditKind.EXPORTED, username="alice", detail={"view": "intake:batch_rejects", "file": "被拒绝的行.xlsx", "filters": {}, "rows": 2})
    _event(1, kind=AuditKind.LOGIN_FAILED, username="mallory")
    client.force_login(cast.alice)
    url = reverse("audit")

    page = client.get(url, {"tab": "exports"}).content.decode()
    assert "warnings.xlsx" in page and "被拒绝的行.xlsx" in page
    since = (timezone.localdate() - timedelta(days=3)).isoformat()
    page = client.get(url, {"tab": "exports", "since": since}).content.decode()
    assert "warnings.xlsx" not in page and "被拒绝的行.xlsx" in page
    page = client.get(url, {"tab": "exports", "object": "warnings", "q": "bob"}).content.decode()
    assert "warnings.xlsx" in page and "被拒绝的行.xlsx" not in page
    page = client.get(url, {"tab": "signins", "kind": "login_failed"}).content.decode()
    assert "mallory" in page
    assert client.get(url, {"since": "2025-13-01"}).status_code == 400


def test_the_audit_page_downloads_its_filtered_events_as_json_lines(client, cast):
    _event(1, kind=AuditKind.LOGIN_FAILED, username="mallory")
    _event(1, kind=AuditKind.LOGIN, username="alice")
    client.force_login(cast.alice)

    response = client.get(reverse("audit"), {"tab": "signins", "kind": "login_failed", "format": "jsonl"})

    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    assert [(line["type"], line["kind"], line["username"]) for line in lines] == [("event", "login_failed", "mallory")]
    # … and the download is itself audited.
    assert exports()[-1].detail["rows"] == 1


def test_the_command_exports_events_and_changes_since_a_date_as_json_lines(cast, tmp_path):
    _event(400, kind=AuditKind.LOGIN, username="old")
    _event(2, kind=AuditKind.LOGIN, username="recent")
    out = tmp_path / "audit.jsonl"
    since = (timezone.localdate() - timedelta(days=30)).isoformat()

    call_command("audit", "export", "--since", since, "--out", str(out))

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    names = [line.get("username") for line in lines if line["type"] == "event"]
    assert "recent" in names and "old" not in names
    assert any(line["type"] == "change" for line in lines)  # the cast's accounts, from auditlog
    with pytest.raises(CommandError, match="日期“2025-13-01”无效"):
        call_command("audit", "export", "--since", "2025-13-01", "--out", str(out))


def test_pruning_deletes_only_rows_older_than_the_retention_period(db, settings):
    assert settings.ZHENGAI_AUDIT_RETENTION_DAYS == 184
    old, kept = _event(185, kind=AuditKind.LOGIN, username="old"), _event(183, kind=AuditKind.LOGIN, username="kept")
    entry = LogEntry.objects.create(content_type_id=1, object_pk="1", object_repr="x", action=0)
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - timedelta(days=200))

    call_command("audit", "prune")

    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not LogEntry.objects.filter(pk=entry.pk).exists()


def test_a_retention_shorter_than_184_days_is_refused(db, settings):
    settings.ZHENGAI_AUDIT_RETENTION_DAYS = 30
    young = _event(60, kind=AuditKind.LOGIN, username="young")
    with pytest.raises(CommandError, match="少于审计日志至少保留的 184 天"):
        call_command("audit", "prune")
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_pruning_is_a_daily_job_of_the_one_schedule():
    from zhengai.core import scheduling

    assert ("core-prune-audit", "zhengai.core.prune_audit", 86400.0) in scheduling.schedule()
    assert scheduling.task("zhengai.core.prune_audit") is not None
