"""To-dos filled with evidence, reviewed by the head, checked, signed and locked; last year's
approved values carried forward; where each value came from."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhengai.statedata.choices import CellOrigin, FillStatus
from zhengai.statedata.filling import fill_template
from zhengai.statedata.models import CellValue, ReportTemplate, TableFill, TotalRule
from zhengai.statedata.signoff import Locked, do_enter_cell, do_review_cell, do_sign_table
from zhengai.statedata.structure import ColumnSpec, RowSpec, TableSpec, replace


@pytest.fixture
def template(college):
    t = ReportTemplate.objects.create(name="测试附表")
    replace(t, [TableSpec("t", "服务表", department="机械工程学院", rows=[
        RowSpec("科研成果数", "项", "school.research_outputs"), RowSpec("横向到款额", "万元")],
        columns=[ColumnSpec("上一学年", year_offset=-1), ColumnSpec("本学年")])])
    return t


def _cell(label, header, year="2025-2026"):
    return CellValue.objects.get(fill__year=year, row_label=label, column__header=header)


def _complete(year, user, value="30"):
    """Enter and approve every to-do of the year."""
    for cell in CellValue.objects.filter(fill__year=year, origin=CellOrigin.TODO):
        do_enter_cell(cell, value, "财务决算报表", acting_user=user)
    for cell in CellValue.objects.filter(fill__year=year, origin__in=[CellOrigin.ENTERED, CellOrigin.CARRIED]):
        do_review_cell(cell, True, acting_user=user)


def test_the_department_head_fills_a_todo_with_evidence_and_another_department_cannot(client, cast, template, year_facts):
    fill_template(template, "2025-2026")
    cell = _cell("横向到款额", "本学年")
    assert (cell.origin, cell.department_id) == (CellOrigin.TODO, year_facts.mech.pk)
    client.force_login(cast.bob)
    page = client.get(reverse("statedata:tasks") + "?year=2025-2026")
    assert "横向到款额" in page.content.decode()
    response = client.post(reverse("statedata:cell_enter", args=[cell.pk]), {"value": "", "evidence": ""})
    cell.refresh_from_db()
    assert cell.origin == CellOrigin.TODO  # refused: no value, no evidence
    client.post(reverse("statedata:cell_enter", args=[cell.pk]), {"value": "12.5", "evidence": "2025 年横向合同台账"})
    cell.refresh_from_db()
    assert (cell.value, cell.origin, cell.evidence, cell.entered_by) == (12.5, CellOrigin.ENTERED, "2025 年横向合同台账", cast.bob)
    from zhengai.org.models import RoleAssignment, User

    other = User.objects.create_user("olga", password="pw")
    RoleAssignment.objects.create(user=other, role="department_head", department=year_facts.info)
    client.force_login(other)
    response = client.post(reverse("statedata:cell_enter", args=[cell.pk]), {"value": "99", "evidence": "x"})
    assert response.status_code == 404
    cell.refresh_from_db()
    assert cell.value == 12.5


def test_a_table_is_signed_only_when_complete_reviewed_and_consistent_and_is_then_locked(cast, template, year_facts):
    fill_template(template, "2025-2026")
    fill = TableFill.objects.get(year="2025-2026")
    with pytest.raises(ValidationError, match="待填报"):
        do_sign_table(fill, acting_user=cast.alice)
    for cell in CellValue.objects.filter(fill=fill, origin=CellOrigin.TODO):
        do_enter_cell(cell, "30", "财务决算报表", acting_user=cast.bob)
    with pytest.raises(ValidationError, match="未经负责人审核"):
        do_sign_table(fill, acting_user=cast.alice)
    _complete("2025-2026", cast.bob)
    TotalRule.objects.create(template=template, name="成果与到款", left_table="t", left_row="科研成果数",
                             left_column="本学年", right_table="t", right_row="横向到款额", right_column="本学年")
    with pytest.raises(ValidationError, match="核对“成果与到款”不一致"):
        do_sign_table(fill, acting_user=cast.alice)
    TotalRule.objects.all().delete()
    do_sign_table(fill, acting_user=cast.alice)
    fill.refresh_from_db()
    assert fill.status == FillStatus.SIGNED and fill.signed_by == cast.alice
    cell = _cell("横向到款额", "本学年")
    with pytest.raises(Locked):
        do_enter_cell(cell, "1", "x", acting_user=cast.bob)
    from datetime import date

    from zhengai.datacenter.models import ResearchOutput

    ResearchOutput.objects.create(staff=year_facts.t_li, code="R9", kind="paper", title="补录", level="city",
                                  achieved_on=date(2026, 4, 1))
    results = fill_template(template, "2025-2026")
    assert results[0].locked and _cell("科研成果数", "本学年").value == 2  # unchanged: the signed value


def test_a_large_change_from_last_year_asks_for_a_second_look(cast, template, year_facts):
    fill_template(template, "2024-2025")
    _complete("2024-2025", cast.alice, value="100")
    fill_template(template, "2025-2026")
    _complete("2025-2026", cast.alice, value="10")  # 横向到款额 100 → 10
    fill = TableFill.objects.get(year="2025-2026")
    with pytest.raises(ValidationError, match="同比变化超过阈值"):
        do_sign_table(fill, acting_user=cast.alice)
    do_sign_table(fill, confirmed=True, acting_user=cast.alice)


def test_last_years_approved_values_are_carried_forward(cast, template, year_facts):
    fill_template(template, "2024-2025")
    _complete("2024-2025", cast.alice, value="40")
    do_sign_table(TableFill.objects.get(year="2024-2025"), confirmed=True, acting_user=cast.alice)
    fill_template(template, "2025-2026")
    # This year's “上一学年” is last year's “本学年”; a figure no indicator computes is proposed again.
    before = _cell("横向到款额", "上一学年")
    again = _cell("横向到款额", "本学年")
    assert (before.value, before.origin) == (40, CellOrigin.CARRIED)
    assert (again.value, again.origin, again.reviewed_at) == (40, CellOrigin.CARRIED, None)
    assert "2024-2025" in again.evidence


def test_a_computed_cell_shows_its_indicator_window_and_the_rows_behind_it(client, cast, template, year_facts):
    fill_template(template, "2025-2026")
    cell = _cell("科研成果数", "本学年")
    client.force_login(cast.alice)
    page = client.get(reverse("statedata:cell", args=[cell.pk])).content.decode()
    assert "school.research_outputs" in page and "2025-2026 学年（2025-09-01 至 2026-08-31）" in page
    assert "数控论文" in page and "软件专利" in page and "次年论文" not in page


def test_signing_is_the_quality_offices_and_reviewing_a_heads(client, cast, template, year_facts):
    fill_template(template, "2025-2026")
    fill = TableFill.objects.get(year="2025-2026")
    client.force_login(cast.bob)
    assert client.post(reverse("statedata:fill_sign", args=[fill.pk])).status_code == 403
    client.force_login(cast.dave)
    assert client.get(reverse("statedata:tasks")).status_code == 403
