"""The demo college's chains, set up on demo_seeded: default standards, the school's goals, this
year's task table with reported progress, and specialty, course, teacher and student goals."""

from datetime import date

from zhengai.chains.choices import GoalKind, GoalStatus
from zhengai.chains.models import Goal, Standard, TaskReport, TaskTable
from zhengai.chains.progress import task_completion_by_subject
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.datacenter.signals import demo_seeded


def test_it_sets_up_standards_and_goals_when_the_demo_is_seeded_and_only_once(college):
    assert Standard.objects.count() == Goal.objects.count() == 0

    demo_seeded.send(sender=None, size="small", seed=1, demo_date=date(2026, 11, 20))

    assert Standard.objects.count() == 12
    school = Goal.objects.filter(kind=GoalKind.SCHOOL)
    assert school.count() == 4
    table = TaskTable.objects.get()
    assert table.title == "2026年度 建设与实施进程表" and table.rows.count() == 26
    first = Goal.objects.filter(kind=GoalKind.ANNUAL_TASK).order_by("order").first()
    assert first.parent == school.order_by("order").first() and first.start == date(2026, 1, 1)
    # every task that has started by the demo date has a report: all but the four starting 2019.12 → 2026-12
    started = Goal.objects.filter(kind=GoalKind.DEPARTMENT_TASK, start__lte=date(2026, 11, 20))
    assert TaskReport.objects.values("goal").distinct().count() == started.count() == 26 - 4
    completion = task_completion_by_subject("2026")
    school_subject = Subject.objects.get(level=Level.SCHOOL).pk
    assert 60 < completion[school_subject] < 100
    # 标杆 and 品牌 specialties get construction goals: 数控技术 (品牌), not 软件技术 (骨干); and its core course
    assert list(Goal.objects.filter(kind=GoalKind.SPECIALTY).values_list("owner__key", flat=True)) == ["460103"]
    assert list(Goal.objects.filter(kind=GoalKind.COURSE).values_list("owner__key", "parent__kind")) == [("C001", GoalKind.SPECIALTY)]
    assert Goal.objects.filter(kind=GoalKind.STUDENT_ANNUAL, status=GoalStatus.SUBMITTED).count() == 1
    before = Goal.objects.count()

    demo_seeded.send(sender=None, size="small", seed=1, demo_date=date(2026, 11, 20))

    assert Goal.objects.count() == before and Standard.objects.count() == 12 and TaskTable.objects.count() == 1
