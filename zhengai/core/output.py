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

from .workbook import neutralise, write_sheets
from .workbook import download as _download

FORMATS = ("table", "csv", "json")


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
        writer.writerow([neutralise(str(c)) for c in columns])
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
    """Write sheets of (header, rows) to ``target`` (a path or a binary file), streaming, every cell
    neutralised (``zhengai.core.workbook``)."""
    return write_sheets(target, sheets)


def xlsx_response(filename: str, sheets):
    """An HTTP download of ``sheets`` as .xlsx (``export_rows``: its data rows, for the audit trail)."""
    buffer = io.BytesIO()
    rows = write_sheets(buffer, sheets)
    response = _download(filename, buffer.getvalue())
    response.export_rows = rows
    return response
