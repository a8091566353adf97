"""Every .xlsx workbook the platform writes or reads goes through here.

Writing: one writer for all. ``new()`` gives an openpyxl workbook whose ``save`` first neutralises
every cell of every sheet — headers, titles and data alike — so that no text a user typed (a goal, a
column name taken from an upload, a cell of a rejected row) comes out as a live formula;
``write_sheets`` streams (header, rows) sheets, neutralising each cell as it is appended. A text
cell that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, a tab or a carriage return
first) gets a leading apostrophe; a number typed as text (``-5``) stays as it is.
``zhengai/core/tests/test_workbook.py`` fails if a module makes a workbook any other way.

Reading: ``check_upload`` refuses a workbook before any library loads it, by what it would take to
read — the uncompressed size of its parts and the number of cells of its sheets (the ``dimension``
a sheet declares, then the cells it really holds, counted while decompressing, never beyond the
limit) — so a small file that unpacks into gigabytes (a "zip bomb") is a clear message, not a dead
worker. Limits: ``ZHENGAI_IMPORT_MAX_XLSX_BYTES`` (uncompressed) and ``ZHENGAI_IMPORT_MAX_CELLS``.
"""

import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Prefix a text cell that Excel would evaluate as a formula (CSV/formula injection) with an
    apostrophe; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # A negative number typed as text stays a number to a person; only non-numeric text is guarded.
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def _cell_value(value):
    if isinstance(value, bool) or isinstance(value, (int, float)) or value is None:
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(str(value))


def _new_class():
    from openpyxl import Workbook

    class SafeWorkbook(Workbook):
        """An openpyxl workbook that neutralises every cell when it is saved."""

        def save(self, filename):
            neutralise_workbook(self)
            return super().save(filename)

    return SafeWorkbook


_SAFE = None


def new():
    """A new (editable) workbook; save it with ``wb.save(target)`` as usual — it is neutralised then."""
    global _SAFE
    if _SAFE is None:
        _SAFE = _new_class()
    return _SAFE()


def neutralise_workbook(wb) -> None:
    """Neutralise every text cell of every sheet of an editable workbook (formulas included: a
    ``=...`` string that openpyxl would write as a formula becomes text)."""
    for ws in wb.worksheets:
        for cell in list(getattr(ws, "_cells", {}).values()):
            value = cell.value
            if isinstance(value, str):
                safe = neutralise(value)
                if safe is not value or cell.data_type == "f":
                    cell.value = safe
                    cell.data_type = "s"


def write_sheets(target, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> int:
    """Write sheets of (header, rows) to ``target`` (a path or a binary file), streaming; every
    cell, the header's included, is neutralised. Returns the number of rows below the headers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title=neutralise(str(title))[:31])
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=_cell_value(name))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([_cell_value(v) for v in row])
            count += 1
    workbook.save(target)
    return count


def xlsx_bytes(sheets) -> bytes:
    buffer = io.BytesIO()
    write_sheets(buffer, sheets)
    return buffer.getvalue()


def download(filename: str, content: bytes):
    """An HTTP attachment of an .xlsx file's bytes."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# Reading ---------------------------------------------------------------------------------------

class WorkbookRefused(Exception):
    """An upload refused before it was loaded; ``str(exc)`` is the message for the person."""


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f} MB"


def check_upload(source, *, max_bytes: int | None = None, max_cells: int | None = None) -> None:
    """Refuse an .xlsx (a path or a seekable binary file) that would take more than ``max_bytes``
    uncompressed or hold more than ``max_cells`` cells, before anything loads it. Anything that is
    not a zip archive is left to the reader (it has its own messages)."""
    max_bytes = settings.ZHENGAI_IMPORT_MAX_XLSX_BYTES if max_bytes is None else max_bytes
    max_cells = settings.ZHENGAI_IMPORT_MAX_CELLS if max_cells is None else max_cells
    handle = open(source, "rb") if isinstance(source, (str, os.PathLike)) else source
    position = handle.tell() if handle is source else 0
    try:
        handle.seek(0)
        try:
            archive = zipfile.ZipFile(handle)
        except zipfile.BadZipFile:
            return
        entries = archive.infolist()
        declared = sum(e.file_size for e in entries)
        if declared > max_bytes:
            raise WorkbookRefused(_("Excel 文件解压后有 %(size)s，超过了导入上限 %(limit)s（文件可能是“压缩炸弹”，或数据太多）。请拆分成几个文件，或另存为 CSV 后导入。")
                                  % {"size": _mb(declared), "limit": _mb(max_bytes)})
        sheets = [e for e in entries if e.filename.startswith("xl/worksheets/") and e.filename.endswith(".xml")]
        # What the sheets declare first (cheap), then what they really hold (bounded).
        for entry in sheets:
            with archive.open(entry) as stream:
                head = stream.read(4096)
            m = _DIMENSION.search(head)
            if m and m.group(3):
                rows = int(m.group(4)) - int(m.group(2)) + 1
                cols = _column_number(m.group(3)) - _column_number(m.group(1)) + 1
                if rows * cols > max_cells:
                    raise WorkbookRefused(_too_many_cells(rows * cols, max_cells, rows, cols))
        total = cells = 0
        for entry in entries:
            counting = entry in sheets
            tail = b""
            try:
                with archive.open(entry) as stream:
                    while True:
                        chunk = stream.read(_CHUNK)
                        if not chunk:
                            break
                        total += len(chunk)
                        if total > max_bytes:
                            raise WorkbookRefused(_("Excel 文件解压后超过了导入上限 %(limit)s（文件可能是“压缩炸弹”，或数据太多）。请拆分成几个文件，或另存为 CSV 后导入。")
                                                  % {"limit": _mb(max_bytes)})
                        if counting:
                            data = tail + chunk
                            cut = max(0, len(data) - 16)
                            cells += len(_CELL_TAG.findall(data, 0, cut))
                            tail = data[cut:]
                            if cells > max_cells:
                                raise WorkbookRefused(_too_many_cells(cells, max_cells))
                if counting:
                    cells += len(_CELL_TAG.findall(tail))
            except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
                raise WorkbookRefused(_("Excel 文件已损坏或已加密，无法打开。请重新保存（不设密码）后再导入。")) from None
        if cells > max_cells:
            raise WorkbookRefused(_too_many_cells(cells, max_cells))
    finally:
        if handle is not source:
            handle.close()
        else:
            handle.seek(position)


def _too_many_cells(cells: int, limit: int, rows: int | None = None, cols: int | None = None) -> str:
    if rows is not None:
        return _("Excel 文件的工作表声明了 %(rows)s 行 × %(cols)s 列（%(cells)s 个单元格），超过了导入上限 %(limit)s 个单元格。请拆分成几个文件，或另存为 CSV 后导入。") % {
            "rows": f"{rows:,}", "cols": f"{cols:,}", "cells": f"{cells:,}", "limit": f"{limit:,}"}
    return _("Excel 文件中的单元格超过了导入上限 %(limit)s 个。请拆分成几个文件，或另存为 CSV 后导入。") % {"limit": f"{limit:,}"}


def load(source, **options):
    """``openpyxl.load_workbook(source, **options)`` after ``check_upload``; raises
    ``WorkbookRefused`` for a workbook too large to read."""
    from openpyxl import load_workbook

    check_upload(source)
    if not isinstance(source, (str, os.PathLike)):
        source.seek(0)
    return load_workbook(source, **options)
