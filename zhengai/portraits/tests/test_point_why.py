"""Why? on every grade of a portrait, and points judged on their own period: an annual point in the
middle of the year, or a term's in the middle of the term, is judged so far (an accruing value at its
pace), never as a failure of the whole period."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.choices import NodeKind, StandardClass
from zhengai.chains.models import Standard, StandardNode, StandardVersion
from zhengai.chains.versions import do_publish_version
from zhengai.datacenter.models import ActivityRecord, Attendance
from zhengai.portraits import portrait


@pytest.fixture
def points(cast, college):
    """A student standard with an annual point on 劳动 hours (合格 8 h a year) and a point on the
    attendance rate judged on every window (the current term, 2026-09-07 … 2027-01-22)."""
    standard = Standard.objects.create(code="XS", name="学生发展标准", level="student", standard_class=StandardClass.STUDENT)
    version = StandardVersion.objects.create(standard=standard, label="v1")
    project = StandardNode.objects.create(version=version, kind=NodeKind.PROJECT, code="1", name="成长")
    labour = StandardNode.objects.create(
        version=version, parent=project, kind=NodeKind.POINT, code="1.1", name="劳动实践", order=1,
        indicator_code="student.activity_hours_labour", period="academic_year",
        qualified=Decimal("8"), good=Decimal("12"), excellent=Decimal("16"), yellow=Decimal("6"))
    attendance = StandardNode.objects.create(
        version=version, parent=project, kind=NodeKind.POINT, code="1.2", name="按时上课", order=2,
        indicator_code="student.attendance_rate", qualified=Decimal("90"), yellow=Decimal("85"))
    do_publish_version(version, date(2026, 9, 1), acting_user=cast.alice)
    return {"labour": labour, "attendance": attendance}


def labour(college, n, hours):
    for i in range(n):
        ActivityRecord.objects.create(code=f"A{n}-{i}", student=college.s_zhang, aspect="labour", title=f"校园劳动 {i + 1}",
                                      hours=Decimal(hours), occurred_on=date(2026, 10, 1 + i))


def test_an_annual_point_mid_year_is_judged_at_its_pace_over_the_academic_year(points, college):
    labour(college, 1, "3")  # 3 h by 2026-11-20: 81 of 365 days gone, so 8 h a year needs 1.78 h by now
    subject = college_subject(college)
    standing = portrait.standing(subject, date(2026, 11, 20), with_peers=False)
    point = next(p for p in standing.points if p.node == points["labour"])
    assert (point.window.code, point.in_progress, point.value) == ("2026-2027", True, 3.0)
    assert point.status == "on_track" and point.met  # not "未达标": the year is not over
    ActivityRecord.objects.all().delete()
    labour(college, 1, "1")
    point = next(p for p in portrait.standing(subject, date(2026, 11, 20), with_peers=False).points if p.node == points["labour"])
    assert point.status == "behind"


def test_a_rate_mid_term_reads_as_so_far_and_the_finished_term_as_met_or_not(points, college):
    for session, status in zip(college.sessions_cnc[:3], ("present", "absent", "present")):
        Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date, status=status)
    subject = college_subject(college)
    point = next(p for p in portrait.standing(subject, date(2026, 11, 20), with_peers=False).points if p.node == points["attendance"])
    assert (point.window.code, round(point.value, 1), point.status) == ("2026-2027-1", 66.7, "below_so_far")
    point = next(p for p in portrait.standing(subject, date(2027, 1, 30), with_peers=False).points if p.node == points["attendance"])
    assert (point.window.code, point.status) == ("2026-2027-1", "unmet")


def college_subject(college):
    from zhengai.datacenter.models import Subject

    return Subject.objects.get(level="student", key="2024001")


def why_url(node, key="2024001"):
    return reverse("portraits:point_why", args=["student", key, node.pk])


def test_the_portrait_links_every_grade_to_its_explanation(client, cast, points, college):
    labour(college, 1, "3")
    client.force_login(cast.carol)
    page = client.get(reverse("portraits:subject", args=["student", "2024001"])).content.decode()
    assert why_url(points["labour"]) in page and why_url(points["attendance"]) in page
    assert "按进度达标" in page and "未达标" not in page  # the annual point mid-year


def test_the_explanation_names_the_window_the_pace_and_the_records(client, cast, points, college):
    labour(college, 2, "1.5")
    client.force_login(cast.carol)
    response = client.get(why_url(points["labour"]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("第二课堂学时（劳）截至 2026-11-20 为 3 小时，按进度此时应达到 1.78 小时：按进度达标", "2026-2027 学年（2026-09-01 至 2027-08-31）", "本期尚未结束：截至 2026-11-20",
                  "按进度此时应达到 1.78 小时（全期合格线 8 小时）", "达到 8 小时 为合格", "校园劳动 1", "2026-10-02",
                  "依据的第二课堂记录"):
        assert shown in page, shown
    assert "student_id" not in page and "datacenter." not in page


def test_the_explanation_is_refused_outside_ones_scope_and_for_a_point_of_another_standard(client, cast, points, college):
    client.force_login(cast.frank)  # 刘五, another student
    assert client.get(why_url(points["labour"])).status_code == 403
    client.force_login(cast.erin)  # 张三 himself
    page = client.get(why_url(points["labour"])).content.decode()
    assert "有疑问可以和辅导员一起核对" in page
    other = Standard.objects.create(code="JS", name="教师标准", level="teacher", standard_class=StandardClass.TEACHER)
    node = StandardNode.objects.create(version=StandardVersion.objects.create(standard=other, label="v1"), kind=NodeKind.POINT,
                                       code="1", name="x", indicator_code="teacher.training_hours")
    assert client.get(why_url(node)).status_code == 404


def test_the_explanation_costs_the_same_number_of_queries_whatever_the_records(client, cast, points, college):
    client.force_login(cast.carol)
    labour(college, 2, "1")
    client.get(why_url(points["labour"]))
    with CaptureQueriesContext(connection) as few:
        client.get(why_url(points["labour"]))
    labour(college, 25, "1")
    with CaptureQueriesContext(connection) as many:
        response = client.get(why_url(points["labour"]))
    assert response.context["why"].facts[0].total == 27
    assert len(many) == len(few)


def test_a_point_read_from_grades_waits_for_the_end_of_the_term(points, college, cast):
    StandardNode.objects.create(version=points["labour"].version, kind=NodeKind.POINT, code="1.3", name="学分", order=3,
                                indicator_code="student.credits_earned_ratio", qualified=Decimal("90"))
    subject = college_subject(college)
    point = next(p for p in portrait.standing(subject, date(2026, 11, 20), with_peers=False).points if p.node.code == "1.3")
    assert (point.value, point.status) == (0.0, "pending")  # enrolled, nothing graded yet: not a failure
    point = next(p for p in portrait.standing(subject, date(2027, 1, 30), with_peers=False).points if p.node.code == "1.3")
    assert point.status == "unmet"
