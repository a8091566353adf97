"""The annual task table (年度工作任务表 / 建设与实施进程表) as .xlsx, as colleges write it.

Columns: 体系类别, 工作任务, 主要内容, 主管(牵头)领导, 牵头部门, 承担部门, 成果形式, 开始时间, 完成时间.
Real files have a title row above the header, merged cells for 体系类别, 工作任务 and 主管领导, and
blank cells meaning "same as above"; dates are written ``2019.01``, ``每年1月`` (every year) or
``持续`` (continuing, as a completion date). All of it imports:

- every 工作任务 becomes an annual task (年度工作任务) of the school, every row a department task
  (部门任务) under it, owned by its 牵头部门;
- a blank cell takes the value above it (except 主要内容, which is the row's own);
- departments are resolved by name (``、``/``,``/spaces separate them; ``…等``, ``等相关部门`` are
  trimmed; ``二级学院``/``二级学院(部)`` means every teaching college; a short name such as 质管办
  or 学工处 finds the one department whose full name holds its characters in order, 质量管理办公室
  or 学生工作处). A name the data center
  does not know is kept as text on the task and listed in the import's notices — not an error,
  because plans name offices (党办, 院办, 高教所 …) that are not always in the data center; the
  task is then owned by the school.

The table itself is kept (title, header, merges, each cell's original text), so export gives back
the file's text wherever the tasks have not changed since (``tasks_export``). Bad cells (an unreadable date, a task without 主要内容 or 工作任务) are
reported by row, column and value, and nothing is written.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import DepartmentKind, Level

from .choices import GoalKind, GoalStatus
from .models import ChainEvent, Goal, GoalPartner, TaskRow, TaskTable
from .xlsxutil import ImportProblems, cell_text, problem

COLUMNS = ["体系类别", "工作任务", "主要内容", "主管(牵头)领导", "牵头部门", "承担部门", "成果形式", "开始时间", "完成时间"]
(CATEGORY, TASK, CONTENT, LEADER, LEAD, PARTNERS, OUTCOME, START, END) = range(9)
# Every column but 主要内容 means "same as above" when blank.
FILLED_DOWN = (CATEGORY, TASK, LEADER, LEAD, PARTNERS, OUTCOME, START, END)
CONTINUING = ("持续", "长期", "持续进行")
ALL_COLLEGES = ("二级学院", "二级学院(部)", "各二级学院", "各二级学院(部)", "各院部")


def _normal(text: str) -> str:
    return (text or "").replace("（", "(").replace("）", ")").replace(" ", "").strip()


@dataclass
class TaskDate:
    day: date | None  # None: continuing (持续)
    recurring: bool = False


def parse_task_date(text: str, *, is_end: bool, base_year: int) -> TaskDate:
    """``2019.01`` (a month: its first day as a start, its last as an end), ``2019.01.15``,
    ``2019-01``, ``2019年1月``, ``每年1月`` (every year, from ``base_year``), ``持续`` (an end only)."""
    text = (text or "").strip()
    if text in CONTINUING:
        if not is_end:
            raise ValueError(_("“持续”只能用作完成时间"))
        return TaskDate(None)
    recurring = False
    match = re.fullmatch(r"每年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", text)
    if match:
        recurring = True
        year, month, day = base_year, int(match.group(1)), match.group(2)
    else:
        match = re.fullmatch(r"(\d{4})\s*(?:[.\-/]|年)\s*(\d{1,2})\s*(?:月)?(?:\s*(?:[.\-/])?\s*(\d{1,2})\s*日?)?", text)
        if not match:
            raise ValueError(_("无法识别的日期，可写 2019.01、2019.01.15、每年1月 或 持续"))
        year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:
        raise ValueError(_("月份应为 1–12"))
    try:
        if day:
            value = date(year, month, int(day))
        else:
            value = date(year, month, calendar.monthrange(year, month)[1] if is_end else 1)
    except ValueError:
        raise ValueError(_("日期不存在")) from None
    return TaskDate(value, recurring)


@dataclass
class ParsedTable:
    title: str
    sheet_name: str
    header: list[str]
    header_row: int
    merges: list[str]
    widths: dict
    rows: list[tuple[int, list[str]]]  # (row number in the sheet, the cells' original text)
    preamble: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _text(cell) -> str:
    value = cell.value
    if isinstance(value, float) and cell.number_format and re.fullmatch(r"0\.(0+)", cell.number_format):
        return f"{value:.{len(cell.number_format) - 2}f}"
    return cell_text(value)


def read_table(source) -> ParsedTable:
    """Find the header (it may sit below a title row), and read every row's original text."""
    from zhengai.core import workbook

    try:
        wb = workbook.load(source)  # not read-only: merged ranges are needed
    except workbook.WorkbookRefused as exc:
        raise ImportProblems([str(exc)]) from None
    ws = wb.worksheets[0]
    header_row = None
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=min(ws.max_row, 15)), start=1):
        texts = [_normal(_text(c)) for c in row]
        if _normal("工作任务") in texts and _normal("主要内容") in texts:
            header_row = number
            break
    if header_row is None:
        raise ImportProblems([_("前 15 行中找不到表头（应含“工作任务”“主要内容”等列）")])
    header_cells = list(ws.iter_rows(min_row=header_row, max_row=header_row))[0]
    positions = {}
    for index, cell in enumerate(header_cells):
        text = _normal(_text(cell))
        for col, label in enumerate(COLUMNS):
            if text == _normal(label) and col not in positions:
                positions[col] = index
    missing = [COLUMNS[c] for c in range(len(COLUMNS)) if c not in positions]
    if missing:
        raise ImportProblems([_("第 %(row)s 行表头缺少列：%(columns)s") % {"row": header_row, "columns": "、".join(missing)}])
    title_lines, preamble = [], []
    for row in ws.iter_rows(min_row=1, max_row=header_row - 1):
        texts = [_text(c) for c in row if _text(c)]
        preamble.extend([c.row, c.column, _text(c)] for c in row if _text(c))
        if texts:
            title_lines.append(" ".join(texts))
    rows = []
    for number, row in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        cells = [_text(row[positions[c]]) if positions[c] < len(row) else "" for c in range(len(COLUMNS))]
        if any(cells):
            rows.append((number, cells))
    widths = {k: v.width for k, v in ws.column_dimensions.items() if v.width}
    return ParsedTable(
        title="\n".join(title_lines), sheet_name=ws.title, header=[_text(c) for c in header_cells][: max(positions.values()) + 1],
        header_row=header_row, merges=[str(r) for r in ws.merged_cells.ranges], widths=widths, rows=rows,
        preamble=preamble,
    )


