"""Standards as .xlsx, in a layout a quality office edits: one sheet “标准”, one row per 诊断点.

Columns (``COLUMNS``): 标准代码, 标准, 层面, 标准类别, 版本, 状态, 生效日期, 失效日期, 适用范围,
项目编号, 诊断项目, 要素编号, 诊断要素, 诊断点编号, 诊断点, 指标代码, 方向, 合格, 良好, 优秀,
黄色预警, 橙色预警, 红色预警, 权重, 解除回差, 连续达标窗口, 证据要求, 评价周期 (a column added
later, so files without it still import). A row with no 诊断点 keeps an
element (or a project) that has no points yet. The standard's and the version's columns repeat on
every row and must agree.

Import checks every cell first and writes nothing when any is bad, listing each bad cell by row,
column and value in Chinese. A published version in the file must be identical to the one stored
(history is never rewritten); drafts are replaced; new versions are created. Export then import
then export gives the same cells.
"""

from collections import OrderedDict
from datetime import date, timedelta
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level

from . import applicability, indicator_codes
from .choices import Direction, JudgingPeriod, NodeKind, StandardClass, VersionStatus
from .models import ChainEvent, Standard, StandardNode, StandardVersion
from .xlsxutil import ImportProblems, cell_text, decimal_cell, parse_day, parse_decimal, problem

SHEET = "标准"
COLUMNS = [
    ("std_code", "标准代码"), ("std_name", "标准"), ("level", "层面"), ("std_class", "标准类别"),
    ("version", "版本"), ("status", "状态"), ("effective_from", "生效日期"), ("effective_to", "失效日期"),
    ("applies_to", "适用范围"), ("project_code", "项目编号"), ("project_name", "诊断项目"),
    ("element_code", "要素编号"), ("element_name", "诊断要素"), ("point_code", "诊断点编号"),
    ("point_name", "诊断点"), ("indicator_code", "指标代码"), ("direction", "方向"),
    ("qualified", "合格"), ("good", "良好"), ("excellent", "优秀"),
    ("yellow", "黄色预警"), ("orange", "橙色预警"), ("red", "红色预警"),
    ("weight", "权重"), ("resolve_margin", "解除回差"), ("resolve_windows", "连续达标窗口"),
    ("evidence", "证据要求"), ("period", "评价周期"),
]
HEADER = {key: label for key, label in COLUMNS}
STANDARD_KEYS = ("std_name", "level", "std_class")
VERSION_KEYS = ("status", "effective_from", "effective_to", "applies_to")
POINT_KEYS = ("indicator_code", "direction", "qualified", "good", "excellent", "yellow", "orange", "red",
              "weight", "resolve_margin", "resolve_windows", "period", "evidence")
NUMBER_KEYS = ("qualified", "good", "excellent", "yellow", "orange", "red", "weight", "resolve_margin")
POINT_DEFAULTS = {"weight": Decimal(1), "resolve_margin": Decimal(0), "resolve_windows": 1, "direction": Direction.HIGHER}


def _label_map(choices) -> dict[str, str]:
    """Both the code and the Chinese label of each choice → code."""
    mapping = {}
    for value, label in choices:
        mapping[str(value)] = value
        mapping[str(label)] = value
    return mapping


# ----------------------------------------------------------------------------------------- export

def flat_rows(standards=None) -> list[dict]:
    """Every version's tree as flat typed rows (three queries: standards, versions, nodes)."""
    standards = list((standards if standards is not None else Standard.objects.all()).order_by("code"))
    versions = list(StandardVersion.objects.filter(standard__in=standards).order_by(
        "standard__code", F("effective_from").asc(nulls_last=True), "pk"))
    nodes_by_version: dict[int, list[StandardNode]] = {}
    for node in StandardNode.objects.filter(version__in=versions).order_by("order", "pk"):
        nodes_by_version.setdefault(node.version_id, []).append(node)
    by_id = {s.pk: s for s in standards}
    rows = []
    for version in versions:
        standard = by_id[version.standard_id]
        head = {
            "std_code": standard.code, "std_name": standard.name, "level": standard.level,
            "std_class": standard.standard_class, "version": version.label, "status": version.status,
            "effective_from": version.effective_from, "effective_to": version.effective_to,
            "applies_to": _normal_rule(version.applies_to),
        }
        rows.extend(_tree_rows(head, nodes_by_version.get(version.pk, [])))
    return rows


