"""A filled table out of the platform: as .xlsx in the form's layout, and as machine-readable records
(CSV and JSON) for the 职业院校数字基座.

Records: one per row of the form (an indicator of an annex table, a department or a specialty of a
summary table). Each carries

- its unique record key (主键数据唯一性标识): a UUID (32 hex digits, upper case) derived from the
  school code, template, table code, academic year and row — the same on every export, so a record
  sent again replaces itself and a failure response names it;
- the school code (学校代码, ``settings.ZHENGAI_SCHOOL_CODE``) and the collection time (数据采集时间:
  when the table was signed, or last computed if not signed yet; ``YYYY-MM-DD HH:MM:SS``);
- the academic year, the row's code and name (and unit, for an annex table) and one field per
  column of the form.

The field names come from a mapping (字段映射) an IT office adapts to the 数字基座 interface: a JSON
file (``--mapping FILE`` or ``settings.ZHENGAI_STATEDATA_MAPPING``) in the shape ``default_mapping``
writes beside every CSV/JSON export (``mapping.json``). Whatever it leaves out keeps its default name.

CSV is UTF-8 with a byte-order mark (Excel shows the Chinese), a header row of field names; JSON is
``{"接口表名", "表名称", "学年", "字段", "数据": [records]}``. Text that a spreadsheet would run as a
formula is neutralised in .xlsx and CSV.
"""

import csv
import io
import json
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhengai.core.output import neutralise

from .choices import CellOrigin, FillStatus, Layout
from .models import CellValue, ReportTable, TableFill

