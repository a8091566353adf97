"""The 数字基座's failure response back as correction tasks for the responsible departments: traced
by the record key to the row exported, all or nothing, bad lines named by row, column and value."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhengai.statedata.choices import CorrectionStatus
from zhengai.statedata.corrections import do_import_failures, do_resolve_correction
from zhengai.statedata.defaults import ANNUAL_REPORT, STATE_DATA
from zhengai.statedata.filling import fill_template
from zhengai.statedata.models import Correction, UploadResponse

YEAR = "2025-2026"


@pytest.fixture
def exported(year_facts, defaults, settings, tmp_path):
    """Both default templates filled and exported as JSON: table code → records."""
    settings.ZHENGAI_SCHOOL_CODE = "4132012345"
    for t in defaults.values():
        fill_template(t, YEAR)
    call_command("statedata", "export", "--year", YEAR, "--format", "json", "--out", str(tmp_path / "out"), stdout=io.StringIO())
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))["数据"] for p in (tmp_path / "out").glob("*.json")
            if p.stem != "mapping"}


def _key(records, **match):
    return next(r for r in records if all(r[k] == v for k, v in match.items()))["ZJSJWYXBS"]


def test_each_failed_record_becomes_a_task_of_its_department(exported, year_facts, tmp_path):
    cnc = _key(exported["specialties"], HDM="460103")
    research = _key(exported["contribution"], HMC="科研成果数")
    path = tmp_path / "回执.csv"
    path.write_text(f"主键数据唯一性标识,失败原因\n{cnc},专业代码不在目录中\n{research.lower()},数值超出范围\n", encoding="gbk")
    out = io.StringIO()
    call_command("statedata", "import-failures", str(path), stdout=out)
    assert "2 条失败记录" in out.getvalue() and "新建整改任务 2 项" in out.getvalue()
    task = Correction.objects.get(record_key=cnc)
    assert (task.row_label, task.reason, task.department_id, task.fill.table.code) == (
        "数控技术", "专业代码不在目录中", year_facts.mech.pk, "specialties")
    assert Correction.objects.get(record_key=research).department_text == "科技处"
    assert UploadResponse.objects.get().file_name == "回执.csv"
    # Refused again while open: the same task, the newest reason.
    path.write_text(f"ZJSJWYXBS,CWXX\n{cnc},学校代码错误\n", encoding="utf-8")
    call_command("statedata", "import-failures", str(path), stdout=io.StringIO())
    assert Correction.objects.filter(record_key=cnc).count() == 1
    assert Correction.objects.get(record_key=cnc).reason == "学校代码错误"


def test_a_json_or_xlsx_response_is_read_as_well(exported, tmp_path):
    from openpyxl import Workbook

    key = _key(exported["school_basic"], HMC="占地面积")
    outcome = do_import_failures("r.json", json.dumps({"code": 1, "data": [{"ZJSJWYXBS": key, "message": "必填项为空"}]},
                                                      ensure_ascii=False).encode())
    assert outcome.created == 1 and Correction.objects.get().reason == "必填项为空"
    wb = Workbook()
    wb.active.append(["主键数据唯一性标识", "错误信息"])
    wb.active.append([_key(exported["scorecard"], HMC="就业率"), "就业率应在 0 到 100 之间"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert do_import_failures("r.xlsx", buffer.getvalue()).created == 1


def test_a_bad_line_is_named_by_row_column_and_value_and_nothing_is_written(exported, tmp_path):
    good = _key(exported["specialties"], HDM="460103")
    path = tmp_path / "bad.csv"
    path.write_text(f"主键数据唯一性标识,失败原因\n{good},原因一\nNOSUCHKEY,原因二\n{good},\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("statedata", "import-failures", str(path))
    message = str(exc.value)
    assert "未写入任何内容" in message
    assert "第 3 行，“主键数据唯一性标识”列，值“NOSUCHKEY”：不是本平台导出的记录" in message
    assert "第 4 行，“失败原因”列，值“”：缺少失败原因" in message
    assert not Correction.objects.exists() and not UploadResponse.objects.exists()
    path.write_text("编号,说明\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行缺少列：“主键数据唯一性标识”"):
        call_command("statedata", "import-failures", str(path))
    path.write_text('{"data": [{"ZJSJWYXBS": "X"', encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("statedata", "import-failures", str(path))


def test_the_department_closes_its_task_on_the_page_and_another_cannot(client, cast, exported, year_facts):
    cnc = _key(exported["specialties"], HDM="460103")  # 机械工程学院's specialty
    info = _key(exported["specialties"], HDM="510203")  # 信息工程学院's
    do_import_failures("r.csv", f"ZJSJWYXBS,失败原因\n{cnc},代码错误\n{info},数值为空\n".encode())
    client.force_login(cast.bob)  # head of 机械工程学院
    page = client.get(reverse("statedata:corrections"))
    text = page.content.decode()
    assert page.status_code == 200 and "代码错误" in text and "数值为空" not in text
    other = Correction.objects.get(record_key=info)
    assert client.post(reverse("statedata:correction_resolve", args=[other.pk]), {"resolution": "x"}).status_code == 404
    mine = Correction.objects.get(record_key=cnc)
    client.post(reverse("statedata:correction_resolve", args=[mine.pk]), {"resolution": ""})
    mine.refresh_from_db()
    assert mine.status == CorrectionStatus.OPEN
    client.post(reverse("statedata:correction_resolve", args=[mine.pk]), {"resolution": "已按专业目录改正代码"})
    mine.refresh_from_db()
    assert (mine.status, mine.resolution, mine.resolved_by) == (CorrectionStatus.DONE, "已按专业目录改正代码", cast.bob)
    with pytest.raises(Exception, match="已整改完毕"):
        do_resolve_correction(mine, "again", acting_user=cast.bob)


def test_the_quality_office_imports_a_response_on_the_page(client, cast, exported):
    from django.core.files.uploadedfile import SimpleUploadedFile

    key = _key(exported["policy"], HMC="年生均财政拨款水平")
    client.force_login(cast.alice)
    response = client.post(reverse("statedata:failures_import"), {"file": SimpleUploadedFile(
        "回执.csv", f"主键数据唯一性标识,失败原因\n{key},缺少佐证\n".encode())}, follow=True)
    assert "新建整改任务 1 项" in response.content.decode()
    bad = client.post(reverse("statedata:failures_import"), {"file": SimpleUploadedFile(
        "回执.csv", "主键数据唯一性标识,失败原因\nZZZ,缺少佐证\n".encode())})
    assert bad.status_code == 400 and "第 2 行" in bad.content.decode() and "ZZZ" in bad.content.decode()
    assert Correction.objects.count() == 1
    client.force_login(cast.bob)
    assert client.post(reverse("statedata:failures_import"), {}).status_code == 403


def test_the_page_speaks_english_to_an_english_browser_states_included(client, cast, exported):
    client.force_login(cast.bob)
    text = client.get(reverse("statedata:corrections"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Upload corrections" in text and ">To correct<" in text and "待整改" not in text
