"""Templates as data: the .xlsx round trip and the edit page, checked in one place."""

import io

import pytest
from django.urls import reverse

from zhengai.chains.xlsxutil import ImportProblems
from zhengai.statedata.defaults import ANNUAL_REPORT
from zhengai.statedata.models import ReportTable, TableRow
from zhengai.statedata.structure import specs_of
from zhengai.statedata.templates_io import MAX_BYTES, export_workbook, import_workbook


def _workbook(template):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(export_workbook(template)))


def _save(wb) -> io.BytesIO:
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_an_exported_template_reads_back_with_chinese_intact_and_imports_to_the_same_tables(defaults):
    template = defaults[ANNUAL_REPORT]
    wb = _workbook(template)
    assert wb["报表"]["B2"].value == "计分卡"
    assert [c.value for c in wb["行列"][1]] == ["表代码", "类别", "名称", "单位", "指标代码", "学年", "负责部门"]
    before = specs_of(template)
    buffer = _save(wb)
    import_workbook(template, buffer, len(buffer.getvalue()))
    assert specs_of(template) == before


def test_an_edited_workbook_renames_a_row_and_reorders_tables(defaults):
    template = defaults[ANNUAL_REPORT]
    wb = _workbook(template)
    wb["行列"]["C2"].value = "毕业去向落实率"
    tables = wb["报表"]
    first = [c.value for c in tables[2]]
    second = [c.value for c in tables[3]]
    for col, value in enumerate(second, start=1):
        tables.cell(row=2, column=col).value = value
    for col, value in enumerate(first, start=1):
        tables.cell(row=3, column=col).value = value
    buffer = _save(wb)
    import_workbook(template, buffer, len(buffer.getvalue()))
    assert list(template.tables.values_list("name", flat=True)[:2]) == ["资源表", "计分卡"]
    assert TableRow.objects.filter(table__code="scorecard").order_by("order").first().label == "毕业去向落实率"


def test_a_bad_workbook_names_sheet_row_column_and_value_and_writes_nothing(defaults):
    template = defaults[ANNUAL_REPORT]
    before = specs_of(template)
    wb = _workbook(template)
    wb["行列"]["E2"].value = "school.no_such"
    wb["行列"]["B3"].value = "格"
    wb["报表"]["C2"].value = "竖排"
    buffer = _save(wb)
    with pytest.raises(ImportProblems) as caught:
        import_workbook(template, buffer, len(buffer.getvalue()))
    text = "\n".join(caught.value.problems)
    assert "工作表“行列”第 2 行：指标代码“school.no_such”不在指标库中" in text
    assert "工作表“行列”第 3 行，“类别”列，值“格”：应为“行”或“列”" in text
    assert "工作表“报表”第 2 行，“布局”列，值“竖排”" in text
    assert specs_of(template) == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(defaults):
    with pytest.raises(ImportProblems, match="超过上限"):
        import_workbook(defaults[ANNUAL_REPORT], io.BytesIO(b"x"), MAX_BYTES + 1)


def test_an_exported_cell_that_looks_like_a_formula_is_neutralised(defaults):
    template = defaults[ANNUAL_REPORT]
    row = TableRow.objects.filter(table__code="scorecard").first()
    row.label = "=HYPERLINK(\"http://x\")"
    row.save()
    assert _workbook(template)["行列"]["C2"].value.startswith("'=")


def test_the_quality_office_renames_and_reorders_rows_on_the_page(client, cast, defaults):
    template = defaults[ANNUAL_REPORT]
    table = ReportTable.objects.get(template=template, code="scorecard")
    url = reverse("statedata:table_edit", args=[template.pk, table.pk])
    client.force_login(cast.alice)
    page = client.get(url)
    assert page.status_code == 200 and "就业率" in page.content.decode()
    rows = list(table.rows.all())
    data = {"name": "计分卡（新）", "code": "scorecard", "layout": "indicators", "level": "school", "department": "招就处",
            "note": "", "position": "1",
            "rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": str(len(rows)),
            "columns-TOTAL_FORMS": "2", "columns-INITIAL_FORMS": "2",
            "columns-0-order": "1", "columns-0-header": "上一学年", "columns-0-year_offset": "-1",
            "columns-1-order": "2", "columns-1-header": "本学年", "columns-1-year_offset": "0"}
    for n, r in enumerate(rows):
        data.update({f"rows-{n}-order": str(n + 1), f"rows-{n}-label": r.label, f"rows-{n}-unit": r.unit,
                     f"rows-{n}-indicator": r.indicator, f"rows-{n}-department": r.department})
    data["rows-1-order"] = "0"  # 月收入 first
    data["rows-6-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.name == "计分卡（新）"
    assert list(table.rows.values_list("label", flat=True))[:2] == ["月收入", "就业率"]
    assert table.rows.count() == len(rows) - 1
    # A wrong indicator code is named and nothing is saved.
    data["rows-0-indicator"] = "student.attendance_rate"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "指标行布局只用学校层面的指标" in response.content.decode()


def test_pages_speak_to_roles(client, cast, defaults, year_facts):
    from zhengai.statedata.filling import fill_template

    fill_template(defaults[ANNUAL_REPORT], "2025-2026")
    table = ReportTable.objects.get(code="scorecard")
    client.force_login(cast.bob)  # a department head reads the tables, edits no template
    assert client.get(reverse("statedata:index")).status_code == 200
    page = client.get(reverse("statedata:table", args=[table.pk, "2025-2026"]))
    assert page.status_code == 200 and "2025-2026 学年（2025-09-01 至 2026-08-31）" in page.content.decode()
    assert client.get(reverse("statedata:template_export", args=[table.template_id])).status_code == 403
    assert client.get(reverse("statedata:index") + "?year=junk").status_code == 200
    client.force_login(cast.erin)
    assert client.get(reverse("statedata:index")).status_code == 403
    client.force_login(cast.alice)
    response = client.post(reverse("statedata:fill", args=[table.template_id]), {"year": "2025-2026"})
    assert response.status_code == 302
