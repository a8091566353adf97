"""The portrait of a subject of every level: against its standard, its trends, warnings, goals and
records; inside the viewer's scope only; at a cost that does not grow with the college."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.choices import NodeKind, StandardClass
from zhengai.chains.models import Standard, StandardNode, StandardVersion
from zhengai.chains.versions import do_publish_version
from zhengai.datacenter.choices import Gender, Level
from zhengai.datacenter.models import Attendance, ClassSession, Grade, Student, Subject
from zhengai.datacenter.subjects import sync_subjects
from zhengai.indicators.models import Measurement
from zhengai.monitoring.models import Warning
from zhengai.portraits.portrait import score

KEYS = {
    Level.SCHOOL: "school", Level.DEPARTMENT: "D01", Level.SPECIALTY: "460103", Level.COURSE: "C001",
    Level.OFFERING: "2026-2027-1-C001-01", Level.TEACHER: "T001", Level.STUDENT: "2024001",
}


def url(level, key=None):
    return reverse("portraits:subject", args=[level, key or KEYS[level]])


def student_standard(cast):
    """A student standard of three 诊断项目, each with one point bound to an indicator."""
    standard = Standard.objects.create(code="XS", name="学生发展标准", level=Level.STUDENT, standard_class=StandardClass.STUDENT)
    version = StandardVersion.objects.create(standard=standard, label="v1")
    for n, (project, code, qualified, good, excellent) in enumerate([
        ("学业", "student.attendance_rate", "80", "90", "95"),
        ("作业", "student.assignment_submission_rate", "80", "90", "100"),
        ("成绩", "student.average_score", "60", "75", "90"),
    ], start=1):
        p = StandardNode.objects.create(version=version, kind=NodeKind.PROJECT, code=str(n), name=project, order=n)
        e = StandardNode.objects.create(version=version, parent=p, kind=NodeKind.ELEMENT, code=f"{n}.1", name=project, order=n)
        StandardNode.objects.create(
            version=version, parent=e, kind=NodeKind.POINT, code=f"{n}.1.1", name=project, indicator_code=code, order=n,
            qualified=Decimal(qualified), good=Decimal(good), excellent=Decimal(excellent), yellow=Decimal(qualified) - 5,
        )
    do_publish_version(version, date(2026, 9, 1), acting_user=cast.alice)
    return version


def attend(college, student, statuses):
    for session, status in zip(college.sessions_cnc, statuses):
        Attendance.objects.create(session=session, student=student, offering=college.off_cnc, date=session.date, status=status)


def test_it_scores_a_value_on_the_standards_scale():
    node = StandardNode(qualified=Decimal("80"), good=Decimal("90"), excellent=Decimal("95"), direction="higher")
    assert [score(v, node) for v in (40, 80, 85, 90, 95, 100)] == [30.0, 60.0, 70.0, 80.0, 100.0, 100.0]
    lower = StandardNode(qualified=Decimal("4"), good=Decimal("2"), excellent=Decimal("0"), direction="lower")
    assert [score(v, lower) for v in (8, 4, 2, 0)] == [30.0, 60.0, 80.0, 100.0]
    assert score(None, node) is None and score(50, StandardNode(direction="higher")) is None


@pytest.mark.parametrize("level", list(KEYS))
def test_it_opens_a_portrait_of_every_level_for_the_quality_office(client, cast, college, level):
    client.force_login(cast.alice)
    response = client.get(url(level))
    assert response.status_code == 200, level
    assert response.context["subject"].level == level
    crumbs = response.context["breadcrumbs"]
    assert crumbs[-1] == (response.context["subject"].name, None)
    if level != Level.SCHOOL:  # every portrait below the school leads back up to it
        assert crumbs[0][1] == url(Level.SCHOOL)


def test_it_links_each_level_down_to_the_next(client, cast, college):
    client.force_login(cast.alice)
    school = client.get(url(Level.SCHOOL)).content.decode()
    assert url(Level.DEPARTMENT) in school
    department = client.get(url(Level.DEPARTMENT)).content.decode()
    assert url(Level.SPECIALTY) in department and url(Level.COURSE) in department and url(Level.TEACHER) in department
    assert reverse("portraits:admin_class", args=["CNC2401"]) in client.get(url(Level.SPECIALTY)).content.decode()
    assert url(Level.OFFERING) in client.get(url(Level.COURSE)).content.decode()


def test_it_refuses_a_portrait_outside_ones_scope(client, cast, college):
    client.force_login(cast.erin)
    assert client.get(url(Level.STUDENT)).status_code == 200
    assert client.get(url(Level.STUDENT, "2024002")).status_code == 403  # a classmate
    assert client.get(url(Level.SCHOOL)).status_code == 403
    assert client.get(url(Level.STUDENT, "9999999")).status_code == 404
    assert client.get(reverse("portraits:subject", args=["planet", "x"])).status_code == 404
    client.force_login(cast.bob)  # head of 机械工程学院
    assert client.get(url(Level.DEPARTMENT)).status_code == 200
    assert client.get(url(Level.DEPARTMENT, "D02")).status_code == 403
    assert client.get(url(Level.STUDENT, "2024101")).status_code == 403


def test_it_shows_the_subject_against_its_standard_with_last_cycle_and_peers_for_staff(client, cast, college):
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "present", "absent", "late"])  # 75 %
    attend(college, college.s_chen, ["present", "present", "present", "present"])  # 100 %
    client.force_login(cast.carol)  # the class's counsellor
    response = client.get(url(Level.STUDENT))
    standing = response.context["standing"]
    [attendance] = [p for p in standing.points if p.node.indicator_code == "student.attendance_rate"]
    assert (attendance.value, attendance.peers, attendance.met) == (75.0, 100.0, False)
    names = [s["name"] for s in standing.radar["series"]]
    assert names == ["本周期", "标准合格线", "上一周期", "同类平均"]
    assert [i["name"] for i in standing.radar["indicators"]] == ["学业", "作业", "成绩"]
    assert standing.radar["series"][0]["value"][0] == 56.2  # 75 of a 80 line: 60 × 75 / 80
    assert standing.radar["series"][3]["value"][0] == 100.0
    assert "同类平均" in response.content.decode()


def test_it_shows_a_student_themself_against_the_standard_and_their_past_never_their_classmates(client, cast, college):
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "present", "absent", "late"])
    attend(college, college.s_chen, ["present", "present", "present", "present"])
    client.force_login(cast.erin)
    response = client.get(url(Level.STUDENT))
    page = response.content.decode()
    assert response.context["own"] and not response.context["with_peers"]
    assert [s["name"] for s in response.context["standing"].radar["series"]] == ["本周期", "标准合格线", "上一周期"]
    assert all(p.peers is None for p in response.context["standing"].points)
    assert "同类平均" not in page and "未达标" not in page and "还可以更好" in page
    assert "这是你的成长画像" in page


def test_no_sensitive_attribute_changes_a_score(client, cast, college):
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "absent", "present", "present"])
    client.force_login(cast.carol)

    def radar():
        return client.get(url(Level.STUDENT)).context["standing"].radar

    before = radar()
    Student.objects.filter(pk=college.s_zhang.pk).update(gender=Gender.FEMALE)
    assert radar() == before


def test_it_draws_the_trend_of_a_key_indicator_with_its_warning_lines(client, cast, college):
    student_standard(cast)
    subject = Subject.objects.get(level=Level.STUDENT, key="2024001")
    for month, value in (("2026-09", 92.0), ("2026-10", 81.5)):
        Measurement.objects.create(subject=subject, level=Level.STUDENT, indicator_code="student.attendance_rate",
                                   window_code=month, window_end=date(2026, int(month[-2:]), 28), value=value)
    client.force_login(cast.carol)
    [trend] = [t for t in client.get(url(Level.STUDENT)).context["trends"] if t["code"] == "student.attendance_rate"]
    assert trend["chart"]["labels"] == ["2026-09", "2026-10"] and trend["chart"]["values"] == [92.0, 81.5]
    assert {line["value"] for line in trend["chart"]["lines"]} == {75.0, 80.0}  # yellow and 合格


def test_it_lists_open_warnings_and_a_students_records(client, cast, college):
    subject = Subject.objects.get(level=Level.STUDENT, key="2024001")
    Warning.objects.create(subject=subject, level=Level.STUDENT, indicator_code="student.attendance_rate", grade="orange",
                           value=70.0, threshold=75.0, measure_text="每周谈心")
    Grade.objects.create(student=college.s_zhang, offering=college.off_cnc, score=Decimal("88"), passed=True,
                         credits_earned=Decimal("4"), recorded_on=date(2026, 11, 1))
    client.force_login(cast.carol)
    response = client.get(url(Level.STUDENT))
    [warning] = response.context["warnings"]["active"]
    assert warning.indicator_name == "出勤率"
    assert [g.offering.course.name for g in response.context["records"]["grades"]] == ["数控编程"]
    page = response.content.decode()
    assert "每周谈心" in page and "数控编程" in page


def test_it_lists_a_teachers_teaching_training_practice_and_research(client, cast, college):
    client.force_login(cast.dave)
    response = client.get(url(Level.TEACHER))
    assert response.status_code == 200
    assert [o.code for o in response.context["records"]["teaching"]] == ["2026-2027-1-C001-01"]
    assert set(response.context["records"]) == {"teaching", "training", "practice", "research"}


# --- cost -------------------------------------------------------------------------------------------------


def grow(college, n):
    """More students in 数控2401 with attendance, and more sessions."""
    more = Student.objects.bulk_create(
        Student(student_no=f"2024{i:03d}G", name=f"新生{i}", gender=Gender.MALE, admin_class=college.class_cnc,
                specialty=college.cnc, cohort=2024) for i in range(n))
    sessions = [ClassSession.objects.create(offering=college.off_cnc, date=date(2026, 11, d), period=2) for d in (2, 3, 4)]
    Attendance.objects.bulk_create(Attendance(session=s, student=st, offering=college.off_cnc, date=s.date, status="present")
                                   for s in sessions for st in more)
    sync_subjects()


def queries(client, user, address):
    client.force_login(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


@pytest.mark.parametrize("level", [Level.STUDENT, Level.SPECIALTY, Level.DEPARTMENT, Level.SCHOOL, Level.OFFERING])
def test_it_keeps_a_portraits_queries_the_same_as_the_college_grows(client, cast, college, level):
    student_standard(cast)
    small = queries(client, cast.alice, url(level))
    grow(college, 30)
    large = queries(client, cast.alice, url(level))
    assert large == small, f"{level}: {small} queries, then {large}"
    assert small <= 45
