"""A student's page is reachable only inside the viewer's scope."""

from django.urls import reverse

from zhengai.datacenter.models import Attendance


def page(student_no):
    return reverse("portraits:student", args=[student_no])


def test_it_shows_a_student_their_own_page_with_courses_and_attendance(client, cast, college):
    session = college.sessions_cnc[3]
    Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date, status="present")
    client.force_login(cast.erin)
    response = client.get(page("2024001"))
    assert response.status_code == 200
    assert [e.offering.course.name for e in response.context["courses"]] == ["数控编程"]
    assert response.context["attendance"]["labels"] == ["2026-11"]


def test_it_refuses_another_students_page(client, cast, college):
    client.force_login(cast.erin)
    assert client.get(page("2024002")).status_code == 403  # same class, another student
    assert client.get(page("2024101")).status_code == 403
    assert client.get(page("9999999")).status_code == 404  # one that does not exist


def test_it_lets_a_counsellor_open_their_class_only(client, cast, college):
    client.force_login(cast.carol)
    assert client.get(page("2024002")).status_code == 200
    assert client.get(page("2024101")).status_code == 403


def test_it_lists_a_counsellors_class_with_each_students_attendance(client, cast, college):
    from datetime import date

    from zhengai.datacenter.models import ClassSession

    s = college.sessions_cnc  # 10-08, 10-15, 10-22, 11-05
    def mark(session, student, status):
        Attendance.objects.create(session=session, student=student, offering=college.off_cnc, date=session.date, status=status)
    mark(s[0], college.s_zhang, "absent")
    mark(s[3], college.s_zhang, "present")
    mark(s[3], college.s_chen, "absent")
    extra = ClassSession.objects.create(offering=college.off_cnc, date=date(2026, 11, 12), period=3)
    mark(extra, college.s_chen, "late")
    client.force_login(cast.carol)
    response = client.get(reverse("portraits:admin_class", args=["CNC2401"]))
    assert response.status_code == 200
    rows = {r["student"].student_no: (r["month_rate"], r["term_rate"], r["term_records"]) for r in response.context["rows"]}
    # 张三: November 1 of 1 attended, term 1 of 2; 陈四: November 1 of 2, term the same
    assert rows == {"2024001": (100.0, 50.0, 2), "2024002": (50.0, 50.0, 2)}
    assert reverse("portraits:student", args=["2024002"]) in response.content.decode()


def test_it_keeps_classes_outside_ones_scope_out_of_reach(client, cast, college):
    url = reverse("portraits:admin_class", args=["SW2401"])
    for who in (cast.carol, cast.erin, cast.dave, cast.bob):
        client.force_login(who)
        assert client.get(url).status_code == 404
    client.force_login(cast.alice)
    assert client.get(url).status_code == 200


def test_it_costs_the_same_queries_for_a_larger_class(client, cast, college):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengai.datacenter.choices import Gender
    from zhengai.datacenter.models import Student
    from zhengai.datacenter.subjects import sync_subjects

    url = reverse("portraits:admin_class", args=["CNC2401"])

    def count():
        client.force_login(type(cast.carol).objects.get(pk=cast.carol.pk))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    session = college.sessions_cnc[3]
    more = Student.objects.bulk_create(
        Student(student_no=f"2024{i:03d}X", name=f"新生{i}", gender=Gender.MALE, admin_class=college.class_cnc, specialty=college.cnc, cohort=2024)
        for i in range(20)
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, student=s, offering=college.off_cnc, date=session.date, status="present") for s in more
    )
    sync_subjects()  # as an import does: the new students are subjects the indicator reports on
    # session, user, roles, staff and student look-ups, the class, the term, students, their subjects,
    # the indicator this month and this term, the records, the breadcrumbs (specialty, ancestors, scope)
    assert count() == small <= 16


def test_it_redirects_the_old_data_center_addresses_to_the_portraits(client, cast, college):
    client.force_login(cast.erin)
    response = client.get("/datacenter/students/2024001/")
    assert (response.status_code, response["Location"]) == (301, page("2024001"))
    response = client.get("/datacenter/classes/CNC2401/")
    assert (response.status_code, response["Location"]) == (301, reverse("portraits:admin_class", args=["CNC2401"]))
