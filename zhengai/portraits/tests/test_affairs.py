"""网上事务服务大厅: each person's list holds what their acts let them do now — warnings they own,
tasks to report on, their own goals to submit, goals to approve, evidence to review or to submit —
and nothing of anyone else's; the list costs the same number of queries however long it is."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengai.chains.choices import GoalKind, GoalStatus
from zhengai.cycles.choices import EvidenceStatus
from zhengai.chains.defaults import install_default_standards
from zhengai.chains.models import Goal, StandardNode, TaskReport
from zhengai.cycles.models import PointEvidence
from zhengai.datacenter.models import Subject
from zhengai.monitoring.choices import Grade, WarningStatus
from zhengai.monitoring.models import Warning
from zhengai.portraits import affairs

TODAY = date(2026, 11, 20)  # the suite's ZHENGAI_TODAY


def subject(level, key):
    return Subject.objects.get(level=level, key=key)


def kinds(user, kind=""):
    return [(i.kind, i.title, i.subject) for i in affairs.items(user, kind)]


def task(owner, title, start=date(2026, 9, 1), end=date(2026, 12, 31), kind=GoalKind.DEPARTMENT_TASK):
    return Goal.objects.create(kind=kind, title=title, owner=owner, start=start, end=end)


def warning(subj, *, level, code="student.attendance_rate", grade=Grade.ORANGE, status=WarningStatus.OPEN):
    return Warning.objects.create(subject=subj, level=level, indicator_code=code, grade=grade, status=status,
                                  opened_window="2026-10", opened_window_end=date(2026, 10, 31), value=60, threshold=80)


def test_a_department_task_without_a_recent_report_is_its_heads_to_report_on_until_reported(cast, college):
    dept = subject("department", "D01")
    t = task(dept, "建设数控实训基地")
    assert kinds(cast.bob, "report") == [("report", "建设数控实训基地", "机械工程学院")]
    item = affairs.items(cast.bob, "report")[0]
    # never reported: due a month after it started, so late by now
    assert item.due == date(2026, 10, 1) and item.late and item.action == "填报进展"
    # the task's owner is the department: nobody else has it on their list
    for other in (cast.alice, cast.grace, cast.heidi, cast.dave, cast.carol, cast.erin):
        assert kinds(other, "report") == []

    TaskReport.objects.create(goal=t, as_of=TODAY - timedelta(days=3), completion=40)
    assert kinds(cast.bob, "report") == []  # reported three days ago
    TaskReport.objects.filter(goal=t).update(as_of=TODAY - timedelta(days=40))
    item = affairs.items(cast.bob, "report")[0]
    assert item.due == TODAY - timedelta(days=10) and "40%" in item.detail


def test_an_overdue_task_stays_until_reported_complete_and_one_not_started_is_not_listed(cast, college):
    dept = subject("department", "D01")
    t = task(dept, "修订人才培养方案", start=date(2026, 3, 1), end=date(2026, 10, 31))
    task(dept, "明年的任务", start=date(2027, 1, 1), end=date(2027, 6, 30))
    TaskReport.objects.create(goal=t, as_of=TODAY - timedelta(days=2), completion=80)
    items = affairs.items(cast.bob, "report")
    assert [(i.title, i.due, i.late) for i in items] == [("修订人才培养方案", date(2026, 10, 31), True)]
    TaskReport.objects.create(goal=t, as_of=TODAY, completion=100)
    assert kinds(cast.bob, "report") == []


def test_a_students_warning_is_the_counsellors_to_act_on_and_the_students_to_explain(cast, college):
    w = warning(subject("student", "2024001"), level="student")
    carol = affairs.items(cast.carol, "warning")
    assert [(i.subject, i.title, i.action, i.grade) for i in carol] == [("张三", "出勤率", "确认并分析原因", "orange")]
    assert carol[0].url == f"/monitoring/{w.pk}/"
    erin = affairs.items(cast.erin, "warning")
    assert [(i.subject, i.action) for i in erin] == [("张三", "说明情况")]
    # the leader reads and does no act; the other student and the teacher own nothing of it
    for other in (cast.grace, cast.frank, cast.dave, cast.ivan):
        assert kinds(other, "warning") == []
    Warning.objects.filter(pk=w.pk).update(status=WarningStatus.ACKNOWLEDGED)
    assert [i.action for i in affairs.items(cast.carol, "warning")] == ["制定纠偏措施"]
    Warning.objects.filter(pk=w.pk).update(status=WarningStatus.RESOLVED)
    assert kinds(cast.carol, "warning") == kinds(cast.erin, "warning") == []


def test_a_students_goal_is_theirs_to_submit_and_then_the_counsellors_to_approve(cast, college):
    g = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="本学年出勤 95%", owner=subject("student", "2024001"),
                            start=date(2026, 9, 1), end=date(2027, 8, 31), status=GoalStatus.DRAFT)
    assert kinds(cast.erin, "goal") == [("goal", "本学年出勤 95%", "张三")]
    assert kinds(cast.carol, "approval") == []
    Goal.objects.filter(pk=g.pk).update(status=GoalStatus.SUBMITTED)
    assert kinds(cast.erin) == []
    assert kinds(cast.carol, "approval") == [("approval", "本学年出勤 95%", "张三")]
    assert kinds(cast.frank) == [] and kinds(cast.grace) == []
    Goal.objects.filter(pk=g.pk).update(status=GoalStatus.RETURNED, review_comment="请写明每月目标")
    item = affairs.items(cast.erin, "goal")[0]
    assert item.action == "按意见修改后提交" and item.detail == "请写明每月目标"


def test_evidence_awaits_the_heads_review_and_the_owners_submission(cast, college):
    install_default_standards()
    specialty = subject("specialty", "460103")
    # heidi owns 数控技术 and owes its point; bob heads the department over it
    owed = [(i.title, i.subject) for i in affairs.items(cast.heidi, "evidence")]
    assert len(owed) == 1 and owed[0][1] == "数控技术"
    point = StandardNode.objects.get(version__standard__code="SP-BRAND-2023", code="1.2.1", kind="point")
    e = PointEvidence.objects.create(subject=specialty, point=point, window="2026-2027-1", text="规划",
                                     submitted_by=cast.heidi, submitted_at=timezone.now())
    assert kinds(cast.heidi, "evidence") == []
    assert kinds(cast.heidi, "review") == []  # never one's own
    assert kinds(cast.bob, "review") == [("review", point.name, "数控技术")]
    PointEvidence.objects.filter(pk=e.pk).update(status=EvidenceStatus.MORE, review_comment="缺少年度计划")
    assert kinds(cast.bob, "review") == []
    item = affairs.items(cast.heidi, "evidence")[0]
    assert item.action == "按意见补充材料" and item.detail == "缺少年度计划"


def test_an_unknown_kind_is_ignored_and_late_items_come_first(cast, college):
    dept = subject("department", "D01")
    task(dept, "按时的任务", start=date(2026, 11, 1))  # due 2026-12-01
    task(dept, "逾期的任务", start=date(2026, 9, 1))  # due 2026-10-01
    warning(subject("specialty", "460103"), level="specialty", code="specialty.employment_rate")
    assert [i.title for i in affairs.items(cast.bob, "nonsense")] == ["逾期的任务", "毕业生就业率", "按时的任务"]
    assert affairs.counts(affairs.items(cast.bob)) == [("warning", "预警处置", 1), ("report", "任务进展填报", 2)]


def test_the_list_costs_the_same_queries_however_long_it_is(cast, college):
    install_default_standards()
    dept = subject("department", "D01")
    task(dept, "任务一")
    warning(subject("student", "2024001"), level="student")

    def queries(user):
        with CaptureQueriesContext(connection) as ctx:
            affairs.items(user)
        return len(ctx.captured_queries)

    names = ("alice", "bob", "carol", "erin", "dave")
    for name in names:  # the first call also reads what is cached: the person behind the account
        queries(getattr(cast, name))
    before = {name: queries(getattr(cast, name)) for name in names}
    for i in range(5):
        task(dept, f"任务{i + 2}")
    warning(subject("student", "2024002"), level="student")
    warning(subject("specialty", "460103"), level="specialty", code="specialty.employment_rate")
    for s in ("2024001", "2024002"):
        Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="目标", owner=subject("student", s),
                            start=date(2026, 9, 1), status=GoalStatus.SUBMITTED)
    after = {name: queries(getattr(cast, name)) for name in before}
    assert after == before, "a reader of the affairs hall ran a query per row: keep each kind set-based"
    assert len(affairs.items(cast.bob)) > 6


def test_the_home_summary_is_the_head_of_the_list_and_reads_a_fixed_number_of_rows(cast, college):
    """The home page's panel (``affairs.summary``): the first items, counts, total and late of the
    whole list, in the same queries whether the quality office has three things to do or thirty."""
    install_default_standards()
    dept = subject("department", "D01")
    point = StandardNode.objects.get(version__standard__code="SP-BRAND-2023", code="1.2.1", kind="point")
    students = list(Subject.objects.filter(level="student").order_by("key"))
    codes = ["student.attendance_rate", "student.absent_periods", "student.late_count", "student.leave_periods",
             "student.gpa", "student.average_score", "student.failed_courses"]
    pairs = iter([(s, c) for c in codes for s in students])  # one warning per subject and indicator

    def grow(n):
        for i in range(n):
            task(dept, f"任务{Goal.objects.count()}", start=date(2026, 9, 1) + timedelta(days=i % 60))
            about, code = next(pairs)
            warning(about, level="student", code=code, grade=[Grade.YELLOW, Grade.RED, Grade.ORANGE][i % 3])
            PointEvidence.objects.create(subject=subject("specialty", "460103"), point=point,
                                         window=f"2026-2027-1-{Goal.objects.count()}", text="材料",
                                         submitted_by=cast.heidi, submitted_at=timezone.now() - timedelta(days=i))
            Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title=f"目标{i}", owner=students[i % len(students)],
                                start=date(2026, 9, 1), status=GoalStatus.SUBMITTED)

    def check(user):
        everything = affairs.items(user)
        with CaptureQueriesContext(connection) as ctx:
            head = affairs.summary(user, first=5)
        assert [(i.kind, i.title, i.subject, i.url) for i in head.items] == [
            (i.kind, i.title, i.subject, i.url) for i in everything[:5]]
        assert head.counts == affairs.counts(everything) and head.total == len(everything)
        assert head.late == sum(1 for i in everything if i.late)
        return len(ctx.captured_queries), len(everything)

    grow(1)
    for name in ("alice", "bob", "carol", "erin"):
        check(getattr(cast, name))  # the first call also reads what is cached
    small = {name: check(getattr(cast, name)) for name in ("alice", "bob", "carol", "erin")}
    grow(9)
    large = {name: check(getattr(cast, name)) for name in small}
    assert {n: q for n, (q, _len) in large.items()} == {n: q for n, (q, _len) in small.items()}
    assert large["bob"][1] > small["bob"][1] + 20  # the list did grow: warnings, reviews, tasks
