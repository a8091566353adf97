"""Word building blocks: the tables and headings written as XML in one piece are the XML
python-docx writes cell by cell and style by name."""

from lxml import etree

from zhengai.core.wordfile import add_table, heading, paragraph


def _python_docx_table(doc, header, rows):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header):
        cell.text = str(title)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = "" if value is None else str(value)


def test_a_table_is_the_xml_python_docx_writes_cell_by_cell():
    from docx import Document

    header = ["诊断项目", " 值 ", "a\tb", ""]
    rows = [["教学运行", 4.0, None, "x<&>\"'"], ["两行\n第二行\r\n", "", "  "], [], ["甲", "乙", "丙", "丁", "多余"]]
    ours, theirs = Document(), Document()
    add_table(ours, header, rows)
    _python_docx_table(theirs, header, rows)
    assert etree.tostring(ours.element.body) == etree.tostring(theirs.element.body)
    assert ours.tables[0].rows[2].cells[0].text == "两行\n第二行\n\n"


def test_a_cell_xml_cannot_hold_is_refused_as_python_docx_refuses_it():
    import pytest
    from docx import Document

    with pytest.raises(ValueError):
        add_table(Document(), ["a"], [["bad\x0bchar"]])


def test_headings_and_styled_paragraphs_name_the_style_python_docx_would():
    from docx import Document

    ours, theirs = Document(), Document()
    heading(ours, "一、概述", 1), heading(ours, "主要成效", 2), paragraph(ours, style="Title"), paragraph(ours, "正文")
    theirs.add_heading("一、概述", level=1), theirs.add_heading("主要成效", level=2)
    theirs.add_paragraph(style="Title"), theirs.add_paragraph("正文")
    assert etree.tostring(ours.element.body) == etree.tostring(theirs.element.body)
