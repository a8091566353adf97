"""Filling a template for an academic year: indicators set-based, to-dos for the rest."""

import pytest
from django.core.management import call_command

from zhengai.statedata.choices import CellOrigin
from zhengai.statedata.defaults import ANNUAL_REPORT, STATE_DATA
from zhengai.statedata.filling import fill_template
from zhengai.statedata.models import CellValue, ReportTemplate


def _cell(table_code, label, column_header, year="2025-2026"):
    return CellValue.objects.get(fill__table__code=table_code, fill__year=year, row_label=label, column__header=column_header)


def test_the_default_templates_hold_the_annex_and_summary_tables_and_install_once(defaults):
    annex = defaults[ANNUAL_REPORT]
    assert [t.name for t in annex.tables.all()] == ["计分卡", "资源表", "服务贡献表", "落实政策表", "国际影响表"]
    assert [t.name for t in defaults[STATE_DATA].tables.all()] == ["学校基本情况", "二级学院基本情况", "专业基本情况"]
    from zhengai.statedata.defaults import install_default_templates

    assert install_default_templates() == {"templates": 0, "indicators": 0}
    assert ReportTemplate.objects.count() == 2


def test_it_fills_cells_from_indicators_over_the_academic_year_and_leaves_the_rest_as_todos(year_facts, defaults):
    fill_template(defaults[ANNUAL_REPORT], "2025-2026")
    research = _cell("contribution", "科研成果数", "本学年")
    # Two outputs dated 2026-03-10 and 2026-05-02 lie in 2025-09-01 … 2026-08-31; the one of 2026-09-10 not.
    assert (research.value, research.origin, research.indicator) == (2, CellOrigin.COMPUTED, "school.research_outputs")
    assert (research.window, str(research.window_start), str(research.window_end)) == ("2025-2026", "2025-09-01", "2026-08-31")
    employment = _cell("scorecard", "就业率", "本学年")
    assert employment.value == 50.0  # the class of 2026: one placed of two
    assert _cell("scorecard", "月收入", "本学年").value == 5200
    # The year before has no graduates in the data center: a to-do for the office named on the table.
    before = _cell("scorecard", "就业率", "上一学年")
    assert (before.origin, before.window, before.value) == (CellOrigin.TODO, "2024-2025", None)
    assert before.department.name == "招生就业处" if before.department else before.department_text == "招生就业处"
    # A row the data center has no source for is owed by its department.
    foreign = _cell("international", "全日制国（境）外留学生人数（年度）", "本学年")
    assert foreign.origin == CellOrigin.TODO and foreign.indicator == ""


def test_the_summary_tables_have_one_row_per_teaching_college_and_specialty(year_facts, defaults):
    fill_template(defaults[STATE_DATA], "2025-2026")
    rows = set(CellValue.objects.filter(fill__table__code="departments").values_list("row_label", flat=True))
    assert rows == {"机械工程学院", "信息工程学院"}  # not the functional 质量管理办公室
    cnc = CellValue.objects.get(fill__table__code="specialties", row_key="460103", column__header="毕业生就业率")
    assert (cnc.value, cnc.origin, cnc.department_id) == (50.0, CellOrigin.COMPUTED, year_facts.mech.pk)
    stations = CellValue.objects.get(fill__table__code="specialties", row_key="510203", column__header="校内实训基地工位数")
    assert stations.origin == CellOrigin.TODO and stations.department_id == year_facts.info.pk


def test_a_value_a_department_entered_is_kept_when_the_template_is_filled_again(year_facts, defaults):
    fill_template(defaults[ANNUAL_REPORT], "2025-2026")
    cell = _cell("international", "全日制国（境）外留学生人数（年度）", "本学年")
    cell.value, cell.origin = 12, CellOrigin.ENTERED
    cell.save()
    results = fill_template(defaults[ANNUAL_REPORT], "2025-2026")
    cell.refresh_from_db()
    assert (cell.value, cell.origin) == (12, CellOrigin.ENTERED)
    assert sum(r.entered for r in results) == 1


def test_filling_reads_in_queries_that_do_not_grow_with_the_data(year_facts, defaults, django_assert_max_num_queries):
    """Each distinct (indicator, academic year) is one grouped query; the rest is fixed per table."""
    from datetime import date

    from zhengai.datacenter.models import ResearchOutput

    template = defaults[ANNUAL_REPORT]
    fill_template(template, "2025-2026")
    with django_assert_max_num_queries(200) as first:
        fill_template(template, "2025-2026")
    ResearchOutput.objects.bulk_create([ResearchOutput(staff=year_facts.t_wang, code=f"X{n}", kind="paper", title="t",
                                                       level="city", achieved_on=date(2026, 1, 1)) for n in range(60)])
    with django_assert_max_num_queries(len(first.captured_queries)):
        fill_template(template, "2025-2026")
    assert _cell("contribution", "科研成果数", "本学年").value == 62


def test_a_year_that_is_not_an_academic_year_is_refused_in_chinese(defaults):
    from zhengai.core.windows import WindowError

    with pytest.raises(WindowError, match="不是学年"):
        fill_template(defaults[ANNUAL_REPORT], "2026")


def test_the_command_fills_and_prints_filled_and_todo_counts(year_facts, capsys):
    call_command("statedata", "fill", "--year", "2025-2026", "--template", ANNUAL_REPORT)
    out = capsys.readouterr().out
    assert "2025-2026 学年（2025-09-01 至 2026-08-31）" in out
    assert "计分卡" in out and "待填报" in out
    filled = CellValue.objects.filter(origin=CellOrigin.COMPUTED).count()
    todo = CellValue.objects.filter(origin=CellOrigin.TODO).count()
    assert f"已填 {filled} 格" in out and f"待填报 {todo} 格" in out and filled > 0 and todo > 0


def test_the_command_names_an_unknown_template(defaults):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为“不存在”的模板"):
        call_command("statedata", "fill", "--year", "2025-2026", "--template", "不存在")
