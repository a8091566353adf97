"""The rosters (学生名册 · 教职工名册 · 课程清单): sorted and filtered by the database, the viewer's
scope only, exported with exactly the filtered rows, junk refused, query counts flat."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent
from zhengai.datacenter.models import Course, Staff, Student


def column(response, attribute):
    return [getattr(r, attribute) for r in response.context["table"].rows]


def exported(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_student_roster_sorts_filters_and_keeps_to_the_scope(client, cast, college):
    client.force_login(cast.alice)
    url = reverse("datacenter:students")
    assert column(client.get(url), "student_no") == ["2024001", "2024002", "2024101"]
    assert column(client.get(url, {"sort": "-no"}), "student_no") == ["2024101", "2024002", "2024001"]
    assert column(client.get(url, {"sort": "class"}), "student_no") == ["2024001", "2024002", "2024101"]
    assert column(client.get(url, {"sort": "-class"}), "student_no") == ["2024101", "2024002", "2024001"]
    assert column(client.get(url, {"q": "陈"}), "student_no") == ["2024002"]
    assert column(client.get(url, {"department": college.info.pk}), "student_no") == ["2024101"]
    client.force_login(cast.carol)  # counsellor of 数控2401
    assert column(client.get(url), "student_no") == ["2024001", "2024002"]
    assert [r[0] for r in exported(client.get(url, {"format": "xlsx"}))] == ["学号", "2024001", "2024002"]
    client.force_login(cast.erin)  # a student has no roster
    assert client.get(url).status_code == 403


def test_the_teacher_and_course_rosters_sort_and_filter(client, cast, college):
    client.force_login(cast.alice)
    url = reverse("datacenter:teachers")
    assert column(client.get(url, {"sort": "title"}), "staff_no")[:2] == ["T002", "T001"]  # 副教授 before 讲师
    assert column(client.get(url, {"teacher": "0"}), "staff_no") == ["T003", "T004"]
    assert column(client.get(url, {"dual": "1"}), "staff_no") == ["T001"]
    client.force_login(cast.bob)  # head of 机械工程学院
    assert column(client.get(url), "staff_no") == ["T001", "T003"]
    url = reverse("datacenter:courses")
    assert column(client.get(url), "code") == ["C001"]
    client.force_login(cast.alice)
    assert column(client.get(url, {"sort": "-credits"}), "code") == ["C001", "C002"]
    assert column(client.get(url, {"sort": "credits"}), "code") == ["C002", "C001"]
    assert column(client.get(url, {"q": "python"}), "code") == ["C002"]


def test_the_course_export_holds_the_filtered_rows_neutralised_and_is_audited(client, cast, college):
    for i in range(3):
        Course.objects.create(code=f"C1{i}", name=f"=1+{i}", department=college.mech, category="core",
                              credits=Decimal("2.0"), hours=32)
    client.force_login(cast.alice)
    response = client.get(reverse("datacenter:courses"), {"department": college.mech.pk, "format": "xlsx"})
    rows = exported(response)
    assert rows[0] == ("课程代码", "课程名称", "开课部门", "所属专业", "课程类别", "学分", "学时", "课程负责人")
    assert [r[:2] for r in rows[1:]] == [("C001", "数控编程"), ("C10", "'=1+0"), ("C11", "'=1+1"), ("C12", "'=1+2")]
    [event] = AuditEvent.objects.filter(kind=AuditKind.EXPORTED)
    assert event.detail["rows"] == 4 and event.detail["view"] == "datacenter:courses"


@pytest.mark.parametrize("name,query", [("datacenter:students", {"sort": "gender"}), ("datacenter:students", {"cohort": "1999"}),
                                        ("datacenter:teachers", {"title": "king"}), ("datacenter:courses", {"sort": "-x"})])
def test_junk_is_a_400(client, cast, college, name, query):
    client.force_login(cast.alice)
    assert client.get(reverse(name), query).status_code == 400


@pytest.mark.parametrize("name", ["datacenter:students", "datacenter:teachers", "datacenter:courses"])
def test_page_and_export_queries_do_not_grow_with_the_rows(client, cast, college, name):
    client.force_login(cast.bob)

    def counted(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), query).status_code == 200
        # The session's idle clock is written every 15 s (core.signin): not the page's doing.
        return len([q for q in queries if "django_session" not in q["sql"]])

    few = (counted({"sort": "-name"}), counted({"format": "xlsx"}))
    for i in range(30):
        Student.objects.create(student_no=f"2024{600 + i}", name=f"学生{i}", gender="M", admin_class=college.class_cnc,
                               specialty=college.cnc, cohort=2023 + i % 2)
        Staff.objects.create(staff_no=f"T9{i:02d}", name=f"教师{i}", gender="F", department=college.mech)
        Course.objects.create(code=f"C9{i:02d}", name=f"课程{i}", department=college.mech, specialty=college.cnc,
                              category="core", credits=Decimal("2.0"), hours=32, leader=college.t_wang)
    assert (counted({"sort": "-name"}), counted({"format": "xlsx"})) == few
