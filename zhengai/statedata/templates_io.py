"""A template as an .xlsx workbook, both ways: the quality office exports it, edits it for this
year's forms, and imports it back.

Sheets: “报表” (one line per table: 表代码, 表名称, 布局, 主体层面, 负责部门, 填表说明), “行列” (the rows
and columns of each table in order: 表代码, 类别 行/列, 名称, 单位, 指标代码, 学年, 负责部门) and “说明”
(how to fill them; not read back). Import checks every cell first and names each problem by sheet,
row, column and value; nothing is written unless the whole file is right. Files are bounded in size
before they are opened.
"""

import io

from django.utils.translation import gettext as _

from zhengai.chains.xlsxutil import ImportProblems, cell_text
from zhengai.core.output import neutralise
from zhengai.datacenter.choices import Level

from .choices import Layout
from .structure import SUBJECT_LEVELS, ColumnSpec, RowSpec, TableSpec, check, replace, specs_of

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
TABLES_SHEET, PARTS_SHEET, NOTES_SHEET = "报表", "行列", "说明"
TABLE_COLUMNS = ("表代码", "表名称", "布局", "主体层面", "负责部门", "填表说明")
PART_COLUMNS = ("表代码", "类别", "名称", "单位", "指标代码", "学年", "负责部门")
ROW, COLUMN = "行", "列"
LAYOUT_WORDS = {Layout.INDICATORS: "指标行", Layout.SUBJECTS: "主体行"}
YEAR_WORDS = {0: "本学年", -1: "上一学年"}


def _level_word(level: str) -> str:
    return str(Level(level).label)


