"""The data dictionary (数据字典): every table and field with its Chinese label, as a page for staff,
an .xlsx download and ``zhengai datadict --out FILE.xlsx``."""

import io

import openpyxl
import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from zhengai.datacenter.dictionary import TABLE_CODES


def expected_fields():
    """(table label, field name, Chinese label) for every concrete field of every table, read from
    the models directly."""
    seen, rows = set(), []
    for label in TABLE_CODES.values():
        if label in seen:
            continue
        seen.add(label)
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            rows.append((str(model._meta.verbose_name), field.attname, str(field.verbose_name)))
    return rows


def read_fields_sheet(workbook):
    sheet = workbook["字段"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("表代码", "表名", "字段", "中文名")
    return [(r[1], r[2], r[3]) for r in rows[1:]]


def test_it_writes_every_table_and_field_with_chinese_labels_from_the_command_line(tmp_path, db):
    out = tmp_path / "dictionary.xlsx"
    call_command("datadict", "--out", str(out))
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert read_fields_sheet(workbook) == expected_fields()
    tables = [r[1] for r in list(workbook["数据表"].iter_rows(values_only=True))[1:]]
    assert "学生" in tables and "考勤" in tables and len(tables) == len(set(TABLE_CODES.values()))
    # Chinese labels, not field names: a label is never the ASCII attribute name
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for _, name, label in expected_fields() if name != "id")


def test_it_describes_code_tables_and_references(tmp_path, db):
    out = tmp_path / "d.xlsx"
    call_command("datadict", "--out", str(out))
    rows = list(openpyxl.load_workbook(out, read_only=True)["字段"].iter_rows(values_only=True))
    status = next(r for r in rows if r[0] == "attendance" and r[2] == "status")
    assert status[3] == "考勤状态" and "absent=缺勤" in status[7]
    student = next(r for r in rows if r[0] == "attendance" and r[2] == "student_id")
    assert student[8] == "students"


def test_it_serves_the_page_and_the_download_to_staff(client, cast):
    client.force_login(cast.dave)
    response = client.get(reverse("datacenter:dictionary"))
    assert response.status_code == 200
    text = response.content.decode()
    for table, name, label in expected_fields()[:40]:
        assert label in text
    assert 'id="dictionary-search"' in text  # the search box
    download = client.get(reverse("datacenter:dictionary_xlsx"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content))
    assert read_fields_sheet(workbook) == expected_fields()


@pytest.mark.parametrize("url_name", ["datacenter:dictionary", "datacenter:dictionary_xlsx"])
def test_it_refuses_students_and_sends_anonymous_visitors_to_sign_in(client, cast, url_name):
    client.force_login(cast.erin)
    assert client.get(reverse(url_name)).status_code == 403
    client.logout()
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
