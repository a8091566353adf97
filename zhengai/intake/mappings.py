"""Mappings (字段映射) of a source system onto a data-dictionary table: editing, checking and
exporting them. The pipeline reads them (``pipeline.Rules``); this module is what pages and
exports use."""

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from zhengai.core import audit
from zhengai.datacenter import dictionary

from .columns import Column, spec_for
from .errors import IntakeError
from .models import Mapping


def importable_tables() -> list[tuple[str, str]]:
    """(code, name in the active language) of every table the pipeline can import, in dictionary
    order. The code is what the command line and the API take; people read the name."""
    out = []
    for code in dictionary.TABLE_CODES:
        try:
            spec = spec_for(code)
        except IntakeError:
            continue
        label = _ALIAS_LABELS.get(code) or spec.model._meta.verbose_name
        out.append((code, str(label)))
    return out


# ``teachers`` is another code of the staff table: named apart so the two choices differ.
_ALIAS_LABELS = {"teachers": translation.gettext_lazy("教师（教职工表）")}


def parse_value_map(text: str, column_label: str) -> dict:
    """Lines of ``源值=目标值`` (or ``源值 → 目标值``) into a dict; a clear error for a bad line."""
    result = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        for sep in ("=", "→", "＝", "\t"):
            if sep in line:
                left, right = line.split(sep, 1)
                break
        else:
            raise IntakeError(_("“%(column)s”的值映射第 %(n)s 行应写成“源值=目标值”，例如“1=男”。") % {
                "column": column_label, "n": number})
        if not left.strip():
            raise IntakeError(_("“%(column)s”的值映射第 %(n)s 行缺少源值。") % {"column": column_label, "n": number})
        result[left.strip()] = right.strip()
    return result


def format_value_map(values: dict | None) -> str:
    return "\n".join(f"{k}={v}" for k, v in (values or {}).items())


@dataclass
class MappingRow:
    """One dictionary field of a mapping as a page shows it."""

    column: Column
    source_column: str
    value_map: str
    date_format: str


def mapping_rows(table: str, mapping: Mapping | None) -> list[MappingRow]:
    with translation.override("zh-hans"):
        spec = spec_for(table)
    columns = mapping.columns if mapping else {}
    by_field = {}
    for source_column, field in columns.items():
        by_field.setdefault(field, source_column)
    rows = []
    for column in spec.columns:
        source_column = by_field.get(column.name) or by_field.get(column.label) or ""
        values = (mapping.value_maps if mapping else {}).get(column.name)
        fmt = (mapping.date_formats if mapping else {}).get(column.name, "")
        rows.append(MappingRow(column, source_column, format_value_map(values), fmt))
    return rows


def do_save_mapping(source, table: str, entries: dict, *, acting_user) -> Mapping:
    """Save the mapping of ``source`` onto ``table``, audited (what changed, ``zhengai.core.audit``).
    ``entries`` maps a field name to
    ``{"source_column": …, "value_map": "1=男\\n2=女", "date_format": "%Y%m%d"}``."""
    with translation.override("zh-hans"):
        spec = spec_for(table)
    columns, value_maps, date_formats = {}, {}, {}
    used = {}
    for column in spec.columns:
        entry = entries.get(column.name) or {}
        source_column = (entry.get("source_column") or "").strip()
        if source_column:
            if source_column in used:
                raise IntakeError(_("源列“%(col)s”同时对应了“%(a)s”和“%(b)s”。") % {
                    "col": source_column, "a": used[source_column], "b": column.label})
            used[source_column] = column.label
            columns[source_column] = column.name
        values = parse_value_map(entry.get("value_map", ""), column.label)
        if values:
            value_maps[column.name] = values
        fmt = (entry.get("date_format") or "").strip()
        if fmt:
            if column.kind not in ("date", "datetime"):
                raise IntakeError(_("“%(column)s”不是日期列，不能设置日期格式。") % {"column": column.label})
            if "%" not in fmt:
                raise IntakeError(_("“%(column)s”的日期格式应使用 %%Y、%%m、%%d 等占位符，例如 %%Y%%m%%d。") % {"column": column.label})
            date_formats[column.name] = fmt
    fields = ("columns", "value_maps", "date_formats")
    with transaction.atomic():
        mapping, created = Mapping.objects.select_for_update().get_or_create(source=source, table=table)
        before = {} if created else audit.values(mapping, fields)
        mapping.columns, mapping.value_maps, mapping.date_formats = columns, value_maps, date_formats
        mapping.updated_by = acting_user if getattr(acting_user, "pk", None) else None
        mapping.save()
        audit.record_change(mapping, before, audit.values(mapping, fields), acting_user=acting_user,
                            action="created" if created else "changed")
    return mapping


EXPORT_HEADER = ["来源系统", "目标表", "字段", "中文名", "源列", "值映射", "日期格式"]


def export_rows(mappings) -> list[list]:
    """Every field of every mapping, one row each, for the .xlsx export."""
    rows = []
    for mapping in mappings:
        for row in mapping_rows(mapping.table, mapping):
            if row.source_column or row.value_map or row.date_format:
                rows.append([mapping.source.code, mapping.table, row.column.name, row.column.label,
                             row.source_column, row.value_map.replace("\n", "；"), row.date_format])
    return rows


def export_json(mapping: Mapping) -> str:
    return json.dumps({
        "source": mapping.source.code, "table": mapping.table, "columns": mapping.columns,
        "value_maps": mapping.value_maps, "date_formats": mapping.date_formats,
    }, ensure_ascii=False, indent=2)
