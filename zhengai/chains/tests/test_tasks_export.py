"""The task table's export follows the goals as they stand: what was changed on the goal pages is
written from the goals in the file's style, every untouched cell keeps the file's text, tasks
added on the pages get rows under their 工作任务, deleted ones go, and a table made only on the
pages exports in the standard layout. Whatever is exported imports back into the same tasks."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.chains import goals, seedtable
from zhengai.chains.choices import GoalKind
from zhengai.chains.models import ChainEvent, Goal, TaskRow
from zhengai.chains.tasks_export import format_task_date
from zhengai.chains.tasks_export import export_table
from zhengai.chains.tasks_io import import_table, parse_task_date
from zhengai.chains.xlsxutil import ImportProblems
from zhengai.datacenter.choices import DepartmentKind, Level
from zhengai.datacenter.models import Department, Subject
from zhengai.datacenter.subjects import sync_subjects


@pytest.fixture
def table(college, cast):
    """The seed's table imported by the quality office; 教务处 and 组织部 are in the data center."""
    Department.objects.create(code="F02", name="教务处", kind=DepartmentKind.FUNCTIONAL)
    Department.objects.create(code="F03", name="组织部", kind=DepartmentKind.FUNCTIONAL)
    sync_subjects(levels=[Level.DEPARTMENT])
    imported, _notices = import_table(seed_file(), acting_user=cast.alice)
    return imported


def seed_file() -> io.BytesIO:
    out = io.BytesIO()
    seedtable.build_workbook(out)
    out.seek(0)
    return out


def grid(source) -> tuple[list[list], list[str]]:
    source.seek(0)
    ws = load_workbook(source).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()], sorted(str(r) for r in ws.merged_cells.ranges)


def exported(tbl=None) -> io.BytesIO:
    out = io.BytesIO()
    export_table(out, tbl)
    return out


def task(title) -> Goal:
    return Goal.objects.get(kind=GoalKind.DEPARTMENT_TASK, title=title)


def form_data(goal: Goal, **changes) -> dict:
    fields = ["title", "description", "leader", "lead_departments", "partner_departments", "outcome"]
    data = {f: getattr(goal, f) for f in fields} | {"start": goal.start.isoformat(), "end": goal.end.isoformat() if goal.end else ""}
    return data | changes


def differences(before, after) -> dict:
    """(sheet row, column letter) → (before, after) for every cell that differs."""
    out = {}
    for r in range(max(len(before), len(after))):
        a = before[r] if r < len(before) else []
        b = after[r] if r < len(after) else []
        for c in range(max(len(a), len(b))):
            x, y = (a[c] if c < len(a) else None), (b[c] if c < len(b) else None)
            if x != y:
                out[(r + 1, "ABCDEFGHI"[c])] = (x, y)
    return out


def department_tasks() -> list[tuple]:
    """What a department task is, whoever wrote its row: its annual task, title, dates, owner."""
    return sorted(Goal.objects.filter(kind=GoalKind.DEPARTMENT_TASK).values_list(
        "parent__title", "title", "start", "end", "recurring", "owner_id"), key=str)


def test_it_writes_a_title_and_content_changed_on_the_goal_page_into_its_cell(client, cast, table):
    before, merges = grid(seed_file())
    goal = task("成立二级学院(部)质量保证工作组")
    client.force_login(cast.alice)

    response = client.post(reverse("chains:goal_edit", args=[goal.pk]), form_data(
        goal, title="成立二级学院(部)质量保证工作小组", description="成立二级学院(部)质量保证工作小组"))

    assert response.status_code == 302
    after, after_merges = grid(exported(table))
    # Only C4 (主要内容 of the table's second row) changed; every other cell and merge is the file's.
    assert differences(before, after) == {(4, "C"): ("成立二级学院(部)质量保证工作组", "成立二级学院(部)质量保证工作小组")}
    assert after_merges == merges


def test_it_writes_changed_dates_in_the_file_s_style(table, cast):
    before, merges = grid(seed_file())
    goal = task("梳理明确部门、岗位职责")  # row 7: 2019.01 – 2019.06

    goals.do_update_goal(goal, end=date(2019, 9, 30), acting_user=cast.alice)
    assert differences(before, grid(exported(table))[0]) == {(7, "I"): ("2019.06", "2019.09")}

    goals.do_update_goal(goal, start=date(2019, 2, 15), acting_user=cast.alice)
    after, after_merges = grid(exported(table))
    assert differences(before, after) == {(7, "H"): ("2019.01", "2019.02.15"), (7, "I"): ("2019.06", "2019.09")}
    assert after_merges == merges