FORMATS = ("xlsx", "csv", "json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A fixed namespace: record keys are the same on every installation for the same school and row.
NAMESPACE = uuid.UUID("7d1f5c2e-3a5b-5e57-9a0c-5a1ad0c3e8b4")

# The fields every record carries: mapping key (Chinese, as the interface documents name them) →
# default field name (the 数字基座's own names for the first three).
COMMON = {
    "主键数据唯一性标识": "ZJSJWYXBS",
    "学校代码": "XXDM",
    "数据采集时间": "SJCJSJ",
    "学年": "XN",
    "行代码": "HDM",
    "行名称": "HMC",
    "单位": "DW",
}
COMMON_KEYS = tuple(COMMON)
MAPPING_COMMON, MAPPING_TABLES, MAPPING_TABLE_NAME, MAPPING_COLUMNS = "公共字段", "表", "接口表名", "列"


class MappingError(ValueError):
    """The mapping file cannot be used; the message (in Chinese) says where and why."""


def school_code() -> str:
    return (getattr(settings, "ZHENGAI_SCHOOL_CODE", "") or "").strip()


def record_key(school: str, template_name: str, table_code: str, year: str, row_key: str) -> str:
    return uuid.uuid5(NAMESPACE, "|".join((school, template_name, table_code, year, row_key))).hex.upper()


def column_field(order: int) -> str:
    return f"C{order:02d}"


# ------------------------------------------------------------------------------------ mapping

def default_mapping(tables) -> dict:
    """The mapping with every field at its default name, for ``tables`` (columns prefetched)."""
    return {
        "说明": _("字段映射：把右边的字段名改为数字基座接口的字段名即可；未列出的字段沿用默认名。"
                "“表”下按表代码列出每张表的接口表名和各列（按列名）对应的字段名。"),
        MAPPING_COMMON: dict(COMMON),
        MAPPING_TABLES: {t.code: {"表名称": t.name, MAPPING_TABLE_NAME: t.code,
                                  MAPPING_COLUMNS: {c.header: column_field(n) for n, c in enumerate(t.columns.all(), start=1)}}
                         for t in tables},
    }


def read_mapping(text: str, source: str = "") -> dict:
    """A mapping file's content, checked: every name a non-empty string, no field name used twice
    in a table. ``MappingError`` names the place."""
    where = source or _("字段映射")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(_("%(where)s不是有效的 JSON：第 %(line)s 行第 %(column)s 列，%(error)s") % {
            "where": where, "line": exc.lineno, "column": exc.colno, "error": exc.msg}) from None
    if not isinstance(data, dict):
        raise MappingError(_("%(where)s应为一个 JSON 对象（{…}）") % {"where": where})
    common = data.get(MAPPING_COMMON, {})
    tables = data.get(MAPPING_TABLES, {})
    if not isinstance(common, dict) or not isinstance(tables, dict):
        raise MappingError(_("%(where)s中“%(a)s”和“%(b)s”应为 JSON 对象") % {"where": where, "a": MAPPING_COMMON, "b": MAPPING_TABLES})
    problems = []

    def name_ok(path, value):
        if not isinstance(value, str) or not value.strip():
            problems.append(_("“%(path)s”的值“%(value)s”应为非空的字段名") % {"path": path, "value": value})

    for key, value in common.items():
        if key not in COMMON:
            problems.append(_("“%(section)s”中没有“%(key)s”；可用：%(allowed)s") % {
                "section": MAPPING_COMMON, "key": key, "allowed": "、".join(COMMON)})
        name_ok(f"{MAPPING_COMMON}.{key}", value)
    for code, spec in tables.items():
        if not isinstance(spec, dict):
            problems.append(_("“%(path)s”应为 JSON 对象") % {"path": f"{MAPPING_TABLES}.{code}"})
            continue
        if MAPPING_TABLE_NAME in spec:
            name_ok(f"{MAPPING_TABLES}.{code}.{MAPPING_TABLE_NAME}", spec[MAPPING_TABLE_NAME])
        columns = spec.get(MAPPING_COLUMNS, {})
        if not isinstance(columns, dict):
            problems.append(_("“%(path)s”应为 JSON 对象") % {"path": f"{MAPPING_TABLES}.{code}.{MAPPING_COLUMNS}"})
            continue
        for header, value in columns.items():
            name_ok(f"{MAPPING_TABLES}.{code}.{MAPPING_COLUMNS}.{header}", value)
    if problems:
        raise MappingError(_("%(where)s有错误：") % {"where": where} + "；".join(problems))
    return data


def configured_mapping(path: str | None = None) -> dict:
    """The mapping of ``path``, else of ``settings.ZHENGAI_STATEDATA_MAPPING``, else none ({})."""
    path = path or getattr(settings, "ZHENGAI_STATEDATA_MAPPING", "")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read(2 * 1024 * 1024)
    except OSError as exc:
        raise MappingError(_("无法读取字段映射文件 %(path)s：%(error)s") % {"path": path, "error": exc.strerror}) from None
    return read_mapping(text, path)


@dataclass
class Fields:
    """The field names of one table under a mapping."""

    interface: str
    common: dict
    columns: list  # field name per column, in order
    problems: list = field(default_factory=list)


def fields_for(table: ReportTable, columns, mapping: dict) -> Fields:
    common = {**COMMON, **{k: v.strip() for k, v in (mapping.get(MAPPING_COMMON) or {}).items()}}
    spec = (mapping.get(MAPPING_TABLES) or {}).get(table.code, {})
    named = spec.get(MAPPING_COLUMNS, {}) or {}
    names = [(named.get(c.header) or column_field(n)).strip() for n, c in enumerate(columns, start=1)]
    wanted = [common[k] for k in COMMON_KEYS if k != "单位" or table.layout == Layout.INDICATORS] + names
    seen, problems = set(), []
    for name in wanted:
        if name in seen:
            problems.append(_("表“%(table)s”的字段名“%(name)s”重复") % {"table": table.code, "name": name})
        seen.add(name)
    if problems:
        raise MappingError(_("字段映射有错误：") + "；".join(problems))
    return Fields((spec.get(MAPPING_TABLE_NAME) or table.code).strip(), common, names)


# ------------------------------------------------------------------------------------ reading a fill

@dataclass
class Line:
    key: str
    label: str
    unit: str
    department: str
    values: list  # per column: float or None
    todo: int = 0


@dataclass
class Exported:
    """A filled table ready to write: its lines in the form's order."""

    table: ReportTable
    fill: TableFill
    columns: list
    lines: list

    @property
    def collected_at(self) -> str:
        moment = self.fill.signed_at if self.fill.status == FillStatus.SIGNED and self.fill.signed_at else self.fill.filled_at
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def load(tables, year: str) -> list[Exported]:
    """The fills of ``tables`` (columns and rows prefetched) for the academic year, those that
    exist; one query for the fills and one for all their cells."""
    fills = {f.table_id: f for f in TableFill.objects.filter(table__in=tables, year=year)}
    by_fill = {}
    for c in (CellValue.objects.filter(fill__in=fills.values())
              .values("fill_id", "row_key", "row_label", "row_order", "column_id", "value", "origin",
                      "row__unit", "department__name", "department_text")
              .order_by("fill_id", "row_order", "row_key")):
        by_fill.setdefault(c["fill_id"], []).append(c)
    out = []
    for table in tables:
        fill = fills.get(table.pk)
        if fill is None:
            continue
        columns = list(table.columns.all())
        position = {c.pk: n for n, c in enumerate(columns)}
        lines = {}
        for c in by_fill.get(fill.pk, []):
            line = lines.get(c["row_key"])
            if line is None:
                line = lines[c["row_key"]] = Line(c["row_key"], c["row_label"], c["row__unit"] or "",
                                                  c["department__name"] or c["department_text"] or "", [None] * len(columns))
                line.order = c["row_order"]
            n = position.get(c["column_id"])
            if n is not None:
                line.values[n] = c["value"]
                line.todo += c["origin"] == CellOrigin.TODO
        ordered = sorted(lines.values(), key=lambda line: (line.order, line.key))
        out.append(Exported(table, fill, columns, ordered))
    return out


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else round(value, 6)


# ------------------------------------------------------------------------------------ writers

def records(e: Exported, fields: Fields, school: str) -> list[dict]:
    out = []
    collected = e.collected_at
    for line in e.lines:
        rec = {
            fields.common["主键数据唯一性标识"]: record_key(school, e.table.template.name, e.table.code, e.fill.year, line.key),
            fields.common["学校代码"]: school,
            fields.common["数据采集时间"]: collected,
            fields.common["学年"]: e.fill.year,
            fields.common["行代码"]: line.key,
            fields.common["行名称"]: line.label,
        }
        if e.table.layout == Layout.INDICATORS:
            rec[fields.common["单位"]] = line.unit
        for name, value in zip(fields.columns, line.values):
            rec[name] = _number(value)
        out.append(rec)
    return out


def field_labels(e: Exported, fields: Fields) -> dict:
    """Field name → what it holds, in Chinese (the JSON's ``字段``)."""
    labels = {fields.common[k]: k for k in COMMON_KEYS if k != "单位" or e.table.layout == Layout.INDICATORS}
    for name, c in zip(fields.columns, e.columns):
        labels[name] = c.header + (f"（{c.unit}）" if c.unit else "")
    return labels


def to_csv(e: Exported, fields: Fields, school: str) -> bytes:
    rows = records(e, fields, school)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = list(field_labels(e, fields))
    writer.writerow(header)
    for rec in rows:
        writer.writerow([neutralise("" if rec[h] is None else str(rec[h])) for h in header])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(e: Exported, fields: Fields, school: str) -> bytes:
    doc = {"接口表名": fields.interface, "表代码": e.table.code, "表名称": e.table.name, "学年": e.fill.year,
           "字段": field_labels(e, fields), "数据": records(e, fields, school)}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def to_xlsx(e: Exported, school_name: str) -> bytes:
    """The table as the state form lays it: title, school and year, header, one line per row;
    owed cells left blank and counted under the table."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from zhengai.core import windows as W
    from zhengai.core import workbook

    from . import filling

    wb = workbook.new()
    ws = wb.active
    ws.title = e.table.name[:31]
    subjects = e.table.layout == Layout.SUBJECTS
    window = filling.academic_year(e.fill.year)
    terms = W.term_dates()
    header = [_("序号"), _("代码"), _("名称")] if subjects else [_("序号"), _("指标"), pgettext("计量单位", "单位")]
    for c in e.columns:
        text = c.header + (f"（{c.unit}）" if c.unit else "")
        if not subjects or c.year_offset:
            text += f"\n{filling.year_window(window, c.year_offset, terms).code}"
        header.append(text)
    width = len(header)
    ws.append([neutralise(e.table.name)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([neutralise(_("填报单位：%(school)s　学年：%(year)s（%(start)s 至 %(end)s）") % {
        "school": school_name, "year": e.fill.year, "start": window.start, "end": window.end})])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append([neutralise(h) for h in header])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    todo = 0
    for n, line in enumerate(e.lines, start=1):
        first = [n, neutralise(line.key), neutralise(line.label)] if subjects else [n, neutralise(line.label), neutralise(line.unit)]
        ws.append(first + [_number(v) for v in line.values])
        todo += line.todo
    status = _("已签发") if e.fill.status == FillStatus.SIGNED else _("填报中")
    ws.append([])
    ws.append([neutralise(_("状态：%(status)s；数据采集时间：%(at)s；空白格为待部门填报（%(n)s 格）。") % {
        "status": status, "at": e.collected_at, "n": todo})])
    widths = [6, 12, 30] if subjects else [6, 40, 8]
    for i in range(1, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1] if i <= 3 else 16
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "A4"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render(e: Exported, fmt: str, mapping: dict, school: str | None = None) -> bytes:
    school = school_code() if school is None else school
    if fmt == "xlsx":
        return to_xlsx(e, settings.ZHENGAI_SCHOOL_NAME)
    fields = fields_for(e.table, e.columns, mapping)
    return to_csv(e, fields, school) if fmt == "csv" else to_json(e, fields, school)


def file_names(exported: list[Exported], fmt: str) -> list[str]:
    """One file name per table: its code (with the template's position if two templates share a code)."""
    seen, out = set(), []
    for e in exported:
        name = e.table.code
        n = 2
        while name in seen:
            name = f"{e.table.code}_{n}"
            n += 1
        seen.add(name)
        out.append(f"{name}.{fmt}")
    return out


def export_files(templates, year: str, fmt: str, mapping: dict, *, table_codes=None) -> tuple[dict, list]:
    """File name → bytes for every filled table of ``templates`` in the academic year (plus
    ``mapping.json`` for CSV and JSON: the mapping in force, complete, for the IT office to adapt),
    and the tables not filled yet."""
    if fmt not in FORMATS:
        raise ValueError(_("格式“%(fmt)s”不可用，可选：%(allowed)s") % {"fmt": fmt, "allowed": "、".join(FORMATS)})
    tables = list(ReportTable.objects.filter(template__in=templates).select_related("template")
                  .prefetch_related("columns").order_by("template__order", "template__name", "order", "id"))
    if table_codes:
        tables = [t for t in tables if t.code in set(table_codes)]
    exported = load(tables, year)
    done = {e.table.pk for e in exported}
    missing = [t for t in tables if t.pk not in done]
    files = {}
    for e, name in zip(exported, file_names(exported, fmt)):
        files[name] = render(e, fmt, mapping)
    if fmt != "xlsx" and exported:
        complete = default_mapping([e.table for e in exported])
        complete[MAPPING_COMMON].update(mapping.get(MAPPING_COMMON) or {})
        for code, spec in (mapping.get(MAPPING_TABLES) or {}).items():
            if code in complete[MAPPING_TABLES]:
                target = complete[MAPPING_TABLES][code]
                if spec.get(MAPPING_TABLE_NAME):
                    target[MAPPING_TABLE_NAME] = spec[MAPPING_TABLE_NAME]
                target[MAPPING_COLUMNS].update(spec.get(MAPPING_COLUMNS) or {})
        files["mapping.json"] = json.dumps(complete, ensure_ascii=False, indent=1).encode("utf-8")
    return files, missing


def zipped(files: dict) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()
