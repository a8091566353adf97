"""Filling a template for an academic year: every cell the data center can answer is computed by
its indicator; every other cell becomes a to-do for its department.

Set-based: each distinct (indicator, academic year) of the whole template is evaluated once through
``zhengai.indicators`` — its one grouped query over every subject of the level — and the cells take
their values from those results. The number of queries depends on the template, never on the
number of students, rows or subjects. A cell a department entered (or carried from last year) is
kept while the platform still cannot compute it.
"""

from dataclasses import dataclass, field
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.core import windows as W
from zhengai.datacenter.choices import DepartmentKind, Level
from zhengai.indicators import registry

from .choices import CellOrigin, FillStatus, Layout
from .models import CellValue, ReportTable, TableColumn, TableFill, TableRow


def academic_year(text: str, terms: dict | None = None) -> W.Window:
    """The academic year written ``2025-2026``; ``WindowError`` (in Chinese) for anything else."""
    if W.kind_of(text or "") != "academic_year":
        raise W.WindowError(_("“%(text)s”不是学年；状态数据按学年填报，写作 2025-2026（9 月 1 日至次年 8 月 31 日）")
                            % {"text": text})
    return W.parse(text, terms)


def year_window(year: W.Window, offset: int, terms: dict) -> W.Window:
    return W.academic_year(int(year.code[:4]) + offset, terms)


@dataclass
class Planned:
    """One cell as the template asks for it."""

    row_key: str
    row_label: str
    row_order: int
    column: TableColumn
    row: TableRow | None = None
    subject_id: int | None = None
    indicator: str = ""
    window: W.Window | None = None
    department_text: str = ""
    department_id: int | None = None


@dataclass
class TableResult:
    table: ReportTable
    fill: TableFill
    filled: int = 0
    todo: int = 0
    entered: int = 0
    carried: int = 0
    locked: bool = False
    todo_by_department: dict = field(default_factory=dict)


def _department_resolver():
    """Department text (full name, code or a short name like 质管办) → department id; two queries."""
    from zhengai.chains.tasks_io import _department_index, resolve_departments
    from zhengai.datacenter.models import Subject

    index, colleges = _department_index()
    department_of = dict(Subject.objects.filter(level=Level.DEPARTMENT).values_list("pk", "department_id"))
    cache = {}

    def resolve(text: str) -> int | None:
        if text not in cache:
            found, _unknown = resolve_departments(text, index, colleges) if text else ([], [])
            cache[text] = department_of.get(found[0]) if found else None
        return cache[text]

    return resolve


def _subject_rows(level: str) -> list[tuple[int, str, str, int | None]]:
    """(subject id, key, name, department id) of the rows of a ``subjects`` table, by key; for the
    department level only the teaching colleges (二级学院), whose figures the state asks for."""
    from zhengai.datacenter.models import Subject

    qs = Subject.objects.filter(level=level, active=True)
    if level == Level.DEPARTMENT:
        qs = qs.filter(department__kind=DepartmentKind.COLLEGE)
    return list(qs.order_by("key").values_list("pk", "key", "name", "department_id"))


def plan(tables: list[ReportTable], year: W.Window, terms: dict) -> dict[int, list[Planned]]:
    """Every cell of ``tables`` (with their rows and columns prefetched): table id → cells."""
    resolve = _department_resolver()
    subjects_by_level = {}
    windows = {}

    def window(offset):
        if offset not in windows:
            windows[offset] = year_window(year, offset, terms)
        return windows[offset]

    out = {}
    for table in tables:
        cells = out.setdefault(table.pk, [])
        columns = list(table.columns.all())
        if table.layout == Layout.INDICATORS:
            for row in table.rows.all():
                text = row.department or table.department
                for column in columns:
                    cells.append(Planned(f"r{row.pk}", row.label, row.order, column, row=row, indicator=row.indicator,
                                         window=window(column.year_offset), department_text=text,
                                         department_id=resolve(text)))
        else:
            if table.level not in subjects_by_level:
                subjects_by_level[table.level] = _subject_rows(table.level)
            for n, (sid, key, name, dept) in enumerate(subjects_by_level[table.level], start=1):
                for column in columns:
                    cells.append(Planned(key, name, n, column, subject_id=sid, indicator=column.indicator,
                                         window=window(column.year_offset), department_id=dept))
    return out


def evaluate(cells: list[Planned]) -> dict[tuple[str, str], dict[int, int | float]]:
    """Each distinct (indicator, window) of ``cells`` evaluated once: (code, window code) → values."""
    wanted = {}
    for c in cells:
        if c.indicator:
            wanted[(c.indicator, c.window.code)] = c.window
    indicators = {}
    if any(code not in registry.builtin_codes() for code, _w in wanted):
        indicators = {i.code: i for i in registry.all_indicators()}  # custom ones in one query
    results = {}
    for (code, wcode), window in wanted.items():
        indicator = indicators.get(code) or registry.get(code)
        results[(code, wcode)] = indicator.evaluate(window)
    return results


def school_subject_id() -> int | None:
    from zhengai.datacenter.models import Subject

    return Subject.objects.filter(level=Level.SCHOOL).values_list("pk", flat=True).first()


