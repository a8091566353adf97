"""Why? (为什么预警 / 为什么是这个等级): the explanation of an automated judgement, in words a
counsellor understands — students and staff have a right to one (个人信息保护法).

An explanation names

- the 诊断点 (or the goal's key result) that judged, with its lines (合格/良好/优秀 and the warning
  lines) in the indicator's unit and which way is better;
- the value with its unit and where it stands (which line it crosses, its grade);
- the windows that led to it, each with its dates, its value and its verdict, and what the series
  did ("10 月出勤率 60%，较 9 月下降 40 个百分点");
- the fact rows behind the value, as people read them: the course's name (never an id), the date,
  the status in Chinese (出勤/缺勤/迟到/请假), with a count by status and by course;
- the warning's history as sentences (触发预警 · 橙色预警 · 待处理 …), not codes;
- links to the subject's portrait and to the portraits around it (class, course, teacher).

Domain logic only (no views). Cost: a fixed number of queries whatever the number of fact rows,
windows or events — the point, the history, the links, and per fact table three (rows, count by
status, count by course).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengai.chains.choices import Grade as PointGrade
from zhengai.chains.rules import grade as grade_of_point
from zhengai.core import windows
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.indicators import measurements
from zhengai.org.access import restrict

from . import drilldown
from .choices import Grade, WarningSource, WarningStatus

FACT_ROWS = 50  # rows listed per fact table
PERCENT_UNITS = {"%"}
# What a person reads of their own value below the 合格 line: not a verdict on them (不合格), what
# it is (the standard not reached yet); the next step is said beside it.
NOT_YET_MET = gettext_lazy("未达到标准")
LINE_LABELS = {
    "qualified": gettext_lazy("合格线"), "good": gettext_lazy("良好线"), "excellent": gettext_lazy("优秀线"),
    "yellow": gettext_lazy("黄色预警线"), "orange": gettext_lazy("橙色预警线"), "red": gettext_lazy("红色预警线"),
}
LINE_ORDER = ("excellent", "good", "qualified", "yellow", "orange", "red")
LINEAGE = {"id", "source", "batch", "source_key", "imported_at", "statement_id", "code"}  # and record numbers
# Never shown in an explanation, and read by no indicator (test_explain checks the library):
# personal attributes that must not feed a judgement (个人信息保护法 敏感个人信息) and contact data.
SENSITIVE = {"gender", "ethnicity", "nation", "origin", "native_place", "birthplace", "birth_date", "id_number",
             "family", "family_income", "hukou", "political_status", "religion", "email", "phone", "user"}
ORDER_FIELDS = (*drilldown.DATE_FIELDS, "submitted_at", "occurred_at")
# Fact rows a reader looks for first: what pulled the value down.
NOTABLE = {
    "datacenter.attendance": ~Q(status="present"),
    "datacenter.grade": Q(passed=False),
    "datacenter.submission": Q(late=True),
}


# --- numbers people read ------------------------------------------------------------------------------


def figure(value, unit: str = "") -> str:
    """A value with its unit and sensible precision: ``60%``, ``66.2%``, ``3 节``, ``4.25 分``; ``—``
    for none. Rates keep one decimal, other values at most two; trailing zeros go."""
    if value is None:
        return "—"
    value = float(value)
    places = 1 if unit in PERCENT_UNITS else 2
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if not unit:
        return text
    return f"{text}{unit}" if unit in PERCENT_UNITS else f"{text} {unit}"


def difference(delta: float, unit: str) -> str:
    """A change in the unit's words: ``40 个百分点`` for a rate, ``2 节`` otherwise."""
    if unit in PERCENT_UNITS:
        return _("%(n)s 个百分点") % {"n": figure(abs(delta))}
    return figure(abs(delta), unit)


