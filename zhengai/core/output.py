"""Output of listing commands and exports, one path for all: ``--format table|csv|json`` on the
command line, and .xlsx downloads on pages.

CSV is UTF-8 with a header row; the first column is the subject's natural key where rows are
subjects. Cells that a spreadsheet would run as a formula are neutralised in CSV and .xlsx.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

FORMATS = ("table", "csv", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a text cell that Excel would evaluate as a formula (CSV injection) with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # A negative number typed as text stays a number to a person; only non-numeric text is guarded.
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def render(rows: Iterable[Sequence], columns: Sequence[str], fmt: str) -> str:
    """Render rows as an aligned text table, CSV or a JSON array of objects."""
    rows = list(rows)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise(_plain(v)) for v in row])
        return buffer.getvalue()
    if fmt == "json":
        return json.dumps([{c: _json_value(v) for c, v in zip(columns, row)} for row in rows], ensure_ascii=False, indent=1) + "\n"
    if fmt == "table":
        text = [[_plain(v) for v in row] for row in rows]
        widths = [_width(c) for c in columns]
        for row in text:
            widths = [max(w, _width(v)) for w, v in zip(widths, row)]
        lines = ["  ".join(_pad(c, w) for c, w in zip(columns, widths)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(_pad(v, w) for v, w in zip(row, widths)).rstrip() for row in text]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _width(text))


def write_xlsx(target, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> None:
    """Write sheets of (header, rows) to ``target`` (a path or a binary file), streaming."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        bold = []
        for name in header:
            from openpyxl.cell import WriteOnlyCell

            cell = WriteOnlyCell(sheet, value=str(name))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([neutralise(_json_value(v)) if not isinstance(v, (int, float)) else v for v in row])
    workbook.save(target)


def xlsx_response(filename: str, sheets):
    """An HTTP download of ``sheets`` as .xlsx."""
    from django.http import HttpResponse

    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
