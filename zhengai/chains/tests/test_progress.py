"""Task completion by subject (for school.task_completion) and goal progress."""

from datetime import date
from decimal import Decimal

from zhengai.chains.choices import GoalKind
from zhengai.chains.models import Goal, TaskReport
from zhengai.chains.progress import task_completion_by_subject
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject


def subject(level, **lookup):
    return Subject.objects.get(level=level, **lookup)


def task(owner, title, start, end, recurring=False, kind=GoalKind.DEPARTMENT_TASK):
    return Goal.objects.create(kind=kind, title=title, owner=owner, start=start, end=end, recurring=recurring)


def test_it_averages_the_latest_report_of_each_task_due_in_the_window(college, django_assert_num_queries):
    school = subject(Level.SCHOOL)
    mech, info = subject(Level.DEPARTMENT, department=college.mech), subject(Level.DEPARTMENT, department=college.info)
    a = task(mech, "A", date(2026, 1, 1), date(2026, 3, 31))
    b = task(mech, "B", date(2026, 1, 1), date(2026, 6, 30))
    c = task(info, "C", date(2026, 1, 1), date(2026, 3, 31))
    task(info, "持续", date(2026, 1, 1), None)                         # continuing: never falls due
    task(info, "明年", date(2027, 1, 1), date(2027, 3, 31))            # not due in 2026
    TaskReport.objects.create(goal=a, as_of=date(2026, 2, 1), completion=Decimal("40"))
    TaskReport.objects.create(goal=a, as_of=date(2026, 3, 20), completion=Decimal("100"))
    TaskReport.objects.create(goal=b, as_of=date(2026, 5, 1), completion=Decimal("50"))
    TaskReport.objects.create(goal=c, as_of=date(2026, 4, 10), completion=Decimal("90"))  # after March

    # Queries: the tasks due, their reports, the school subject.
    with django_assert_num_queries(3):
        q1 = task_completion_by_subject("2026Q1")
    # Q1: A (100) and C (no report by 31 March → 0) are due.
    assert q1 == {mech.pk: Decimal("100.00"), info.pk: Decimal("0.00"), school.pk: Decimal("50.00")}
    # 2026: A 100, B 50 for 机械; C 90 for 信息; school (100 + 50 + 90) / 3.
    assert task_completion_by_subject("2026") == {
        mech.pk: Decimal("75.00"), info.pk: Decimal("90.00"), school.pk: Decimal("80.00")}
    assert task_completion_by_subject("2025") == {}


def test_it_counts_a_yearly_task_in_each_year_with_that_year_s_reports(college):
    school = subject(Level.SCHOOL)
    yearly = task(school, "完成年度任务分解", date(2019, 1, 1), date(2019, 3, 31), recurring=True, kind=GoalKind.ANNUAL_TASK)
    TaskReport.objects.create(goal=yearly, as_of=date(2025, 3, 1), completion=Decimal("100"))
    assert task_completion_by_subject("2025-03") == {school.pk: Decimal("100.00")}
    # 2026's round has no report yet: last year's 100 % does not count.
    assert task_completion_by_subject("2026-03") == {school.pk: Decimal("0.00")}
    TaskReport.objects.create(goal=yearly, as_of=date(2026, 2, 15), completion=Decimal("60"))
    assert task_completion_by_subject("2026-03") == {school.pk: Decimal("60.00")}
    assert task_completion_by_subject("2026-04") == {}
