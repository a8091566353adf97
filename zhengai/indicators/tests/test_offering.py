"""Offering indicators (the teaching spiral) on the tiny college; expectations by hand from conftest.py."""

import pytest

from .test_student import values

CNC, PY, DRAW = "2026-2027-1-C001-01", "2026-2027-1-C002-01", "2026-2027-1-C003-01"


CASES = [
    # October 数控编程: 张三 P, L, A and 陈四 A, A, leave → 2 of 6 present; Python 2 of 2.
    ("offering.attendance_rate", "2026-10", {CNC: round(200 / 6, 4), PY: 100.0}),
    ("offering.absence_rate", "2026-10", {CNC: 50.0, PY: 0.0}),
    # 数控编程: A1, A2 due × 2 students = 4; submitted 张三 A1, A2 and 陈四 A1 = 3. Python P1 1 of 1.
    ("offering.submission_rate", "2026-10", {CNC: 75.0, PY: 100.0}),
    # Events in October: 数控编程 3 (张三 2, 陈四 1) over 2 students; 机械制图 1 over 1; Python 1 over 1.
    ("offering.interaction", "2026-10", {CNC: 1.5, DRAW: 1.0, PY: 1.0}),
    ("offering.evaluation_score", "2026-2027-1", {CNC: 88.5, PY: 92.0}),
    ("offering.supervisor_score", "2026-2027-1", {CNC: 90.0}),
    ("offering.supervisor_score", "2026-10", {}),
    # First sittings: 数控编程 85 pass, 55 fail; Python 92; 机械制图 72.
    ("offering.pass_rate", "2026-2027-1", {CNC: 50.0, PY: 100.0, DRAW: 100.0}),
    ("offering.average_score", "2026-2027-1", {CNC: 70.0, PY: 92.0, DRAW: 72.0}),
    ("offering.sessions_held", "2026-10", {CNC: 3, PY: 2}),
    ("offering.sessions_held", "2026-2027-1", {CNC: 4, PY: 2}),

]


@pytest.mark.parametrize("code,window,expected", CASES)
def test_it_computes_offering_indicators_by_hand(facts, code, window, expected):
    assert values(code, window) == expected
