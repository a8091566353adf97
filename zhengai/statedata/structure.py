"""A template's structure as plain data, checked in one place for the page and the .xlsx import.

``TableSpec`` (with its ``RowSpec`` and ``ColumnSpec``) is what a template holds, independent of
where it came from. ``check`` names every problem (in Chinese, with where it is: a sheet row or a
form line) and ``replace`` writes a whole template's tables in one transaction — all or nothing.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import Level
from zhengai.indicators import registry

from zhengai.chains.xlsxutil import ImportProblems

from .choices import FillStatus, Layout
from .models import CellValue, ReportTable, TableColumn, TableFill, TableRow

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
# Levels a table may have one row per subject of: a few hundred rows at most on a large college.
SUBJECT_LEVELS = (Level.DEPARTMENT, Level.SPECIALTY, Level.COURSE, Level.TEACHER)
# How far back a column may look (0 = the academic year reported, -1 the one before …).
OLDEST_OFFSET = -4


@dataclass
class RowSpec:
    label: str
    unit: str = ""
    indicator: str = ""
    department: str = ""
    where: str = ""  # where it was read, for messages: "“行列”表第 5 行"


@dataclass
class ColumnSpec:
    header: str
    unit: str = ""
    indicator: str = ""
    year_offset: int = 0
    where: str = ""


@dataclass
class TableSpec:
    code: str
    name: str
    layout: str = Layout.INDICATORS
    level: str = Level.SCHOOL
    department: str = ""
    note: str = ""
    rows: list[RowSpec] = field(default_factory=list)
    columns: list[ColumnSpec] = field(default_factory=list)
    where: str = ""


def indicator_levels() -> dict[str, str]:
    """Code → level of every indicator, built-in and custom (one query)."""
    return {i.code: i.level for i in registry.all_indicators()}


def check(tables: list[TableSpec]) -> list[str]:
    """Every problem of a template's tables; empty when it can be saved."""
    levels = indicator_levels()
    problems = []
    seen = set()

    def bad(where, message):
        problems.append(f"{where}：{message}" if where else message)

    if not tables:
        bad("", _("模板至少要有一张表"))
    for t in tables:
        if not CODE.match(t.code or ""):
            bad(t.where, _("表代码“%(value)s”应以字母开头，只含字母、数字和下划线，至多 32 个字符") % {"value": t.code})
        elif t.code in seen:
            bad(t.where, _("表代码“%(value)s”重复") % {"value": t.code})
        seen.add(t.code)
        if not t.name.strip():
            bad(t.where, _("表名称不能为空"))
        if t.layout not in Layout.values:
            bad(t.where, _("布局“%(value)s”无法识别") % {"value": t.layout})
            continue
        if t.layout == Layout.SUBJECTS:
            if t.level not in SUBJECT_LEVELS:
                bad(t.where, _("主体行布局的主体层面“%(value)s”不可用，可选：%(allowed)s") % {
                    "value": _level_label(t.level), "allowed": "、".join(str(Level(v).label) for v in SUBJECT_LEVELS)})
            if t.rows:
                bad(t.where, _("主体行布局的表不设行（每行是一个%(level)s），请删去 %(n)s 行") % {
                    "level": _level_label(t.level), "n": len(t.rows)})
        elif not t.rows:
            bad(t.where, _("指标行布局的表至少要有一行"))
        if not t.columns:
            bad(t.where, _("表至少要有一列"))
        for r in t.rows:
            if not r.label.strip():
                bad(r.where, _("指标名称不能为空"))
            if r.indicator:
                level = levels.get(r.indicator)
                if level is None:
                    bad(r.where, _("指标代码“%(value)s”不在指标库中") % {"value": r.indicator})
                elif level != Level.SCHOOL:
                    bad(r.where, _("指标行布局只用学校层面的指标，“%(value)s”是%(level)s层面的") % {
                        "value": r.indicator, "level": _level_label(level)})
        for c in t.columns:
            if not c.header.strip():
                bad(c.where, _("列名不能为空"))
            if not OLDEST_OFFSET <= c.year_offset <= 0:
                bad(c.where, _("学年“%(value)s”应在 %(oldest)s 到 0 之间（0 为填报学年，-1 为上一学年）") % {
                    "value": c.year_offset, "oldest": OLDEST_OFFSET})
            if c.indicator:
                if t.layout == Layout.INDICATORS:
                    bad(c.where, _("指标行布局的列不设指标（指标在行上），请清空“%(value)s”") % {"value": c.indicator})
                    continue
                level = levels.get(c.indicator)
                if level is None:
                    bad(c.where, _("指标代码“%(value)s”不在指标库中") % {"value": c.indicator})
                elif level != t.level:
                    bad(c.where, _("指标“%(value)s”是%(level)s层面的，本表每行是一个%(table_level)s") % {
                        "value": c.indicator, "level": _level_label(level), "table_level": _level_label(t.level)})
    return problems


