"""An upload's failed records back as correction tasks (上传失败整改), not a lost file.

When the 职业院校数字基座 refuses records of an upload it answers with a failure response: the
record keys (主键数据唯一性标识) and the reasons. Imported here (.csv, .xlsx or .json), each failed
record is traced to the row of the filled table it was exported from (``export.record_key``) and
becomes a task of that row's responsible department; the department says how it corrected the data
and closes the task, and the table is exported again.

The whole file is checked first; every bad line is named by row, column and value, and nothing is
written unless all of it is right. A record refused again while its task is still open updates that
task (the newest reason), it does not make a second one.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.chains.xlsxutil import ImportProblems, cell_text, problem
from zhengai.core import clock

from . import export
from .choices import CorrectionStatus
from .models import CellValue, Correction, UploadResponse

MAX_BYTES = 5 * 1024 * 1024
MAX_RECORDS = 50_000
KEY = "主键数据唯一性标识"
REASON = "失败原因"
# Column names a failure response may give the reason under (the 数字基座's own and common ones).
REASON_NAMES = ("失败原因", "错误原因", "错误信息", "失败信息", "原因", "SBYY", "CWXX", "reason", "message", "msg", "error")
# Where a JSON response may hold its list of failed records.
JSON_LISTS = ("数据", "失败记录", "data", "records", "failures", "errors", "list")


@dataclass
class Traced:
    fill_id: int
    row_key: str
    row_label: str
    department_id: int | None
    department_text: str


@dataclass
class Outcome:
    response: UploadResponse
    created: int = 0
    updated: int = 0
    by_department: dict = field(default_factory=dict)


def key_index() -> dict[str, Traced]:
    """Record key → the row it was exported from, over every fill (one query)."""
    school = export.school_code()
    out = {}
    for c in (CellValue.objects.values("fill_id", "row_key", "row_label", "fill__year", "fill__table__code",
                                       "fill__table__template__name", "department_id", "department__name",
                                       "department_text")
              .order_by("fill_id", "row_order", "column__order")):
        key = export.record_key(school, c["fill__table__template__name"], c["fill__table__code"], c["fill__year"], c["row_key"])
        found = out.get(key)
        if found is None:
            out[key] = Traced(c["fill_id"], c["row_key"], c["row_label"], c["department_id"],
                              c["department__name"] or c["department_text"] or "")
        elif found.department_id is None and c["department_id"] is not None:
            found.department_id, found.department_text = c["department_id"], c["department__name"] or ""
    return out


def _names(mapping: dict) -> tuple[tuple, tuple]:
    """The column names the key and the reason may have, in this order of preference."""
    common = {**export.COMMON, **(mapping.get(export.MAPPING_COMMON) or {})}
    return (KEY, common[KEY], export.COMMON[KEY]), REASON_NAMES


def _pick(header: list[str], names) -> str | None:
    lowered = {h.strip().lower(): h for h in header if h}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _lines_of_table(rows) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line number, {column: text})]) of a table read row by row; blank lines skipped."""
    rows = iter(rows)
    header = [cell_text(v) for v in next(rows, [])]
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_RECORDS + 1:
            raise ImportProblems([_("文件超过 %(n)s 条记录") % {"n": MAX_RECORDS}])
        texts = {h: cell_text(values[i]) if i < len(values) else "" for i, h in enumerate(header) if h}
        if any(texts.values()):
            out.append((number, texts))
    return header, out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # the state's systems often answer in GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblems([_("无法识别文件的编码（应为 UTF-8 或 GBK）")])