def _tree_rows(head: dict, nodes: list[StandardNode]) -> list[dict]:
    children: dict[int | None, list[StandardNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    rows = []

    def emit(project=None, element=None, point=None):
        row = dict(head)
        row.update(project_code=project.code if project else "", project_name=project.name if project else "",
                   element_code=element.code if element else "", element_name=element.name if element else "")
        if point is not None:
            row.update(point_code=point.code, point_name=point.name,
                       **{k: getattr(point, k) for k in POINT_KEYS})
        else:
            row.update(point_code="", point_name="", **{k: None for k in POINT_KEYS})
        rows.append(row)

    for project in children.get(None, []):
        below = children.get(project.pk, [])
        if not below:
            emit(project)
        for child in below:
            if child.kind == NodeKind.POINT:
                emit(project, None, child)
                continue
            points = children.get(child.pk, [])
            if not points:
                emit(project, child)
            for point in points:
                emit(project, child, point)
    return rows


def _normal_rule(rule) -> dict:
    # Values keep the order they were written in, so an export reads like the file imported.
    return {k: [str(v) for v in values] for k, values in sorted((rule or {}).items()) if values}


def row_cells(row: dict) -> list:
    """One flat row as spreadsheet cells: Chinese labels, ISO days, numbers as numbers."""
    out = []
    for key, _label in COLUMNS:
        value = row.get(key)
        if key == "level":
            value = str(Level(value).label)
        elif key == "std_class":
            value = str(StandardClass(value).label)
        elif key == "status":
            value = str(VersionStatus(value).label)
        elif key == "direction":
            value = str(Direction(value).label) if value else ""
        elif key == "period":
            value = str(JudgingPeriod(value).label) if value else ""
        elif key == "applies_to":
            value = applicability.format_rule(value)
        elif key in ("effective_from", "effective_to"):
            value = value.isoformat() if value else ""
        elif key in NUMBER_KEYS:
            value = decimal_cell(value)
        elif value is None:
            value = ""
        out.append(value)
    return out


def export_workbook(target, standards=None) -> int:
    """Write the standards to ``target`` (a path or a binary file); returns the number of rows."""
    from zhengai.core import workbook
    from openpyxl.styles import Font

    rows = flat_rows(standards)
    wb = workbook.new()
    ws = wb.active
    ws.title = SHEET
    ws.append([label for _k, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row_cells(row))
    ws.freeze_panes = "A2"
    for index, (key, label) in enumerate(COLUMNS, start=1):
        wide = key in ("std_name", "applies_to", "project_name", "element_name", "point_name", "evidence")
        ws.column_dimensions[ws.cell(1, index).column_letter].width = 28 if wide else max(10, len(label) * 2 + 2)
    notes = wb.create_sheet("说明")
    for line in _help_lines():
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    wb.save(target)
    return len(rows)


def _help_lines() -> list[str]:
    return [
        _("每行一个诊断点；同一标准、同一版本的各行，标准与版本各列须一致。"),
        _("层面：") + "、".join(str(label) for _v, label in Level.choices),
        _("标准类别：") + "、".join(str(label) for _v, label in StandardClass.choices),
        _("状态：草稿、已发布。已发布的版本不能修改：请另起新版本号。"),
        _("适用范围：空或“全部”表示该层面全部主体；否则写“条件=取值”，多个条件用“；”分隔，多个取值用“、”分隔。"),
        *[f"  {a.label}：" + ("、".join(label for _c, label in a.choices) if a.choices else _("任意取值"))
          for a in applicability.ATTRIBUTES],
        _("方向：越高越好、越低越好。越高越好时，低于预警线即预警，红色预警线最低。"),
        _("无指标可测的诊断点：指标代码留空，填写证据要求。"),
        _("评价周期：留空表示每次监测都判定；年度要求（如每年培训学时）填“学年”或“自然年”，只在该学年或该年结束后判定。可选：")
        + "、".join(str(label) for value, label in JudgingPeriod.choices if value),
    ]


# ----------------------------------------------------------------------------------------- import

def read_workbook(source) -> list[tuple[int, dict[str, str]]]:
    """The rows of sheet “标准” (or the first sheet) as (row number, column key → cell text)."""
    from zhengai.core import workbook

    try:
        wb = workbook.load(source, read_only=True, data_only=True)
    except workbook.WorkbookRefused as exc:
        raise ImportProblems([str(exc)]) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, [])]
    by_label = {label: key for key, label in COLUMNS}
    positions = {}
    problems = []
    for index, text in enumerate(header):
        if text in by_label:
            positions[by_label[text]] = index
        elif text:
            problems.append(problem(1, text, text, _("无法识别的列名")))
    missing = [label for key, label in COLUMNS if key not in positions and key in ("std_code", "version", "project_name")]
    if missing:
        problems.append(_("第 1 行缺少必需的列：%(columns)s") % {"columns": "、".join(missing)})
    if problems:
        raise ImportProblems(problems)
    out = []
    for number, values in enumerate(rows, start=2):
        texts = {key: cell_text(values[i]) if i < len(values) else "" for key, i in positions.items()}
        if any(texts.values()):
            out.append((number, texts))
    wb.close()
    return out


@dataclass
class _Version:
    row: int
    attrs: dict
    rows: list = field(default_factory=list)


@dataclass
class _Standard:
    row: int
    attrs: dict
    versions: "OrderedDict[str, _Version]" = field(default_factory=OrderedDict)


def parse_rows(rows: list[tuple[int, dict[str, str]]]) -> tuple[OrderedDict, list[str]]:
    """Check every cell; the standards, versions and flat rows of the file, and the problems."""
    problems: list[str] = []
    known = indicator_codes.known()
    levels, classes = _label_map(Level.choices), _label_map(StandardClass.choices)
    statuses, directions = _label_map(VersionStatus.choices), _label_map(Direction.choices)
    periods = {"": "", **_label_map(JudgingPeriod.choices)}
    standards: OrderedDict[str, _Standard] = OrderedDict()
    for number, texts in rows:
        flat, bad = {}, False

        def fail(key, message):
            nonlocal bad
            bad = True
            problems.append(problem(number, HEADER[key], texts.get(key, ""), message))

        for key in ("std_code", "std_name", "version", "project_name"):
            if not texts.get(key):
                fail(key, _("不能为空"))
        flat["std_code"], flat["std_name"], flat["version"] = texts.get("std_code", ""), texts.get("std_name", ""), texts.get("version", "")
        flat["level"] = levels.get(texts.get("level", ""))
        if flat["level"] is None:
            fail("level", _("应为：") + "、".join(str(label) for _v, label in Level.choices))
        flat["std_class"] = classes.get(texts.get("std_class", ""))
        if flat["std_class"] is None:
            fail("std_class", _("应为：") + "、".join(str(label) for _v, label in StandardClass.choices))
        flat["status"] = statuses.get(texts.get("status", "") or str(VersionStatus.DRAFT.label))
        if flat["status"] is None:
            fail("status", _("应为“草稿”或“已发布”"))
        for key in ("effective_from", "effective_to"):
            try:
                flat[key] = parse_day(texts.get(key, ""))
            except ValueError as exc:
                fail(key, str(exc))
                flat[key] = None
        if flat["status"] == VersionStatus.PUBLISHED and flat.get("effective_from") is None and not bad:
            fail("effective_from", _("已发布的版本须有生效日期"))
        if flat.get("effective_from") and flat.get("effective_to") and flat["effective_to"] < flat["effective_from"]:
            fail("effective_to", _("失效日期早于生效日期"))
        try:
            flat["applies_to"] = _normal_rule(applicability.parse_rule(flat["level"], texts.get("applies_to", ""))) if flat["level"] else {}
        except applicability.RuleError as exc:
            fail("applies_to", str(exc))
            flat["applies_to"] = {}
        for key in ("project_code", "project_name", "element_code", "element_name", "point_code", "point_name"):
            flat[key] = texts.get(key, "")
        if flat["element_code"] and not flat["element_name"]:
            fail("element_name", _("有要素编号时须填写诊断要素"))
        has_point = bool(flat["point_name"] or flat["point_code"])
        if has_point and not flat["point_name"]:
            fail("point_name", _("有诊断点编号时须填写诊断点"))
        _parse_point(texts, flat, has_point, known, (directions, periods), fail)
        if bad:
            continue
        standard = standards.get(flat["std_code"])
        if standard is None:
            standard = standards[flat["std_code"]] = _Standard(number, {k: flat[k] for k in STANDARD_KEYS})
        for key in STANDARD_KEYS:
            if flat[key] != standard.attrs[key]:
                fail(key, _("与第 %(row)s 行同一标准的取值不一致") % {"row": standard.row})
        version = standard.versions.get(flat["version"])
        if version is None:
            version = standard.versions[flat["version"]] = _Version(number, {k: flat[k] for k in VERSION_KEYS})
        for key in VERSION_KEYS:
            if flat[key] != version.attrs[key]:
                fail(key, _("与第 %(row)s 行同一版本的取值不一致") % {"row": version.row})
        if not bad:
            version.rows.append((number, flat))
    return standards, problems


def _parse_point(texts, flat, has_point, known, labels, fail):
    directions, periods = labels
    if not has_point:
        for key in POINT_KEYS:
            if texts.get(key):
                fail(key, _("没有诊断点的行不能填写此列"))
            flat[key] = None
        return
    code = texts.get("indicator_code", "")
    flat["indicator_code"] = code
    flat["evidence"] = texts.get("evidence", "")
    if known is not None and code and code not in known:
        fail("indicator_code", _("指标库中没有这个指标代码"))
    elif known is not None and code and known[code].level != flat.get("level") and flat.get("level"):
        fail("indicator_code", _("该指标属于%(level)s层面，与标准的层面不一致") % {"level": Level(known[code].level).label})
    if not code and not flat["evidence"]:
        fail("evidence", _("诊断点须绑定指标代码，或写明证据要求"))
    direction_text = texts.get("direction", "")
    if direction_text:
        flat["direction"] = directions.get(direction_text)
        if flat["direction"] is None:
            fail("direction", _("应为“越高越好”或“越低越好”"))
    else:
        flat["direction"] = indicator_codes.direction_of(code) if code else Direction.HIGHER
    for key in NUMBER_KEYS:
        try:
            flat[key] = parse_decimal(texts.get(key, ""))
        except ValueError as exc:
            fail(key, str(exc))
            flat[key] = None
        if flat[key] is None and key in POINT_DEFAULTS:
            flat[key] = POINT_DEFAULTS[key]
    windows = texts.get("resolve_windows", "")
    if windows and not windows.isdigit():
        fail("resolve_windows", _("应为正整数"))
        windows = ""
    flat["resolve_windows"] = int(windows) if windows else POINT_DEFAULTS["resolve_windows"]
    period_text = texts.get("period", "")
    flat["period"] = periods.get(period_text)
    if flat["period"] is None:
        fail("period", _("应为以下之一：") + "、".join(str(label) for _v, label in JudgingPeriod.choices))
        flat["period"] = ""
    if not code and any(flat[k] is not None for k in ("qualified", "good", "excellent", "yellow", "orange", "red")):
        fail("indicator_code", _("填写了阈值或预警线，须同时填写指标代码"))
    for key, message in check_lines(flat):
        fail(key, message)


def check_lines(values: dict) -> list[tuple[str, str]]:
    """Thresholds and warning lines in the order their direction needs; used by import and pages."""
    higher = values.get("direction") != Direction.LOWER
    out = []
    for keys in (("qualified", "good", "excellent"), ("red", "orange", "yellow")):
        present = [(k, values.get(k)) for k in keys if values.get(k) is not None]
        for (k1, v1), (k2, v2) in zip(present, present[1:]):
            if (v1 > v2) if higher else (v1 < v2):
                relation = _("不高于") if higher else _("不低于")
                out.append((k2, _("%(a)s应%(rel)s%(b)s") % {"a": HEADER[k1], "rel": relation, "b": HEADER[k2]}))
    if values.get("resolve_margin") is not None and values["resolve_margin"] < 0:
        out.append(("resolve_margin", _("不能为负数")))
    return out


def _comparable(rows: list[dict]) -> list[tuple]:
    return [tuple(row_cells(r)) for r in rows]


def import_rows(rows, *, acting_user=None) -> dict[str, int]:
    """Check and write; raise ``ImportProblems`` (nothing written) when any cell is bad."""
    from .versions import can_edit_standards

    if acting_user is not None and not can_edit_standards(acting_user):
        raise PermissionDenied(_("只有质管办可以导入标准。"))
    standards, problems = parse_rows(rows)
    existing = {s.code: s for s in Standard.objects.filter(code__in=list(standards))}
    stored = {(v.standard.code, v.label): v for v in StandardVersion.objects.filter(standard__code__in=list(standards)).select_related("standard")}
    stored_rows: dict[tuple[str, str], list[dict]] = {}
    for row in flat_rows(Standard.objects.filter(code__in=list(standards))):
        stored_rows.setdefault((row["std_code"], row["version"]), []).append(row)
    for code, spec in standards.items():
        current = existing.get(code)
        if current and current.level != spec.attrs["level"] and current.versions.filter(status=VersionStatus.PUBLISHED).exists():
            problems.append(problem(spec.row, HEADER["level"], str(Level(spec.attrs["level"]).label), _("已发布的标准不能改变层面")))
        # A new published version closes the stored open-ended one before it, the day before it
        # starts, as publishing on a page does; that closing is the only change a published version
        # accepts (the file may show it or not).
        new_starts = sorted(v.attrs["effective_from"] for label, v in spec.versions.items()
                            if v.attrs["status"] == VersionStatus.PUBLISHED and (code, label) not in stored)
        closes = {}
        for (c, label), old in stored.items():
            if c == code and old.status == VersionStatus.PUBLISHED and old.effective_to is None:
                later = [d for d in new_starts if d > old.effective_from]
                if later:
                    closes[label] = later[0] - timedelta(days=1)
        periods = [(v.effective_from, closes.get(label) or v.effective_to or _FAR, label, None)
                   for (c, label), v in stored.items()
                   if c == code and v.status == VersionStatus.PUBLISHED and label not in spec.versions]
        for label, version in spec.versions.items():
            old = stored.get((code, label))
            if old is not None and old.status == VersionStatus.PUBLISHED:
                closing = closes.get(label)
                mine = [dict(r, effective_to=None) if closing and r["effective_to"] == closing else r
                        for _n, r in version.rows]
                if _comparable(mine) != _comparable(stored_rows.get((code, label), [])):
                    problems.append(problem(version.row, HEADER["version"], label,
                                            _("已发布的版本不能修改（历史判定以它为准）；请使用新的版本号")))
                periods.append((old.effective_from, closing or old.effective_to or _FAR, label, version.row))
            elif version.attrs["status"] == VersionStatus.PUBLISHED:
                periods.append((version.attrs["effective_from"], version.attrs["effective_to"] or _FAR, label, version.row))
        periods.sort(key=lambda p: p[0])
        for (f1, t1, l1, r1), (f2, _t2, l2, r2) in zip(periods, periods[1:]):
            if f2 <= t1:
                # Name the row of the file, whichever of the two versions it holds.
                row, day, other = (r2, f2, l1) if r2 else (r1 or spec.row, f1, l2)
                problems.append(problem(row, HEADER["effective_from"], day.isoformat(),
                                        _("与版本“%(other)s”的有效期重叠") % {"other": other}))
        spec.closes = closes
    if problems:
        raise ImportProblems(problems)
    return _write(standards, existing, stored, acting_user)


_FAR = date.max


@transaction.atomic
def _write(standards, existing, stored, acting_user) -> dict[str, int]:
    counts = {"standards": 0, "versions": 0, "unchanged": 0, "points": 0}
    for code, spec in standards.items():
        standard = existing.get(code)
        if standard is None:
            standard = Standard.objects.create(code=code, name=spec.attrs["std_name"], level=spec.attrs["level"],
                                               standard_class=spec.attrs["std_class"])
            counts["standards"] += 1
        elif (standard.name, standard.level, standard.standard_class) != (spec.attrs["std_name"], spec.attrs["level"], spec.attrs["std_class"]):
            standard.name, standard.level, standard.standard_class = spec.attrs["std_name"], spec.attrs["level"], spec.attrs["std_class"]
            standard.save(update_fields=["name", "level", "standard_class"])
            counts["standards"] += 1
        for label, day in getattr(spec, "closes", {}).items():
            closed = stored[(code, label)]
            closed.effective_to = day
            closed.save(update_fields=["effective_to"])
            ChainEvent.objects.create(user=acting_user, action="close_version", version=closed, detail={"effective_to": day.isoformat()})
        for label, vspec in spec.versions.items():
            old = stored.get((code, label))
            if old is not None and old.status == VersionStatus.PUBLISHED:
                counts["unchanged"] += 1
                continue
            attrs = dict(status=vspec.attrs["status"], effective_from=vspec.attrs["effective_from"],
                         effective_to=vspec.attrs["effective_to"], applies_to=vspec.attrs["applies_to"])
            if old is None:
                version = StandardVersion.objects.create(standard=standard, label=label, **attrs)
            else:
                version = old
                for key, value in attrs.items():
                    setattr(version, key, value)
                version.save()
                version.nodes.all().delete()
            if version.status == VersionStatus.PUBLISHED and version.published_at is None:
                
                version.published_at = clock.now()
                version.save(update_fields=["published_at"])
            counts["points"] += _write_tree(version, [r for _n, r in vspec.rows])
            counts["versions"] += 1
            ChainEvent.objects.create(user=acting_user, action="import_version", version=version, detail={"rows": len(vspec.rows)})
    return counts


def _write_tree(version: StandardVersion, rows: list[dict]) -> int:
    """Three bulk inserts: projects, elements, then points."""
    projects: OrderedDict[tuple, StandardNode] = OrderedDict()
    elements: OrderedDict[tuple, tuple] = OrderedDict()
    points: list[tuple] = []
    for row in rows:
        pkey = (row["project_code"], row["project_name"])
        if pkey not in projects:
            projects[pkey] = StandardNode(version=version, kind=NodeKind.PROJECT, order=len(projects) + 1,
                                          code=row["project_code"], name=row["project_name"])
        ekey = None
        if row["element_name"]:
            ekey = (pkey, row["element_code"], row["element_name"])
            if ekey not in elements:
                elements[ekey] = (pkey, StandardNode(version=version, kind=NodeKind.ELEMENT, code=row["element_code"],
                                                     name=row["element_name"]))
        if row["point_name"]:
            point = StandardNode(version=version, kind=NodeKind.POINT, code=row["point_code"], name=row["point_name"],
                                 **{k: row[k] for k in POINT_KEYS})
            points.append((pkey, ekey, point))
    StandardNode.objects.bulk_create(list(projects.values()))
    order: dict[tuple, int] = {}
    element_nodes = []
    for ekey, (pkey, node) in elements.items():
        node.parent = projects[pkey]
        order[pkey] = order.get(pkey, 0) + 1
        node.order = order[pkey]
        element_nodes.append(node)
    StandardNode.objects.bulk_create(element_nodes)
    point_nodes = []
    for pkey, ekey, node in points:
        parent_key = ekey or pkey
        node.parent = elements[ekey][1] if ekey else projects[pkey]
        order[parent_key] = order.get(parent_key, 0) + 1
        node.order = order[parent_key]
        point_nodes.append(node)
    StandardNode.objects.bulk_create(point_nodes)
    return len(point_nodes)


def import_workbook(source, *, acting_user=None) -> dict[str, int]:
    return import_rows(read_workbook(source), acting_user=acting_user)
