"""The annual task table: the seed's table as a real file (title row, merged cells, blanks,
dates like 2019.01 / 每年1月 / 持续) imports into goals and tasks and exports back unchanged."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from zhengai.chains import seedtable
from zhengai.chains.choices import GoalKind
from zhengai.chains.models import Goal, TaskRow, TaskTable
from zhengai.chains.tasks_export import export_table
from zhengai.chains.tasks_io import import_table, parse_task_date
from zhengai.chains.xlsxutil import ImportProblems
from zhengai.datacenter.choices import DepartmentKind, Level
from zhengai.datacenter.models import Department, Subject
from zhengai.datacenter.subjects import sync_subjects


@pytest.fixture
def offices(college):
    """Two of the plan's offices exist in the data center; 党办, 院办 … do not."""
    Department.objects.create(code="F02", name="教务处", kind=DepartmentKind.FUNCTIONAL)
    Department.objects.create(code="F03", name="组织部", kind=DepartmentKind.FUNCTIONAL)
    sync_subjects(levels=[Level.DEPARTMENT])
    return {name: Subject.objects.get(level=Level.DEPARTMENT, name=name).pk for name in ("教务处", "组织部", "机械工程学院", "信息工程学院")}


def seed_file() -> io.BytesIO:
    out = io.BytesIO()
    seedtable.build_workbook(out)
    out.seek(0)
    return out


def sheet(source):
    source.seek(0)
    ws = load_workbook(source).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()], sorted(str(r) for r in ws.merged_cells.ranges)


def test_it_builds_a_fixture_like_the_plan(college):
    cells, merges = sheet(seed_file())
    assert cells[0][0] == "七、建设与实施进程表" and cells[1][3] == "主管(牵头)领导"
    assert cells[2][:2] == ["学校层面", "建立领导组织"] and cells[3][:2] == [None, None]
    assert {"A1:I1", "A3:A8", "B3:B4", "D3:D4", "B5:B7", "D5:D8", "B22:B27"} <= set(merges)


def test_it_imports_the_seed_table_into_annual_and_department_tasks(college, cast, offices):
    school = Subject.objects.get(level=Level.SCHOOL).pk
    assert Goal.objects.count() == 0

    table, notices = import_table(seed_file(), acting_user=cast.alice, source_name="进程表.xlsx")

    assert (table.title, table.year, table.header_row) == ("七、建设与实施进程表", 2019, 2)
    assert TaskRow.objects.filter(table=table).count() == len(seedtable.ROWS) == 26
    annual = list(Goal.objects.filter(kind=GoalKind.ANNUAL_TASK).order_by("order").values_list("category", "title"))
    # Every row naming its own 工作任务 starts one: 3 + 4 + 2 + 2 + 2 + 2.
    assert len(annual) == 15
    assert annual[:4] == [("学校层面", "建立领导组织"), ("学校层面", "两链打造"), ("学校层面", "诊改运行"), ("专业课程层面", "专业两链打造")]
    assert [t for c, t in annual if c == "专业课程层面"] == ["专业两链打造", "诊改运行", "课程两链打造", "诊改运行"]

    second = Goal.objects.get(title="成立二级学院(部)质量保证工作组")
    # blanks are "same as above": 党委书记, 党办; 二级学院(部) means every teaching college
    assert (second.leader, second.lead_departments, second.partner_departments) == ("党委书记", "党办", "二级学院(部)")
    assert set(second.partners.values_list("pk", flat=True)) == {offices["机械工程学院"], offices["信息工程学院"]}
    assert (second.start, second.end, second.owner_id) == (date(2019, 1, 1), date(2019, 3, 31), school)  # 党办 unknown
    assert second.parent.title == "建立领导组织"

    yearly = Goal.objects.get(title="完成年度任务分解")
    assert (yearly.recurring, yearly.start, yearly.end, yearly.owner_id, yearly.leader) == (
        True, date(2019, 1, 1), date(2019, 3, 31), offices["组织部"], "校长")
    continuing = Goal.objects.filter(title__startswith="基于“8”字螺旋, 运用网上事务大厅").get()
    assert (continuing.end, continuing.parent.end, continuing.outcome) == (None, None, "任务分解表、任务考核表、考核结果, 诊改报告")
    platform = Goal.objects.get(title="智能云课堂平台")
    assert (platform.lead_departments, platform.owner_id, platform.leader) == ("信息中心", school, "分管信息化校领导")
    assert "“党办”不在部门名单中，已按文本保存（牵头部门）" in notices
    assert not any("教务处" in n for n in notices)


def test_it_resolves_partner_departments_by_name(college, cast, offices):
    import_table(seed_file(), acting_user=cast.alice)
    yearly = Goal.objects.get(title="完成年度任务分解")
    # 承担部门 “人事处、教务处、科技处、继教院、质管办等”: 教务处 by its name, 质管办 as the short
    # name of 质量管理办公室; the others are not in the data center.
    office = Subject.objects.get(level=Level.DEPARTMENT, department=college.office).pk
    assert yearly.partner_departments == "人事处、教务处、科技处、继教院、质管办等"
    assert sorted(yearly.partners.values_list("pk", flat=True)) == sorted([offices["教务处"], office])


def test_it_exports_every_cell_and_merge_back_unchanged(college, cast, offices):
    source = seed_file()
    table, _notices = import_table(source, acting_user=cast.alice)
    out = io.BytesIO()

    assert export_table(out, table) == 26

    assert sheet(out) == sheet(source)


def test_it_names_bad_dates_and_writes_nothing(college, cast, offices):
    rows = [list(r) for r in seedtable.ROWS]
    rows[0][7] = "2019.13"
    rows[2][8] = "明年"
    rows[4][7] = "持续"
    source = io.BytesIO()
    seedtable.build_workbook(source, rows)
    source.seek(0)
    with pytest.raises(ImportProblems) as caught:
        import_table(source, acting_user=cast.alice)
    assert caught.value.problems == [
        "第 3 行，“开始时间”列，值“2019.13”：月份应为 1–12",
        "第 5 行，“完成时间”列，值“明年”：无法识别的日期，可写 2019.01、2019.01.15、每年1月 或 持续",
        "第 7 行，“开始时间”列，值“持续”：“持续”只能用作完成时间",
    ]
    assert TaskTable.objects.count() == Goal.objects.count() == 0


def test_it_lets_only_the_quality_office_import(college, cast):
    with pytest.raises(PermissionDenied):
        import_table(seed_file(), acting_user=cast.bob)
    assert Goal.objects.count() == 0


def test_it_reads_the_ways_plans_write_dates():
    assert parse_task_date("2019.01", is_end=False, base_year=2026).day == date(2019, 1, 1)
    assert parse_task_date("2019.02", is_end=True, base_year=2026).day == date(2019, 2, 28)
    assert parse_task_date("2019年9月", is_end=True, base_year=2026).day == date(2019, 9, 30)
    assert parse_task_date("2020.12.15", is_end=True, base_year=2026).day == date(2020, 12, 15)
    yearly = parse_task_date("每年3月", is_end=True, base_year=2026)
    assert (yearly.day, yearly.recurring) == (date(2026, 3, 31), True)
    assert parse_task_date("持续", is_end=True, base_year=2026).day is None
