"""The file channel: encodings, workbooks, bad input of every kind, reject files and templates.
Each bad input must give a message a clerk understands and leave the database as it was."""

import io
import os
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import Attendance, Student
from zhengai.intake.files import import_file, template_sheets, write_rejects, write_template
from zhengai.intake.readers import FileRows

HEADER = "学号,姓名,性别,班级代码\n"
ROWS = "2024003,王五,男,CNC2401\n2024004,赵六,女,SW2401\n"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def xlsx(tmp_path, sheets: dict, name="data.xlsx", merge=None):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merge or {}).get(title, []):
            sheet.merge_cells(cells)
    path = tmp_path / name
    book.save(path)
    return str(path)


def students_before():
    return list(Student.objects.order_by("pk").values_list("student_no", "name", "batch_id"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_reads_csv_in_the_encodings_clerks_have(college, tmp_path, encoding):
    path = write(tmp_path, f"students-{encoding}.csv", (HEADER + ROWS).encode(encoding))

    batch = import_file(college.source, "students", path)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert Student.objects.get(student_no="2024004").name == "赵六"
    assert batch.rows_inserted == 2


def test_it_reads_tab_separated_text_and_a_title_row_before_the_header(college, tmp_path):
    text = "2026 级新生名单\n" + (HEADER + ROWS).replace(",", "\t")
    batch = import_file(college.source, "students", write(tmp_path, "s.txt", text.encode("gbk")))

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert "表头在第 2 行" in batch.log
    assert Student.objects.filter(student_no__in=["2024003", "2024004"]).count() == 2


def test_it_reads_xlsx_with_numbers_dates_and_picks_the_sheet_with_the_table(college, tmp_path):
    path = xlsx(tmp_path, {
        "说明": [["请在“考勤”工作表中填写"]],
        "考勤": [["学号", "教学班代码", "日期", "节次", "考勤状态"],
                 [2024001, "2026-2027-1-C001-01", date(2026, 10, 8), 1, "出勤"],
                 [2024002.0, "2026-2027-1-C001-01", "2026/10/8", 1.0, "请假"]],
    })

    batch = import_file(college.source, "attendance", path)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert "已使用工作表“考勤”" in batch.log
    assert sorted(Attendance.objects.values_list("student__student_no", "status")) == [
        ("2024001", "present"), ("2024002", "leave")]


def test_merged_cells_give_their_value_to_every_row_they_cover(college, tmp_path):
    path = xlsx(tmp_path, {"学生": [
        ["学号", "姓名", "性别", "班级代码"],
        ["2024003", "王五", "男", "CNC2401"],
        ["2024004", "赵六", "女", None],
    ]}, merge={"学生": ["D2:D3"]})

    batch = import_file(college.source, "students", path)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert Student.objects.get(student_no="2024004").admin_class == college.class_cnc
    assert "合并单元格 D2:D3" in batch.log


def test_formulas_without_a_computed_value_are_refused_with_a_way_out(college, tmp_path):
    # openpyxl writes formulas without their results, as a program generating a file would.
    path = xlsx(tmp_path, {"学生": [["学号", "姓名", "性别", "班级代码"], ["2024003", '=CONCAT("王","五")', "男", "CNC2401"]]})
    before = students_before()

    batch = import_file(college.source, "students", path)

    assert batch.status == BatchStatus.REFUSED
    assert "单元格 B2" in batch.error and "粘贴为数值" in batch.error
    assert students_before() == before


def test_formulas_with_a_computed_value_are_read_as_that_value(college, tmp_path):
    path = xlsx(tmp_path, {"学生": [["学号", "姓名", "性别", "班级代码"], ["2024003", "王五", "男", "CNC2401"]]})
    # Give B2 a formula with its cached result, as Excel saves it.
    import zipfile

    src = zipfile.ZipFile(path)
    out_path = str(tmp_path / "cached.xlsx")
    with zipfile.ZipFile(out_path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index('<c r="B2"')
                end = text.index("</c>", start) + 4
                text = text[:start] + '<c r="B2" t="str"><f>CONCAT("王","五")</f><v>王五</v></c>' + text[end:]
                data = text.encode()
            out.writestr(item, data)

    batch = import_file(college.source, "students", out_path)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert Student.objects.get(student_no="2024003").name == "王五"
    assert "1 个公式单元格，已使用其计算结果" in batch.log


@pytest.mark.parametrize("name,data,message", [
    ("empty.csv", b"", "文件是空的"),
    ("blank.csv", b"\n\n  \n", "文件是空的"),
    ("header-only.csv", HEADER.encode(), "文件只有表头，没有数据行"),
    ("random.bin", bytes(range(256)) * 40, "不是 CSV 或 Excel 文件"),
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "这不是表格文件（看起来是PDF 文档）"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "这不是表格文件（看起来是PNG 图片）"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "Excel 文件已损坏"),
    ("no-header.csv", "甲,乙,丙\n1,2,3\n".encode(), "没有找到可识别的表头（读到的表头：甲、乙、丙）"),
    ("missing.csv", "学号,姓名\n2024003,王五\n".encode(), "缺少必填列：性别、班级代码"),
    ("mixed.csv", HEADER.encode("gbk") + "2024003,王五,男,CNC2401\n".encode("gbk") * 20000 + "2024004,赵六,女,CNC2401\n".encode("utf-8"), "无法按 GBK/GB18030 解码"),
])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_changes(college, tmp_path, name, data, message):
    before = students_before()

    batch = import_file(college.source, "students", write(tmp_path, name, data))

    assert batch.status == BatchStatus.REFUSED
    assert message in batch.error
    assert students_before() == before


def test_a_word_document_is_not_a_spreadsheet(college, tmp_path):
    import zipfile

    path = tmp_path / "letter.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")

    batch = import_file(college.source, "students", str(path))

    assert batch.status == BatchStatus.REFUSED
    assert "看起来是Word 文档" in batch.error


def test_a_wrong_sheet_is_named_with_the_sheets_there_are(college, tmp_path):
    path = xlsx(tmp_path, {"学生": [["学号", "姓名", "性别", "班级代码"], ["2024003", "王五", "男", "CNC2401"]]})

    wrong = import_file(college.source, "students", path, sheet="Sheet1")
    no_table = import_file(college.source, "students", xlsx(tmp_path, {"Sheet1": [["甲", "乙"], [1, 2]]}, "x.xlsx"))

    assert wrong.error == "没有名为“Sheet1”的工作表（文件中的工作表：学生）。"
    assert "在所有工作表（Sheet1）中都没有找到可识别的表头" in no_table.error


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(college, tmp_path, settings):
    settings.ZHENGAI_IMPORT_MAX_BYTES = 1024
    path = write(tmp_path, "big.csv", (HEADER + ROWS * 100).encode())

    batch = import_file(college.source, "students", path)

    assert batch.status == BatchStatus.REFUSED
    size = os.path.getsize(path) / 1024
    assert batch.error == f"文件太大（{size:.1f} KB），超过了导入上限 1.0 KB。请拆分成几个文件分批导入。"
    assert batch.rows_read == 0


def test_extra_columns_are_ignored_with_a_warning(college, tmp_path):
    path = write(tmp_path, "s.csv", ("学号,姓名,性别,班级代码,备注,家庭住址\n2024003,王五,男,CNC2401,转专业,北京\n").encode())

    batch = import_file(college.source, "students", path)

    assert batch.status == BatchStatus.SUCCEEDED
    assert "已忽略未识别的列：备注、家庭住址" in batch.log


def test_the_reject_file_has_the_senders_columns_a_reason_and_no_live_formulas(college, tmp_path):
    text = HEADER + "2024003,王五,男,CNC2401\n2024004,=HYPERLINK(\"http://x\"),女,NOPE\n2024005,钱七,?,CNC2401\n"
    batch = import_file(college.source, "students", write(tmp_path, "s.csv", text.encode()), partial=True)
    out = tmp_path / "rejects.xlsx"

    assert write_rejects(batch, out) == 2

    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["行号", "学号", "姓名", "性别", "班级代码", "错误原因"]
    assert rows[1] == [3, "2024004", "'=HYPERLINK(\"http://x\")", "女", "NOPE", "列“班级代码”：值“NOPE”在行政班表中不存在"]
    assert rows[2][0] == 4 and rows[2][5] == "列“性别”：值“?”不是可用的代码（可用：男、女）"
    assert batch.rows_inserted == 1


def test_the_template_has_chinese_headers_an_example_row_and_imports_as_it_is(college, tmp_path):
    out = tmp_path / "students.xlsx"
    write_template("students", out)

    book = load_workbook(out)
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows())]
    assert header[:4] == ["学号", "姓名", "性别", "班级代码"]
    assert "填写说明" in book.sheetnames
    # The example row is the tiny college's first student: importing it changes nothing.
    batch = import_file(college.source, "students", str(out))
    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert batch.rows_read == 1


@pytest.mark.parametrize("table", ["students", "teachers", "courses", "offerings", "enrolments", "attendance", "grades", "sessions", "terms"])
def test_every_template_header_is_read_back_as_its_own_column(table):
    header, _rows = template_sheets(table)[next(iter(template_sheets(table)))]
    from zhengai.intake.files import header_matcher

    assert header_matcher(table)(header) == len(header)


def test_an_upload_can_be_a_file_object(college):
    upload = io.BytesIO((HEADER + ROWS).encode("gbk"))
    rows = FileRows(upload, "上传.csv")
    rows.open()
    assert rows.headers == ["学号", "姓名", "性别", "班级代码"]
    assert [n for n, _r in rows.numbered()] == [2, 3]
    assert os.path.basename(rows.file_name) == "上传.csv"
