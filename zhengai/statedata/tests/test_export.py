"""Each filled table out of the platform: .xlsx in the form's layout, CSV and JSON records for the
职业院校数字基座 with their record key, school code and collection time, under a field mapping."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhengai.statedata.defaults import ANNUAL_REPORT, STATE_DATA
from zhengai.statedata.filling import fill_template
from zhengai.statedata.models import TableFill

YEAR = "2025-2026"


@pytest.fixture
def filled(year_facts, defaults, settings):
    settings.ZHENGAI_SCHOOL_CODE = "4132012345"
    for t in defaults.values():
        fill_template(t, YEAR)
    return defaults


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel shows the Chinese
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_command_writes_each_table_as_xlsx_in_the_forms_layout_with_chinese_intact(filled, tmp_path):
    from openpyxl import load_workbook

    call_command("statedata", "export", "--year", YEAR, "--format", "xlsx", "--out", str(tmp_path / "x"),
                 stdout=io.StringIO())
    names = sorted(p.name for p in (tmp_path / "x").iterdir())
    assert names == sorted(["scorecard.xlsx", "resources.xlsx", "contribution.xlsx", "policy.xlsx", "international.xlsx",
                            "school_basic.xlsx", "departments.xlsx", "specialties.xlsx"])
    ws = load_workbook(tmp_path / "x" / "contribution.xlsx").active
    assert ws.title == "服务贡献表" and ws["A1"].value == "服务贡献表"
    assert "2025-2026" in ws["A2"].value
    assert [ws.cell(3, n).value for n in (1, 2, 3)] == ["序号", "指标", "单位"]
    assert ws.cell(3, 5).value.startswith("本学年")
    research = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == "科研成果数")
    assert research[2] == "项" and research[4] == 2  # the two outputs dated in 2025-09-01 … 2026-08-31
    specialties = load_workbook(tmp_path / "x" / "specialties.xlsx").active
    cnc = next(r for r in specialties.iter_rows(min_row=4, values_only=True) if r[1] == "460103")
    assert cnc[2] == "数控技术"


def test_text_a_spreadsheet_would_run_is_neutralised_in_the_xlsx(filled, tmp_path):
    from openpyxl import load_workbook

    from zhengai.statedata.models import TableRow

    TableRow.objects.filter(label="科研成果数", table__code="contribution").update(label="=HYPERLINK(\"x\")")
    fill_template(filled[ANNUAL_REPORT], YEAR)
    call_command("statedata", "export", "--year", YEAR, "--format", "xlsx", "--out", str(tmp_path), "--table",
                 "contribution", stdout=io.StringIO())
    ws = load_workbook(tmp_path / "contribution.xlsx").active
    labels = [r[1] for r in ws.iter_rows(min_row=4, values_only=True)]
    assert "'=HYPERLINK(\"x\")" in labels and not any(str(v).startswith("=") for v in labels if v)


def test_csv_and_json_records_carry_the_key_school_code_and_collection_time_and_keys_are_stable(filled, tmp_path):
    call_command("statedata", "export", "--year", YEAR, "--format", "csv", "--out", str(tmp_path / "a"), stdout=io.StringIO())
    rows = _csv(tmp_path / "a" / "contribution.csv")
    research = next(r for r in rows if r["HMC"] == "科研成果数")
    assert research["XXDM"] == "4132012345" and research["XN"] == YEAR and research["DW"] == "项"
    assert research["C02"] == "2"  # 本学年, the second column
    assert len(research["ZJSJWYXBS"]) == 32
    fill = TableFill.objects.get(table__code="contribution", year=YEAR)
    from django.utils import timezone

    assert research["SJCJSJ"] == timezone.localtime(fill.filled_at).strftime("%Y-%m-%d %H:%M:%S")
    assert len({r["ZJSJWYXBS"] for r in rows}) == len(rows)
    # Filled again and exported again: the same keys.
    fill_template(filled[ANNUAL_REPORT], YEAR)
    call_command("statedata", "export", "--year", YEAR, "--format", "json", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    doc = json.loads((tmp_path / "b" / "contribution.json").read_text(encoding="utf-8"))
    assert doc["表名称"] == "服务贡献表" and doc["字段"]["C02"] == "本学年"
    again = {r["HMC"]: r["ZJSJWYXBS"] for r in doc["数据"]}
    assert again == {r["HMC"]: r["ZJSJWYXBS"] for r in rows}
    assert next(r for r in doc["数据"] if r["HMC"] == "科研成果数")["C02"] == 2
    specialties = json.loads((tmp_path / "b" / "specialties.json").read_text(encoding="utf-8"))
    cnc = next(r for r in specialties["数据"] if r["HDM"] == "460103")
    assert cnc["HMC"] == "数控技术" and "DW" not in cnc
    assert (tmp_path / "b" / "mapping.json").exists()


def test_the_it_office_renames_fields_through_the_mapping_file(filled, tmp_path, settings):
    call_command("statedata", "export", "--year", YEAR, "--format", "json", "--out", str(tmp_path / "a"), stdout=io.StringIO())
    mapping = json.loads((tmp_path / "a" / "mapping.json").read_text(encoding="utf-8"))
    assert mapping["公共字段"]["主键数据唯一性标识"] == "ZJSJWYXBS"
    assert mapping["表"]["contribution"]["列"] == {"上一学年": "C01", "本学年": "C02"}
    mapping["公共字段"]["行名称"] = "XMMC"
    mapping["表"]["contribution"]["接口表名"] = "GZ_FWGX"
    mapping["表"]["contribution"]["列"]["本学年"] = "BNZ"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    settings.ZHENGAI_STATEDATA_MAPPING = str(path)
    call_command("statedata", "export", "--year", YEAR, "--format", "csv", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    rows = _csv(tmp_path / "b" / "contribution.csv")
    assert next(r for r in rows if r["XMMC"] == "科研成果数")["BNZ"] == "2"
    json_doc = None
    call_command("statedata", "export", "--year", YEAR, "--format", "json", "--out", str(tmp_path / "c"),
                 "--mapping", str(path), stdout=io.StringIO())
    json_doc = json.loads((tmp_path / "c" / "contribution.json").read_text(encoding="utf-8"))
    assert json_doc["接口表名"] == "GZ_FWGX"


def test_a_bad_mapping_file_is_refused_in_chinese_with_where(filled, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"公共字段": {"学校代码": ""}}', encoding="utf-8")
    with pytest.raises(CommandError, match="公共字段.学校代码.*非空的字段名"):
        call_command("statedata", "export", "--year", YEAR, "--format", "csv", "--out", str(tmp_path / "o"), "--mapping", str(path))
    path.write_text('{"公共字段": ', encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON：第 1 行"):
        call_command("statedata", "export", "--year", YEAR, "--format", "csv", "--out", str(tmp_path / "o"), "--mapping", str(path))
    path.write_text('{"公共字段": {"学校代码": "HMC"}}', encoding="utf-8")
    with pytest.raises(CommandError, match="字段名“HMC”重复"):
        call_command("statedata", "export", "--year", YEAR, "--format", "csv", "--out", str(tmp_path / "o"), "--mapping", str(path))
    assert not (tmp_path / "o").exists()


def test_nothing_filled_yet_is_said_in_chinese(defaults, tmp_path):
    with pytest.raises(CommandError, match="尚无已填报的表"):
        call_command("statedata", "export", "--year", YEAR, "--format", "xlsx", "--out", str(tmp_path))


def test_the_pages_download_a_table_and_a_template(client, cast, filled):
    from openpyxl import load_workbook

    client.force_login(cast.alice)
    table = TableFill.objects.get(table__code="scorecard", year=YEAR).table
    page = client.get(reverse("statedata:table", args=[table.pk, YEAR]))
    assert reverse("statedata:table_download", args=[table.pk, YEAR, "csv"]) in page.content.decode()
    xlsx = client.get(reverse("statedata:table_download", args=[table.pk, YEAR, "xlsx"]))
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "计分卡"
    csv_text = client.get(reverse("statedata:table_download", args=[table.pk, YEAR, "csv"])).content.decode("utf-8-sig")
    assert "就业率" in csv_text and "4132012345" in csv_text
    assert client.get(reverse("statedata:table_download", args=[table.pk, YEAR, "pdf"])).status_code == 404
    assert client.get(reverse("statedata:table_download", args=[table.pk, "2025", "csv"])).status_code == 404
    z = client.get(reverse("statedata:template_download", args=[filled[STATE_DATA].pk, YEAR, "json"]))
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert sorted(names) == ["departments.json", "mapping.json", "school_basic.json", "specialties.json"]
    client.force_login(cast.erin)
    assert client.get(reverse("statedata:table_download", args=[table.pk, YEAR, "csv"])).status_code == 403
