"""Export of the annual task table (年度工作任务表) as it stands now, in the layout of its file.

An imported table is written back in its own layout (title rows, header, column widths, merged
ranges), its rows reflecting the goals as they are now:

- a cell whose goal field has not changed since import keeps the file's text, to the character
  (``2019.01`` stays ``2019.01``, a blank meaning "same as above" stays blank);
- a changed field is written from the goal's current value, dates in the style the file used
  (``2019.01``, ``2019-01``, ``2019年1月``; ``每年3月`` for a task repeated every year, ``持续`` for
  a continuing one). A department task's 主要内容 is its description, or its title when only the
  title changed; an annual task's 工作任务, 体系类别 and 主管领导 are the annual task's;
- department tasks added on the pages under an imported 工作任务 get new rows below its rows, the
  merged ranges they continue extended over them; deleted tasks disappear; annual tasks added on
  the pages under the same school goal follow the imported ones;
- a blank cell is written only where it reads back as the value it stands for (the row above, in
  the same 体系类别, has the same text): when the row above changed or went, the cell gets its text.

A table made entirely on the pages (annual tasks and their department tasks, no file) is written
in the standard layout: a title row, the nine-column header, then the rows with merged 体系类别,
工作任务 and 主管领导 cells as the plan's table lays them out.

Whatever is written imports back into the same tasks.
"""

import bisect
import calendar
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhengai.datacenter.choices import Level

from .choices import GoalKind
from .models import Goal, TaskRow, TaskTable
from .tasks_io import (
    CATEGORY, COLUMNS, CONTENT, END, FILLED_DOWN, LEAD, LEADER, OUTCOME, PARTNERS, START, TASK, _normal, parse_task_date,
)
from .xlsxutil import ImportProblems

STANDARD_TITLE = "年度工作任务表"
STANDARD_SHEET = "任务表"
# Merged over the blanks below them in the standard layout (as in the plan's table).
STANDARD_MERGED = (CATEGORY, TASK, LEADER)
DEFAULT_STYLE = (".", True)  # 2019.01
CONTINUING_TEXT = "持续"
ANY_PARENT = object()


def date_style(texts) -> tuple[str, bool]:
    """The way a file writes its months: the separator (``.``, ``-``, ``/`` or ``年``) and whether
    the month has two digits, from the first dated cell; ``2019.01`` when there is none."""
    for text in texts:
        match = re.match(r"\s*\d{4}\s*([.\-/]|年)\s*(\d{1,2})", text or "")
        if match:
            return match.group(1), len(match.group(2)) == 2
    return DEFAULT_STYLE


def format_task_date(day, *, is_end: bool, recurring: bool = False, style=DEFAULT_STYLE) -> str:
    """A task date as the file writes it; a whole month (its first day as a start, its last as an
    end) is written as the month. ``parse_task_date`` reads it back to the same day."""
    if day is None:
        return CONTINUING_TEXT
    whole_month = day.day == (calendar.monthrange(day.year, day.month)[1] if is_end else 1)
    if recurring:
        return f"每年{day.month}月" + ("" if whole_month else f"{day.day}日")
    sep, padded = style
    if sep == "年":
        return f"{day.year}年{day.month}月" + ("" if whole_month else f"{day.day}日")
    month, dom = (f"{day.month:02d}", f"{day.day:02d}") if padded else (str(day.month), str(day.day))
    return f"{day.year}{sep}{month}" + ("" if whole_month else f"{sep}{dom}")


@dataclass
class OutRow:
    """One row to write: ``texts`` is what each cell stands for (the text a blank below would
    repeat), ``cells`` the file's own cells of a row that came from it (None for a new row)."""

    texts: list[str]
    group: object
    block: object
    cells: list[str] | None = None
    unchanged: list[bool] = field(default_factory=lambda: [False] * len(COLUMNS))
    source_row: int | None = None
    written: list[str] = field(default_factory=list)
    number: int = 0


def _lead_text(goal: Goal) -> str:
    if goal.lead_departments:
        return goal.lead_departments
    return goal.owner.name if goal.owner.level == Level.DEPARTMENT else ""


