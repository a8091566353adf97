"""Goals: progress from key results, children and reports; who writes and who reviews."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengai.chains import goal_values, goals
from zhengai.chains.choices import GoalKind, GoalStatus, KeyResultKind, ReviewDecision
from zhengai.chains.models import ChainEvent, Goal, KeyResult, TaskReport
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Attendance, ClassSession, Subject


def student_subject(student):
    return Subject.objects.get(level=Level.STUDENT, student=student)


def attend(college, student, statuses):
    """Attendance of one student at the October sessions of 数控编程 (8, 15, 22 and 29 October)."""
    sessions = college.sessions_cnc[:3] + [ClassSession.objects.create(offering=college.off_cnc, date=date(2026, 10, 29), period=1)]
    for session, status in zip(sessions, statuses):
        Attendance.objects.create(session=session, student=student, offering=college.off_cnc, date=session.date, status=status)


def test_it_computes_progress_from_key_results_children_and_reports(college):
    zhang = student_subject(college.s_zhang)
    attend(college, college.s_zhang, ["present", "present", "late", "absent"])  # 3 of 4: 75 %
    three_year = Goal.objects.create(kind=GoalKind.STUDENT_THREE_YEAR, title="三年成长", owner=zhang, start=date(2024, 9, 1), end=date(2027, 6, 30))
    annual = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="2026 学年", owner=zhang, parent=three_year, start=date(2026, 9, 1), end=date(2027, 6, 30))
    KeyResult.objects.create(goal=annual, name="出勤率", indicator_code="student.attendance_rate", baseline=Decimal(50), target=Decimal(100))
    cert = KeyResult.objects.create(goal=annual, kind=KeyResultKind.MILESTONE, name="考取数控车工证")
    TaskReport.objects.create(goal=three_year, as_of=date(2026, 10, 1), completion=Decimal(60))
    on = date(2026, 10, 31)

    [root] = goal_values.goal_tree(Goal.objects.filter(pk=three_year.pk), on)

    [child] = root.children
    (kr, current, progress), (_m, _none, milestone) = child.key_results
    assert (current, progress, milestone) == (Decimal("75.0"), Decimal("0.5"), Decimal(0))
    assert child.progress == Decimal("0.25")            # (0.5 + 0) / 2
    assert root.progress == Decimal("0.425")            # (0.25 + 0.60) / 2
    assert root.percent == 43

    cert.done = True
    cert.save()
    assert goal_values.progress_of(three_year, on) == Decimal("0.675")  # ((0.5 + 1) / 2 + 0.6) / 2


def test_it_reads_a_tree_in_queries_that_do_not_grow_with_goals(college):
    school = Subject.objects.get(level=Level.SCHOOL)
    root = Goal.objects.create(kind=GoalKind.SCHOOL, title="发展目标", owner=school, start=date(2026, 1, 1), end=date(2026, 12, 31))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            goal_values.goal_tree(Goal.objects.filter(pk=root.pk), date(2026, 6, 1))
        return len(ctx.captured_queries)

    def add(n):
        for i in range(n):
            task = Goal.objects.create(kind=GoalKind.ANNUAL_TASK, title=f"任务{i}", owner=school, parent=root, start=date(2026, 1, 1), end=date(2026, 6, 30))
            KeyResult.objects.create(goal=task, kind=KeyResultKind.MILESTONE, name="完成")
            TaskReport.objects.create(goal=task, as_of=date(2026, 3, 1), completion=Decimal(50))

    add(1)
    few = count()
    add(6)
    # roots, children, grandchildren (none), key results, reports
    assert count() == few == 5


def test_it_scores_key_results_towards_their_target():
    kr = KeyResult(kind=KeyResultKind.INDICATOR, direction="lower", baseline=Decimal(6), target=Decimal(2))
    assert [goal_values.key_result_progress(kr, Decimal(v)) for v in (8, 6, 4, 2, 1)] == [0, 0, Decimal("0.5"), 1, 1]
    kr.baseline = None
    assert goal_values.key_result_progress(kr, Decimal(4)) == Decimal("0.5")
    assert goal_values.key_result_progress(kr, None) is None
    up = KeyResult(kind=KeyResultKind.INDICATOR, direction="higher", target=Decimal(40))
    assert goal_values.key_result_progress(up, Decimal(30)) == Decimal("0.75")


def test_it_lets_a_student_write_only_their_own_goals(college, cast):
    erin_subject, frank_subject = student_subject(college.s_zhang), student_subject(college.s_liu)
    mine = goals.do_create_goal(owner=erin_subject, kind=GoalKind.STUDENT_ANNUAL, title="出勤不低于95%",
                                start=date(2026, 9, 1), end=date(2027, 6, 30), acting_user=cast.erin,
                                key_results=[{"name": "出勤率", "indicator_code": "student.attendance_rate", "target": Decimal(95)}])
    assert (mine.status, mine.key_results.count()) == (GoalStatus.DRAFT, 1)
    with pytest.raises(PermissionDenied):
        goals.do_create_goal(owner=frank_subject, kind=GoalKind.STUDENT_ANNUAL, title="替别人定", start=date(2026, 9, 1),
                             acting_user=cast.erin)
    with pytest.raises(PermissionDenied):
        goals.do_update_goal(mine, title="改别人的", acting_user=cast.frank)
    with pytest.raises(PermissionDenied):  # a counsellor reviews, but does not write a student's goal
        goals.do_update_goal(mine, title="辅导员代写", acting_user=cast.carol)
    assert Goal.objects.get(pk=mine.pk).title == "出勤不低于95%"
    goals.do_update_goal(mine, title="出勤不低于96%", acting_user=cast.erin)
    assert Goal.objects.get(pk=mine.pk).title == "出勤不低于96%"
    assert Goal.objects.filter(owner=frank_subject).count() == 0


def test_it_has_heads_review_goals_and_return_them_with_a_comment(college, cast):
    erin_subject = student_subject(college.s_zhang)
    goal = goals.do_create_goal(owner=erin_subject, kind=GoalKind.STUDENT_ANNUAL, title="年度目标",
                                start=date(2026, 9, 1), acting_user=cast.erin)
    with pytest.raises(ValidationError):  # nothing to review before it is submitted
        goals.do_review_goal(goal, ReviewDecision.APPROVE, acting_user=cast.carol)
    goals.do_submit_goal(goal, acting_user=cast.erin)

    for outsider in (cast.erin, cast.frank, cast.dave, cast.grace):  # owner, another student, a teacher, a read-only leader
        with pytest.raises(PermissionDenied):
            goals.do_review_goal(goal, ReviewDecision.APPROVE, acting_user=outsider)
    with pytest.raises(ValidationError):
        goals.do_review_goal(goal, ReviewDecision.RETURN, "  ", acting_user=cast.carol)
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.SUBMITTED

    goals.do_review_goal(goal, ReviewDecision.RETURN, "请写出可测的目标值", acting_user=cast.carol)
    goal.refresh_from_db()
    assert (goal.status, goal.review_comment, goal.reviewed_by) == (GoalStatus.RETURNED, "请写出可测的目标值", cast.carol)

    goals.do_update_goal(goal, acting_user=cast.erin, key_results=[{"name": "GPA", "indicator_code": "student.gpa", "target": Decimal("3.2")}])
    goals.do_submit_goal(goal, acting_user=cast.erin)
    goals.do_review_goal(goal, ReviewDecision.APPROVE, acting_user=cast.bob)  # head of 机械工程学院
    goal.refresh_from_db()
    assert goal.status == GoalStatus.APPROVED
    assert list(ChainEvent.objects.filter(goal=goal).order_by("pk").values_list("action", flat=True)) == [
        "create_goal", "submit_goal", "review_goal_return", "update_goal", "submit_goal", "review_goal_approve"]

    # what was approved is no longer what is written: back to draft
    goals.do_update_goal(goal, title="年度目标（修订）", acting_user=cast.erin)
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.DRAFT


def test_it_lets_a_department_report_progress_with_evidence(college, cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    mech = Subject.objects.get(level=Level.DEPARTMENT, department=college.mech)
    info = Subject.objects.get(level=Level.DEPARTMENT, department=college.info)
    task = Goal.objects.create(kind=GoalKind.DEPARTMENT_TASK, title="专业建设标准", owner=mech, start=date(2026, 1, 1), end=date(2026, 12, 31))
    other = Goal.objects.create(kind=GoalKind.DEPARTMENT_TASK, title="信息学院任务", owner=info, start=date(2026, 1, 1), end=date(2026, 12, 31))
    upload = SimpleUploadedFile("标准文本.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    report = goals.do_report_progress(task, completion=80, as_of=date(2026, 11, 1), note="已完成初稿", files=[upload], acting_user=cast.bob)

    [evidence] = report.evidence.all()
    assert (tmp_path / evidence.file.name).read_bytes() == b"%PDF-1.4 test"
    assert goal_values.progress_of(task, date(2026, 11, 20)) == Decimal("0.8")
    with pytest.raises(PermissionDenied):
        goals.do_report_progress(other, completion=10, as_of=date(2026, 11, 1), acting_user=cast.bob)
    with pytest.raises(ValidationError):
        goals.do_report_progress(task, completion=120, as_of=date(2026, 11, 1), acting_user=cast.bob)
    assert TaskReport.objects.count() == 1