def test_it_writes_a_task_repeated_every_year_and_a_continuing_one_as_the_plan_does(table, cast):
    before, _merges = grid(seed_file())
    yearly = task("完成年度任务分解")  # 每年1月 – 每年3月
    goals.do_update_goal(yearly, end=date(2019, 4, 30), acting_user=cast.alice)
    goals.do_update_goal(task("梳理明确部门、岗位职责"), end=None, acting_user=cast.alice)

    assert differences(before, grid(exported(table))[0]) == {(6, "I"): ("每年3月", "每年4月"), (7, "I"): ("2019.06", "持续")}


def test_it_resolves_a_lead_department_changed_on_the_page_and_exports_it(table, cast):
    before, _merges = grid(seed_file())
    goal = task("成立二级学院(部)质量保证工作组")  # 牵头部门 blank in the file: 党办, as above
    school = Subject.objects.get(level=Level.SCHOOL)
    assert goal.owner == school

    goals.do_update_goal(goal, lead_departments="教务处", partner_departments="组织部、党办", outcome="学院文件",
                         acting_user=cast.alice)

    goal.refresh_from_db()
    assert goal.owner == Subject.objects.get(level=Level.DEPARTMENT, name="教务处")
    assert list(goal.partners.values_list("name", flat=True)) == ["组织部"]
    assert differences(before, grid(exported(table))[0]) == {
        (4, "E"): (None, "教务处"), (4, "F"): ("二级学院(部)", "组织部、党办"), (4, "G"): ("二级学院(部)文件", "学院文件")}


def test_it_spells_out_a_blank_cell_whose_row_above_changed(table, cast):
    """Row 4's 牵头部门 is blank ("same as above": 党办). When row 3's changes, row 4 still means
    党办 and so says it; the merged 主管领导 cell D3:D4 stays, its rows unchanged."""
    before, merges = grid(seed_file())

    goals.do_update_goal(task("成立学校内部质量保证工作委员会, 成立诊改专项工作组"), lead_departments="组织部",
                         acting_user=cast.alice)

    after, after_merges = grid(exported(table))
    assert differences(before, after) == {(3, "E"): ("党办", "组织部"), (4, "E"): (None, "党办")}
    assert after_merges == merges


def test_it_splits_a_merged_cell_when_one_of_its_rows_changes(table, cast):
    """主管领导 校长 is merged over D5:D8 (two 工作任务). The annual task 诊改运行 (row 8) gets
    another leader: D5:D7 stays merged, D8 has its own text."""
    before, merges = grid(seed_file())
    running = Goal.objects.get(kind=GoalKind.ANNUAL_TASK, category="学校层面", title="诊改运行")

    goals.do_update_goal(running, leader="分管诊改工作校领导", acting_user=cast.alice)

    after, after_merges = grid(exported(table))
    assert differences(before, after) == {(8, "D"): (None, "分管诊改工作校领导")}
    assert set(merges) - set(after_merges) == {"D5:D8"} and set(after_merges) - set(merges) == {"D5:D7"}


def test_it_adds_a_row_under_its_task_for_a_department_task_made_on_the_page(client, cast, table):
    before, merges = grid(seed_file())
    annual = Goal.objects.get(kind=GoalKind.ANNUAL_TASK, title="建立领导组织")
    client.force_login(cast.alice)

    response = client.post(f"{reverse('chains:goal_new')}?parent={annual.pk}", {
        "kind": GoalKind.DEPARTMENT_TASK, "owner_level": "department", "owner_key": "F02", "title": "制定质量保证工作组章程",
        "description": "", "start": "2019-02-01", "end": "2019-04-30"})

    assert response.status_code == 302
    after, after_merges = grid(exported(table))
    # A new row 5 under 建立领导组织 (rows 3–4); the rows below move down by one.
    assert after[4] == [None, None, "制定质量保证工作组章程", None, "教务处", None, None, "2019.02", "2019.04"]
    assert after[:4] == before[:4] and after[5:] == before[4:]
    # 体系类别, 工作任务 and 主管领导 stay merged over it; every range below moves down by one.
    assert {"A3:A9", "B3:B5", "D3:D5", "B6:B8", "D6:D9", "A10:A13"} <= set(after_merges)
    assert len(after_merges) == len(merges)


def test_it_leaves_out_a_task_deleted_on_the_page(client, cast, table):
    before, merges = grid(seed_file())
    goal = task("成立二级学院(部)质量保证工作组")
    client.force_login(cast.alice)

    response = client.post(reverse("chains:goal_delete", args=[goal.pk]))

    assert response.status_code == 302 and not Goal.objects.filter(pk=goal.pk).exists()
    assert ChainEvent.objects.filter(action="delete_goal", detail__title="成立二级学院(部)质量保证工作组").exists()
    after, after_merges = grid(exported(table))
    assert after[:3] == before[:3] and after[3:] == before[4:]
    # 建立领导组织 has one row left: B3:B4 and D3:D4 go, the rest move up by one.
    assert "B3:B4" not in after_merges and "D3:D4" not in after_merges
    assert {"A3:A7", "B4:B6", "D4:D7", "A8:A11"} <= set(after_merges)


