"""The role-aware home page: each role sees its own figures, through the scope gate, at a cost that
does not grow with the college."""

from datetime import date

import pytest
from django.urls import reverse

from zhengai.datacenter.models import AdminClass, Attendance, ClassSession, Enrolment, Offering, Staff, Student
from zhengai.datacenter.choices import Gender
from zhengai.datacenter.subjects import sync_subjects


def get_home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def mark(college, session, student, status):
    return Attendance.objects.create(session=session, student=student, offering=session.offering, date=session.date, status=status)


def test_it_shows_the_quality_office_school_figures_and_students_by_department(client, cast, college):
    context = get_home(client, cast.alice).context
    overview = context["overview"]
    assert dict(overview["counts"])["在读学生"] == 3
    assert dict(overview["counts"])["专任教师"] == 2  # 王老师 and 李老师; the counsellors are not teachers
    assert overview["departments"] == 3
    # 机械工程学院 has 张三 and 陈四, 信息工程学院 has 刘五
    assert overview["chart"] == {"labels": ["机械工程学院", "信息工程学院"], "values": [2, 1]}
    assert "teaching" not in context["sections"] and "student" not in context["sections"]


def test_it_shows_a_department_head_only_their_department_by_specialty(client, cast, college):
    overview = get_home(client, cast.bob).context["overview"]
    assert dict(overview["counts"])["在读学生"] == 2
    assert dict(overview["counts"])["专任教师"] == 1  # 王老师
    assert overview["chart"] == {"labels": ["数控技术"], "values": [2]}
    assert overview["departments"] is None


def test_it_shows_a_counsellor_their_classes_with_this_months_attendance(client, cast, college):
    october, nov5 = college.sessions_cnc[0], college.sessions_cnc[3]
    mark(college, october, college.s_zhang, "absent")  # October: not this month (demo date 2026-11-20)
    mark(college, nov5, college.s_zhang, "present")
    mark(college, nov5, college.s_chen, "late")
    extra = ClassSession.objects.create(offering=college.off_cnc, date=date(2026, 11, 12), period=3)
    mark(college, extra, college.s_zhang, "absent")
    mark(college, extra, college.s_chen, "leave")
    response = get_home(client, cast.carol)
    rows = response.context["classes"]
    assert [r["class"].name for r in rows] == ["数控2401"]
    # November: present + late attended out of 4 records
    assert rows[0]["students"] == 2 and rows[0]["records"] == 4 and rows[0]["rate"] == 50.0
    assert "50.0%" in response.content.decode()


def test_it_shows_a_teacher_their_offerings_this_term(client, cast, college):
    session = college.sessions_cnc[0]
    mark(college, session, college.s_zhang, "present")
    mark(college, session, college.s_chen, "absent")
    mark(college, college.sessions_cnc[1], college.s_zhang, "present")
    rows = get_home(client, cast.dave).context["teaching"]
    assert [(r["offering"].code, r["enrolled"], r["rate"]) for r in rows] == [
        ("2026-2027-1-C001-01", 2, 66.7)
    ]


def test_it_shows_a_student_their_courses_and_attendance_by_month(client, cast, college):
    s = college.sessions_cnc
    mark(college, s[0], college.s_zhang, "present")
    mark(college, s[1], college.s_zhang, "absent")
    mark(college, s[3], college.s_zhang, "late")
    mark(college, s[0], college.s_chen, "absent")  # another student's record never counts
    response = get_home(client, cast.erin)
    context = response.context
    assert [e.offering.course.name for e in context["my_courses"]] == ["数控编程"]
    assert context["my_attendance"]["labels"] == ["2026-10", "2026-11"]
    assert context["my_attendance"]["series"][0]["values"] == [50.0, 100.0]
    assert "overview" not in context["sections"]
    assert "机械工程学院" not in response.content.decode()  # no school figures for students


def test_it_tells_an_account_without_roles_to_ask_the_quality_office(client, db):
    from zhengai.org.models import User

    response = get_home(client, User.objects.create_user("nobody", password="x"))
    assert "尚未被授予角色" in response.content.decode()


# --- cost: the home page's queries do not grow with the college ---------------------------------------


def grow(college, classes: int, students_per_class: int):
    """Make the tiny college bigger: more classes (all with counsellor 赵), students, offerings of
    王老师 with enrolments and attendance — everything the home sections read."""
    term = college.term
    made_students = []
    for k in range(classes):
        klass = AdminClass.objects.create(code=f"X{k:03d}", name=f"扩充{k}班", specialty=college.cnc, cohort=2025, counsellor=college.t_zhao)
        offering = Offering.objects.create(code=f"{term.code}-C001-X{k:03d}", course=college.course_cnc, term=term, teacher=college.t_wang, admin_class=klass)
        session = ClassSession.objects.create(offering=offering, date=date(2026, 11, 10), period=1)
        students = Student.objects.bulk_create(
            Student(student_no=f"25{k:03d}{i:03d}", name=f"学生{k}-{i}", gender=Gender.MALE, admin_class=klass, specialty=college.cnc, cohort=2025)
            for i in range(students_per_class)
        )
        Enrolment.objects.bulk_create(Enrolment(offering=offering, student=s) for s in students)
        Attendance.objects.bulk_create(
            Attendance(session=session, student=s, offering=offering, date=session.date, status="present") for s in students
        )
        made_students.extend(students)
    Staff.objects.bulk_create(Staff(staff_no=f"TX{k:03d}", name=f"教师{k}", gender=Gender.MALE, department=college.info) for k in range(classes))
    # the student erin also gets attendance in more months
    for day in (date(2026, 9, 14), date(2026, 9, 21)):
        session = ClassSession.objects.create(offering=college.off_cnc, date=day, period=1)
        mark(college, session, college.s_zhang, "present")
    sync_subjects()  # as an import does
    return made_students


def home_queries(client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


ROLES = ["alice", "grace", "bob", "heidi", "ivan", "dave", "carol", "erin"]


@pytest.mark.parametrize("who", ROLES)
def test_it_keeps_the_home_page_queries_the_same_for_a_larger_college(client, cast, college, who):
    user = getattr(cast, who)
    small = home_queries(client, user)
    grow(college, classes=6, students_per_class=12)
    # A fresh user object: role and person caches live on the instance.
    large = home_queries(client, type(user).objects.get(pk=user.pk))
    assert large == small, f"{who}: {small} queries for the tiny college, {large} for the larger one"
    # session, user, roles, staff/student person, current term, then each section's fixed queries
    # (overview 5, classes 2, offerings 3, student 2); panels of later apps add their own few.
    assert small <= 40  # the scope panels (warnings, cycles, key indicators) add a fixed few