def _new_row(task: Goal, annual: Goal, group, block, style) -> OutRow:
    """A row for a task made on the pages (``task`` is ``annual`` itself for an annual task
    without department tasks)."""
    return OutRow(texts=[
        annual.category or task.category, annual.title, task.description or (task.title if task is not annual else ""),
        task.leader or annual.leader, _lead_text(task), task.partner_departments, task.outcome,
        format_task_date(task.start, is_end=False, recurring=task.recurring, style=style),
        format_task_date(task.end, is_end=True, recurring=task.recurring, style=style),
    ], group=group, block=block)


@dataclass
class _Replayed:
    """A stored row read again the way the import read it."""

    row_no: int
    cells: list[str]
    filled: list[str]
    goal_id: int | None
    group: int
    block: int


def _replay(rows) -> list[_Replayed]:
    """The import's reading of the stored cells: blanks filled from above (afresh at each 体系类别),
    a 工作任务 or 体系类别 cell starting an annual task."""
    out, above, group, block = [], [""] * len(COLUMNS), -1, -1
    for index, (row_no, cells, goal_id) in enumerate(rows):
        cells = (list(cells) + [""] * len(COLUMNS))[: len(COLUMNS)]
        filled = list(cells)
        if cells[CATEGORY]:
            above = [""] * len(COLUMNS)
            block += 1
        block = max(block, 0)
        for col in FILLED_DOWN:
            if not filled[col]:
                filled[col] = above[col]
        above = list(filled)
        if index == 0 or cells[TASK] or cells[CATEGORY]:
            group += 1
        out.append(_Replayed(row_no, cells, filled, goal_id, group, block))
    return out


def _imported_rows(table: TaskTable, style):
    """The table's rows as they stand: (rows, annual tasks in them, the school goal they support)."""
    stored = list(TaskRow.objects.filter(table=table).order_by("row_no").values_list("row_no", "cells", "goal_id"))
    replayed = _replay(stored)
    tasks = {g.pk: g for g in Goal.objects.filter(pk__in=[r.goal_id for r in replayed if r.goal_id]).select_related("owner")}
    annual_ids = {t.parent_id for t in tasks.values() if t.parent_id}
    annuals = {g.pk: g for g in Goal.objects.filter(pk__in=annual_ids)}
    # What the import wrote for each annual task: from its first row.
    first_of_group: dict[int, _Replayed] = {}
    for r in replayed:
        first_of_group.setdefault(r.group, r)

    out: list[OutRow] = []
    deleted: list[int] = []
    last_of_annual: dict[int, int] = {}  # annual id → index in ``out`` of its last row
    block_of_annual: dict[int, int] = {}
    for r in replayed:
        task = tasks.get(r.goal_id)
        annual = annuals.get(task.parent_id) if task is not None else None
        if task is None or annual is None:
            deleted.append(r.row_no)
            continue
        first = first_of_group[r.group].filled
        imported_annual = {"title": first[TASK] or first[CONTENT], "category": first[CATEGORY], "leader": first[LEADER]}
        f = r.filled
        start = parse_task_date(f[START], is_end=False, base_year=table.year).day
        end = parse_task_date(f[END], is_end=True, base_year=table.year).day
        texts, unchanged = list(f), [True] * len(COLUMNS)

        def change(col, text):
            texts[col], unchanged[col] = text, False

        if annual.category != imported_annual["category"]:
            change(CATEGORY, annual.category)
        if annual.title != imported_annual["title"]:
            change(TASK, annual.title)
        if task.description != f[CONTENT]:
            change(CONTENT, task.description)
        elif task.title != (f[CONTENT] or f[TASK]):
            change(CONTENT, task.title)
        if task.leader != f[LEADER]:
            change(LEADER, task.leader)
        elif annual.leader != imported_annual["leader"] and f[LEADER] == imported_annual["leader"]:
            change(LEADER, annual.leader)
        for col, value in ((LEAD, task.lead_departments), (PARTNERS, task.partner_departments), (OUTCOME, task.outcome)):
            if value != f[col]:
                change(col, value)
        if task.start != start:
            change(START, format_task_date(task.start, is_end=False, recurring=task.recurring, style=style))
        if task.end != end:
            change(END, format_task_date(task.end, is_end=True, recurring=task.recurring, style=style))
        out.append(OutRow(texts=texts, group=r.group, block=r.block, cells=r.cells, unchanged=unchanged, source_row=r.row_no))
        last_of_annual[annual.pk] = len(out) - 1
        block_of_annual[annual.pk] = r.block

    # Department tasks added on the pages: below the last row of their annual task.
    row_goals = {r.goal_id for r in replayed if r.goal_id}
    added: dict[int, list[Goal]] = {}
    for task in (Goal.objects.filter(parent_id__in=list(last_of_annual), kind=GoalKind.DEPARTMENT_TASK)
                 .exclude(pk__in=row_goals).select_related("owner").order_by("order", "pk")):
        added.setdefault(task.parent_id, []).append(task)
    for annual_id in sorted(added, key=lambda a: last_of_annual[a], reverse=True):
        at = last_of_annual[annual_id]
        group, block = out[at].group, block_of_annual[annual_id]
        new = [_new_row(t, annuals[annual_id], group, block, style) for t in added[annual_id]]
        # The group's 体系类别 and 工作任务 are those its rows already show.
        for row in new:
            row.texts[CATEGORY], row.texts[TASK] = out[at].texts[CATEGORY], out[at].texts[TASK]
        out[at + 1:at + 1] = new
    parents = {annuals[a].parent_id for a in last_of_annual}
    return out, deleted, (parents.pop() if len(parents) == 1 else False)


