"""Word (.docx) building blocks shared by the documents the platform writes — the diagnosis reports
(cycles) and the annual quality report (statedata): Chinese fonts that Word honours, headings, and
plain grid tables with a bold header row. python-docx is imported inside, as only these exports need it.

python-docx resolves a style given by name by scanning every style of the document (the default
template has ~160) each time, and fills a table cell by cell through its proxy objects; a report of
a dozen tables and headings spent most of its time there. Here a document's style ids are looked
up once, and a table's rows are written as one piece of XML — the same XML python-docx writes."""

import re
from xml.sax.saxutils import escape

# Characters XML cannot hold: python-docx refuses them with its own error, so a table holding one
# is written its way.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RUN_BREAKS = re.compile("([\t\r\n])")


def set_east_asian_font(run_or_style, name: str = "宋体") -> None:
    """Word takes Chinese text's font from ``w:eastAsia``, not from the font python-docx sets."""
    from docx.oxml.ns import qn

    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def style_id(doc, name: str) -> str:
    """The id of ``doc``'s style called ``name`` ("Heading 1" → "Heading1"), looked up once per document."""
    cache = doc.__dict__.setdefault("_zhengai_style_ids", {})
    if name not in cache:
        cache[name] = doc.styles[name].style_id
    return cache[name]


def paragraph(doc, text: str = "", style: str | None = None):
    """``doc.add_paragraph(text, style)`` with the style's id looked up once per document (for a
    style other than the default paragraph style, which python-docx would leave unnamed)."""
    p = doc.add_paragraph(text)
    if style is not None:
        p._p.style = style_id(doc, style)
    return p


def heading(doc, text: str, level: int = 1):
    """``doc.add_heading(text, level)`` (level 0 is the title), its style looked up once per document."""
    return paragraph(doc, text, "Title" if level == 0 else f"Heading {level}")


def _blank_for_none(value) -> str:
    return "" if value is None else str(value)


def _run(text: str, bold: bool) -> str:
    """A ``w:r`` holding ``text`` as python-docx writes it: a ``w:t`` per stretch of plain text
    (space-preserving when it starts or ends with whitespace), ``w:tab`` for a tab, ``w:br`` for a
    line break."""
    parts = ["<w:r>", "<w:rPr><w:b/></w:rPr>" if bold else ""]
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    parts.append("</w:r>")
    return "".join(parts)


def add_table(doc, header, rows, *, text=_blank_for_none):
    """A 'Table Grid' table: ``header`` in bold, then one row per item of ``rows``, each cell's
    value written by ``text``."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    table = doc.add_table(rows=0, cols=len(header))
    table._tbl.tblStyle_val = style_id(doc, "Table Grid")
    widths = [col.get(qn("w:w")) for col in table._tbl.tblGrid.gridCol_lst]
    n = len(widths)
    lines = [[str(title) for title in header][:n]] + [[text(value) for value in row][:n] for row in rows]
    if any(_NOT_XML.search(cell) for line in lines for cell in line):
        return _add_rows_one_by_one(table, lines)
    xml = [f"<w:tbl {nsdecls('w')}>"]
    for i, line in enumerate(lines):
        xml.append("<w:tr>")
        for j, width in enumerate(widths):
            # A row shorter than the header leaves its last cells empty, as python-docx does.
            content = _run(line[j], i == 0) if j < len(line) else ""
            xml.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>{content}</w:p></w:tc>')
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    table._tbl.extend(list(parse_xml("".join(xml))))
    return table


def _add_rows_one_by_one(table, lines):
    for i, line in enumerate(lines):
        for cell, value in zip(table.add_row().cells, line):
            cell.text = value
            if i == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    return table
