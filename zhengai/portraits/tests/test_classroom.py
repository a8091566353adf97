"""智能云课堂: a teacher sees each offering they teach with its half-monthly monitoring beside the
standard's line, the students at risk in it over the latest half month (this offering's attendance
and submissions only) and the counsellor to talk to; nobody else's offerings, and a cost that does
not grow with the number of offerings or students."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengai.chains.defaults import install_default_standards
from zhengai.datacenter.models import Assignment, Attendance, ClassSession, Enrolment, Offering, Student, Subject, Submission
from zhengai.datacenter.subjects import sync_subjects
from zhengai.monitoring.choices import Grade
from zhengai.indicators.models import Measurement
from zhengai.monitoring.models import Warning
from zhengai.portraits import classroom


@pytest.fixture
def standards(college):
    install_default_standards()


def mark(session, student, status):
    Attendance.objects.create(session=session, student=student, offering=session.offering, date=session.date, status=status)


def measure(subject, code, window, value, end):
    Measurement.objects.create(subject=subject, level="offering", indicator_code=code, window_code=window, window_end=end, value=value)


def test_a_teacher_sees_half_monthly_monitoring_and_the_students_at_risk_with_their_counsellor(cast, college, standards):
    nov5 = college.sessions_cnc[3]  # the only session of 2026-11H1, the latest half month ended by 2026-11-20
    mark(nov5, college.s_zhang, "absent")
    mark(nov5, college.s_chen, "present")
    mark(college.sessions_cnc[0], college.s_chen, "absent")  # October: not the latest half month
    homework = Assignment.objects.create(offering=college.off_cnc, code="A1", title="作业一", due_date=date(2026, 11, 10))
    Submission.objects.create(assignment=homework, student=college.s_zhang, submitted_at="2026-11-09T10:00:00+08:00")
    subject = Subject.objects.get(level="offering", offering=college.off_cnc)
    measure(subject, "offering.attendance_rate", "2026-10H1", 100.0, date(2026, 10, 15))
    measure(subject, "offering.attendance_rate", "2026-11H1", 50.0, date(2026, 11, 15))
    w = Warning.objects.create(subject=subject, level="offering", indicator_code="offering.attendance_rate", grade=Grade.RED,
                               opened_window="2026-11H1", opened_window_end=date(2026, 11, 15), value=50, threshold=60)

    [m] = classroom.offerings_for(cast.dave)
    assert m.offering == college.off_cnc and m.enrolled == 2
    assert [x.code for x in m.windows] == ["2026-09H1", "2026-09H2", "2026-10H1", "2026-10H2", "2026-11H1"]
    assert m.latest.code == "2026-11H1"
    attendance = m.rows[0]
    assert (attendance.code, attendance.values, attendance.line) == (
        "offering.attendance_rate", [None, None, 100.0, None, 50.0], 85)
    assert attendance.below_line
    assert m.warnings == [w]
    assert m.chart["labels"][-1] == "2026-11H1" and m.chart["line"] == 85.0
    # 张三 missed the one session (0 % is below the red line, 60 %) but handed in the homework;
    # 陈四 attended but submitted none of the one assignment due (0 % is below the 80 % line)
    assert [(r.student.name, r.attendance, r.grade, r.due, r.submitted) for r in m.at_risk] == [
        ("张三", 0.0, "red", 1, 1), ("陈四", 100.0, None, 1, 0)]
    assert m.at_risk[0].reasons == ["本课出勤率 0.0%，低于红色预警线 60%"]
    assert m.at_risk[1].reasons == ["本课作业提交 0/1"]
    assert m.at_risk[0].counsellor == college.t_zhao  # whom to talk to

    # only one's own offerings: the course leader, the counsellor and the students have none here
    for other in (cast.ivan, cast.carol, cast.erin, cast.alice):
        assert classroom.offerings_for(other) == []


def test_the_view_costs_the_same_queries_for_more_offerings_and_students(cast, college, standards):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            result = classroom.offerings_for(cast.dave)
        return len(ctx.captured_queries), result

    mark(college.sessions_cnc[3], college.s_zhang, "absent")
    queries()  # the first call also reads what is cached per process (the indicator library)
    before, _ = queries()
    second = Offering.objects.create(code="2026-2027-1-C002-02", course=college.course_py, term=college.term, teacher=college.t_wang,
                                     admin_class=college.class_soft)
    sync_subjects()
    session = ClassSession.objects.create(offering=second, date=date(2026, 11, 3), period=2)
    for i in range(4):
        s = Student.objects.create(student_no=f"20249{i}", name=f"学生{i}", gender="M", admin_class=college.class_soft,
                                   specialty=college.soft, cohort=2024)
        Enrolment.objects.create(offering=second, student=s)
        mark(session, s, "absent")
    sync_subjects()
    after, result = queries()
    assert after == before, "the classroom view ran a query per offering or student: keep it set-based"
    assert [len(m.at_risk) for m in result] == [1, 4]