def _page_rows(annuals: list[Goal], style) -> list[OutRow]:
    """Rows of annual tasks made on the pages, each with its department tasks."""
    children: dict[int, list[Goal]] = {}
    for task in (Goal.objects.filter(parent__in=annuals, kind=GoalKind.DEPARTMENT_TASK)
                 .select_related("owner").order_by("order", "pk")):
        children.setdefault(task.parent_id, []).append(task)
    out = []
    for number, annual in enumerate(annuals):
        block = ("page", annual.category)
        for task in children.get(annual.pk) or [annual]:
            out.append(_new_row(task, annual, ("page", number), block, style))
    return out


def _page_annuals(parent=ANY_PARENT) -> list[Goal]:
    """Annual tasks made on the pages (none of their department tasks came from a table), under
    the school goal ``parent`` (None: those without one), or all."""
    annuals = Goal.objects.filter(kind=GoalKind.ANNUAL_TASK)
    if parent is not ANY_PARENT:
        annuals = annuals.filter(parent_id=parent)
    return list(annuals.exclude(children__task_rows__isnull=False).select_related("owner").order_by("start", "order", "pk"))


def _write_cells(rows: list[OutRow]) -> None:
    """Each row's cells: a blank only where it reads back as what it stands for."""
    previous = None
    for row in rows:
        group_start = previous is None or row.group != previous.group
        block_start = group_start and (previous is None or row.block != previous.block
                                       or row.texts[CATEGORY] != previous.texts[CATEGORY])
        written = list(row.texts)
        written[CATEGORY] = row.texts[CATEGORY] if block_start else ""
        written[TASK] = row.texts[TASK] if group_start else ""
        for col in (LEADER, LEAD, PARTNERS, OUTCOME, START, END):
            above = "" if block_start else previous.texts[col]
            own = row.cells[col] if row.cells is not None else ""
            if row.cells is not None and row.unchanged[col] and own:
                written[col] = own
            elif not own and row.texts[col] == above:
                written[col] = ""
        row.written = written
        previous = row


