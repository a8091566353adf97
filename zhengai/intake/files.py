"""The file channel: a CSV or .xlsx file into the pipeline, the reject file back out, and the
template a clerk fills in.

A reject file has the columns of the file that was sent, plus 行号 and 错误原因, so the person who
made the file can correct it and send it again; its cells are neutralised against formula injection.
"""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from zhengai.core.output import write_xlsx
from zhengai.datacenter.models import ImportBatch, SourceSystem

from .columns import norm_header, spec_for
from .models import Mapping
from .pipeline import import_rows
from .readers import FileRows


def header_matcher(table: str, mapping=None):
    """cells → how many are headers the table (or the source's mapping) knows."""
    spec = spec_for(table)
    known = set()
    for column in spec.columns:
        known |= column.aliases | {norm_header(column.label)}
    if mapping is not None:
        columns = mapping.columns if isinstance(mapping, Mapping) else (mapping.get("columns") or {})
        known |= {norm_header(k) for k in columns}
    return lambda cells: sum(1 for c in cells if isinstance(c, str) and norm_header(c) in known)


def import_file(
    source: SourceSystem, table: str, file, *, file_name: str = "", user=None, partial: bool = False,
    sheet: str | None = None, mapping=None,
) -> ImportBatch:
    """Import a CSV or Excel file (a path, or a binary file object such as an upload) as one batch."""
    with translation.override("zh-hans"):
        spec_for(table)  # an unknown table is an IntakeError before any batch
    if mapping is None:
        mapping = Mapping.objects.filter(source=source, table=table).first()
    rows = FileRows(file, file_name, sheet=sheet, matcher=header_matcher(table, mapping))
    return import_rows(source, table, rows, file_name=rows.file_name, user=user, partial=partial,
                       mapping=mapping if mapping is not None else {})


REJECT_REASON = "错误原因"
REJECT_ROW = "行号"


def reject_sheets(batch: ImportBatch) -> dict:
    """The rejected rows of ``batch`` as one sheet: the sender's columns, then 行号 and 错误原因."""
    rejects = list(batch.rejected_rows.order_by("row_number").values_list("row_number", "reason", "data"))
    columns: list[str] = []
    seen = set()
    for _n, _r, data in rejects:
        for key, _v in data or []:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    header = [REJECT_ROW, *columns, REJECT_REASON]
    rows = ([n, *[dict(data or []).get(c, "") for c in columns], reason] for n, reason, data in rejects)
    return {_("被拒绝的行"): (header, rows)}


def write_rejects(batch: ImportBatch, target) -> int:
    write_xlsx(target, reject_sheets(batch))
    return batch.rejected_rows.count()


# Templates ------------------------------------------------------------------------------------

EXAMPLES = {
    "student_no": "2024001", "staff_no": "T001", "name": "张三", "gender": "男", "code": None,
    "email": "someone@example.edu.cn", "cohort": 2024, "year": 2026, "period": 1, "periods": 2,
    "attempt": 1, "score": 85, "credits": 4, "hours": 64, "planned": 100, "days": 5, "respondents": 40,
    "duration_seconds": 600, "monthly_salary": 5000, "duration_years": 3, "planned_sessions": 32,
}
REF_EXAMPLES = {
    "datacenter.Student": "2024001", "datacenter.Staff": "T001", "datacenter.Course": "C001",
    "datacenter.Offering": "2026-2027-1-C001-01", "datacenter.Term": "2026-2027-1", "datacenter.Department": "D01",
    "datacenter.Specialty": "460103", "datacenter.AdminClass": "CNC2401",
}
CODE_EXAMPLES = {
    "datacenter.Term": "2026-2027-1", "datacenter.Department": "D01", "datacenter.Specialty": "460103",
    "datacenter.AdminClass": "CNC2401", "datacenter.Course": "C001", "datacenter.Offering": "2026-2027-1-C001-01",
}


NAME_EXAMPLES = {
    "datacenter.Department": "机械工程学院", "datacenter.Specialty": "数控技术", "datacenter.AdminClass": "数控2401",
    "datacenter.Course": "数控编程", "datacenter.Staff": "王老师", "datacenter.Student": "张三",
}


def _example(spec, column):
    if column.name == "name" and spec.model._meta.label in NAME_EXAMPLES:
        return NAME_EXAMPLES[spec.model._meta.label]
    if column.name in EXAMPLES and EXAMPLES[column.name] is not None:
        return EXAMPLES[column.name]
    if column.kind == "ref":
        return REF_EXAMPLES.get(column.ref_model._meta.label, "")
    if column.name == "code":
        return CODE_EXAMPLES.get(spec.model._meta.label, "A001")
    if column.kind == "choice":
        return str(column.model_field.choices[0][1])
    if column.kind == "date":
        return date(2026, 10, 8).isoformat()
    if column.kind == "datetime":
        return "2026-10-08 08:00"
    if column.kind == "bool":
        return "是"
    if column.kind in ("int", "decimal"):
        return 1
    if column.kind == "uuid":
        return ""
    return str(column.label)


def template_sheets(table: str) -> dict:
    """A template: Chinese headers and one example row; a second sheet says what each column takes."""
    with translation.override("zh-hans"):
        spec = spec_for(table)
        header = [c.label for c in spec.columns]
        example = [_example(spec, c) for c in spec.columns]
        notes = []
        for c in spec.columns:
            if c.kind == "ref":
                what = f"{c.ref_label[:-1]}的{c.label}" if c.ref_label else ""
            elif c.kind == "choice":
                what = "、".join(str(label) for _v, label in c.model_field.choices)
            else:
                what = {"text": "文本", "int": "整数", "decimal": "数字", "date": "日期，如 2026-09-01",
                        "datetime": "时间，如 2026-09-01 08:00", "bool": "是/否", "email": "电子邮箱",
                        "uuid": "UUID"}.get(c.kind, c.kind)
            if c.min_value is not None and c.max_value is not None:
                what += f"（{c.min_value}–{c.max_value}）"
            notes.append([c.label, "是" if c.required else "", what, c.name])
        key = "、".join(_key_names(spec))
        notes.append(["", "", f"同一{key}重复导入时更新原有记录", ""])
        return {
            spec.label: (header, [example]),
            "填写说明": (["列", "必填", "填写内容", "字段"], notes),
        }


def _key_names(spec) -> list[str]:
    from .pipeline import _key_labels

    return _key_labels(spec)


def write_template(table: str, target) -> None:
    write_xlsx(target, template_sheets(table))
