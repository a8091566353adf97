"""Reading the files clerks actually have: CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 (what Excel
in China writes) or UTF-16 (Excel's "Unicode text"), and .xlsx/.xls workbooks — streamed, with a
message a clerk understands for everything else.

``FileRows`` is a ``TableRows`` for the pipeline: it opens the file inside the batch (so an
unreadable file is a refused batch that says why), finds the header row and the sheet that hold
the table, and yields (row number as the spreadsheet shows it, cells).
"""

import codecs
import csv
import io
import itertools
import os
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from zhengai.core import workbook

from .errors import IntakeError
from .pipeline import TableRows

SAMPLE = 256 * 1024
HEADER_SEARCH_ROWS = 10
_NOT_TABLES = [
    (b"%PDF", "PDF 文档"), (b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"GIF8", "GIF 图片"),
    (b"{\\rtf", "RTF 文档"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"),
    (b"<!DOCTYPE html", "网页"), (b"<html", "网页"),
]
_ENCODING_NAMES = {"utf-8-sig": "UTF-8（带 BOM）", "utf-8": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


def file_size(source) -> int:
    if isinstance(source, (str, os.PathLike)):
        return os.path.getsize(source)
    if hasattr(source, "size") and source.size is not None:
        return source.size
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def check_size(size: int) -> None:
    limit = settings.ZHENGAI_IMPORT_MAX_BYTES
    if size > limit:
        raise IntakeError(_("文件太大（%(size)s），超过了导入上限 %(limit)s。请拆分成几个文件分批导入。") % {
            "size": human_size(size), "limit": human_size(limit)})


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class FileRows(TableRows):
    """The rows of one uploaded or given file. ``matcher(cells) -> int`` counts the cells of a row
    that are known headers of the target table; it picks the header row and the sheet."""

    def __init__(self, source, file_name: str = "", *, sheet: str | None = None, matcher=None):
        super().__init__()
        self.source = source
        self.file_name = file_name or (os.path.basename(source) if isinstance(source, (str, os.PathLike)) else "")
        self.sheet = sheet
        self.matcher = matcher or (lambda cells: sum(1 for c in cells if str(c or "").strip()))
        self._handle = None
        self._iter = None
        self.encoding = ""

    # Opening -------------------------------------------------------------------------------------

    def _binary(self):
        if isinstance(self.source, (str, os.PathLike)):
            return open(self.source, "rb")
        self.source.seek(0)
        return self.source

    def open(self):
        check_size(file_size(self.source))
        handle = self._binary()
        self._handle = handle
        head = handle.read(SAMPLE)
        if handle.seekable():
            handle.seek(0)
        else:
            # A pipe (or standard input): what was read for sniffing is given back in front of the rest.
            handle = io.BufferedReader(_Replay(head, handle), buffer_size=1 << 16)
            self._handle = handle
        if not head.strip():
            raise IntakeError(_("文件是空的。"))
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
            self._open_workbook(handle, head)
        else:
            for magic, what in _NOT_TABLES:
                if head[:64].lstrip().lower().startswith(magic.lower()):
                    raise IntakeError(_("这不是表格文件（看起来是%(what)s）。请上传 CSV 或 Excel（.xlsx）文件。") % {"what": what})
            self._open_csv(handle, head)

    # CSV -------------------------------------------------------------------------------------------

    def _detect_encoding(self, head: bytes) -> str:
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16"
        if b"\x00" in head:
            raise IntakeError(_("这不是 CSV 或 Excel 文件（内容是二进制数据）。请上传 CSV 或 Excel（.xlsx）文件。"))
        for encoding in ("utf-8", "gb18030"):
            if _decodes(head, encoding, complete=len(head) < SAMPLE):
                return encoding
        from charset_normalizer import from_bytes

        best = from_bytes(head).best()
        if best is None:
            raise IntakeError(_("这不是 CSV 或 Excel 文件（无法识别文字编码）。请上传 CSV 或 Excel（.xlsx）文件。"))
        return best.encoding

    def _open_csv(self, handle, head: bytes):
        encoding = self._detect_encoding(head)
        sample = head.decode(encoding, errors="replace")
        controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n") + sample.count("\ufffd")
        if controls > max(3, len(sample) // 100):
            raise IntakeError(_("这不是 CSV 或 Excel 文件（内容不是文字）。请上传 CSV 或 Excel（.xlsx）文件。"))
        self.encoding = encoding
        # The delimiter is the one the first lines use most (a title line may have none).
        lines = sample.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
        counts = {d: sum(line.count(d) for line in lines) for d in ",\t;|"}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
        text = io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline="")
        self._text = text
        reader = csv.reader(text, delimiter=delimiter)
        self.notes.append(_("文件 %(name)s：CSV，编码 %(enc)s") % {
            "name": self.file_name, "enc": _ENCODING_NAMES.get(encoding, encoding)})
        self._start(self._csv_rows(reader, encoding))

    def _csv_rows(self, reader, encoding):
        """(row number, cells) for every CSV line up to the row limit, then a refusal if there is more.

        Numbered and bounded by C iterators (``zip`` with ``count``, ``islice``) handed on with
        ``yield from``, so no Python statement runs per row here: a million rows cost a second less
        than a ``for`` loop that counts and compares. The counter also names the row a decoding
        error is in (it has counted the row whose reading failed)."""
        limit = settings.ZHENGAI_IMPORT_MAX_ROWS
        counter = itertools.count(1)
        try:
            yield from zip(counter, itertools.islice(reader, limit))
            if next(reader, None) is not None:
                raise IntakeError(_("文件超过了导入上限 %(limit)s 行（第 %(row)s 行起未读取）。请拆分成几个文件分批导入。")
                                  % {"limit": f"{limit:,}", "row": f"{limit + 1:,}"})
        except UnicodeDecodeError:
            raise IntakeError(_("第 %(row)s 行附近有无法按 %(enc)s 解码的内容：文件可能混用了多种编码或已损坏。请在 Excel 中另存为“CSV UTF-8”后再导入。")
                              % {"row": next(counter) - 1, "enc": _ENCODING_NAMES.get(encoding, encoding)}) from None
        except csv.Error as exc:
            raise IntakeError(_("第 %(row)s 行不是有效的 CSV（%(error)s）。") % {"row": next(counter) - 1, "error": exc}) from None

    # Workbooks -------------------------------------------------------------------------------------

    def _open_workbook(self, handle, head: bytes):
        from python_calamine import CalamineWorkbook

        if not handle.seekable():
            handle = io.BytesIO(handle.read())
        is_zip = head.startswith(b"PK")
        if is_zip:
            try:
                workbook.check_upload(handle)
            except workbook.WorkbookRefused as exc:
                raise IntakeError(str(exc)) from None
            try:
                names = set(zipfile.ZipFile(handle).namelist())
            except zipfile.BadZipFile:
                raise IntakeError(_("Excel 文件已损坏，无法打开。请重新保存后再导入。")) from None
            handle.seek(0)
            if "xl/workbook.xml" not in names:
                what = _("Word 文档") if "word/document.xml" in names else _("压缩包或其他文档")
                raise IntakeError(_("这不是表格文件（看起来是%(what)s）。请上传 CSV 或 Excel（.xlsx）文件。") % {"what": what})
        try:
            if isinstance(self.source, (str, os.PathLike)):
                book = CalamineWorkbook.from_path(str(self.source))
            else:
                book = CalamineWorkbook.from_filelike(handle)
        except Exception:
            raise IntakeError(_("Excel 文件已损坏或已加密，无法打开。请重新保存（不设密码）后再导入。")) from None
        names = [m.name for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        if not names:
            raise IntakeError(_("Excel 文件里没有工作表。"))
        if self.sheet:
            if self.sheet not in names:
                raise IntakeError(_("没有名为“%(sheet)s”的工作表（文件中的工作表：%(names)s）。") % {
                    "sheet": self.sheet, "names": "、".join(names)})
            candidates = [self.sheet]
        else:
            candidates = names
        chosen = None
        for name in candidates:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.iter_rows()
            head_rows = []
            for _i in range(HEADER_SEARCH_ROWS):
                try:
                    head_rows.append(next(rows))
                except StopIteration:
                    break
            if any(self.matcher(r) for r in head_rows):
                chosen = (name, sheet)
                break
        if chosen is None:
            if self.sheet:
                raise IntakeError(_("工作表“%(sheet)s”中没有找到可识别的表头。") % {"sheet": self.sheet})
            raise IntakeError(_("在所有工作表（%(names)s）中都没有找到可识别的表头。请使用导入模板的表头。") % {
                "names": "、".join(names)})
        name, sheet = chosen
        self.notes.append(_("文件 %(file)s：Excel，工作表“%(sheet)s”") % {"file": self.file_name, "sheet": name})
        if name != names[0] and not self.sheet:
            self.notes.append(_("第一个工作表“%(first)s”中没有表头，已使用工作表“%(sheet)s”。") % {"first": names[0], "sheet": name})
        if is_zip:
            self._check_formulas(handle, names.index(name) + 1, name)
        merged = list(sheet.merged_cell_ranges or [])
        top, left = sheet.start or (0, 0)
        self._start(self._sheet_rows(sheet, top, left, merged))

    def _check_formulas(self, handle, index: int, name: str):
        """Formulas are read as their computed values; a formula saved without one (a file written by
        a program, never opened in Excel) would read as empty, so it is refused with a way out."""
        handle.seek(0)
        archive = zipfile.ZipFile(handle)
        path = _sheet_path(archive, name) or f"xl/worksheets/sheet{index}.xml"
        try:
            stream = archive.open(path)
        except KeyError:
            return
        with_value = without = 0
        first = None
        tail = b""
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if b"<f" in data:
                cut = data.rfind(b"</c>") + 4 if b"</c>" in data else 0
                for m in _CELL.finditer(data[:cut]):
                    body = m.group(2)
                    if body and b"<f" in body:
                        if _VALUE.search(body):
                            with_value += 1
                        else:
                            without += 1
                            first = first or m.group(1).decode()
                tail = data[cut:]
            else:
                tail = data[-4096:]
        if without:
            raise IntakeError(_("工作表“%(sheet)s”的单元格 %(cell)s 等 %(n)s 处是没有计算结果的公式（文件可能不是由 Excel 保存的）。请在 Excel 中打开并保存，或把公式粘贴为数值后再导入。")
                              % {"sheet": name, "cell": first, "n": without})
        if with_value:
            self.notes.append(_("工作表中有 %(n)s 个公式单元格，已使用其计算结果。") % {"n": with_value})
        handle.seek(0)

    def _sheet_rows(self, sheet, top, left, merged):
        # A merged block in the data (a class name spanning its students' rows) gives its value to
        # every cell it covers, as the person reading the sheet sees it.
        fills = {}
        for (r1, c1), (r2, c2) in merged:
            fills.setdefault(r1, []).append((r1, c1, r2, c2))
        if merged:
            ranges = "、".join(f"{_cell_name(r1, c1)}:{_cell_name(r2, c2)}" for (r1, c1), (r2, c2) in merged[:5])
            self.notes.append(_("合并单元格 %(ranges)s 已按左上角的值填入所覆盖的每一格。") % {"ranges": ranges})
        active: list = []
        for offset, row in enumerate(sheet.iter_rows()):
            r = top + offset
            if fills or active:
                active = [a for a in active if a[2] >= r]
                for r1, c1, r2, c2 in fills.pop(r, []):
                    value = row[c1 - left] if 0 <= c1 - left < len(row) else ""
                    active.append((r1, c1, r2, c2, value))
                if active:
                    row = list(row)
                    for r1, c1, r2, c2, value in active:
                        for c in range(c1, c2 + 1):
                            if 0 <= c - left < len(row) and (r, c) != (r1, c1):
                                row[c - left] = value
            yield r + 1, row

    # Rows ------------------------------------------------------------------------------------------

    def _start(self, numbered):
        """Find the header among the first rows (a title row may come first) and keep the rest."""
        buffered = []
        best = None
        for n, row in numbered:
            buffered.append((n, row))
            score = self.matcher(row)
            if score and (best is None or score > best[1]):
                best = (len(buffered) - 1, score)
            if len(buffered) >= HEADER_SEARCH_ROWS:
                break
        if not buffered:
            raise IntakeError(_("文件是空的。"))
        if best is None:
            best = (0, 0)
        index = best[0]
        self.headers = [_header_text(c) for c in buffered[index][1]]
        if index:
            self.notes.append(_("表头在第 %(n)s 行，之前的行已跳过。") % {"n": buffered[index][0]})
        rest = buffered[index + 1:]

        # Blank rows (trailing ones are common in spreadsheets) are skipped; CSV cells are text, so
        # any() tells a blank row at C speed, called inline rather than through a helper.
        self._iter = _non_blank(rest, numbered) if self.encoding else (
            pair for pair in itertools.chain(rest, numbered) if _has_values(pair[1]))

    def numbered(self):
        return self._iter

    def close(self):
        if self._handle is not None and isinstance(self.source, (str, os.PathLike)):
            self._handle.close()


class _Replay(io.RawIOBase):
    """``head`` then the rest of ``stream``: sniffing a pipe without losing what was read."""

    def __init__(self, head: bytes, stream):
        self._head = memoryview(head)
        self._stream = stream

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


_VALUE = re.compile(rb"<v>[^<]")
_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _sheet_path(archive, name: str) -> str | None:
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except KeyError:
        return None
    for m in re.finditer(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', book):
        if _xml_unescape(m.group(1)) == name:
            target = re.search(r'<Relationship\b[^>]*?Id="%s"[^>]*?Target="([^"]*)"' % re.escape(m.group(2)), rels)
            if target is None:
                target = re.search(r'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="%s"' % re.escape(m.group(2)), rels)
            if target:
                path = target.group(1).lstrip("/")
                return path if path.startswith("xl/") else "xl/" + path
    return None


def _xml_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _cell_name(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _non_blank(rest, numbered):
    """The text rows (CSV) that have a cell with text: the header search's leftovers, then the rest."""
    for pair in rest:
        if any(pair[1]):
            yield pair
    for pair in numbered:
        if any(pair[1]):
            yield pair


def _has_values(row) -> bool:
    for cell in row:
        if cell is not None and cell != "" and not (isinstance(cell, str) and not cell.strip()):
            return True
    return False


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True
