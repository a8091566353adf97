"""Word (.docx) building blocks shared by the documents the platform writes — the diagnosis reports
(cycles) and the annual quality report (statedata): Chinese fonts that Word honours, and plain grid
tables with a bold header row. python-docx is imported inside, as only these exports need it."""


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


def _blank_for_none(value) -> str:
    return "" if value is None else str(value)


def add_table(doc, header, rows, *, text=_blank_for_none):
    """A 'Table Grid' table: ``header`` in bold, then one row per item of ``rows``, each cell's
    value written by ``text``."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header):
        cell.text = str(title)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = text(value)
    return table