def export_workbook(template) -> bytes:
    """The template as .xlsx (every text cell neutralised against formulas)."""
    from zhengai.core import workbook
    from openpyxl.styles import Font

    specs = specs_of(template)
    wb = workbook.new()
    ws = wb.active
    ws.title = TABLES_SHEET
    ws.append(list(TABLE_COLUMNS))
    for t in specs:
        ws.append([neutralise(v) for v in (t.code, t.name, LAYOUT_WORDS[t.layout], _level_word(t.level), t.department, t.note)])
    parts = wb.create_sheet(PARTS_SHEET)
    parts.append(list(PART_COLUMNS))
    for t in specs:
        for r in t.rows:
            parts.append([neutralise(v) for v in (t.code, ROW, r.label, r.unit, r.indicator, "", r.department)])
        for c in t.columns:
            parts.append([neutralise(v) for v in (t.code, COLUMN, c.header, c.unit, c.indicator,
                                                  YEAR_WORDS.get(c.year_offset, str(c.year_offset)), "")])
    notes = wb.create_sheet(NOTES_SHEET)
    for line in _notes():
        notes.append([neutralise(line)])
    for sheet in (ws, parts):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDEFG", (14, 30, 10, 10, 14, 34, 14)):
            sheet.column_dimensions[letter].width = width
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _notes() -> list[str]:
    return [
        _("报表模板（%(name)s）的填写说明") % {"name": "xlsx"},
        _("“报表”表：每行一张表。表代码以字母开头，只含字母、数字、下划线；布局填“指标行”（每行一个指标，各列为学年，如质量年报附表）或“主体行”（每行一个部门或专业，各列为指标，如状态数据汇总表）。"),
        _("主体层面：主体行布局填 %(levels)s；指标行布局填“学校”。") % {"levels": "、".join(_level_word(v) for v in SUBJECT_LEVELS)},
        _("负责部门：平台算不出的数据由该部门填报，可写全称或简称（如 质管办）。"),
        _("“行列”表：按顺序列出各表的行与列。类别填“行”或“列”；行的指标代码取自指标库（学校层面），留空表示由负责部门填报；列的学年填“本学年”“上一学年”或 0、-1；主体行布局的列填该层面的指标代码。"),
        _("行与列的顺序即表中的顺序；导入时整个模板按文件替换，文件有任何错误都不写入。"),
    ]


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ImportProblems([_("文件大小 %(size)s MB 超过上限 %(limit)s MB") % {
            "size": round(size / 1048576, 1), "limit": MAX_BYTES // 1048576}])


def _sheet_rows(wb, name, columns, required) -> list[tuple[int, dict]]:
    if name not in wb.sheetnames:
        raise ImportProblems([_("缺少工作表“%(sheet)s”") % {"sheet": name}])
    ws = wb[name]
    rows = ws.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, [])]
    positions = {text: i for i, text in enumerate(header) if text in columns}
    missing = [c for c in required if c not in positions]
    if missing:
        raise ImportProblems([_("工作表“%(sheet)s”第 1 行缺少列：%(columns)s") % {"sheet": name, "columns": "、".join(missing)}])
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_LINES:
            raise ImportProblems([_("工作表“%(sheet)s”超过 %(n)s 行") % {"sheet": name, "n": MAX_LINES}])
        texts = {c: cell_text(values[i]) if i < len(values) else "" for c, i in positions.items()}
        if any(texts.values()):
            out.append((number, texts))
    return out


def _where(sheet, number, column, value) -> str:
    return _("工作表“%(sheet)s”第 %(row)s 行，“%(column)s”列，值“%(value)s”") % {
        "sheet": sheet, "row": number, "column": column, "value": value}


def read_workbook(source) -> list[TableSpec]:
    """The tables of an uploaded template; ``ImportProblems`` naming every bad cell."""
    from zhengai.core import workbook

    try:
        wb = workbook.load(source, read_only=True, data_only=True)
    except workbook.WorkbookRefused as exc:
        raise ImportProblems([str(exc)]) from None
    except Exception as exc:  # not an .xlsx at all: say so in the same words as a bad cell
        raise ImportProblems([_("无法读取该文件（应为 .xlsx 工作簿）：%(error)s") % {"error": exc}]) from None
    problems = []
    layouts = {word: value for value, word in LAYOUT_WORDS.items()} | {v: v for v in Layout.values}
    levels = {str(label): value for value, label in Level.choices} | {v: v for v in Level.values}
    tables: dict[str, TableSpec] = {}
    for number, t in _sheet_rows(wb, TABLES_SHEET, TABLE_COLUMNS, ("表代码", "表名称", "布局")):
        layout = layouts.get(t["布局"])
        if layout is None:
            problems.append(_where(TABLES_SHEET, number, "布局", t["布局"]) + _("：应为“指标行”或“主体行”"))
            layout = Layout.INDICATORS  # go on checking its rows and columns as the usual layout
        level_text = t.get("主体层面", "")
        level = levels.get(level_text) if level_text else Level.SCHOOL
        if level is None:
            problems.append(_where(TABLES_SHEET, number, "主体层面", level_text) + _("：无法识别的层面"))
            level = level_text
        where = _("工作表“%(sheet)s”第 %(row)s 行（表“%(code)s”）") % {"sheet": TABLES_SHEET, "row": number, "code": t["表代码"]}
        if t["表代码"] in tables:
            problems.append(_where(TABLES_SHEET, number, "表代码", t["表代码"]) + _("：表代码重复"))
            continue
        tables[t["表代码"]] = TableSpec(t["表代码"], t["表名称"], layout, level, t.get("负责部门", ""),
                                      t.get("填表说明", ""), where=where)
    years = {word: offset for offset, word in YEAR_WORDS.items()}
    for number, p in _sheet_rows(wb, PARTS_SHEET, PART_COLUMNS, ("表代码", "类别", "名称")):
        table = tables.get(p["表代码"])
        where = _("工作表“%(sheet)s”第 %(row)s 行") % {"sheet": PARTS_SHEET, "row": number}
        if table is None:
            problems.append(_where(PARTS_SHEET, number, "表代码", p["表代码"]) + _("：“报表”表中没有这张表"))
            continue
        if p["类别"] == ROW:
            if p.get("学年"):
                problems.append(_where(PARTS_SHEET, number, "学年", p["学年"]) + _("：行不设学年（学年在列上）"))
            table.rows.append(RowSpec(p["名称"], p.get("单位", ""), p.get("指标代码", ""), p.get("负责部门", ""), where=where))
        elif p["类别"] == COLUMN:
            text = p.get("学年", "")
            offset = years.get(text, None)
            if offset is None:
                try:
                    offset = int(text) if text else 0
                except ValueError:
                    problems.append(_where(PARTS_SHEET, number, "学年", text) + _("：应为“本学年”“上一学年”或 0、-1"))
                    offset = 0
            table.columns.append(ColumnSpec(p["名称"], p.get("单位", ""), p.get("指标代码", ""), offset, where=where))
        else:
            problems.append(_where(PARTS_SHEET, number, "类别", p["类别"]) + _("：应为“行”或“列”"))
    wb.close()
    specs = list(tables.values())
    problems += check(specs)
    if problems:
        raise ImportProblems(problems)
    return specs


def import_workbook(template, source, size: int) -> dict:
    """Replace the template's tables by the file's; all or nothing."""
    check_size(size)
    specs = read_workbook(source)
    return replace(template, specs)
