"""Where a goal page's key result values come from: monitoring's stored measurements, and only
where monitoring cannot have measured them, the indicator library live — each indicator once, for
the subjects wanted, whatever the number of goals."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains import goal_values as goals
from zhengai.chains.choices import GoalKind, GoalStatus
from zhengai.chains.models import Goal, KeyResult
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Attendance, Subject
from zhengai.indicators.models import MeasuredWindow, Measurement

ON = date(2026, 10, 31)


def student(college, name):
    return Subject.objects.get(level=Level.STUDENT, student=getattr(college, name))


def attendance_goal(owner, title="出勤目标", status=GoalStatus.APPROVED) -> Goal:
    goal = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title=title, owner=owner, start=date(2026, 9, 1),
                               end=date(2027, 6, 30), status=status)
    KeyResult.objects.create(goal=goal, name="出勤率", indicator_code="student.attendance_rate", baseline=Decimal(50),
                             target=Decimal(100))
    return goal


def october_attendance(college, student, statuses):
    for session, status in zip(college.sessions_cnc, statuses):
        Attendance.objects.create(session=session, student=student, offering=college.off_cnc, date=session.date, status=status)


def current(goal) -> Decimal | None:
    [node] = goals.goal_tree(Goal.objects.filter(pk=goal.pk), ON)
    return node.key_results[0][1]


@pytest.fixture
def no_live(monkeypatch):
    def refuse(wanted, on_date):
        raise AssertionError(f"computed live: {wanted}")

    monkeypatch.setattr(goals, "_live_values", refuse)


def test_it_reads_the_stored_measurement_when_monitoring_has_one(college, no_live):
    zhang = student(college, "s_zhang")
    goal = attendance_goal(zhang)
    Measurement.objects.create(subject=zhang, level=Level.STUDENT, indicator_code="student.attendance_rate",
                               window_code="2026-09", window_end=date(2026, 9, 30), value=70.0)
    Measurement.objects.create(subject=zhang, level=Level.STUDENT, indicator_code="student.attendance_rate",
                               window_code="2026-10", window_end=date(2026, 10, 31), value=80.0)

    assert current(goal) == Decimal("80.0")  # the latest window


def test_it_takes_a_missing_measurement_for_no_data_once_monitoring_has_measured_the_goal(college, no_live):
    """Monitoring ran the student level over October (the window is measured); 张三's approved goal was due, so a missing
    measurement means no attendance in the window: no value, and no whole-level computation."""
    goal = attendance_goal(student(college, "s_zhang"))
    MeasuredWindow.objects.create(level=Level.STUDENT, window_code="2026-10", window_start=date(2026, 10, 1),
                                  window_end=date(2026, 10, 31), measured_at=datetime(2026, 11, 1, tzinfo=UTC))

    assert current(goal) is None


def test_it_computes_live_what_monitoring_has_not_measured(college):
    zhang, chen = student(college, "s_zhang"), student(college, "s_chen")
    october_attendance(college, college.s_zhang, ["present", "present", "absent"])
    october_attendance(college, college.s_chen, ["present", "late", "present"])
    # Submitted, not approved: monitoring does not judge it, even after a run of its level.
    draft = attendance_goal(zhang, status=GoalStatus.SUBMITTED)
    MeasuredWindow.objects.create(level=Level.STUDENT, window_code="2026-10", window_start=date(2026, 10, 1),
                                  window_end=date(2026, 10, 31), measured_at=datetime(2026, 11, 1, tzinfo=UTC))
    other = attendance_goal(chen, title="陈四的出勤目标")

    assert current(draft) == Decimal("66.6667")
    # No run covers 陈四's goal? It does (approved, October): no value without a measurement.
    assert current(other) is None
    MeasuredWindow.objects.all().delete()
    assert current(other) == Decimal("100.0")


def test_it_evaluates_each_indicator_once_whatever_the_number_of_goals(college):
    zhang, chen = student(college, "s_zhang"), student(college, "s_chen")
    october_attendance(college, college.s_zhang, ["present", "absent", "absent"])
    roots = []

    def count():
        with CaptureQueriesContext(connection) as ctx:
            trees = goals.goal_tree(Goal.objects.filter(pk__in=[g.pk for g in roots]), ON)
        return len(ctx.captured_queries), [n.key_results[0][1] for n in trees]

    roots.append(attendance_goal(zhang))
    few, values = count()
    assert values == [Decimal("33.3333")]
    roots.extend(attendance_goal(s, title=f"目标{i}") for i, s in enumerate([zhang, chen, zhang, chen]))
    many, values = count()
    # goals, children (none), key results, reports, measurements, measured windows, the cadences
    # in force (the policy rows), the students' master ids, the attendance aggregate.
    assert few == many == 9
    assert values == [Decimal("33.3333"), Decimal("33.3333"), None, Decimal("33.3333"), None]


def test_it_serves_the_goal_tree_page_in_queries_that_do_not_grow_with_goals(client, cast, college):
    school = Subject.objects.get(level=Level.SCHOOL)
    zhang, chen = student(college, "s_zhang"), student(college, "s_chen")
    client.force_login(cast.alice)

    def add(n):
        for i in range(n):
            root = Goal.objects.create(kind=GoalKind.SCHOOL, title=f"发展目标{i}", owner=school, start=date(2026, 1, 1),
                                       end=date(2026, 12, 31))
            KeyResult.objects.create(goal=root, name="出勤率", indicator_code="school.attendance_rate", target=Decimal(95))
            for s in (zhang, chen):
                child = attendance_goal(s, title=f"出勤目标{i}")
                Goal.objects.filter(pk=child.pk).update(parent=root)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("chains:goals"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # Session, user, the user's staff and student records, role assignments; the visible goals
    # with their parents; the tree: roots, children, grandchildren (none), key results, reports,
    # measurements, measured windows, the cadences in force (the monitoring policy rows), and for
    # each level wanted (school, student) the one
    # indicator's aggregate, with the student subjects' master ids (the school's one subject needs
    # no restriction). None of them per goal: a new query here needs a reason.
    add(1)
    assert count() == 17
    add(5)
    assert count() == 17
    add(10)
    assert count() == 17


def test_a_key_result_that_accrues_counts_the_goal_period_so_far_as_monitoring_judges_it(college, no_live):
    """Absent periods accrue: the goal (1 Sep – 30 Jun, at most 8 absent periods, last year 12)
    shows the total since 1 September, not October's stored measurement, and its progress runs
    from zero, not from last year's total."""
    zhang = student(college, "s_zhang")
    october_attendance(college, college.s_zhang, ["absent", "absent", "present"])
    goal = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="少缺勤", owner=zhang, start=date(2026, 9, 1),
                               end=date(2027, 6, 30), status=GoalStatus.APPROVED)
    KeyResult.objects.create(goal=goal, name="缺勤节数", indicator_code="student.absent_periods", direction="lower",
                             baseline=Decimal(12), target=Decimal(8))
    Measurement.objects.create(subject=zhang, level=Level.STUDENT, indicator_code="student.absent_periods",
                               window_code="2026-10", window_end=date(2026, 10, 31), value=99.0)
    expected = sum(a.periods for a in Attendance.objects.filter(student=college.s_zhang, status="absent",
                                                                date__range=(date(2026, 9, 1), ON)))

    [node] = goals.goal_tree(Goal.objects.filter(pk=goal.pk), ON)

    kr, value, progress = node.key_results[0]
    assert expected > 0 and value == Decimal(expected)
    assert progress == 1  # within the 8 allowed so far
