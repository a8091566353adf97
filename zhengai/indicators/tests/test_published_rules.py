"""The rules the indicator definitions publish, each on a hand-made fixture whose expected values
are worked out by hand in the test's docstring from the rows it adds — what a registrar recomputing
a figure from its definition would get.

- which cohort a window holds (graduates: employment rate, relevance, salary; the intake: enrolment
  plan completion, registration rate);
- sessions held, not merely timetabled (``offering.sessions_held``, ``teacher.teaching_hours``);
- 在籍, the roll by student status, counted on the window's first day.
"""

from datetime import date

import pytest
from django.test import override_settings

from zhengai.datacenter.choices import EmploymentStatus as E
from zhengai.datacenter.choices import Gender, SessionStatus, StudentStatus
from zhengai.datacenter.models import Admission, ClassSession, Employment, EnrolmentPlan, Student, Term
from zhengai.datacenter.subjects import sync_subjects

from .test_student import values

CNC = "460103"


@pytest.fixture
def cohorts(college):
    """Two classes of 数控技术 graduates and two intakes, and the autumn term 2025-2026-1."""
    c = college
    Term.objects.create(code="2025-2026-1", start_date=date(2025, 9, 1), end_date=date(2026, 1, 16))
    graduates = {
        2025: [(E.EMPLOYED, True, 6000), (E.EMPLOYED, True, 6000), (E.EMPLOYED, False, 4000), (E.FURTHER_STUDY, False, None)],
        2026: [(E.EMPLOYED, True, 5000), (E.FLEXIBLE, False, 3000), (E.UNEMPLOYED, False, None), (E.UNEMPLOYED, False, None)],
    }
    for year, rows in graduates.items():
        for n, (status, relevant, salary) in enumerate(rows):
            student = Student.objects.create(
                student_no=f"G{year}{n}", name="毕业生", gender=Gender.MALE, admin_class=c.class_cnc, specialty=c.cnc,
                cohort=year - 3, status=StudentStatus.GRADUATED, left_on=date(year, 6, 30))
            Employment.objects.create(student=student, graduation_year=year, status=status, relevant=relevant,
                                      monthly_salary=salary, reported_on=date(year, 8, 31))
    EnrolmentPlan.objects.create(specialty=c.cnc, year=2025, planned=10)
    EnrolmentPlan.objects.create(specialty=c.cnc, year=2026, planned=4)
    for n, (year, registered) in enumerate([(2025, True)] * 6 + [(2025, False)] * 2 + [(2026, True)] + [(2026, False)] * 3):
        Admission.objects.create(candidate_no=f"K{n}", name="考生", specialty=c.cnc, year=year, registered=registered)
    sync_subjects()
    return c


# 2025届 (4): employed ✓ relevant 6000, employed ✓ relevant 6000, employed ✓ 4000, further study ✓.
#   rate 4/4 = 100; relevance among the employed 2/3; salary (6000 + 6000 + 4000) / 3.
# 2026届 (4): employed ✓ relevant 5000, flexible ✓ 3000, unemployed, unemployed.
#   rate 2/4 = 50; relevance 1/2 = 50; salary (5000 + 3000) / 2 = 4000.
# Both added together (what "every calendar year the window touches" gave the academic year and the
# autumn term): rate 6/8 = 75, relevance 3/5 = 60, salary 24000 / 5 = 4800 — neither class's figure.
CLASS_OF_2025 = {"specialty.employment_rate": 100.0, "specialty.employment_relevance": round(200 / 3, 4),
                 "specialty.average_salary": round(16000 / 3, 4)}
CLASS_OF_2026 = {"specialty.employment_rate": 50.0, "specialty.employment_relevance": 50.0,
                 "specialty.average_salary": 4000.0}


@pytest.mark.parametrize("window,expected", [
    ("2025-2026", CLASS_OF_2026),    # the academic year holds the class that graduates in it
    ("2025-2026-1", CLASS_OF_2025),  # the autumn term: the class that graduated the summer before
    ("2025-2026-2", CLASS_OF_2026),  # the spring term: the class that graduates at its end
    ("2026", CLASS_OF_2026),
    ("2026-03", CLASS_OF_2025),      # a month: the latest class graduated by its last day (30 June)
    ("2026Q2", CLASS_OF_2026),
    ("2026-06H1", CLASS_OF_2025),
])
def test_a_window_holds_one_class_of_graduates(cohorts, window, expected):
    """Employment rate, relevance and salary count the one class (届) the window holds (the worked
    figures above): never two classes added together."""
    assert {code: values(code, window)[CNC] for code in expected} == expected


def test_the_school_counts_the_same_class(cohorts):
    """The school's rate over 2025-2026 is the class of 2026's: 2 placed of 4 = 50 (not 6 of 8)."""
    assert values("school.employment_rate", "2025-2026") == {"school": 50.0}


