"""Facts added to the tiny college for indicator tests. Every expected value in the tests is worked
out by hand from the rows below (see the comments), never from the code under test."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from zhengai.datacenter.choices import AttendanceStatus as A
from zhengai.datacenter.choices import AwardKind, AwardLevel, Development, EvaluatorKind, LearningVerb
from zhengai.datacenter.models import (
    ActivityRecord,
    Assignment,
    Attendance,
    Award,
    ClassSession,
    Course,
    Enrolment,
    FitnessTest,
    Grade,
    LearningActivity,
    Offering,
    Submission,
    TeachingEvaluation,
)
from zhengai.datacenter.subjects import sync_subjects


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def facts(college):
    c = college
    # A second, 2-credit course of 数控技术 taken by 张三 only: makes the GPA credit-weighted.
    c.course_draw = Course.objects.create(code="C003", name="机械制图", department=c.mech, specialty=c.cnc,
                                          category="foundation", credits=Decimal("2.0"), hours=32, leader=c.t_wang)
    c.off_draw = Offering.objects.create(code="2026-2027-1-C003-01", course=c.course_draw, term=c.term,
                                         teacher=c.t_wang, admin_class=c.class_cnc)
    Enrolment.objects.create(offering=c.off_draw, student=c.s_zhang)
    c.sessions_py = [ClassSession.objects.create(offering=c.off_py, date=d, period=3)
                     for d in (date(2026, 10, 9), date(2026, 10, 16))]

    # Attendance. 数控编程 sessions: 10-08, 10-15, 10-22, 11-05 (2 periods each).
    s1, s2, s3, s4 = c.sessions_cnc
    marks = [
        (c.s_zhang, s1, A.PRESENT), (c.s_zhang, s2, A.LATE), (c.s_zhang, s3, A.ABSENT), (c.s_zhang, s4, A.PRESENT),
        (c.s_chen, s1, A.ABSENT), (c.s_chen, s2, A.ABSENT), (c.s_chen, s3, A.LEAVE), (c.s_chen, s4, A.PRESENT),
        (c.s_liu, c.sessions_py[0], A.PRESENT), (c.s_liu, c.sessions_py[1], A.PRESENT),
    ]
    Attendance.objects.bulk_create([
        Attendance(session=s, student=st, offering=s.offering, date=s.date, status=status, periods=2)
        for st, s, status in marks
    ])

    # Grades of 2026-2027-1, recorded 2027-01-15; 陈四's resit (62, passed) on 2027-02-28.
    def grade(student, offering, score, credits, attempt=1, day=date(2027, 1, 15)):
        Grade.objects.create(student=student, offering=offering, attempt=attempt, score=Decimal(score),
                             passed=Decimal(score) >= 60, credits_earned=Decimal(credits), recorded_on=day)

    grade(c.s_zhang, c.off_cnc, "85", "4")
    grade(c.s_zhang, c.off_draw, "72", "2")
    grade(c.s_chen, c.off_cnc, "55", "0")
    grade(c.s_chen, c.off_cnc, "62", "4", attempt=2, day=date(2027, 2, 28))
    grade(c.s_liu, c.off_py, "92", "3")

    # Assignments: 数控编程 A1 (due 10-10), A2 (10-20), A3 (11-10); Python P1 (10-12).
    a1, a2, a3 = (Assignment.objects.create(offering=c.off_cnc, code=code, title=code, due_date=d)
                  for code, d in (("A1", date(2026, 10, 10)), ("A2", date(2026, 10, 20)), ("A3", date(2026, 11, 10))))
    p1 = Assignment.objects.create(offering=c.off_py, code="P1", title="P1", due_date=date(2026, 10, 12))
    for assignment, student in ((a1, c.s_zhang), (a2, c.s_zhang), (a1, c.s_chen), (p1, c.s_liu), (a3, c.s_zhang)):
        Submission.objects.create(assignment=assignment, student=student, submitted_at=at(assignment.due_date))

    # Online learning: 张三 three events in October (600 s, 1200 s, 0 s), 陈四 one (60 s), 刘五 one (300 s).
    for student, offering, day, seconds in ((c.s_zhang, c.off_cnc, date(2026, 10, 3), 600),
                                            (c.s_zhang, c.off_cnc, date(2026, 10, 12), 1200),
                                            (c.s_zhang, c.off_draw, date(2026, 10, 30), 0),
                                            (c.s_chen, c.off_cnc, date(2026, 10, 5), 60),
                                            (c.s_liu, c.off_py, date(2026, 10, 9), 300)):
        LearningActivity.objects.create(student=student, offering=offering, occurred_at=at(day), date=day,
                                        verb=LearningVerb.VIEWED, activity=f"{offering.code}/video", duration_seconds=seconds)

    # Evaluations (评教): 数控编程 by students 88.5, by the supervisor 90; Python by students 92.
    TeachingEvaluation.objects.create(offering=c.off_cnc, evaluator_kind=EvaluatorKind.STUDENT, score=Decimal("88.5"),
                                      respondents=2, evaluated_on=date(2027, 1, 10))
    TeachingEvaluation.objects.create(offering=c.off_cnc, evaluator_kind=EvaluatorKind.SUPERVISOR, score=Decimal("90"),
                                      respondents=1, evaluated_on=date(2026, 11, 20))
    TeachingEvaluation.objects.create(offering=c.off_py, evaluator_kind=EvaluatorKind.STUDENT, score=Decimal("92"),
                                      respondents=1, evaluated_on=date(2027, 1, 10))

    FitnessTest.objects.create(student=c.s_zhang, year=2026, score=Decimal("80"), tested_on=date(2026, 10, 10))
    FitnessTest.objects.create(student=c.s_chen, year=2026, score=Decimal("70"), tested_on=date(2026, 10, 10))

    for n, (student, aspect, hours, day) in enumerate((
        (c.s_zhang, Development.MORAL, "2", date(2026, 10, 1)),
        (c.s_zhang, Development.LABOUR, "4", date(2026, 10, 3)),
        (c.s_zhang, Development.LABOUR, "1.5", date(2026, 10, 20)),
        (c.s_liu, Development.AESTHETIC, "3", date(2026, 10, 5)),
    )):
        ActivityRecord.objects.create(code=f"ACT{n}", student=student, aspect=aspect, title="活动",
                                      hours=Decimal(hours), occurred_on=day)

    for n, (student, kind, day) in enumerate((
        (c.s_zhang, AwardKind.COMPETITION, date(2026, 10, 18)),
        (c.s_zhang, AwardKind.ONE_PLUS_X, date(2026, 11, 1)),
        (c.s_liu, AwardKind.CERTIFICATE, date(2026, 10, 25)),
    )):
        Award.objects.create(code=f"AW{n}", student=student, kind=kind, name="奖", level=AwardLevel.PROVINCIAL, awarded_on=day)
    sync_subjects()
    return c
