"""Annual assessment of department tasks (考核激励 · 年度考核), as the seed's 成果形式 names it:
任务分解表、任务考核表、考核结果.

- ``task_scores(year)`` — every task of the annual task table falling in the year that no department
  task breaks down further (a department task, or an annual task without any), with its goal
  progress as of the year's end (or today, if earlier; ``chains.goal_values.goal_tree``: key results,
  progress reports, children), the quality office's mark (评审得分) and the score: 进度得分 × 60% +
  评审得分 × 40%, or the 进度得分 alone while a task has no mark. A fixed number of queries.
- ``department_results(rows)`` — per department (the task's owner) the number of tasks, the mean
  progress and mark, the score (the tasks' scores weighted by their weights), its grade (优秀 ≥ 90,
  良好 ≥ 80, 合格 ≥ 60, 不合格 below) and its rank (equal scores share a rank).
- ``write_workbook(year, target)`` — the three sheets in the seed's layout: the task table's nine
  columns (体系类别 … 完成时间), then the scores; written through ``zhengai.core.workbook`` (every
  cell neutralised against formulas).
- ``do_mark_task(task, year, mark, comment, acting_user)`` — the quality office enters a mark
  (``access.MANAGE_CYCLES``), an audited ``CycleEvent``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level
from zhengai.org import access

PROGRESS_WEIGHT = Decimal("0.6")
MARK_WEIGHT = Decimal("0.4")
GRADES = ((Decimal(90), "优秀"), (Decimal(80), "良好"), (Decimal(60), "合格"))
TENTH = Decimal("0.1")
FIRST_YEAR, LAST_YEAR = 2000, 2100

TASK_COLUMNS = ["体系类别", "工作任务", "主要内容", "主管(牵头)领导", "牵头部门", "承担部门", "成果形式", "开始时间", "完成时间"]
SCORE_COLUMNS = ["完成度(%)", "进度得分", "评审得分", "考核得分", "评审意见"]
RESULT_COLUMNS = ["排名", "部门", "任务数", "平均完成度(%)", "平均评审得分", "考核得分", "考核等级"]


def check_year(year) -> int:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("年度“%(year)s”应为四位数字，如 2026。") % {"year": year}) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("年度“%(year)s”应在 %(a)s 到 %(b)s 之间。") % {"year": year, "a": FIRST_YEAR, "b": LAST_YEAR})
    return year


def grade_of(score) -> str:
    if score is None:
        return ""
    for line, label in GRADES:
        if score >= line:
            return label
    return "不合格"


def _q(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TENTH, ROUND_HALF_UP)


@dataclass
class TaskScore:
    task_id: int
    department_id: int | None  # the owner subject when it is a department
    department: str
    cells: list  # the nine task-table columns
    weight: Decimal
    progress: Decimal | None  # 0–100
    mark: Decimal | None
    comment: str = ""

    @property
    def progress_score(self) -> Decimal:
        return _q(self.progress) if self.progress is not None else Decimal("0.0")

    @property
    def score(self) -> Decimal:
        if self.mark is None:
            return self.progress_score
        return _q(self.progress_score * PROGRESS_WEIGHT + self.mark * MARK_WEIGHT)


@dataclass
class DepartmentResult:
    department_id: int
    department: str
    tasks: int
    progress: Decimal
    mark: Decimal | None
    score: Decimal
    grade: str
    rank: int = 0
    task_ids: list = field(default_factory=list)


def year_tasks(year: int):
    """The tasks of the year that no department task breaks down further."""
    from zhengai.chains.choices import GoalKind
    from zhengai.chains.models import Goal

    first, last = date(year, 1, 1), date(year, 12, 31)
    kinds = (GoalKind.ANNUAL_TASK, GoalKind.DEPARTMENT_TASK)
    in_year = Goal.objects.filter(kind__in=kinds, start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=first) | Q(recurring=True))
    broken_down = Goal.objects.filter(kind=GoalKind.DEPARTMENT_TASK, parent__isnull=False).values("parent_id")
    return in_year.exclude(pk__in=broken_down)


def task_scores(year: int) -> list[TaskScore]:
    from zhengai.chains.goal_values import goal_tree
    from zhengai.chains.tasks_export import format_task_date

    from .models import AssessmentMark

    year = check_year(year)
    on = min(date(year, 12, 31), clock.today())
    roots = goal_tree(year_tasks(year).select_related("parent"), on)
    marks = {m.task_id: m for m in AssessmentMark.objects.filter(year=year)}
    out = []
    for node in roots:
        g = node.goal
        parent = g.parent if g.parent_id and g.kind == "department_task" else None
        head = parent or g
        owner = g.owner
        cells = [head.category or g.category, head.title if parent else g.title,
                 (g.description or g.title) if parent else (g.description or ""), head.leader or g.leader,
                 g.lead_departments or owner.name, g.partner_departments, g.outcome,
                 format_task_date(g.start, is_end=False, recurring=g.recurring),
                 format_task_date(g.end, is_end=True, recurring=g.recurring)]
        mark = marks.get(g.pk)
        out.append(TaskScore(
            task_id=g.pk, department_id=owner.pk if owner.level == Level.DEPARTMENT else None, department=owner.name,
            cells=cells, weight=Decimal(g.weight or 1),
            progress=None if node.progress is None else node.progress * 100,
            mark=mark.mark if mark else None, comment=mark.comment if mark else ""))
    out.sort(key=lambda r: (r.cells[0], r.cells[1], r.department, r.task_id))
    return out


def department_results(rows: list[TaskScore]) -> list[DepartmentResult]:
    by_dept: dict[int, list[TaskScore]] = {}
    names = {}
    for r in rows:
        if r.department_id is None:
            continue
        by_dept.setdefault(r.department_id, []).append(r)
        names[r.department_id] = r.department
    out = []
    for did, items in by_dept.items():
        total = sum(i.weight for i in items) or Decimal(len(items))
        score = _q(sum(i.score * i.weight for i in items) / total)
        marked = [i.mark for i in items if i.mark is not None]
        out.append(DepartmentResult(
            department_id=did, department=names[did], tasks=len(items),
            progress=_q(sum(i.progress_score for i in items) / len(items)),
            mark=_q(sum(marked) / len(marked)) if marked else None, score=score, grade=grade_of(score),
            task_ids=[i.task_id for i in items]))
    out.sort(key=lambda d: (-d.score, d.department))
    rank, previous = 0, None
    for i, d in enumerate(out, start=1):
        if d.score != previous:
            rank, previous = i, d.score
        d.rank = rank
    return out


def _num(value):
    return None if value is None else float(value)


def write_workbook(year: int, target) -> tuple[int, int]:
    """Write the year's 任务分解表, 任务考核表 and 考核结果 to ``target`` (a path or a binary file);
    returns (tasks, departments)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from zhengai.core import workbook
    from zhengai.core.workbook import neutralise

    year = check_year(year)
    rows = task_scores(year)
    results = department_results(rows)
    book = workbook.new()  # neutralises every cell again when saved
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)

    def sheet(ws, title, header, body, widths):
        ws.append([neutralise(title)])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.cell(1, 1).font, ws.cell(1, 1).alignment = Font(bold=True, size=14), centre
        ws.append([neutralise(h) for h in header])
        for cell in ws[2]:
            cell.font, cell.alignment = bold, centre
        for line in body:
            ws.append([neutralise(v) for v in line])
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A3"

    task_widths = [12, 22, 36, 14, 16, 22, 18, 10, 10]
    first = book.active
    first.title = "任务分解表"
    sheet(first, _("%(year)s年度任务分解表") % {"year": year}, ["序号", *TASK_COLUMNS],
          [[i, *r.cells] for i, r in enumerate(rows, start=1)], [6, *task_widths])
    sheet(book.create_sheet("任务考核表"), _("%(year)s年度任务考核表") % {"year": year}, ["序号", *TASK_COLUMNS, *SCORE_COLUMNS],
          [[i, *r.cells, _num(_q(r.progress)), _num(r.progress_score), _num(r.mark), _num(r.score), r.comment]
           for i, r in enumerate(rows, start=1)], [6, *task_widths, 10, 10, 10, 10, 30])
    sheet(book.create_sheet("考核结果"), _("%(year)s年度部门考核结果") % {"year": year}, RESULT_COLUMNS,
          [[d.rank, d.department, d.tasks, _num(d.progress), _num(d.mark), _num(d.score), d.grade] for d in results],
          [6, 24, 8, 14, 14, 10, 10])
    notes = book["考核结果"]
    notes.append([])
    notes.append([neutralise(_("考核得分 = 进度得分 × 0.6 + 评审得分 × 0.4（未评审的任务只计进度得分）；部门得分为其任务得分按权重的平均；"
                               "等级：优秀 ≥ 90，良好 ≥ 80，合格 ≥ 60，其下不合格。"))])
    book.save(target)
    return len(rows), len(results)