def test_it_exports_what_imports_back_into_the_same_tasks(table, cast):
    goals.do_update_goal(task("成立学校内部质量保证工作委员会, 成立诊改专项工作组"), lead_departments="组织部",
                         acting_user=cast.alice)
    goals.do_update_goal(task("完成年度任务分解"), end=date(2019, 4, 30), acting_user=cast.alice)
    goals.do_delete_goal(task("梳理明确部门、岗位职责"), acting_user=cast.alice)
    goals.do_create_goal(owner=Subject.objects.get(level=Level.DEPARTMENT, name="组织部"), kind=GoalKind.DEPARTMENT_TASK,
                         title="年度考核", start=date(2019, 2, 1), end=date(2019, 5, 31),
                         parent=Goal.objects.get(kind=GoalKind.ANNUAL_TASK, title="两链打造", category="学校层面"),
                         acting_user=cast.alice)
    now = department_tasks()
    out = exported(table)

    Goal.objects.all().delete()
    out.seek(0)
    again, _notices = import_table(out, acting_user=cast.alice)

    # The same tasks (the one made on the page now with its table's words: 体系类别, 主管领导 …
    # as the rows above it), and the new table exports as the same file.
    assert department_tasks() == now
    assert grid(exported(again)) == grid(out)


def test_it_exports_a_table_made_on_the_pages_in_the_standard_layout(college, cast):
    school = Subject.objects.get(level=Level.SCHOOL)
    mech = Subject.objects.get(level=Level.DEPARTMENT, department=college.mech)
    with pytest.raises(ImportProblems):
        exported()
    annual = goals.do_create_goal(owner=school, kind=GoalKind.ANNUAL_TASK, title="专业两链打造", start=date(2026, 1, 1),
                                  end=date(2026, 12, 31), acting_user=cast.alice)
    goals.do_update_goal(annual, category="专业课程层面", leader="分管教学校领导", acting_user=cast.alice)
    for title, end in (("修订专业建设标准", date(2026, 6, 30)), ("修订课程教学标准", date(2026, 12, 31))):
        goals.do_create_goal(owner=mech, kind=GoalKind.DEPARTMENT_TASK, title=title, start=date(2026, 1, 1), end=end,
                             parent=annual, acting_user=cast.alice)

    cells, merges = grid(exported())

    assert cells == [
        ["年度工作任务表"] + [None] * 8,
        ["体系类别", "工作任务", "主要内容", "主管(牵头)领导", "牵头部门", "承担部门", "成果形式", "开始时间", "完成时间"],
        ["专业课程层面", "专业两链打造", "修订专业建设标准", "分管教学校领导", "机械工程学院", None, None, "2026.01", "2026.06"],
        [None, None, "修订课程教学标准", None, None, None, None, None, "2026.12"],
    ]
    assert merges == ["A1:I1", "A3:A4", "B3:B4", "D3:D4"]
    assert TaskRow.objects.count() == 0


def test_it_formats_dates_that_read_back_as_the_same_day():
    for day, is_end, recurring, style, text in [
        (date(2019, 1, 1), False, False, (".", True), "2019.01"),
        (date(2019, 2, 28), True, False, (".", True), "2019.02"),
        (date(2019, 2, 27), True, False, (".", True), "2019.02.27"),
        (date(2019, 3, 1), False, False, ("年", False), "2019年3月"),
        (date(2019, 3, 5), False, False, ("-", False), "2019-3-5"),
        (date(2026, 3, 31), True, True, (".", True), "每年3月"),
        (None, True, False, (".", True), "持续"),
    ]:
        assert format_task_date(day, is_end=is_end, recurring=recurring, style=style) == text
        parsed = parse_task_date(text, is_end=is_end, base_year=2026)
        assert (parsed.day, parsed.recurring) == (day, recurring)


def test_it_lets_only_editors_delete_and_keeps_an_approved_personal_goal(college, cast):
    zhang = Subject.objects.get(level=Level.STUDENT, student=college.s_zhang)
    mine = goals.do_create_goal(owner=zhang, kind=GoalKind.STUDENT_ANNUAL, title="考取1+X证书", start=date(2026, 9, 1),
                                acting_user=cast.erin)
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        goals.do_delete_goal(mine, acting_user=cast.bob)
    goals.do_submit_goal(mine, acting_user=cast.erin)
    with pytest.raises(ValidationError):
        goals.do_delete_goal(mine, acting_user=cast.erin)
    assert Goal.objects.filter(pk=mine.pk).exists()
    goals.do_delete_goal(mine, acting_user=cast.alice)
    assert not Goal.objects.filter(pk=mine.pk).exists()
