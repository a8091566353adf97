"""The data quality page: freshness per source, completeness of key fields, reject rates, unresolved
xAPI actors — computed set-based, scoped, and exported."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from zhengai.datacenter.choices import BatchStatus, Title
from zhengai.datacenter.models import ImportBatch, SourceSystem, Staff, Student
from zhengai.intake.quality import build_report, freshness, reject_rates


def batch(source, days_ago, status=BatchStatus.SUCCEEDED, read=10, rejected=0, now=None):
    now = now or timezone.now()
    when = now - timedelta(days=days_ago)
    b = ImportBatch.objects.create(
        source=source, table="students", status=status, started_at=when, finished_at=when,
        rows_read=read, rows_rejected=rejected,
    )
    ImportBatch.objects.filter(pk=b.pk).update(created_at=when)  # auto_now_add cannot be set on create
    return b


def test_it_grades_freshness_against_the_expected_cadence():
    now = timezone.now()
    assert freshness(None, 7, now) == "never"
    assert freshness(now - timedelta(days=6, hours=23), 7, now) == "fresh"
    assert freshness(now - timedelta(days=7, hours=1), 7, now) == "late"


@pytest.mark.django_db
def test_it_shows_each_source_with_its_last_successful_import_and_freshness(cast):
    now = timezone.now()
    jw = SourceSystem.objects.get(code="jw")  # the college's 教务系统, cadence 7 days
    rs = SourceSystem.objects.create(code="rs", name="人事系统", kind="database", expected_cadence_days=30)
    SourceSystem.objects.create(code="ky", name="科研系统", kind="api")
    batch(jw, days_ago=2, now=now)
    batch(jw, days_ago=1, status=BatchStatus.FAILED, now=now)  # a later failure is not a success
    batch(rs, days_ago=45, now=now)

    report = build_report(cast.alice, now=now)

    by_code = {r.source.code: r for r in report.sources}
    assert by_code["jw"].freshness == "fresh" and by_code["jw"].age_days == 2 and by_code["jw"].batches == 2
    assert by_code["rs"].freshness == "late" and by_code["rs"].age_days == 45
    assert by_code["ky"].freshness == "never" and by_code["ky"].last_success is None


@pytest.mark.django_db
def test_it_measures_completeness_of_key_fields_within_the_users_scope(cast, college):
    Student.objects.filter(pk=college.s_zhang.pk).update(email="zhang@example.edu.cn")
    Student.objects.filter(pk=college.s_liu.pk).update(email="liu@example.edu.cn")
    Staff.objects.filter(pk=college.t_zhao.pk).update(title=Title.ASSISTANT)

    everyone = {(c.table, c.field): (c.filled, c.total) for c in build_report(cast.alice).completeness}
    mechanical = {(c.table, c.field): (c.filled, c.total) for c in build_report(cast.bob).completeness}

    # Students: 张三 and 刘五 have e-mail, 陈四 not; 张三 and 刘五 have accounts from the cast.
    assert everyone[("students", "email")] == (2, 3)
    assert everyone[("students", "user")] == (2, 3)
    # Staff titles: 王 讲师, 李 副教授, 赵 助教 now, 钱 still 无 (the default, so not filled in).
    assert everyone[("staff", "title")] == (3, 4)
    # bob heads 机械工程学院: 张三 and 陈四, 王老师 and 赵辅导员.
    assert mechanical[("students", "email")] == (1, 2)
    assert mechanical[("staff", "title")] == (2, 2)


@pytest.mark.django_db
def test_it_charts_reject_rates_per_source_and_week(college):
    now = timezone.now()
    jw = college.source
    rs = SourceSystem.objects.create(code="rs", name="人事系统", kind="database")
    batch(jw, days_ago=0, read=100, rejected=5, now=now)
    batch(jw, days_ago=0, read=100, rejected=15, now=now)
    batch(jw, days_ago=21, read=50, rejected=50, status=BatchStatus.REFUSED, now=now)
    batch(rs, days_ago=7, read=40, rejected=0, now=now)
    batch(rs, days_ago=7, read=40, rejected=40, status=BatchStatus.UNDONE, now=now)  # undone: not counted
    batch(rs, days_ago=200, read=10, rejected=10, now=now)  # long ago: outside the chart

    weeks, series = reject_rates(now, weeks=12)

    assert len(weeks) == 12 and weeks[-1] <= timezone.localdate(now) < weeks[-1] + timedelta(days=7)
    by_code = {s["code"]: s for s in series}
    assert by_code["jw"]["values"][-1] == 10.0  # (5 + 15) / 200
    assert by_code["jw"]["values"][-4] == 100.0
    assert by_code["jw"]["values"][-2] is None  # no import that week: a gap, not 0
    assert by_code["rs"]["values"][-2] == 0.0
    assert (by_code["jw"]["read"], by_code["jw"]["rejected"]) == (250, 70)


@pytest.mark.django_db
def test_it_computes_the_report_in_the_same_number_of_queries_whatever_the_data(cast, college, django_assert_num_queries):
    cast.alice.refresh_from_db()  # a fresh user object: its roles are looked up once inside
    # 1 roles of the user + 2 person look-ups (staff? student?) for its scope, 1 sources with their
    # last success, 6 completeness aggregates (one per table), 1 reject rates, 1 the LRS's unresolved
    # actors = 12. A new query here must not be one per source, table or row.
    with django_assert_num_queries(12):
        build_report(cast.alice)

    for i in range(30):
        SourceSystem.objects.create(code=f"s{i}", name=f"系统{i}", kind="file")
        batch(college.source, days_ago=i, read=10 + i, rejected=i)
    Student.objects.bulk_create(
        Student(student_no=f"X{i}", name="某", gender="M", admin_class=college.class_cnc, specialty=college.cnc, cohort=2024)
        for i in range(200)
    )
    alice = type(cast.alice).objects.get(pk=cast.alice.pk)
    with django_assert_num_queries(12):
        report = build_report(alice)
    assert len(report.sources) == 31


@pytest.mark.django_db
def test_it_serves_the_page_and_the_xlsx_to_the_quality_office_only(client, cast, college):
    batch(college.source, days_ago=1, read=20, rejected=2)
    client.force_login(cast.alice)

    page = client.get("/intake/quality/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "数据质量" in text and "教务系统" in text and "新鲜" in text and 'id="reject-rates-data"' in text

    download = client.get("/intake/quality.xlsx")
    assert download.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(download.content), read_only=True)
    assert book.sheetnames == ["来源系统", "字段完整性", "拒绝率（%）"]
    sources = list(book["来源系统"].iter_rows(values_only=True))
    assert sources[1][0] == "jw" and sources[1][5] == "新鲜"

    client.force_login(cast.erin)
    assert client.get("/intake/quality/").status_code == 403
    assert client.get("/intake/quality.xlsx").status_code == 403


@pytest.mark.django_db
def test_it_counts_unresolved_xapi_actors_per_source(client, cast, college):
    import base64
    import json

    from zhengai.intake.sources import do_add_source

    lms, issued = do_add_source("lms", "xapi", title="智能云课堂")
    auth = "Basic " + base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()

    def statement(actor):
        return {"actor": {"objectType": "Agent", **actor},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-CN": "完成"}},
                "object": {"objectType": "Activity", "id": "http://example.edu.cn/activities/cnc-1"}}

    statements = [
        statement({"account": {"homePage": "http://example.edu.cn", "name": "2024001"}}),  # 张三: known
        statement({"mbox": "mailto:ghost@example.com"}),
        statement({"mbox": "mailto:ghost@example.com"}),  # the same unknown actor again
        statement({"account": {"homePage": "http://example.edu.cn", "name": "9999999"}}),
    ]
    response = client.post("/xapi/statements", data=json.dumps(statements), content_type="application/json",
                           HTTP_AUTHORIZATION=auth, HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 200, response.content

    report = build_report(cast.alice)

    assert {r.source.code: r.unresolved_actors for r in report.sources} == {"jw": 0, "lms": 2}
    assert report.unresolved_total == 2


@pytest.mark.django_db
def test_the_page_takes_as_many_queries_for_a_big_college_as_for_a_tiny_one(client, cast, college):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.alice)
    client.get("/intake/quality/")  # warm: session and menu caches
    with CaptureQueriesContext(connection) as small:
        assert client.get("/intake/quality/").status_code == 200

    for i in range(20):
        SourceSystem.objects.create(code=f"s{i}", name=f"系统{i}", kind="file")
        batch(college.source, days_ago=i * 3, read=100, rejected=i)
    Student.objects.bulk_create(
        Student(student_no=f"Y{i}", name="某", gender="F", admin_class=college.class_soft, specialty=college.soft, cohort=2024)
        for i in range(300)
    )
    with CaptureQueriesContext(connection) as big:
        assert client.get("/intake/quality/").status_code == 200

    # The session, the account and its roles, the menu, and the report's twelve: none per row.
    assert len(big.captured_queries) == len(small.captured_queries), [q["sql"][:120] for q in big.captured_queries]