def _level_label(level: str) -> str:
    try:
        return str(Level(level).label)
    except ValueError:
        return str(level)


def specs_of(template) -> list[TableSpec]:
    """The template's tables as specs (three queries)."""
    tables = list(template.tables.all())
    rows = {}
    for r in TableRow.objects.filter(table__template=template).order_by("order", "id"):
        rows.setdefault(r.table_id, []).append(RowSpec(r.label, r.unit, r.indicator, r.department))
    columns = {}
    for c in TableColumn.objects.filter(table__template=template).order_by("order", "id"):
        columns.setdefault(c.table_id, []).append(ColumnSpec(c.header, c.unit, c.indicator, c.year_offset))
    return [TableSpec(t.code, t.name, t.layout, t.level, t.department, t.note, rows.get(t.pk, []), columns.get(t.pk, []))
            for t in tables]


@transaction.atomic
def replace(template, tables: list[TableSpec]) -> dict:
    """Make the template's tables exactly ``tables`` (already checked). A table keeps its identity
    by its code, so its fills stay; rows and columns are matched by position, so an edited label
    keeps its filled values, and the surplus is removed (with its cells)."""
    existing = {t.code: t for t in template.tables.all()}
    counts = {"tables": 0, "rows": 0, "columns": 0, "removed": 0}
    keep = set()
    for order, spec in enumerate(tables, start=1):
        table = existing.get(spec.code) or ReportTable(template=template, code=spec.code)
        table.name, table.order, table.layout, table.level = spec.name.strip(), order, spec.layout, spec.level
        table.department, table.note = spec.department.strip(), spec.note
        if table.layout == Layout.INDICATORS:
            table.level = Level.SCHOOL
        table.save()
        keep.add(table.pk)
        counts["tables"] += 1
        counts["rows"] += _match(table, TableRow, list(table.rows.all()), [
            {"label": r.label.strip(), "unit": r.unit.strip(), "indicator": r.indicator.strip(),
             "department": r.department.strip()} for r in spec.rows])
        counts["columns"] += _match(table, TableColumn, list(table.columns.all()), [
            {"header": c.header.strip(), "unit": c.unit.strip(), "indicator": c.indicator.strip(),
             "year_offset": c.year_offset} for c in spec.columns])
    gone = template.tables.exclude(pk__in=keep)
    signed = list(TableFill.objects.filter(table__in=gone, status=FillStatus.SIGNED).values_list("table__name", "year"))
    if signed:
        raise ImportProblems([_("表“%(table)s”的 %(year)s 学年已签发锁定，不能删除") % {"table": t, "year": y} for t, y in signed])
    counts["removed"] = gone.count()
    gone.delete()
    return counts


def _match(table, model, current, wanted: list[dict]) -> int:
    changed = []
    for order, attrs in enumerate(wanted, start=1):
        obj = current[order - 1] if order <= len(current) else model(table=table)
        attrs = {**attrs, "order": order}
        if obj.pk is None or any(getattr(obj, k) != v for k, v in attrs.items()):
            for k, v in attrs.items():
                setattr(obj, k, v)
            obj.save()
            changed.append(obj)
    surplus = [obj.pk for obj in current[len(wanted):]]
    if surplus:
        _refuse_if_signed(table, model, surplus)
        model.objects.filter(pk__in=surplus).delete()
    return len(wanted)


def _refuse_if_signed(table, model, pks):
    """Rows and columns of a signed year stay: what was signed is kept as it was signed."""
    field = "row_id" if model is TableRow else "column_id"
    years = sorted(set(CellValue.objects.filter(fill__table=table, fill__status=FillStatus.SIGNED, **{f"{field}__in": pks})
                       .values_list("fill__year", flat=True)))
    if years:
        raise ImportProblems([_("表“%(table)s”的 %(years)s 学年已签发锁定，不能删去其中的行或列") % {
            "table": table.name, "years": "、".join(years)}])