def _department_index():
    from zhengai.datacenter.models import Department, Subject

    subjects = dict(Subject.objects.filter(level=Level.DEPARTMENT).values_list("department_id", "pk"))
    by_name, colleges = {}, []
    for pk, code, name, kind in Department.objects.values_list("pk", "code", "name", "kind"):
        if pk not in subjects:
            continue
        by_name[_normal(name)] = subjects[pk]
        by_name[_normal(code)] = subjects[pk]
        if kind == DepartmentKind.COLLEGE:
            colleges.append(subjects[pk])
    return by_name, colleges


def _abbreviation(name: str, index) -> int | None:
    """A short name plans use (质管办, 学工处, 信息中心) for exactly one department whose full name
    holds its characters in order (质量管理办公室, 学生工作处, 网络与信息中心)."""
    if len(name) < 2:
        return None

    def holds(full: str) -> bool:
        rest = iter(full)
        return all(ch in rest for ch in name)

    matches = {subject for full, subject in index.items() if holds(full)}
    return matches.pop() if len(matches) == 1 else None


_NOT_DEPARTMENTS = ("教师个人", "学生个体", "各诊改责任主体", "相关部门", "各部门")


def resolve_departments(text: str, index, colleges) -> tuple[list[int], list[str]]:
    """Department subject ids named in a cell, and the names not found."""
    found, unknown = [], []
    for part in re.split(r"[、,，;；/\s]+", text or ""):
        name = _normal(part)
        name = re.sub(r"(等相关部门|等部门|等)$", "", name)
        if not name or name in _NOT_DEPARTMENTS:
            continue
        if name in ALL_COLLEGES:
            found.extend(c for c in colleges if c not in found)
        elif name in index or _abbreviation(name, index):
            subject = index.get(name) or _abbreviation(name, index)
            if subject not in found:
                found.append(subject)
        else:
            unknown.append(part.strip())
    return found, unknown


def task_departments(lead_text: str, partner_text: str) -> tuple[int | None, list[int]]:
    """A department task's owner (the first lead department known, None for none) and its partner
    subjects (承担部门 and the further lead departments), resolved as the import resolves them."""
    index, colleges = _department_index()
    leads, _unknown = resolve_departments(lead_text, index, colleges)
    partners, _unknown = resolve_departments(partner_text, index, colleges)
    return (leads[0] if leads else None), list(dict.fromkeys(partners + leads[1:]))


def _base_year(table: ParsedTable, override: int | None) -> int:
    if override:
        return override
    years = [int(m) for _n, cells in table.rows for c in (cells[START], cells[END]) for m in re.findall(r"^(\d{4})", c)]
    if years:
        return min(years)
    match = re.search(r"(\d{4})", table.title)
    return int(match.group(1)) if match else clock.today().year