@pytest.mark.parametrize("window,completion,registration", [
    # 2025级: 8 admitted of 10 planned = 80 %; 6 of the 8 registered = 75 %.
    # 2026级: 4 admitted of 4 planned = 100 %; 1 of the 4 registered = 25 %.
    # Both together (what the academic year used to count): 12 / 14 = 85.7 %, 7 / 12 = 58.3 %.
    ("2025-2026", 80.0, 75.0),    # the academic year holds the intake that enters in it
    ("2025-2026-2", 80.0, 75.0),  # so does its spring term (it used to hold 2026级, not yet admitted)
    ("2026-2027-1", 100.0, 25.0),
    ("2026", 100.0, 25.0),
    ("2026-08", 80.0, 75.0),      # by 31 August 2026 the latest intake to have entered is 2025级
    ("2026-09", 100.0, 25.0),
])
def test_a_window_holds_one_intake(cohorts, window, completion, registration):
    """Enrolment plan completion and registration rate count the one intake (级) the window holds."""
    assert values("specialty.enrolment_plan_completion", window) == {CNC: completion}
    assert values("specialty.registration_rate", window) == {CNC: registration}
    assert values("school.enrolment_plan_completion", window) == {"school": completion}


@pytest.fixture
def timetable(college):
    """数控编程 (王老师, 2 periods a session) has its four sessions of 10-08, 10-15, 10-22 and 11-05 and,
    imported ahead with the timetable: 11-12 (recorded 停课), 11-19 (recorded 已上课), 11-26 and 12-03
    (no status). Today is the demo date, 2026-11-20."""
    c = college
    for day, status in ((date(2026, 11, 12), SessionStatus.CANCELLED), (date(2026, 11, 19), SessionStatus.HELD),
                        (date(2026, 11, 26), ""), (date(2026, 12, 3), "")):
        ClassSession.objects.create(offering=c.off_cnc, date=day, period=1, status=status)
    return c


def test_sessions_count_when_held_not_when_timetabled(timetable):
    """November: 11-05 (no status, before today) ✓, 11-12 cancelled ✗, 11-19 held ✓, 11-26 (after
    today) ✗ → 2 sessions, 4 periods (not 4 and 8). The term: 10-08, 10-15, 10-22, 11-05, 11-19 → 5
    sessions, 10 periods (not 8 and 16). December has only a session to come: no data."""
    assert values("offering.sessions_held", "2026-11") == {"2026-2027-1-C001-01": 2}
    assert values("teacher.teaching_hours", "2026-11") == {"T001": 4}
    assert values("offering.sessions_held", "2026-2027-1") == {"2026-2027-1-C001-01": 5}
    assert values("teacher.teaching_hours", "2026-2027-1") == {"T001": 10}
    assert values("offering.sessions_held", "2026-12") == {}


def test_a_session_without_status_is_held_once_its_day_has_come(timetable):
    """On 2026-12-31, November's 11-26 has been held too: 11-05, 11-19, 11-26 → 3; the cancelled
    11-12 still not."""
    with override_settings(ZHENGAI_TODAY="2026-12-31"):
        assert values("offering.sessions_held", "2026-11") == {"2026-2027-1-C001-01": 3}


@pytest.fixture
def roll(college):
    """数控技术's roll, besides 张三 and 陈四 (2024级, 在读, no dates): 甲 2023级 退学 without a
    离校日期; 乙 2024级 在读 with a stale 离校日期 2025-06-30; 丙 2026级 在读, entered 2026-09-01;
    丁 2023级 毕业, left 2026-06-30."""
    c = college

    def student(no, cohort, status, enrolled_on=None, left_on=None):
        Student.objects.create(student_no=no, name=no, gender=Gender.MALE, admin_class=c.class_cnc, specialty=c.cnc,
                               cohort=cohort, status=status, enrolled_on=enrolled_on, left_on=left_on)

    student("甲", 2023, StudentStatus.WITHDRAWN)
    student("乙", 2024, StudentStatus.ENROLLED, left_on=date(2025, 6, 30))
    student("丙", 2026, StudentStatus.ENROLLED, enrolled_on=date(2026, 9, 1))
    student("丁", 2023, StudentStatus.GRADUATED, enrolled_on=date(2023, 9, 1), left_on=date(2026, 6, 30))
    sync_subjects()
    return c


@pytest.mark.parametrize("window,on_roll", [
    # 1 January 2026: 张三, 陈四 (2024级: entered 2024-09-01), 乙 (在读: the stale date does not count),
    # 丁 (left after that day) → 4. Not 甲 (退学) nor 丙 (enters in September). The dates alone gave 5:
    # 甲 (no date: on the roll for ever), 丙 (entered "by the year's end"), 丁, 张三, 陈四 — not 乙.
    ("2026", 4),
    # 7 September 2026, the term's first day: 张三, 陈四, 乙, 丙 → 4 (丁 has left).
    ("2026-2027-1", 4),
    # 1 September 2025: 张三, 陈四, 乙, 丁 → 4 (2026级 not yet in).
    ("2025-2026", 4),
    # 1 January 2024: 2024级 had not entered: only 丁 → 1 (the dates alone: 张三, 陈四, 甲, 乙, 丁).
    ("2024", 1),
])
def test_the_roll_is_counted_by_student_status_on_the_windows_first_day(roll, window, on_roll):
    """在籍 as the registrar counts it (the worked rolls above)."""
    assert values("specialty.students", window)[CNC] == on_roll


def test_a_roll_on_a_day_to_come_is_not_known(roll):
    """2027 starts after today (2026-11-20): no roll, no entry — not today's roll passed off as it."""
    assert values("school.students", "2027") == {}
    assert values("school.students", "2026-11") == {"school": 5}  # 张三, 陈四, 乙, 丙, and 软件's 刘五
