"""List tables (``zhengai.core.tables``), on the warnings list: a header click sorts in the database,
filters narrow, pages keep both, the export holds exactly the filtered rows of every page with
formulas neutralised and is audited with its row count, junk is a 400, a person's export holds only
their scope, and the page's and the export's query counts do not grow with the rows."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent
from zhengai.datacenter.models import Student, Subject
from zhengai.datacenter.subjects import sync_subjects
from zhengai.monitoring.models import Warning
from zhengai.monitoring.tables import WarningTable

URL = "monitoring:warnings"


def warn(key, grade="yellow", value=0.5, month=10, code="stu_attendance_rate"):
    subject = Subject.objects.get(level="student", key=key)
    return Warning.objects.create(subject=subject, level="student", indicator_code=code, grade=grade, value=value,
                                  opened_window=f"2026-{month:02d}", opened_window_end=date(2026, month, 28),
                                  last_window=f"2026-{month:02d}", last_window_end=date(2026, month, 28))


def more_students(college, n, prefix="=HYPERLINK"):
    for i in range(n):
        Student.objects.create(student_no=f"2024{500 + i}", name=f"{prefix}学生{i}", gender="M",
                               admin_class=college.class_cnc, specialty=college.cnc, cohort=2024)
    sync_subjects()
    return [f"2024{500 + i}" for i in range(n)]


def keys(response):
    return [w.subject.key for w in response.context["table"].rows]


def sheet_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def warned(cast, college):
    return [warn("2024001", "red", 0.33, 9), warn("2024002", "yellow", 0.8, 10), warn("2024101", "orange", 0.6, 11)]


def test_a_header_click_sorts_the_rows_in_the_database_both_ways(client, cast, warned):
    client.force_login(cast.alice)
    assert keys(client.get(reverse(URL))) == ["2024101", "2024002", "2024001"]  # default: latest window first
    assert keys(client.get(reverse(URL), {"sort": "grade"})) == ["2024002", "2024101", "2024001"]  # yellow<orange<red
    assert keys(client.get(reverse(URL), {"sort": "-grade"})) == ["2024001", "2024101", "2024002"]
    assert keys(client.get(reverse(URL), {"sort": "value"})) == ["2024001", "2024101", "2024002"]
    page = client.get(reverse(URL), {"sort": "value"})
    header = {h.key: h for h in page.context["table"].headers}
    assert header["value"].state == "ascending" and "sort=-value" in header["value"].url
    assert header["grade"].state == "" and "sort=grade" in header["grade"].url
    assert 'aria-sort="ascending"' in page.content.decode()


def test_filters_narrow_the_rows_and_the_pages_keep_sort_and_filters(client, cast, warned, monkeypatch):
    client.force_login(cast.alice)
    assert keys(client.get(reverse(URL), {"grade": "red"})) == ["2024001"]
    assert keys(client.get(reverse(URL), {"q": "刘五"})) == ["2024101"]
    assert keys(client.get(reverse(URL), {"q": "20240"})) == ["2024002", "2024001"]
    assert keys(client.get(reverse(URL), {"department": cast.bob.roles.get().department_id})) == ["2024002", "2024001"]
    monkeypatch.setattr(WarningTable, "per_page", 1)
    first = client.get(reverse(URL), {"q": "20240", "sort": "value"})
    assert keys(first) == ["2024001"]
    table = first.context["table"]
    assert "q=20240" in table.next_url and "sort=value" in table.next_url and "page=2" in table.next_url
    assert keys(client.get(table.next_url.replace("?", reverse(URL) + "?", 1))) == ["2024002"]


def test_the_export_holds_every_filtered_row_of_every_page_neutralised_and_is_audited_with_its_count(
        client, cast, college, warned, monkeypatch):
    for key in more_students(college, 4):
        warn(key)
    monkeypatch.setattr(WarningTable, "per_page", 2)
    client.force_login(cast.alice)
    response = client.get(reverse(URL), {"department": college.mech.pk, "format": "xlsx", "sort": "key"})
    rows = sheet_rows(response)
    assert rows[0][:3] == ("主体", "编号", "部门")
    assert [r[1] for r in rows[1:]] == ["2024001", "2024002", "2024500", "2024501", "2024502", "2024503"]
    assert rows[3][0] == "'=HYPERLINK学生0"  # a name that would run as a formula is text
    [event] = AuditEvent.objects.filter(kind=AuditKind.EXPORTED)
    assert event.detail["rows"] == 6 and event.detail["view"] == URL
    assert event.detail["filters"] == {"department": str(college.mech.pk), "format": "xlsx", "sort": "key"}
    page = client.get(reverse(URL), {"department": college.mech.pk}).content.decode()
    assert "导出 Excel（6 条）" in page and f"department={college.mech.pk}&amp;format=xlsx" in page


def test_a_persons_export_holds_only_their_scope(client, cast, warned):
    client.force_login(cast.carol)  # counsellor of 数控2401
    assert sorted(r[1] for r in sheet_rows(client.get(reverse(URL), {"format": "xlsx"}))[1:]) == ["2024001", "2024002"]
    client.force_login(cast.frank)  # a student: their own
    assert [r[1] for r in sheet_rows(client.get(reverse(URL), {"format": "xlsx"}))[1:]] == ["2024101"]


@pytest.mark.parametrize("query", [{"sort": "subject__user__password"}, {"sort": "nope"}, {"grade": "purple"},
                                   {"department": "abc"}, {"age": "-3"}, {"page": "x"}, {"format": "csv"},
                                   {"mine": "yes"}])
def test_junk_sort_keys_and_filter_values_are_a_400(client, cast, warned, query):
    client.force_login(cast.alice)
    response = client.get(reverse(URL), query)
    assert response.status_code == 400
    assert "查询参数 " + next(iter(query)) in response.content.decode()


def test_the_page_and_the_export_run_as_many_queries_for_many_rows_as_for_few(client, cast, college, warned,
                                                                                 monkeypatch):
    from zhengai.core import tables

    monkeypatch.setattr(tables, "EXPORT_CHUNK", 4)  # many rows: several chunks, labelled without new queries
    client.force_login(cast.bob)

    def counted(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(URL), query).status_code == 200
        # The session's idle clock is written every 15 s (core.signin): not the page's doing.
        return len([q for q in queries if "django_session" not in q["sql"]])

    few_page, few_export = counted({"sort": "-value"}), counted({"format": "xlsx", "sort": "grade"})
    for key in more_students(college, 30, prefix=""):
        warn(key, "red")
    many_page, many_export = counted({"sort": "-value"}), counted({"format": "xlsx", "sort": "grade"})
    assert (many_page, many_export) == (few_page, few_export)
    assert len(sheet_rows(client.get(reverse(URL), {"format": "xlsx"}))) == 33
