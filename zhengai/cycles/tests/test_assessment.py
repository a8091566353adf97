"""Annual assessment (考核激励): the 任务考核表 scores each department task of the task table from its
goal progress and the quality office's mark, the 考核结果 ranks the departments, both written as
.xlsx in the seed's layout (its 成果形式: 任务分解表、任务考核表、考核结果) with formulas neutralised."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.cycles import assessment
from zhengai.cycles.choices import EventKind
from zhengai.cycles.models import CycleEvent


@pytest.fixture
def tasks(college, cast):
    from zhengai.chains.models import Goal, TaskReport
    from zhengai.datacenter.models import Subject

    school = Subject.objects.get(level="school")
    mech = Subject.objects.get(level="department", department=college.mech)
    info = Subject.objects.get(level="department", department=college.info)
    annual = Goal.objects.create(kind="annual_task", title="诊改运行", owner=school, start=date(2026, 1, 1),
                                 end=date(2026, 12, 31), category="学校层面", leader="院长", outcome="任务分解表、任务考核表、考核结果")
    a = Goal.objects.create(kind="department_task", title="机械学院诊改", description="运行“8”字螺旋，自我诊改",
                            owner=mech, parent=annual, start=date(2026, 1, 1), end=date(2026, 12, 31),
                            lead_departments="机械工程学院", partner_departments="质管办", outcome="诊改报告")
    b = Goal.objects.create(kind="department_task", title="信息学院诊改", description="=HYPERLINK(\"http://x\",\"点我\")",
                            owner=info, parent=annual, start=date(2026, 1, 1), end=date(2026, 12, 31),
                            lead_departments="信息工程学院")
    Goal.objects.create(kind="department_task", title="去年的任务", owner=info, start=date(2025, 1, 1), end=date(2025, 12, 31))
    TaskReport.objects.create(goal=a, as_of=date(2026, 10, 31), completion=Decimal(90))
    TaskReport.objects.create(goal=b, as_of=date(2026, 10, 31), completion=Decimal(70))
    return {"annual": annual, "mech": a, "info": b}


def test_it_scores_each_department_task_from_progress_and_the_mark_and_ranks_the_departments(tasks, cast):
    rows = {r.task_id: r for r in assessment.task_scores(2026)}
    assert set(rows) == {tasks["mech"].pk, tasks["info"].pk}, "the annual task is broken down; last year's is out"
    mech = rows[tasks["mech"].pk]
    assert mech.cells[:2] == ["学校层面", "诊改运行"] and mech.cells[2] == "运行“8”字螺旋，自我诊改"
    assert (mech.progress_score, mech.mark, mech.score) == (Decimal("90.0"), None, Decimal("90.0"))

    assessment.do_mark_task(tasks["info"], 2026, "95", "按期完成，材料齐全", acting_user=cast.alice)
    assessment.do_mark_task(tasks["mech"], 2026, "60", "", acting_user=cast.alice)
    rows = {r.task_id: r for r in assessment.task_scores(2026)}
    assert rows[tasks["info"].pk].score == Decimal("80.0")  # 70 × 0.6 + 95 × 0.4
    assert rows[tasks["mech"].pk].score == Decimal("78.0")  # 90 × 0.6 + 60 × 0.4
    results = assessment.department_results(list(rows.values()))
    assert [(d.rank, d.department, d.score, d.grade) for d in results] == [
        (1, "信息工程学院", Decimal("80.0"), "良好"), (2, "机械工程学院", Decimal("78.0"), "合格")]
    assert CycleEvent.objects.filter(kind=EventKind.MARKED, actor=cast.alice).count() == 2


def test_only_the_quality_office_marks_and_bad_marks_get_a_clear_message(tasks, cast):
    with pytest.raises(PermissionDenied):
        assessment.do_mark_task(tasks["mech"], 2026, "80", acting_user=cast.bob)
    with pytest.raises(ValidationError, match="“abc”不是数字"):
        assessment.do_mark_task(tasks["mech"], 2026, "abc", acting_user=cast.alice)
    with pytest.raises(ValidationError, match="0 到 100"):
        assessment.do_mark_task(tasks["mech"], 2026, "101", acting_user=cast.alice)
    with pytest.raises(ValidationError, match="不在 2025 年度"):
        assessment.do_mark_task(tasks["mech"], 2025, "80", acting_user=cast.alice)
    with pytest.raises(ValidationError, match="四位数字"):
        assessment.do_mark_task(tasks["mech"], "20x6", "80", acting_user=cast.alice)


def test_the_command_writes_the_three_sheets_in_the_seeds_layout_with_formulas_neutralised(tasks, cast, tmp_path):
    assessment.do_mark_task(tasks["info"], 2026, "95", "=1+1", acting_user=cast.alice)
    out = tmp_path / "考核.xlsx"
    call_command("assessment", "export", "--year", "2026", "--out", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["任务分解表", "任务考核表", "考核结果"]
    breakdown = book["任务分解表"]
    assert breakdown["A1"].value == "2026年度任务分解表"
    assert [c.value for c in breakdown[2]] == ["序号", "体系类别", "工作任务", "主要内容", "主管(牵头)领导", "牵头部门",
                                               "承担部门", "成果形式", "开始时间", "完成时间"]
    scored = book["任务考核表"]
    header = [c.value for c in scored[2]]
    assert header[-5:] == ["完成度(%)", "进度得分", "评审得分", "考核得分", "评审意见"]
    body = {r[5]: r for r in scored.iter_rows(min_row=3, values_only=True)}
    info = body["信息工程学院"]
    assert info[4] == "院长" and info[9] == "2026.12" and info[-4:] == (70.0, 95.0, 80.0, "'=1+1")
    assert info[3] == "'=HYPERLINK(\"http://x\",\"点我\")", "a formula in a task's text is written as text"
    for ws in book:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith("=")), value
    ranking = book["考核结果"]
    assert ranking["A1"].value == "2026年度部门考核结果"
    assert [c.value for c in ranking[2]] == ["排名", "部门", "任务数", "平均完成度(%)", "平均评审得分", "考核得分", "考核等级"]
    assert [r[:2] for r in ranking.iter_rows(min_row=3, max_row=4, values_only=True)] == [(1, "机械工程学院"), (2, "信息工程学院")]  # 90 unmarked, 80

    with pytest.raises(CommandError, match="四位数字"):
        call_command("assessment", "export", "--year", "next", "--out", str(out))
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("assessment", "export", "--year", "2026", "--out", str(tmp_path / "x.csv"))


def test_the_quality_office_marks_on_the_page_and_others_are_refused(client, tasks, cast):
    client.force_login(cast.alice)
    url = reverse("cycles:assessment")
    body = client.get(url, {"year": "2026"}).content.decode()
    assert "考核结果" in body
    assert "信息工程学院" in body and "运行“8”字螺旋" in body
    response = client.post(reverse("cycles:assessment_mark"), {"year": "2026", "task": tasks["mech"].pk, "mark": "88",
                                                               "comment": "好"})
    assert response.status_code == 302
    assert {r.task_id: r.mark for r in assessment.task_scores(2026)}[tasks["mech"].pk] == Decimal("88.0")
    download = client.get(url, {"year": "2026", "format": "xlsx"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(url, {"year": "junk"}).status_code == 400
    assert client.get(url, {"year": "2026", "format": "pdf"}).status_code == 400
    client.force_login(cast.grace)  # the school's leaders read the results
    assert client.get(url, {"year": "2026"}).status_code == 200
    client.force_login(cast.bob)
    assert client.get(url).status_code == 403
    assert client.post(reverse("cycles:assessment_mark"), {"year": "2026", "task": tasks["mech"].pk, "mark": "10"}).status_code == 403
