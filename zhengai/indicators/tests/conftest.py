"""Facts added to the tiny college for indicator tests. Every expected value in the tests is worked
out by hand from the rows below (see the comments), never from the code under test."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from zhengai.datacenter.choices import AttendanceStatus as A
from zhengai.datacenter.choices import (
    AwardKind,
    AwardLevel,
    Development,
    EmploymentStatus,
    EvaluatorKind,
    Gender,
    LearningVerb,
    ResearchKind,
    StudentStatus,
    Title,
)
from zhengai.datacenter.models import (
    ActivityRecord,
    Admission,
    Employment,
    EnrolmentPlan,
    EnterprisePractice,
    ResearchOutput,
    Staff,
    Student,
    TrainingRecord,
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
    # Learning objects: 数控编程 cnc/video1 and cnc/quiz1, 机械制图 draw/video1, Python py/video1.
    for student, offering, day, seconds, thing in ((c.s_zhang, c.off_cnc, date(2026, 10, 3), 600, "cnc/video1"),
                                                   (c.s_zhang, c.off_cnc, date(2026, 10, 12), 1200, "cnc/quiz1"),
                                                   (c.s_zhang, c.off_draw, date(2026, 10, 30), 0, "draw/video1"),
                                                   (c.s_chen, c.off_cnc, date(2026, 10, 5), 60, "cnc/video1"),
                                                   (c.s_liu, c.off_py, date(2026, 10, 9), 300, "py/video1")):
        LearningActivity.objects.create(student=student, offering=offering, occurred_at=at(day), date=day,
                                        verb=LearningVerb.VIEWED, activity=thing, duration_seconds=seconds)

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
    # Staff. A second 机械 teacher 孙老师: not 双师型, no classes, no training.
    c.t_sun = Staff.objects.create(staff_no="T005", name="孙老师", gender=Gender.MALE, department=c.mech, title=Title.ASSISTANT)
    for n, (staff, kind, day) in enumerate(((c.t_wang, ResearchKind.PAPER, date(2026, 5, 10)),
                                            (c.t_wang, ResearchKind.PATENT, date(2026, 10, 20)),
                                            (c.t_li, ResearchKind.PROJECT, date(2025, 12, 1)),
                                            (c.t_zhao, ResearchKind.PAPER, date(2026, 3, 1)))):
        ResearchOutput.objects.create(staff=staff, code=f"R{n}", kind=kind, title="成果", level=AwardLevel.CITY, achieved_on=day)
    for n, (staff, hours, day) in enumerate(((c.t_wang, "16", date(2026, 7, 1)), (c.t_wang, "8", date(2026, 10, 10)),
                                             (c.t_li, "24", date(2026, 11, 2)), (c.t_zhao, "10", date(2026, 10, 10)))):
        TrainingRecord.objects.create(staff=staff, code=f"TR{n}", title="培训", hours=Decimal(hours), attended_on=day)
    EnterprisePractice.objects.create(staff=c.t_wang, code="EP1", enterprise="某机床厂", start_date=date(2026, 7, 5),
                                      end_date=date(2026, 7, 24), days=20)
    EnterprisePractice.objects.create(staff=c.t_li, code="EP2", enterprise="某软件公司", start_date=date(2025, 12, 20),
                                      end_date=date(2025, 12, 29), days=10)
    Award.objects.create(code="AWT1", staff=c.t_wang, kind=AwardKind.HONOUR, name="优秀教师", level=AwardLevel.SCHOOL,
                         awarded_on=date(2026, 9, 10))

    # Admissions: plans 2026 数控 4, 软件 2; admitted 数控 3 (2 registered), 软件 2 (1 registered);
    # one 数控 admission of 2025 (registered) has no plan.
    EnrolmentPlan.objects.create(specialty=c.cnc, year=2026, planned=4)
    EnrolmentPlan.objects.create(specialty=c.soft, year=2026, planned=2)
    for n, (specialty, year, registered) in enumerate(((c.cnc, 2026, True), (c.cnc, 2026, True), (c.cnc, 2026, False),
                                                       (c.soft, 2026, True), (c.soft, 2026, False), (c.cnc, 2025, True))):
        Admission.objects.create(candidate_no=f"K{n}", name="考生", specialty=specialty, year=year, registered=registered)

    # Students who left: 钱七 (数控) withdrew on 2026-10-15; graduates of 2026-06-30: 孙八 (数控, employed,
    # relevant, 5000), 吴十 (数控, flexible, not relevant, 4000), 周九 (软件, unemployed).
    def leaver(no, name, klass, status, left):
        return Student.objects.create(student_no=no, name=name, gender=Gender.MALE, admin_class=klass,
                                      specialty=klass.specialty, cohort=2023, status=status,
                                      enrolled_on=date(2023, 9, 1), left_on=left)

    c.s_qian = leaver("2024003", "钱七", c.class_cnc, StudentStatus.WITHDRAWN, date(2026, 10, 15))
    graduates = (("2023001", "孙八", c.class_cnc, EmploymentStatus.EMPLOYED, True, 5000),
                 ("2023002", "吴十", c.class_cnc, EmploymentStatus.FLEXIBLE, False, 4000),
                 ("2023101", "周九", c.class_soft, EmploymentStatus.UNEMPLOYED, False, None))
    for no, name, klass, status, relevant, salary in graduates:
        graduate = leaver(no, name, klass, StudentStatus.GRADUATED, date(2026, 6, 30))
        Employment.objects.create(student=graduate, graduation_year=2026, status=status, relevant=relevant,
                                  monthly_salary=salary, reported_on=date(2026, 9, 1))
    sync_subjects()

    # The goal chain: a school annual task due 2026-06-30 (reported 80 % on 05-01) and a 机械 department
    # task due 2026-12-31 (reported 50 % on 10-01, 70 % on 11-30).
    from zhengai.chains.choices import GoalKind
    from zhengai.chains.models import Goal, TaskReport
    from zhengai.datacenter.models import Subject

    school = Subject.objects.get(level="school")
    mech = Subject.objects.get(level="department", key="D01")
    annual = Goal.objects.create(kind=GoalKind.ANNUAL_TASK, title="年度任务", owner=school,
                                 start=date(2026, 1, 1), end=date(2026, 6, 30))
    TaskReport.objects.create(goal=annual, as_of=date(2026, 5, 1), completion=Decimal("80"))
    task = Goal.objects.create(kind=GoalKind.DEPARTMENT_TASK, title="部门任务", owner=mech, parent=annual,
                               start=date(2026, 1, 1), end=date(2026, 12, 31))
    TaskReport.objects.create(goal=task, as_of=date(2026, 10, 1), completion=Decimal("50"))
    TaskReport.objects.create(goal=task, as_of=date(2026, 11, 30), completion=Decimal("70"))
    return c