def read_lines(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]], str]:
    """(header, lines, what a line is called: 行 or 条) of a failure response."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from zhengai.core import workbook

        try:
            wb = workbook.load(io.BytesIO(data), read_only=True, data_only=True)
        except workbook.WorkbookRefused as exc:
            raise ImportProblems([str(exc)]) from None
        except Exception as exc:
            raise ImportProblems([_("无法读取该文件（应为 .xlsx 工作簿）：%(error)s") % {"error": exc}]) from None
        header, lines = _lines_of_table(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        return header, lines, "row"
    text = _decode(data)
    if lower.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportProblems([_("文件不是有效的 JSON：第 %(line)s 行第 %(column)s 列，%(error)s") % {
                "line": exc.lineno, "column": exc.colno, "error": exc.msg}]) from None
        items = doc
        if isinstance(doc, dict):
            items = next((doc[k] for k in JSON_LISTS if isinstance(doc.get(k), list)), None)
        if not isinstance(items, list):
            raise ImportProblems([_("JSON 中找不到失败记录的列表（应为数组，或放在 %(keys)s 之一下）") % {
                "keys": "、".join(JSON_LISTS)}])
        if len(items) > MAX_RECORDS:
            raise ImportProblems([_("文件超过 %(n)s 条记录") % {"n": MAX_RECORDS}])
        header, lines, problems = [], [], []
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problems.append(_("第 %(n)s 条记录应为 JSON 对象，而是“%(value)s”") % {"n": number, "value": str(item)[:80]})
                continue
            texts = {str(k): cell_text(v) if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False)
                     for k, v in item.items()}
            header += [k for k in texts if k not in header]
            lines.append((number, texts))
        if problems:
            raise ImportProblems(problems)
        return header, lines, "record"
    header, lines = _lines_of_table(csv.reader(io.StringIO(text)))
    return header, lines, "row"


def _where(kind: str, number: int, column: str, value) -> str:
    if kind == "record":
        return _("第 %(n)s 条记录，“%(column)s”字段，值“%(value)s”") % {"n": number, "column": column, "value": value}
    return problem(number, column, value, "").rstrip("：: ")


def check(name: str, data: bytes, mapping: dict) -> list[tuple[str, str, Traced]]:
    """(record key, reason, traced row) of each failed record; ``ImportProblems`` naming every bad one."""
    if len(data) > MAX_BYTES:
        raise ImportProblems([_("文件超过 %(mb)s MB") % {"mb": MAX_BYTES // 1048576}])
    header, lines, kind = read_lines(name, data)
    key_names, reason_names = _names(mapping)
    key_col, reason_col = _pick(header, key_names), _pick(header, reason_names)
    missing = []
    if key_col is None:
        missing.append(_("“%(name)s”（或 %(other)s）") % {"name": KEY, "other": "、".join(dict.fromkeys(key_names[1:]))})
    if reason_col is None:
        missing.append(_("“%(name)s”（或 %(other)s）") % {"name": REASON, "other": "、".join(reason_names[1:])})
    if missing:
        raise ImportProblems([_("第 1 行缺少列：%(columns)s；现有列：%(header)s") % {
            "columns": "，".join(missing), "header": "、".join(h for h in header if h) or "（无）"}])
    if not lines:
        raise ImportProblems([_("文件中没有失败记录")])
    index = key_index()
    problems, out = [], []
    for number, texts in lines:
        key, reason = texts.get(key_col, "").strip(), texts.get(reason_col, "").strip()
        traced = index.get(key.upper()) if key else None
        if not key:
            problems.append(_where(kind, number, key_col, key) + _("：缺少记录标识"))
        elif traced is None:
            problems.append(_where(kind, number, key_col, key) + _("：不是本平台导出的记录（学校代码或模板改过，或记录已删去）"))
        if not reason:
            problems.append(_where(kind, number, reason_col, reason) + _("：缺少失败原因"))
        if traced is not None and reason:
            out.append((key.upper(), reason, traced))
    if problems:
        raise ImportProblems(problems)
    return out


@transaction.atomic
def do_import_failures(name: str, data: bytes, *, mapping: dict | None = None, acting_user=None) -> Outcome:
    """Each failed record of the 数字基座's response becomes (or updates) its department's task."""
    records = check(name, data, mapping or {})
    now = clock.now()
    response = UploadResponse.objects.create(file_name=name[:255], sha256=hashlib.sha256(data).hexdigest(),
                                             records=len(records), imported_by=acting_user, imported_at=now)
    outcome = Outcome(response)
    reasons = {}
    for key, reason, traced in records:  # one record named twice: both reasons
        previous = reasons.get(key)
        reasons[key] = (f"{previous[0]}；{reason}" if previous and reason not in previous[0] else reason, traced)
    open_ = {c.record_key: c for c in Correction.objects.select_for_update().filter(
        record_key__in=list(reasons), status=CorrectionStatus.OPEN)}
    create, update = [], []
    for key, (reason, traced) in reasons.items():
        task = open_.get(key)
        if task is None:
            create.append(Correction(response=response, fill_id=traced.fill_id, record_key=key, row_key=traced.row_key,
                                     row_label=traced.row_label[:200], reason=reason[:4000],
                                     department_id=traced.department_id, department_text=traced.department_text[:100],
                                     created_at=now))
        else:
            task.response, task.reason = response, reason[:4000]
            update.append(task)
        label = traced.department_text or _("未指定部门")
        outcome.by_department[label] = outcome.by_department.get(label, 0) + 1
    Correction.objects.bulk_create(create)
    Correction.objects.bulk_update(update, ["response", "reason"])
    outcome.created, outcome.updated = len(create), len(update)
    return outcome


@transaction.atomic
def do_resolve_correction(task: Correction, resolution: str, *, acting_user) -> Correction:
    """The department says how it corrected the record; the task is done."""
    task = Correction.objects.select_for_update().get(pk=task.pk)
    if task.status == CorrectionStatus.DONE:
        raise ValidationError(_("该任务已整改完毕"))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError(_("请说明如何整改（改了哪些数据、依据什么）"))
    task.status, task.resolution = CorrectionStatus.DONE, resolution[:4000]
    task.resolved_by, task.resolved_at = acting_user, clock.now()
    task.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return task