def parse_mark(text) -> Decimal | None:
    """A mark of 0–100 (one decimal); empty: the mark is cleared."""
    text = ("" if text is None else str(text)).strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("评审得分“%(value)s”不是数字。") % {"value": text[:20]}) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(_("评审得分“%(value)s”应在 0 到 100 之间。") % {"value": text[:20]})
    return _q(value)


def do_mark_task(task, year: int, mark, comment: str = "", *, acting_user):
    """The quality office's mark (评审得分) of one task for a year; an empty mark removes it."""
    from zhengai.chains.models import Goal

    from .choices import EventKind
    from .models import AssessmentMark, CycleEvent

    access.require(acting_user, access.MANAGE_CYCLES)
    year = check_year(year)
    value = parse_mark(mark)
    pk = getattr(task, "pk", task)
    if not year_tasks(year).filter(pk=pk).exists():
        raise ValidationError(_("该任务不在 %(year)s 年度的任务考核表中。") % {"year": year})
    comment = (comment or "").strip()[:2000]
    with transaction.atomic():
        if value is None:
            AssessmentMark.objects.filter(year=year, task_id=pk).delete()
        else:
            AssessmentMark.objects.update_or_create(year=year, task_id=pk, defaults={
                "mark": value, "comment": comment, "marked_by": acting_user, "marked_at": clock.now()})
        CycleEvent.objects.create(kind=EventKind.MARKED, actor=acting_user, note=comment,
                                  detail={"year": year, "task": pk, "title": Goal.objects.get(pk=pk).title[:200],
                                          "mark": None if value is None else str(value)})
    return value
