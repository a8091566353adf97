"""Consistency checks before a table is signed (核对): totals that must agree across tables, and
year-on-year changes beyond the template's ratio, flagged for a second look.

A total rule (``TotalRule``) says that one cell equals another cell, or the sum of a column over
all rows of a table: the school's students on the roll in 学校基本情况 against the sum over the
二级学院 rows. A mismatch blocks the sign-off; a large change from last year's value only asks
for a confirmation. Each check reads the cells of the year in one query.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import CellValue, TableFill, TotalRule

BLOCKING, FLAG = "blocking", "flag"


@dataclass
class Finding:
    kind: str
    tables: frozenset  # ids of the tables it concerns
    message: str


def _year_cells(template, year: str) -> list[CellValue]:
    return list(CellValue.objects.filter(fill__table__template=template, fill__year=year)
                .select_related("column", "fill__table").only(
                    "value", "row_label", "row_key", "column__header", "column__year_offset", "fill__table__code",
                    "fill__table__id", "fill__table__name"))


def totals(template, year: str, cells=None) -> list[Finding]:
    """Every total rule of the template over the year's cells; a side with a blank cell is not judged."""
    cells = _year_cells(template, year) if cells is None else cells
    by_column = {}
    for c in cells:
        by_column.setdefault((c.fill.table.code, c.column.header), []).append(c)
    tables = {c.fill.table.code: c.fill.table for c in cells}
    found = []
    for rule in TotalRule.objects.filter(template=template):
        sides = []
        for table, row, column in ((rule.left_table, rule.left_row, rule.left_column),
                                   (rule.right_table, rule.right_row, rule.right_column)):
            chosen = [c for c in by_column.get((table, column), []) if not row or c.row_label == row]
            if not chosen or any(c.value is None for c in chosen):
                sides.append(None)
            else:
                sides.append(sum(c.value for c in chosen))
        left, right = sides
        if left is None or right is None or table_missing(rule, tables):
            continue
        if abs(left - right) > rule.tolerance:
            found.append(Finding(BLOCKING, frozenset({tables[rule.left_table].pk, tables[rule.right_table].pk}), _(
                "核对“%(name)s”不一致：%(left_table)s“%(left)s”为 %(lv)s，%(right_table)s“%(right)s”为 %(rv)s（允许差 %(tol)s）") % {
                "name": rule.name, "left_table": tables[rule.left_table].name, "left": rule.left_row or rule.left_column,
                "lv": _num(left), "right_table": tables[rule.right_table].name,
                "right": rule.right_row or _("%(column)s合计") % {"column": rule.right_column}, "rv": _num(right),
                "tol": _num(rule.tolerance)}))
    return found


def table_missing(rule, tables) -> bool:
    return rule.left_table not in tables or rule.right_table not in tables


def year_on_year(fill: TableFill) -> list[Finding]:
    """Cells whose value changed from last year's value of the same row and column by more than the
    template's ratio (``change_ratio``); two queries."""
    ratio = fill.table.template.change_ratio
    first = int(fill.year[:4]) - 1
    last_year = f"{first}-{first + 1}"
    before = {(c.row_key, c.column_id): c.value for c in CellValue.objects.filter(
        fill__table=fill.table, fill__year=last_year, value__isnull=False).only("row_key", "column_id", "value")}
    found = []
    for c in fill.cells.filter(value__isnull=False).select_related("column"):
        old = before.get((c.row_key, c.column_id))
        if old in (None, 0):
            continue
        change = (c.value - old) / abs(old)
        if abs(change) > ratio:
            found.append(Finding(FLAG, frozenset({fill.table_id}), _(
                "“%(row)s · %(column)s”为 %(new)s，上年为 %(old)s，变化 %(pct)s%%，超过 %(limit)s%%，请复核") % {
                "row": c.row_label, "column": c.column.header, "new": _num(c.value), "old": _num(old),
                "pct": _num(round(change * 100, 1)), "limit": _num(round(ratio * 100, 1))}))
    return found


def _num(value) -> str:
    value = round(float(value), 2)
    return str(int(value)) if value == int(value) else str(value)


def for_fill(fill: TableFill) -> list[Finding]:
    """The findings that concern one table: its totals (either side) and its changes."""
    mine = [f for f in totals(fill.table.template, fill.year) if fill.table_id in f.tables]
    return mine + year_on_year(fill)