def short_window(window: windows.Window) -> str:
    """The window as a sentence names it: ``10 月``, ``10 月上半月``, ``2026 年第 4 季度``,
    ``2025-2026-1 学期`` (its dates are shown beside it where it is listed)."""
    code, kind = window.code, window.kind
    if kind == "month":
        return _("%(m)s 月") % {"m": window.start.month}
    if kind == "half_month":
        half = _("上半月") if window.start.day == 1 else _("下半月")
        return _("%(m)s 月%(half)s") % {"m": window.start.month, "half": half}
    if kind == "quarter":
        return _("%(y)s 年第 %(q)s 季度") % {"y": window.start.year, "q": (window.start.month - 1) // 3 + 1}
    if kind == "range":
        return windows.dates(window)
    return f"{code} {windows.KIND_LABELS.get(kind, kind)}"


# --- the point and its lines -----------------------------------------------------------------------------


@dataclass
class Line:
    key: str
    label: str
    value: float
    text: str  # "低于 75% 为橙色预警"

    @property
    def is_warning(self) -> bool:
        return self.key in ("yellow", "orange", "red")


@dataclass
class PointInfo:
    """A 诊断点 as the explanation names it."""

    node: object
    standard: str
    version: str
    code: str
    name: str
    direction: str
    period: str
    lines: list[Line]
    evidence: str = ""

    @property
    def direction_text(self) -> str:
        return _("越低越好") if self.direction == "lower" else _("越高越好")


def _line_text(key: str, value: float, unit: str, lower_better: bool) -> str:
    v = figure(value, unit)
    if key in ("yellow", "orange", "red"):
        grade = Grade(key).label
        return (_("高于 %(v)s 为%(grade)s") if lower_better else _("低于 %(v)s 为%(grade)s")) % {"v": v, "grade": grade}
    name = {"qualified": _("合格"), "good": _("良好"), "excellent": _("优秀")}[key]
    return (_("不高于 %(v)s 为%(name)s") if lower_better else _("达到 %(v)s 为%(name)s")) % {"v": v, "name": name}


def point_info(node, unit: str, indicator=None) -> PointInfo:
    """The point's lines in the unit of its indicator, best first (``node`` a ``StandardNode`` with
    its version and standard selected). On an English page a point bound to an indicator is named by
    the indicator's English name (the standard's own name is Chinese data)."""
    from django.utils.translation import get_language

    name = getattr(node, "name", "") or getattr(node, "point_name", "")
    if indicator is not None and getattr(indicator, "name_en", "") and (get_language() or "").startswith("en"):
        name = indicator.name_en
    lower = node.direction == "lower"
    lines = [Line(key, str(LINE_LABELS[key]), float(getattr(node, key)), _line_text(key, float(getattr(node, key)), unit, lower))
             for key in LINE_ORDER if getattr(node, key, None) is not None]
    version = getattr(node, "version", None)
    period = getattr(node, "period", "")
    return PointInfo(
        node=node, standard=version.standard.name if version else "", version=version.label if version else "",
        code=getattr(node, "code", "") or getattr(node, "point_code", ""),
        name=name, direction=node.direction,
        period=str(node.get_period_display()) if period and hasattr(node, "get_period_display") else str(period or ""),
        lines=lines, evidence=getattr(node, "evidence", ""),
    )


def _point(warning):
    """The 诊断点 that judged the warning (its version and standard selected), or — for a rule that
    does not come from a stored standard — the rule the monitoring sources give for it."""
    if not warning.point_id:
        return None
    from zhengai.chains.models import StandardNode

    node = (StandardNode.objects.filter(pk=warning.point_id, indicator_code=warning.indicator_code)
            .select_related("version__standard").first())
    if node is not None:
        return node
    from .sources import default

    day = warning.last_window_end or warning.opened_window_end
    if day is None:
        return None
    return next((r for r in default().rules(warning.level, day)
                 if r.point_id == warning.point_id and r.indicator_code == warning.indicator_code), None)


def verdict_of(node, value, *, own: bool = False) -> tuple[str, str]:
    """(warning grade or "", 合格/良好/优秀/不合格 or "") of ``value`` against a point's lines. ``own``:
    said to the person it is about, for whom 不合格 reads 未达到标准 (supportive, not a verdict on them)."""
    if node is None or value is None:
        return "", ""
    lower = node.direction == "lower"
    crossed = ""
    for key in ("red", "orange", "yellow"):
        line = getattr(node, key, None)
        if line is not None and ((float(value) > float(line)) if lower else (float(value) < float(line))):
            crossed = key
            break
    if all(getattr(node, key, None) is None for key in ("qualified", "good", "excellent")):
        return crossed, ""
    grade = grade_of_point(node, Decimal(str(value))) or ""
    if own and grade == PointGrade.FAIL:
        return crossed, str(NOT_YET_MET)
    return crossed, str(PointGrade(grade).label) if grade in PointGrade.values else grade


# --- the windows that led to it ---------------------------------------------------------------------------


@dataclass
class WindowRow:
    code: str
    label: str  # with its dates
    short: str
    value: float | None
    text: str  # the value with its unit
    crossed: str  # "yellow" / "orange" / "red" / ""
    crossed_label: str
    grade: str  # 合格 …
    change: str  # "较 9 月下降 40 个百分点"
    opened: bool = False  # the window that opened the warning
    last: bool = False  # the latest window judged


def window_rows(history: list[tuple[str, float | None]], kind: str, node, unit: str, *, opened: str = "",
                last: str = "", keep: int = 8, own: bool = False) -> list[WindowRow]:
    """The subject's stored values of one indicator over windows of ``kind``, oldest first (the last
    ``keep``), each with its dates, its verdict and its change from the window before."""
    found = windows.resolve([code for code, _v in history])
    rows, previous = [], None
    for code, value in history:
        window = found.get(code)
        if window is None or (kind and window.kind != kind):
            continue
        crossed, grade = verdict_of(node, value, own=own)
        change = ""
        if previous is not None and value is not None and previous[1] is not None:
            delta = float(value) - float(previous[1])
            before = short_window(previous[0])
            if abs(delta) < 1e-9:
                change = _("与 %(before)s持平") % {"before": before}
            elif delta < 0:
                change = _("较 %(before)s下降 %(d)s") % {"before": before, "d": difference(delta, unit)}
            else:
                change = _("较 %(before)s上升 %(d)s") % {"before": before, "d": difference(delta, unit)}
        rows.append(WindowRow(
            code=code, label=windows.label(window), short=short_window(window), value=value, text=figure(value, unit),
            crossed=crossed, crossed_label=str(Grade(crossed).label) if crossed else "", grade=grade, change=change,
            opened=code == opened, last=code == last,
        ))
        previous = (window, value)
    return rows[-keep:]


def trend_sentence(rows: list[WindowRow], indicator_name: str, unit: str, direction: str) -> str:
    """What the series did, in one sentence: "10 月出勤率 60%，较 9 月下降 40 个百分点，已连续 2 个
    月下降" — or "" with fewer than two windows."""
    valued = [r for r in rows if r.value is not None]
    if not valued:
        return ""
    latest = valued[-1]
    text = _("%(when)s%(name)s %(value)s") % {"when": latest.short, "name": indicator_name, "value": latest.text}
    if len(valued) < 2:
        return text + _("。")
    text += _("，") + latest.change
    worse = (lambda a, b: b > a) if direction == "lower" else (lambda a, b: b < a)
    streak = 0
    for before, after in zip(reversed(valued[:-1]), reversed(valued)):
        if worse(float(before.value), float(after.value)):
            streak += 1
        else:
            break
    if streak >= 2:
        text += _("，已连续 %(n)s 个窗口变差") % {"n": streak}
    best = max(valued, key=lambda r: float(r.value)) if direction != "lower" else min(valued, key=lambda r: float(r.value))
    if best is not latest and worse(float(best.value), float(latest.value)):
        text += _("（此前最好为 %(when)s的 %(value)s）") % {"when": best.short, "value": best.text}
    return text + _("。")


# --- the fact rows behind it -------------------------------------------------------------------------------


@dataclass
class FactTable:
    label: str
    window: str  # the days the rows were read over, "2026-10-01 至 2026-10-31"
    columns: list[str]
    rows: list[dict]  # {"cells": [...], "notable": bool}
    total: int
    shown_notable_only: bool
    by_status: list[tuple[str, int]] = field(default_factory=list)  # (出勤, 12)
    status_label: str = ""
    by_course: list[dict] = field(default_factory=list)  # {"course": 名称, "counts": {…}, "total": n}
    statuses: list[str] = field(default_factory=list)

    @property
    def labelled_rows(self) -> list[dict]:
        """The rows with each cell beside its column's name (a phone shows a row as a card)."""
        return [{"notable": row.get("notable"), "cells": list(zip(self.columns, row["cells"]))} for row in self.rows]


def _friendly(field, row):
    """A foreign key as a person reads it (names, not ids)."""
    target = getattr(row, field.name, None)
    if target is None:
        return "—"
    label = target._meta.label_lower
    if label == "datacenter.offering":
        return target.course.name
    if label == "datacenter.classsession":
        return _("第 %(p)s 节起") % {"p": target.period}
    if label == "datacenter.assignment":
        return target.title
    if label in ("datacenter.student", "datacenter.staff"):
        return target.name
    return str(target)


def _related_paths(model, fields) -> list[str]:
    paths = []
    for f in fields:
        if f.is_relation and f.many_to_one:
            if f.related_model._meta.label_lower == "datacenter.offering":
                paths.append(f"{f.name}__course")
            else:
                paths.append(f.name)
    return paths


def _cell(field, row):
    if field.is_relation:
        return _friendly(field, row)
    value = getattr(row, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(row, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, (Decimal, float)):
        return figure(value)
    return str(value)


def _columns(model, entry_filter: dict) -> list:
    """The columns a reader needs: no ids, no lineage, not the subject itself (the page is about it)."""
    own = {key.removesuffix("_id") for key in entry_filter if "__" not in key and key.endswith("_id")}
    out = []
    for f in model._meta.concrete_fields:
        if f.name in LINEAGE or f.name in own or f.name in SENSITIVE:
            continue
        if f.is_relation and f.related_model._meta.label_lower == "datacenter.classsession":
            continue  # the session's date is the row's date
        out.append(f)
    # The course first, then the date, then the rest.
    out.sort(key=lambda f: (0 if f.is_relation else 1 if f.name in drilldown.DATE_FIELDS else 2))
    return out[:7]


def fact_table(entry: dict, user, *, limit: int = FACT_ROWS) -> FactTable | None:
    """One stored drill-down entry (``{"model": …, "filter": {…}}``) as a table people read; None for
    a table that no longer exists. Three queries: the rows, the count by status, the count by course."""
    try:
        model = apps.get_model(entry["model"])
    except (LookupError, ValueError, KeyError):
        return None
    flt = entry.get("filter") or {}
    qs = model._default_manager.filter(**flt)
    if hasattr(model, "scope_lookups"):
        qs = restrict(qs, user)
    fields = _columns(model, flt)
    date_field = next((f.name for f in model._meta.concrete_fields if f.name in ORDER_FIELDS), None)
    status_field = next((f for f in model._meta.concrete_fields
                         if f.choices and not f.is_relation and f.name in ("status", "kind", "verb", "evaluator_kind", "aspect")), None)
    has_offering = any(f.is_relation and f.related_model._meta.label_lower == "datacenter.offering"
                       for f in model._meta.concrete_fields)
    table = FactTable(label=str(model._meta.verbose_name), window=_filter_dates(flt),
                      columns=[str(_column_label(f)) for f in fields], rows=[], total=0, shown_notable_only=False)
    if status_field is not None:
        table.status_label = str(status_field.verbose_name)
        choices = dict(status_field.flatchoices)
        grouped = qs.order_by().values(status_field.name).annotate(n=Count("pk"))
        if has_offering:
            grouped = qs.order_by().values("offering__course__name", status_field.name).annotate(n=Count("pk"))
        counts: dict[str, int] = {}
        per_course: dict[str, dict] = {}
        for row in grouped:
            label = str(choices.get(row[status_field.name], row[status_field.name]))
            counts[label] = counts.get(label, 0) + row["n"]
            if has_offering:
                course = row["offering__course__name"] or "—"
                per_course.setdefault(course, {"course": course, "counts": {}, "total": 0})
                per_course[course]["counts"][label] = per_course[course]["counts"].get(label, 0) + row["n"]
                per_course[course]["total"] += row["n"]
        order = [str(label) for _v, label in status_field.flatchoices]
        table.statuses = [s for s in order if s in counts]
        table.by_status = [(s, counts[s]) for s in table.statuses]
        table.total = sum(counts.values())
        if has_offering and len(per_course) > 1:
            for row in per_course.values():
                row["cells"] = [row["counts"].get(s, 0) for s in table.statuses]
            table.by_course = sorted(per_course.values(), key=lambda r: r["course"])
    else:
        table.total = qs.count()
    notable = NOTABLE.get(model._meta.label_lower)
    listed = qs
    if notable is not None and table.total > limit // 2:
        listed = qs.filter(notable)
        table.shown_notable_only = True
    paths = _related_paths(model, fields)
    if paths:
        listed = listed.select_related(*paths)
    ordering = [date_field, "pk"] if date_field else ["pk"]
    if notable is not None and not table.shown_notable_only:
        listed = listed.annotate(_notable=Case(When(notable, then=Value(True)), default=Value(False), output_field=BooleanField()))
    for row in listed.order_by(*ordering)[:limit]:
        table.rows.append({"cells": [_cell(f, row) for f in fields],
                           "notable": table.shown_notable_only or bool(getattr(row, "_notable", False))})
    return table


def _column_label(f):
    if f.is_relation and f.related_model._meta.label_lower == "datacenter.offering":
        return _("课程")
    return f.verbose_name


def _filter_dates(flt: dict) -> str:
    """The days a drill-down reads, "2026-10-01 至 2026-10-31" (for a term table, the window it overlaps)."""
    def bound(suffix, overlap):
        plain = [v for k, v in flt.items() if k.endswith(suffix) and not k.endswith(overlap)]
        return (plain or [v for k, v in flt.items() if k.endswith(overlap)] or [None])[0]

    start, end = bound("__gte", "end_date__gte"), bound("__lte", "start_date__lte")
    if isinstance(start, str) and isinstance(end, str):
        return _("%(start)s 至 %(end)s") % {"start": start, "end": end}
    return ""


MASTER_MODELS = {"datacenter.student", "datacenter.staff", "datacenter.adminclass", "datacenter.specialty",
                 "datacenter.department", "datacenter.course", "datacenter.term"}


def fact_tables(entries, user) -> list[FactTable]:
    """The fact tables of a drill-down; master tables (the people themselves, counted as a
    denominator) are no evidence of what happened and are left out."""
    return [t for t in (fact_table(e, user) for e in entries or [] if e.get("model") not in MASTER_MODELS) if t is not None]


# --- the history in words ------------------------------------------------------------------------------------


def _status_label(code):
    return str(WarningStatus(code).label) if code in WarningStatus.values else code


def _grade_label(code):
    return str(Grade(code).label) if code in Grade.values else code


def event_sentence(event, unit: str = "", found: dict | None = None) -> str:
    """One step of a warning's life as a sentence: "窗口 2026-10 月（2026-10-01 至 2026-10-31）；值 60%；
    橙色预警；状态：待处理" — never the codes it is stored with. ``found``: the events' windows,
    resolved once (``event_sentences``)."""
    parts = []
    if event.window_code:
        window = (found if found is not None else windows.resolve([event.window_code])).get(event.window_code)
        parts.append(_("窗口 %(w)s") % {"w": windows.label(window) if window else event.window_code})
    if event.value is not None:
        parts.append(_("值 %(v)s") % {"v": figure(event.value, unit)})
    if event.to_grade and event.to_grade != event.from_grade:
        if event.from_grade:
            parts.append(_("%(a)s → %(b)s") % {"a": _grade_label(event.from_grade), "b": _grade_label(event.to_grade)})
        else:
            parts.append(_grade_label(event.to_grade))
    if event.to_status and event.to_status != event.from_status:
        if event.from_status:
            parts.append(_("状态：%(a)s → %(b)s") % {"a": _status_label(event.from_status), "b": _status_label(event.to_status)})
        else:
            parts.append(_("状态：%(b)s") % {"b": _status_label(event.to_status)})
    if event.actor_id:
        parts.append(_("操作人：%(who)s") % {"who": str(event.actor)})
    if event.note:
        if event.kind == "escalated" and event.note in Level.values:
            parts.append(_("上报至%(level)s层面") % {"level": Level(event.note).label})
        else:
            parts.append(event.note)
    return _("；").join(parts)


def event_sentences(events, unit: str = "") -> list[tuple[object, str]]:
    """(event, sentence) for each event; the windows are resolved once (one read of the term table)."""
    events = list(events)
    found = windows.resolve([e.window_code for e in events])
    return [(e, event_sentence(e, unit, found)) for e in events]


# --- links -----------------------------------------------------------------------------------------------------


def portrait_links(subject: Subject, user) -> list[tuple[str, str]]:
    """(label, url) of the subject's portrait and those around it that the user may open: a
    student's class, an offering's course and teacher, each level's parent. Two queries."""
    level = subject.level
    related = Q(pk=subject.parent_id) if subject.parent_id else Q(pk__in=[])
    if level == Level.OFFERING:
        related |= Q(level=Level.COURSE, course_id=subject.course_id) | Q(level=Level.TEACHER, staff_id=subject.staff_id)
    if level == Level.STUDENT and subject.specialty_id:
        related |= Q(level=Level.SPECIALTY, specialty_id=subject.specialty_id)
    found = {s.pk: s for s in restrict(Subject.objects.filter(Q(pk=subject.pk) | related), user)}
    links = []
    if subject.pk in found:
        links.append((_("%(level)s画像：%(name)s") % {"level": Level(level).label, "name": subject.name}, reverse("portraits:subject", args=[subject.level, subject.key])))
    if level == Level.STUDENT and subject.admin_class_id:
        from zhengai.datacenter.models import AdminClass

        klass = restrict(AdminClass.objects.filter(pk=subject.admin_class_id), user).values_list("code", "name").first()
        if klass:
            links.append((_("班级：%(name)s") % {"name": klass[1]}, reverse("portraits:admin_class", args=[klass[0]])))
    for other in sorted(found.values(), key=lambda s: Level.values.index(s.level)):
        if other.pk != subject.pk:
            links.append((_("%(level)s画像：%(name)s") % {"level": Level(other.level).label, "name": other.name},
                          reverse("portraits:subject", args=[other.level, other.key])))
    return links


# --- the explanation of a warning -------------------------------------------------------------------------------


@dataclass
class Explanation:
    indicator_name: str = ""
    unit: str = ""
    definition: str = ""
    value_text: str = "—"
    threshold_text: str = ""
    point: PointInfo | None = None
    verdict: str = ""  # "出勤率 60%，低于橙色预警线 75%（不合格）"
    grade: str = ""  # 合格 …
    windows: list[WindowRow] = field(default_factory=list)
    trend: str = ""
    facts: list[FactTable] = field(default_factory=list)
    goal: dict | None = None
    resolve_rule: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    window_kind: str = ""


SUBJECT_COORDINATES = ("student_id", "offering_id", "staff_id", "course_id", "specialty_id", "department_id")


def _coordinates(subject) -> dict:
    return {name: getattr(subject, name, None) for name in SUBJECT_COORDINATES}


def _describe(code):
    from .sources import default

    return default().describe(code) if code else None


def verdict_sentence(name: str, value, unit: str, node, crossed: str, grade: str) -> str:
    """"出勤率 60%，低于橙色预警线 75%，为不合格" — where a value stands against a point's lines."""
    text = _("%(name)s %(value)s") % {"name": name, "value": figure(value, unit)}
    if node is not None and crossed:
        line = float(getattr(node, crossed))
        key = _("高于") if node.direction == "lower" else _("低于")
        text += _("，%(cmp)s%(line_name)s %(line)s") % {"cmp": key, "line_name": LINE_LABELS[crossed], "line": figure(line, unit)}
    elif node is not None and node.yellow is not None:
        text += _("，在预警线 %(line)s 之内") % {"line": figure(float(node.yellow), unit)}
    if grade:
        text += _("，评为“%(grade)s”") % {"grade": grade}
    return text


def explain_warning(warning, user, *, own: bool = False) -> Explanation:
    """Everything the warning page says about why: see the module docstring. ``own``: read by the
    person it is about — the same facts, without the verdict's grade word (不合格)."""
    out = Explanation()
    indicator = _describe(warning.indicator_code)
    out.indicator_name = (getattr(indicator, "name", "") or warning.indicator_code) if warning.indicator_code else ""
    out.unit = getattr(indicator, "unit", "") or ""
    out.definition = getattr(indicator, "definition", "") or ""
    out.value_text = figure(warning.value, out.unit)
    out.threshold_text = figure(warning.threshold, out.unit) if warning.threshold is not None else ""
    node = _point(warning)
    if node is not None:
        out.point = point_info(node, out.unit, indicator)
    last = windows.resolve([warning.last_window or warning.opened_window]).get(warning.last_window or warning.opened_window)
    out.window_kind = last.kind if last else ""
    if warning.indicator_code:
        history = measurements.history(warning.subject_id, warning.indicator_code)
        out.windows = window_rows(history, out.window_kind, node, out.unit, opened=warning.opened_window,
                                  last=warning.last_window, own=own)
        out.trend = trend_sentence(out.windows, out.indicator_name, out.unit,
                                   node.direction if node is not None else getattr(indicator, "direction", "higher"))
    if warning.source == WarningSource.STANDARD and warning.value is not None:
        crossed, out.grade = verdict_of(node, warning.value)
        out.verdict = verdict_sentence(out.indicator_name, warning.value, out.unit, node, crossed or warning.grade,
                                       "" if own else out.grade)
        if node is not None and node.yellow is not None:
            margin = float(getattr(node, "resolve_margin", 0) or 0)
            lower = node.direction == "lower"
            back = float(node.yellow) - margin if lower else float(node.yellow) + margin
            out.resolve_rule = (_("回到 %(v)s 以内即自动解除") if lower else _("回到 %(v)s 以上即自动解除")) % {"v": figure(back, out.unit)}
            if (getattr(node, "resolve_windows", 1) or 1) > 1:
                out.resolve_rule += _("，或连续 %(n)s 个窗口在预警线之内") % {"n": node.resolve_windows}
    if warning.key_result_id:
        out.goal = _goal(warning, out.unit)
        if warning.source == WarningSource.GOAL and out.goal:
            out.verdict = out.goal["sentence"]
    # The rows behind the current value: read afresh over the last window judged (the paths the
    # indicator reads by); a goal judged over its own period keeps the period stored with it.
    entries = []
    if indicator is not None and last is not None and not (warning.source == WarningSource.GOAL and warning.drilldown):
        entries = drilldown.describe(warning.level, indicator, _coordinates(warning.subject), last)
    entries = entries or warning.drilldown
    out.facts = fact_tables(entries, user)
    out.links = portrait_links(warning.subject, user)
    return out


def _goal(warning, unit: str) -> dict | None:
    from zhengai.chains.models import KeyResult

    kr = KeyResult.objects.filter(pk=warning.key_result_id).select_related("goal").first()
    if kr is None:
        return None
    expected = next((r.get("threshold") for r in warning.reasons or [] if r.get("source") == WarningSource.GOAL), None)
    if expected is None and warning.source == WarningSource.GOAL:
        expected = warning.threshold
    value = next((r.get("value") for r in warning.reasons or [] if r.get("source") == WarningSource.GOAL), warning.value)
    sentence = _("目标“%(goal)s”的关键结果“%(kr)s”：按从基线 %(base)s 到目标 %(target)s（%(end)s）的进度，此时应达到 %(expected)s，实际为 %(value)s") % {
        "goal": kr.goal.title, "kr": kr.name, "base": figure(kr.baseline, unit), "target": figure(kr.target, unit),
        "end": kr.goal.end.isoformat() if kr.goal.end else _("持续"), "expected": figure(expected, unit),
        "value": figure(value, unit)}
    return {"goal": kr.goal, "key_result": kr, "sentence": sentence,
            "url": reverse("chains:goal", args=[kr.goal_id])}



# --- the explanation of a grade (a portrait's 诊断点) -------------------------------------------------------




@dataclass
class GradeExplanation(Explanation):
    window_label: str = ""
    in_progress: bool = False
    through: str = ""  # "截至 2026-11-20（已过 62%）"
    pace: str = ""  # "按进度此时应达到 20.3 小时（全期合格线 48 小时）"
    previous: str = ""  # "上一周期 2025-2026-2 学期：92%"


def elapsed_share(window: windows.Window, today: date) -> float:
    """How much of ``window`` has passed on ``today`` (1 once it is over)."""
    if today >= window.end:
        return 1.0
    if today < window.start:
        return 0.0
    return ((today - window.start).days + 1) / window.days


def explain_point(subject, node, window: windows.Window, user, *, today: date, indicator, value,
                  previous=None, previous_window: windows.Window | None = None, own: bool = False) -> GradeExplanation:
    """Why a subject's 诊断点 has the grade a portrait shows: the point and its lines, the value over
    the point's own window (through today while it runs, with the pace an accruing figure needs), the
    last window, the monitored windows and the fact rows behind the value."""
    unit = getattr(indicator, "unit", "") or ""
    out = GradeExplanation(indicator_name=indicator.name, unit=unit, definition=indicator.definition,
                           value_text=figure(value, unit), point=point_info(node, unit, indicator))
    out.window_label = windows.label(window)
    share = elapsed_share(window, today)
    out.in_progress = share < 1.0
    crossed, out.grade = verdict_of(node, value, own=own)
    if out.in_progress:
        out.through = _("本期尚未结束：截至 %(day)s，已过 %(share)s") % {"day": today.isoformat(), "share": figure(share * 100, "%")}
        if indicator.accumulates and node.qualified is not None:
            expected = float(node.qualified) * share
            out.pace = _("%(name)s随时间累计：按进度此时应达到 %(expected)s（全期合格线 %(line)s）") % {
                "name": indicator.name, "expected": figure(expected, unit), "line": figure(node.qualified, unit)}
            on_track = value is not None and ((value >= expected) if node.direction != "lower" else (value <= expected))
            out.grade = _("按进度达标") if on_track else _("进度落后")
            if value is not None:
                out.verdict = _("%(name)s截至 %(day)s 为 %(value)s，按进度此时应达到 %(expected)s：%(grade)s") % {
                    "name": indicator.name, "day": today.isoformat(), "value": figure(value, unit),
                    "expected": figure(expected, unit), "grade": out.grade}
        elif out.grade:
            out.grade = _("目前%(grade)s") % {"grade": out.grade}
    if value is None:
        out.verdict = _("%(name)s：本期暂无数据") % {"name": indicator.name}
    elif not out.verdict:
        out.verdict = verdict_sentence(indicator.name, value, unit, node, crossed, out.grade)
    if previous_window is not None:
        out.previous = _("上一周期 %(window)s：%(value)s") % {"window": windows.label(previous_window), "value": figure(previous, unit)}
        _crossed, previous_grade = verdict_of(node, previous, own=own)
        if previous_grade:
            out.previous += _("（%(grade)s）") % {"grade": previous_grade}
    history = measurements.history(subject.pk, node.indicator_code)
    kinds = [k for k in (windows.kind_of(code) for code, _v in history) if k]
    kind = max(set(kinds), key=kinds.count) if kinds else ""
    out.window_kind = kind
    out.windows = window_rows(history, kind, node, unit, own=own)
    out.trend = trend_sentence(out.windows, indicator.name, unit, node.direction)
    out.facts = fact_tables(drilldown.describe(subject.level, indicator, _coordinates(subject), window), user)
    return out