def fill_template(template, year_text: str, *, table_codes=None) -> list[TableResult]:
    """Fill the template's tables (or those of ``table_codes``) for the academic year; one
    transaction. Returns the counts per table."""
    terms = W.term_dates()
    year = academic_year(year_text, terms)
    tables = list(template.tables.prefetch_related("rows", "columns"))
    if table_codes:
        unknown = set(table_codes) - {t.code for t in tables}
        if unknown:
            raise LookupError(_("模板“%(template)s”中没有表：%(codes)s") % {
                "template": template.name, "codes": "、".join(sorted(unknown))})
        tables = [t for t in tables if t.code in table_codes]
    planned = plan(tables, year, terms)
    values = evaluate([c for cells in planned.values() for c in cells])
    school = school_subject_id()
    with transaction.atomic():
        return [_store(table, year, planned[table.pk], values, school) for table in tables]


def _carried(table, year) -> dict:
    """Last year's approved values of the table, (row key, column year offset) → value: the cells
    of a signed fill, or approved by the head (one query)."""
    first = int(year.code[:4]) - 1
    approved = CellValue.objects.filter(fill__table=table, fill__year=f"{first}-{first + 1}", value__isnull=False).filter(
        Q(fill__status=FillStatus.SIGNED) | Q(reviewed_at__isnull=False))
    return {(key, offset): value for key, offset, value in approved.values_list("row_key", "column__year_offset", "value")}


def _carry(p: Planned, last: dict):
    """The value to carry into a cell still owed: the same academic year as last year reported it
    (this year's “上一学年” is last year's “本学年”), or — for a figure no indicator computes — last
    year's value of the same column, for the department to confirm or change."""
    same_year = last.get((p.row_key, p.column.year_offset + 1))
    if same_year is not None:
        return same_year
    if not p.indicator:
        return last.get((p.row_key, p.column.year_offset))
    return None


def _store(table, year, cells: list[Planned], values, school) -> TableResult:
    fill, _created = TableFill.objects.get_or_create(table=table, year=year.code)
    result = TableResult(table, fill)
    if fill.status == FillStatus.SIGNED:  # a signed table is locked: report it as it stands
        result.locked = True
        for origin, n in fill.cells.values_list("origin").annotate(n=Count("pk")):
            if origin == CellOrigin.COMPUTED:
                result.filled += n
            elif origin == CellOrigin.TODO:
                result.todo += n
            else:
                result.entered += n
        return result
    fill.filled_at = clock.now()
    fill.save(update_fields=["filled_at"])
    existing = {(c.row_key, c.column_id): c for c in fill.cells.all()}
    last = _carried(table, year)
    create, update, keep = [], [], set()
    for p in cells:
        key = (p.row_key, p.column.pk)
        keep.add(key)
        value = None
        if p.indicator:
            found = values[(p.indicator, p.window.code)]
            value = found.get(p.subject_id if p.subject_id is not None else school)
        cell = existing.get(key)
        if value is None and cell is not None and cell.origin in (CellOrigin.ENTERED, CellOrigin.CARRIED):
            result.entered += 1
            _set(cell, p)
            update.append(cell)
            continue
        if cell is None:
            cell = CellValue(fill=fill, row_key=p.row_key, column=p.column)
            create.append(cell)
        else:
            update.append(cell)
        _set(cell, p)
        carried = _carry(p, last) if value is None else None
        if carried is not None:
            cell.value, cell.origin = carried, CellOrigin.CARRIED
            cell.evidence = _("沿用 %(year)s 学年已审核的数据") % {"year": _previous(year.code)}
            cell.entered_by, cell.entered_at, cell.reviewed_by, cell.reviewed_at = None, None, None, None
            result.carried += 1
            result.entered += 1
        elif value is None:
            cell.value, cell.origin = None, CellOrigin.TODO
            cell.entered_by, cell.entered_at, cell.evidence, cell.reviewed_by, cell.reviewed_at = None, None, "", None, None
            result.todo += 1
            result.todo_by_department[p.department_id] = result.todo_by_department.get(p.department_id, 0) + 1
        else:
            cell.value, cell.origin = float(value), CellOrigin.COMPUTED
            cell.entered_by, cell.entered_at, cell.evidence, cell.reviewed_by, cell.reviewed_at = None, None, "", None, None
            result.filled += 1
    stale = [c.pk for k, c in existing.items() if k not in keep]
    if stale:
        CellValue.objects.filter(pk__in=stale).delete()
    CellValue.objects.bulk_create(create, batch_size=500)
    if update:
        CellValue.objects.bulk_update(update, _FIELDS, batch_size=500)
    return result


_FIELDS = ["row", "subject", "row_label", "row_order", "value", "origin", "indicator", "window", "window_start",
           "window_end", "department", "department_text", "entered_by", "entered_at", "evidence", "reviewed_by",
           "reviewed_at"]


def _previous(code: str) -> str:
    first = int(code[:4]) - 1
    return f"{first}-{first + 1}"


def _set(cell: CellValue, p: Planned) -> None:
    cell.row, cell.subject_id = p.row, p.subject_id
    cell.row_label, cell.row_order = p.row_label[:200], p.row_order
    cell.indicator = p.indicator
    cell.window = p.window.code
    cell.window_start, cell.window_end = p.window.start, p.window.end
    cell.department_id, cell.department_text = p.department_id, p.department_text[:100]


def counts(results: list[TableResult]) -> tuple[int, int, int]:
    """(filled, to-do, entered) over all tables."""
    return (sum(r.filled for r in results), sum(r.todo for r in results), sum(r.entered for r in results))