def _remapped_merges(merges, rows: list[OutRow], header_row: int, columns: dict[int, int]) -> list[str]:
    """The file's merged ranges moved with their rows: a range over the rows of a 工作任务 takes in
    the rows added below them, and is cut where a cell inside it now has its own text.
    ``columns``: the file's column (0-based) → the table's column."""
    from openpyxl.utils import get_column_letter, range_boundaries

    def text(row, file_col):
        col = columns.get(file_col)
        return row.written[col] if col is not None else ""

    position = {row.source_row: i for i, row in enumerate(rows) if row.source_row is not None}
    kept = []
    for cell_range in merges:
        min_col, min_row, max_col, max_row = range_boundaries(cell_range)
        if max_row <= header_row:
            kept.append(cell_range)
            continue
        members = [position[r] for r in range(min_row, max_row + 1) if r in position]
        if not members:
            continue
        cols = range(min_col - 1, max_col)
        last = max(members)
        while last + 1 < len(rows) and rows[last + 1].source_row is None and not any(text(rows[last + 1], c) for c in cols):
            last += 1
        i = min(members)
        while i <= last:
            top = rows[i]
            if not text(top, min_col - 1) or any(text(top, c) for c in cols[1:]):
                i += 1
                continue
            stop = i + 1
            while stop <= last and not any(text(rows[stop], c) for c in cols):
                stop += 1
            if stop - i > 1 or max_col > min_col:
                kept.append(f"{get_column_letter(min_col)}{rows[i].number}:{get_column_letter(max_col)}{rows[stop - 1].number}")
            i = stop
    return kept


def _standard_merges(rows: list[OutRow]) -> list[str]:
    """体系类别, 工作任务 and 主管领导 merged over the blanks below them, as the plan lays them out."""
    from .seedtable import merges_for

    return merges_for([r.written for r in rows], rows[0].number) if rows else []


def _positions(header) -> dict[int, int]:
    """The table's column → the file's column (0-based), from the stored header."""
    found = {}
    for index, text in enumerate(header or []):
        for col, label in enumerate(COLUMNS):
            if _normal(text or "") == _normal(label) and col not in found:
                found[col] = index
    return found if len(found) == len(COLUMNS) else {col: col for col in range(len(COLUMNS))}


def export_table(target, table: TaskTable | None = None) -> int:
    """Write the task table as it stands (see the module's docstring); returns the number of data
    rows. Without ``table``: the latest imported one, else the tasks made on the pages."""
    from zhengai.core import workbook
    from openpyxl.styles import Alignment, Font

    table = table or TaskTable.objects.order_by("-imported_at", "-pk").first()
    if table is not None:
        stored = TaskRow.objects.filter(table=table).values_list("cells", flat=True)
        style = date_style(cells[col] for cells in stored if len(cells) > END for col in (START, END))
        rows, deleted, parent = _imported_rows(table, style)
        tail = _page_rows(_page_annuals(parent), style) if parent is not False else []
        header_row, header = table.header_row, table.header or COLUMNS
        preamble, merges = table.preamble, table.merges
        sheet, widths = table.sheet_name or "Sheet1", table.column_widths or {}
    else:
        style = DEFAULT_STYLE
        rows, deleted = [], []
        tail = _page_rows(_page_annuals(), style)
        if not tail:
            raise ImportProblems([_("还没有任务表：请导入任务表，或在目标页面上建立年度工作任务。")])
        header_row, header = 2, COLUMNS
        preamble, merges = [[1, 1, STANDARD_TITLE]], [f"A1:{chr(ord('A') + len(COLUMNS) - 1)}1"]
        sheet, widths = STANDARD_SHEET, {}
    everything = rows + tail
    _write_cells(everything)

    deleted.sort()
    previous, added = header_row, 0
    for row in everything:
        if row.source_row is None:
            row.number = previous + 1
            added += 1
        else:
            row.number = max(previous + 1, row.source_row - bisect.bisect_left(deleted, row.source_row) + added)
        previous = row.number
    positions = _positions(header) if table is not None else {col: col for col in range(len(COLUMNS))}
    columns = {index: col for col, index in positions.items()}
    data_merges = (_remapped_merges(merges, rows, header_row, columns) if table is not None else list(merges)) + _standard_merges(tail)

    wb = workbook.new()
    ws = wb.active
    ws.title = sheet
    for row, column, text in preamble:
        ws.cell(row, column, text).font = Font(bold=True, size=14)
    for col, text in enumerate(header, start=1):
        ws.cell(header_row, col, text or None).font = Font(bold=True)
    for row in everything:
        for col, text in enumerate(row.written):
            if text:
                ws.cell(row.number, positions[col] + 1, text)
    for cell_range in data_merges:
        ws.merge_cells(cell_range)
        ws[cell_range.split(":")[0]].alignment = Alignment(vertical="center", wrap_text=True)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    wb.save(target)
    return len(everything)

