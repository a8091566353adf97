"""Student indicators on the tiny college; expectations worked out by hand from tests/conftest.py."""

import pytest

from zhengai.core.windows import parse
from zhengai.datacenter.models import Subject
from zhengai.indicators import registry


def values(code, window):
    """{natural key: value} of ``code`` over ``window``."""
    result = registry.get(code).evaluate(parse(window))
    keys = dict(Subject.objects.values_list("pk", "key"))
    return {keys[k]: v for k, v in result.items()}


Z, C, L = "2024001", "2024002", "2024101"  # 张三, 陈四, 刘五


CASES = [
    # October: 张三 present, late, absent → 2 of 3; 陈四 absent, absent, leave → 0 of 3; 刘五 2 of 2.
    ("student.attendance_rate", "2026-10", {Z: round(200 / 3, 4), C: 0.0, L: 100.0}),
    # November: only 数控编程's 11-05 session, both present; 刘五 has no record → no entry.
    ("student.attendance_rate", "2026-11", {Z: 100.0, C: 100.0}),
    ("student.absent_periods", "2026-10", {Z: 2, C: 4, L: 0}),
    ("student.late_count", "2026-10", {Z: 1, C: 0, L: 0}),
    ("student.leave_periods", "2026-10", {Z: 0, C: 2, L: 0}),
    # Due in October: A1, A2 (数控编程), P1 (Python). 张三 2/2, 陈四 1/2, 刘五 1/1; 机械制图 has none.
    ("student.assignment_submission_rate", "2026-10", {Z: 100.0, C: 50.0, L: 100.0}),
    # November: A3 only; 张三 submitted, 陈四 not.
    ("student.assignment_submission_rate", "2026-11", {Z: 100.0, C: 0.0}),
    # 张三: 85 → 3.5 on 4 credits, 72 → 2.2 on 2 credits: (14 + 4.4) / 6. 陈四 first sitting 55 → 0. 刘五 92 → 4.
    ("student.gpa", "2026-2027-1", {Z: round(18.4 / 6, 4), C: 0.0, L: 4.0}),
    ("student.average_score", "2026-2027-1", {Z: 78.5, C: 55.0, L: 92.0}),
    ("student.failed_courses", "2026-2027-1", {Z: 0, C: 1, L: 0}),
    # Plan: 张三 4+2, 陈四 4, 刘五 3. Within the term 陈四's resit (2027-02-28) is not yet recorded.
    ("student.credits_earned_ratio", "2026-2027-1", {Z: 100.0, C: 0.0, L: 100.0}),
    # Over 2027 the term still overlaps (ends 01-22) and the resit's 4 credits count.
    ("student.credits_earned_ratio", "2027", {Z: 100.0, C: 100.0, L: 100.0}),
    ("student.online_activity", "2026-10", {Z: 3, C: 1, L: 1}),
    ("student.online_minutes", "2026-10", {Z: 30.0, C: 1.0, L: 5.0}),
    ("student.fitness_score", "2026", {Z: 80.0, C: 70.0}),
    ("student.activity_hours_moral", "2026-10", {Z: 2.0, L: 0.0}),
    ("student.activity_hours_labour", "2026-10", {Z: 5.5, L: 0.0}),
    ("student.activity_hours_aesthetic", "2026-10", {Z: 0.0, L: 3.0}),
    ("student.activity_hours_intellectual", "2026-10", {Z: 0.0, L: 0.0}),
    ("student.activity_hours_physical", "2026-10", {Z: 0.0, L: 0.0}),
    ("student.awards", "2026-10", {Z: 1}),
    ("student.certificates", "2026", {Z: 1, L: 1}),

]


@pytest.mark.parametrize("code,window,expected", CASES)
def test_it_computes_student_indicators_by_hand(facts, code, window, expected):
    assert values(code, window) == expected
