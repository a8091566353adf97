"""A student's page is reachable only inside the viewer's scope."""

from django.urls import reverse

from zhengai.datacenter.models import Attendance


def page(student_no):
    return reverse("datacenter:student", args=[student_no])


def test_it_shows_a_student_their_own_page_with_courses_and_attendance(client, cast, college):
    session = college.sessions_cnc[3]
    Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date, status="present")
    client.force_login(cast.erin)
    response = client.get(page("2024001"))
    assert response.status_code == 200
    assert [e.offering.course.name for e in response.context["courses"]] == ["数控编程"]
    assert response.context["attendance"]["labels"] == ["2026-11"]


def test_it_answers_not_found_for_another_students_page(client, cast, college):
    client.force_login(cast.erin)
    assert client.get(page("2024002")).status_code == 404  # same class, another student
    assert client.get(page("2024101")).status_code == 404
    assert client.get(page("9999999")).status_code == 404  # and the same for one that does not exist


def test_it_lets_a_counsellor_open_their_class_only(client, cast, college):
    client.force_login(cast.carol)
    assert client.get(page("2024002")).status_code == 200
    assert client.get(page("2024101")).status_code == 404