def import_table(source, *, acting_user=None, year: int | None = None, parent: Goal | None = None, source_name: str = ""):
    """Import a task table; returns (table, notices). Raises ImportProblems (nothing written)."""
    from zhengai.datacenter.models import Subject
    from zhengai.org import access

    if acting_user is not None and not access.may(acting_user, access.IMPORT_TASKS):
        raise PermissionDenied(_("只有质管办可以导入任务表。"))
    table = read_table(source)
    base_year = _base_year(table, year)
    index, colleges = _department_index()
    school = Subject.objects.filter(level=Level.SCHOOL).first()
    if school is None:
        raise ImportProblems([_("主体登记中没有学校，请先同步主体（sync_subjects）。")])
    problems, notices, specs = [], [], []
    above = [""] * len(COLUMNS)
    for number, cells in table.rows:
        filled = list(cells)
        if cells[CATEGORY]:  # a new 体系类别 starts afresh
            above = [""] * len(COLUMNS)
        for col in FILLED_DOWN:
            if not filled[col]:
                filled[col] = above[col]
        above = list(filled)
        if not filled[TASK] and not filled[CONTENT]:
            problems.append(problem(number, COLUMNS[TASK], cells[TASK], _("工作任务与主要内容不能都为空")))
            continue
        dates = []
        for col, is_end in ((START, False), (END, True)):
            if not filled[col]:
                problems.append(problem(number, COLUMNS[col], cells[col], _("不能为空")))
                dates.append(None)
                continue
            try:
                dates.append(parse_task_date(filled[col], is_end=is_end, base_year=base_year))
            except ValueError as exc:
                problems.append(problem(number, COLUMNS[col], filled[col], str(exc)))
                dates.append(None)
        if None in dates:
            continue
        start, end = dates
        if start.day is None:
            continue
        if end.day is not None and end.day < start.day:
            problems.append(problem(number, COLUMNS[END], filled[END], _("完成时间早于开始时间")))
            continue
        leads, unknown_leads = resolve_departments(filled[LEAD], index, colleges)
        partners, unknown_partners = resolve_departments(filled[PARTNERS], index, colleges)
        for name, column in [(n, LEAD) for n in unknown_leads] + [(n, PARTNERS) for n in unknown_partners]:
            notice = _("“%(name)s”不在部门名单中，已按文本保存（%(column)s）") % {"name": name, "column": COLUMNS[column]}
            if notice not in notices:
                notices.append(notice)
        specs.append((number, cells, filled, start, end, leads, partners))
    if problems:
        raise ImportProblems(problems)
    table.notices = notices
    return _write(table, specs, base_year, school, parent, acting_user, source_name), notices


@transaction.atomic
def _write(table: ParsedTable, specs, base_year, school, parent, acting_user, source_name) -> TaskTable:
    stored = TaskTable.objects.create(
        title=table.title[:300], sheet_name=table.sheet_name, header=table.header, header_row=table.header_row,
        preamble=table.preamble, merges=table.merges,
        column_widths=table.widths, year=base_year, source_name=source_name, imported_by=acting_user,
    )
    annual: list[Goal] = []
    group = None
    rows, partner_links = [], []
    for order, (number, cells, filled, start, end, leads, partners) in enumerate(specs, start=1):
        # A row that writes its own 工作任务 (or 体系类别) starts an annual task; the blank rows
        # below it (merged cells) belong to it. Two tasks of the same name stay two tasks.
        if group is None or cells[TASK] or cells[CATEGORY]:
            group = Goal.objects.create(
                kind=GoalKind.ANNUAL_TASK, title=filled[TASK] or filled[CONTENT], category=filled[CATEGORY],
                owner=school, parent=parent, start=start.day, end=end.day, recurring=start.recurring or end.recurring,
                leader=filled[LEADER], order=len(annual) + 1, status=GoalStatus.APPROVED, created_by=acting_user,
            )
            annual.append(group)
        else:  # the annual task spans its rows
            group.start = min(group.start, start.day)
            group.end = None if (group.end is None or end.day is None) else max(group.end, end.day)
            group.save(update_fields=["start", "end"])
        owner_id = leads[0] if leads else school.pk
        task = Goal.objects.create(
            kind=GoalKind.DEPARTMENT_TASK, title=filled[CONTENT] or filled[TASK], description=filled[CONTENT],
            owner_id=owner_id, parent=group, start=start.day, end=end.day, recurring=start.recurring or end.recurring,
            order=order, category=filled[CATEGORY], leader=filled[LEADER], lead_departments=filled[LEAD],
            partner_departments=filled[PARTNERS], outcome=filled[OUTCOME], status=GoalStatus.APPROVED,
            created_by=acting_user,
        )
        partner_links.extend(GoalPartner(goal_id=task.pk, subject_id=s) for s in dict.fromkeys(partners + leads[1:]))
        rows.append(TaskRow(table=stored, row_no=number, cells=cells, goal=task))
    TaskRow.objects.bulk_create(rows)
    GoalPartner.objects.bulk_create(partner_links)
    ChainEvent.objects.create(user=acting_user, action="import_task_table", detail={
        "table": stored.pk, "rows": len(rows), "annual_tasks": len(annual)})
    return stored
