"""Course, teacher, specialty, department and school indicators on the tiny college; every
expectation worked out by hand from tests/conftest.py (the comments say how)."""

import pytest

from .test_student import values

# Natural keys: courses, teachers (工号), specialties, departments; the school's key is "school".
C001, C002, C003 = "C001", "C002", "C003"
WANG, LI, SUN = "T001", "T002", "T005"
CNC, SOFT = "460103", "510203"
MECH, INFO = "D01", "D02"
TERM = "2026-2027-1"

CASES = [
    # Courses. First sittings: 数控编程 85 ✓ 55 ✗; Python 92 ✓; 机械制图 72 ✓.
    ("course.pass_rate", TERM, {C001: 50.0, C002: 100.0, C003: 100.0}),
    ("course.average_score", TERM, {C001: 70.0, C002: 92.0, C003: 72.0}),
    ("course.evaluation_average", TERM, {C001: 88.5, C002: 92.0}),
    ("course.attendance_rate", "2026-10", {C001: round(200 / 6, 4), C002: 100.0}),
    ("course.submission_rate", "2026-10", {C001: 75.0, C002: 100.0}),
    ("course.offerings", TERM, {C001: 1, C002: 1, C003: 1}),
    ("course.offerings", "2026-05", {}),
    ("course.students", TERM, {C001: 2, C002: 1, C003: 1}),
    # 数控编程 used cnc/video1 and cnc/quiz1; 机械制图 draw/video1; Python py/video1.
    ("course.online_resources", "2026-10", {C001: 2, C002: 1, C003: 1}),
    ("course.online_activity", "2026-10", {C001: 3, C002: 1, C003: 1}),
    # Teachers. 王老师 teaches 数控编程 and 机械制图; 李老师 Python; 孙老师 nothing.
    ("teacher.teaching_hours", "2026-10", {WANG: 6, LI: 4}),  # 3 sessions × 2; 2 sessions × 2
    ("teacher.teaching_hours", TERM, {WANG: 8, LI: 4}),
    ("teacher.courses_taught", TERM, {WANG: 2, LI: 1}),
    ("teacher.evaluation_average", TERM, {WANG: 88.5, LI: 92.0}),
    ("teacher.pass_rate", TERM, {WANG: round(200 / 3, 4), LI: 100.0}),  # 张三 ✓ ✓, 陈四 ✗
    ("teacher.attendance_rate", "2026-10", {WANG: round(200 / 6, 4), LI: 100.0}),
    # What a teacher did: once anyone has a record in the window, a teacher without one has 0.
    ("teacher.research_outputs", "2026", {WANG: 2, LI: 0, SUN: 0}),  # 李老师's project is of 2025; 赵 is not a teacher
    ("teacher.research_outputs", "2024", {}),  # nobody's: no data, not three zeros
    ("teacher.training_hours", "2026", {WANG: 24.0, LI: 24.0, SUN: 0}),
    ("teacher.training_hours", "2026-10", {WANG: 8.0, LI: 0, SUN: 0}),
    ("teacher.enterprise_practice_days", "2026", {WANG: 20, LI: 0, SUN: 0}),
    ("teacher.awards", "2026", {WANG: 1, LI: 0, SUN: 0}),
    ("teacher.dual_qualified", "2026-10", {WANG: 1, LI: 0, SUN: 0}),
    # Specialties. Plans 2026: 数控 4, 软件 2; admitted 3 (2 registered) and 2 (1 registered).
    ("specialty.enrolment_plan_completion", "2026", {CNC: 75.0, SOFT: 100.0}),
    ("specialty.enrolment_plan_completion", "2025", {}),  # an admission but no plan
    ("specialty.registration_rate", "2026", {CNC: round(200 / 3, 4), SOFT: 50.0}),
    ("specialty.registration_rate", "2025", {CNC: 100.0}),
    # On the roll in October: 数控 张三, 陈四, 钱七 (left 10-15); 软件 刘五. Over 2026 also the graduates.
    ("specialty.students", "2026-10", {CNC: 3, SOFT: 1}),
    ("specialty.students", "2026", {CNC: 5, SOFT: 2}),
    ("specialty.student_teacher_ratio", "2026-10", {CNC: 3.0, SOFT: 1.0}),  # teachers: 王; 李
    ("specialty.dual_qualified_share", "2026-10", {CNC: 100.0, SOFT: 0.0}),
    ("specialty.teachers", "2026-10", {CNC: 1, SOFT: 1}),
    ("specialty.attrition_rate", "2026-10", {CNC: round(100 / 3, 4), SOFT: 0.0}),
    ("specialty.pass_rate", TERM, {CNC: round(200 / 3, 4), SOFT: 100.0}),
    ("specialty.attendance_rate", "2026-10", {CNC: round(200 / 6, 4), SOFT: 100.0}),
    # Certificates in 2026: 张三 1+X (11-01), 刘五 a certificate (10-25); on the roll 5 and 2.
    ("specialty.certificate_rate", "2026", {CNC: 20.0, SOFT: 50.0}),
    ("specialty.certificate_rate", "2026-10", {CNC: 0.0, SOFT: 100.0}),
    # Graduates of 2026: 孙八 employed (relevant, 5000), 吴十 flexible (4000); 周九 unemployed.
    ("specialty.employment_rate", "2026", {CNC: 100.0, SOFT: 0.0}),
    ("specialty.employment_relevance", "2026", {CNC: 50.0}),
    ("specialty.average_salary", "2026", {CNC: 4500.0}),
    # Departments: 机械 has teachers 王 (双师型) and 孙; 信息 李.
    ("department.students", "2026-10", {MECH: 3, INFO: 1}),
    ("department.attendance_rate", "2026-10", {MECH: round(200 / 6, 4), INFO: 100.0}),
    ("department.pass_rate", TERM, {MECH: round(200 / 3, 4), INFO: 100.0}),
    ("department.evaluation_average", TERM, {MECH: 88.5, INFO: 92.0}),
    ("department.teacher_training_hours", "2026", {MECH: 12.0, INFO: 24.0}),  # 24 h over 2 teachers; 24 over 1
    ("department.teacher_training_hours", "2026-10", {MECH: 4.0}),  # 赵辅导员's 10 h are not a teacher's
    ("department.research_outputs", "2026", {MECH: 3}),  # 王 2 + 赵 1 (all staff count)
    ("department.dual_qualified_share", "2026", {MECH: 50.0, INFO: 0.0}),
    ("department.employment_rate", "2026", {MECH: 100.0, INFO: 0.0}),
    # The school.
    ("school.students", "2026-10", {"school": 4}),
    ("school.attendance_rate", "2026-10", {"school": 50.0}),  # 4 of 8 records present or late
    ("school.pass_rate", TERM, {"school": 75.0}),  # 3 of 4 first sittings
    ("school.evaluation_average", TERM, {"school": 90.25}),
    ("school.enrolment_plan_completion", "2026", {"school": round(500 / 6, 4)}),  # 5 of 6
    ("school.enrolment_plan_completion", "2025", {}),
    ("school.student_teacher_ratio", "2026-10", {"school": 2.0}),  # 4 students, teachers 王 and 李
    ("school.dual_qualified_share", "2026", {"school": round(100 / 3, 4)}),
    ("school.teacher_training_hours", "2026", {"school": 16.0}),  # 48 h over 3 teachers
    ("school.research_outputs", "2026", {"school": 3}),
    ("school.research_outputs", "2024", {}),
    ("school.attrition_rate", "2026-10", {"school": 25.0}),
    ("school.employment_rate", "2026", {"school": round(200 / 3, 4)}),
    # Tasks due in 2026: the school's (80) and 机械's (latest report by year end 70).
    ("school.task_completion", "2026", {"school": 75.0}),
    ("school.task_completion", "2026Q2", {"school": 80.0}),
    ("school.task_completion", "2025", {}),
    ("department.task_completion", "2026", {MECH: 70.0}),
    ("department.task_completion", "2026-10", {}),  # nothing due in October
    ("department.task_completion", "2026Q4", {MECH: 70.0}),
]


@pytest.mark.parametrize("code,window,expected", CASES)
def test_it_computes_indicators_of_every_level_by_hand(facts, code, window, expected):
    assert values(code, window) == expected
