"""Level overviews (层面总览) and the leaders' cockpit (驾驶舱).

An overview takes every subject of one level inside the viewer's scope and shows: how many reach each
grade of their standard (a subject's grade is the weighted mean of its 诊断点 on the portraits' common
scale, ``portrait.score``), a heat map department × 诊断点 (the mean score of the department's
subjects), the top and bottom subjects, and the warnings of the level by grade, month by month.

The cockpit shows the school's key indicators against their lines and goals, the active warnings by
level and grade, the cycles' progress (subjects per phase, who is late: ``zhengai.cycles.progress``)
and figures of the quality culture (warnings answered with a correction, resolved lately, and the
four 质量文化 indicators of ``zhengai.cycles.culture``); its page asks ``cockpit.json`` for fresh
figures every minute, and ``?display=wall`` shows it for a large screen (大屏).

Queries are a fixed number whatever the size of the college: the subjects, the standard, one
evaluation per indicator, one grouped query per figure of warnings.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengai.chains.models import StandardNode
from zhengai.chains.choices import NodeKind
from zhengai.chains.models.standards import in_force_q
from zhengai.core import windows
from zhengai.core.figures import figure
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Department, Subject
from zhengai.datacenter.models.subjects import LEVEL_COLUMN
from zhengai.monitoring.choices import ACTIVE_STATUSES, Grade, WarningStatus
from zhengai.monitoring.queries import visible as visible_warnings
from zhengai.indicators import cache, registry
from zhengai.org.access import restrict

from . import portrait, values

BANDS = [  # (lowest score, label): the standard's grades on the common scale
    (portrait.EXCELLENT, "excellent"),
    (portrait.GOOD, "good"),
    (portrait.QUALIFIED, "qualified"),
    (float("-inf"), "below"),
]
TOP = 10
MONTHS = 12
GRADES = [Grade.RED, Grade.ORANGE, Grade.YELLOW]


def band_labels() -> dict[str, str]:
    return {"excellent": _("优秀"), "good": _("良好"), "qualified": _("合格"), "below": _("未达合格")}


def band_of(value: float) -> str:
    for lowest, name in BANDS:
        if value >= lowest - 0.05:
            return name
    return "below"


def level_points(level: str, today: date) -> list[StandardNode]:
    """The 诊断点 with an indicator and a 合格 line of the level's standards in force, one per
    indicator (the first standard's, by code), in standard order (one query)."""
    seen, points = set(), []
    nodes = (StandardNode.objects.filter(in_force_q(today, "version__"), version__standard__level=level, kind=NodeKind.POINT,
                                         qualified__isnull=False).exclude(indicator_code="")
             .order_by("version__standard__code", "version_id", "order", "pk"))
    for node in nodes:
        code = node.indicator_code
        if code not in seen:
            seen.add(code)
            points.append(node)
    return points


def _window(today: date) -> windows.Window:
    try:
        return windows.containing("term", today)
    except windows.WindowError:
        return windows.containing("academic_year", today)


def scores(level: str, user, today: date) -> dict:
    """Each visible subject's score per point and overall, over this cycle's window."""
    column = LEVEL_COLUMN[level]
    fields = ["pk", "key", "name", "department_id"] + ([Subject._meta.get_field(column).attname] if column else [])
    rows = list(restrict(Subject.objects.filter(level=level, active=True), user).values_list(*fields))
    info = {r[0]: {"key": r[1], "name": r[2], "department_id": r[3]} for r in rows}
    points = level_points(level, today)
    window = _window(today)
    # The whole level is scored once and kept with its values (a large college: 20,000 students ×
    # their points, half a second in Python); each user then sees the subjects of their scope.
    signature = "|".join(f"{p.pk}:{p.indicator_code}:{p.direction}:{p.qualified}:{p.good}:{p.excellent}:{p.weight}"
                         for p in points)
    try:
        indicators = [registry.get(p.indicator_code) for p in points]
        whole = cache.derived(f"level-scores:{level}", indicators, window, signature,
                              lambda: _score_level(level, points, window))
    except LookupError:  # a point names an indicator that no longer exists
        points, whole = [], {"per_subject": {}, "overall": {}}
    visible = info.keys()
    per_subject = {sid: by_point for sid, by_point in whole["per_subject"].items() if sid in visible}
    overall = {sid: score for sid, score in whole["overall"].items() if sid in visible}
    return {"points": points, "info": info, "per_subject": per_subject, "overall": overall, "window": window}


def _score_level(level: str, points: list[StandardNode], window: windows.Window) -> dict:
    """{"per_subject": {subject id: {point id: score}}, "overall": {subject id: weighted mean}} of
    every active subject of the level."""
    column = LEVEL_COLUMN[level]
    fields = ["pk"] + ([Subject._meta.get_field(column).attname] if column else [])
    subjects = {r[0]: (r[1] if column else None)
                for r in Subject.objects.filter(level=level, active=True).values_list(*fields)}
    found = values.evaluate(level, [p.indicator_code for p in points], window, subjects)
    per_subject = defaultdict(dict)
    weighted = defaultdict(lambda: [0.0, 0.0])  # subject → [sum of weights, sum of weighted scores]
    for p in points:
        of, point, weight = portrait.scorer(p), p.pk, float(p.weight or 1)
        for sid, value in found.get(p.indicator_code, {}).items():
            s = of(value)
            if s is not None:
                per_subject[sid][point] = s
                sums = weighted[sid]
                sums[0] += weight
                sums[1] += weight * s
    overall = {sid: round(total / weights, 1) if weights else None for sid, (weights, total) in weighted.items()}
    return {"per_subject": dict(per_subject), "overall": overall}


def distribution(data: dict) -> dict:
    labels = band_labels()
    counts = {name: 0 for _low, name in BANDS}
    for value in data["overall"].values():
        if value is not None:
            counts[band_of(value)] += 1
    order = ["excellent", "good", "qualified", "below"]
    return {"labels": [labels[n] for n in order], "values": [counts[n] for n in order],
            "unscored": len(data["info"]) - sum(counts.values())}


def heat_map(data: dict, level: str) -> dict | None:
    """Department × 诊断点: the mean score of the department's subjects (one query for the names)."""
    points = data["points"]
    if level == Level.SCHOOL or not points:
        return None
    cells = defaultdict(list)
    for sid, by_point in data["per_subject"].items():
        department = data["info"][sid]["department_id"]
        for point_id, s in by_point.items():
            cells[(department, point_id)].append(s)
    departments = sorted({d for d, _p in cells if d is not None})
    found = list(Department.objects.filter(pk__in=departments).values_list("pk", "code", "name"))
    names = {pk: code for pk, code, _name in found}
    labels = {pk: name for pk, _code, name in found}
    if not names:
        return None
    rows = sorted((d for d in departments if d in names), key=lambda d: names[d])
    point_index = {p.pk: i for i, p in enumerate(points)}
    cells_out = []
    for (department, point_id), scored in cells.items():
        if department in names:
            cells_out.append([point_index[point_id], rows.index(department), round(sum(scored) / len(scored), 1)])
    return {
        "x": [p.name[:12] for p in points],
        "y": [labels[d] for d in rows],
        "links": [reverse("portraits:subject", args=[Level.DEPARTMENT, names[d]]) for d in rows],
        "cells": cells_out,
        "min": 0, "max": portrait.EXCELLENT,
    }


def ranked(data: dict, level: str) -> dict:
    scored = [(v, sid) for sid, v in data["overall"].items() if v is not None]
    scored.sort(key=lambda t: (-t[0], data["info"][t[1]]["key"]))

    def row(v, sid):
        i = data["info"][sid]
        return {"name": i["name"], "key": i["key"], "score": v, "url": reverse("portraits:subject", args=[level, i["key"]])}

    top = [row(v, sid) for v, sid in scored[:TOP]]
    bottom = [row(v, sid) for v, sid in reversed(scored[-TOP:])] if len(scored) > TOP else []
    return {"top": top, "bottom": bottom}


def warnings_over_time(level: str | None, user, today: date) -> dict:
    """Warnings opened each month (by the window that opened them) by grade, the last 12 months (one query)."""
    first = (today.replace(day=1) - timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    qs = visible_warnings(user).filter(opened_window_end__gte=first, opened_window_end__lte=today)
    if level:
        qs = qs.filter(level=level)
    rows = qs.annotate(month=TruncMonth("opened_window_end")).values("month", "grade").annotate(n=Count("pk")).order_by("month")
    months = [w.code for w in windows.between("month", first, today)]
    counts = defaultdict(int)
    for r in rows:
        counts[(r["month"].strftime("%Y-%m"), r["grade"])] += r["n"]
    return {"labels": months, "series": [{"name": str(Grade(g).label), "grade": g, "values": [counts[(m, g)] for m in months]}
                                         for g in GRADES]}


def level_overview(level: str, user, today: date) -> dict:
    data = scores(level, user, today)
    return {
        "window": data["window"],
        "points": data["points"],
        "subjects": len(data["info"]),
        "distribution": distribution(data),
        "heat": heat_map(data, level),
        "ranked": ranked(data, level),
        "warnings": warnings_over_time(level, user, today),
    }


# --- the cockpit ------------------------------------------------------------------------------------------


def cockpit(user, today: date) -> dict:
    """The figures of the leaders' cockpit, as plain data (the page and ``cockpit.json`` share them)."""
    school = Subject.objects.filter(level=Level.SCHOOL).first()
    key = []
    goals = []
    if school is not None:
        standing = portrait.standing(school, today, with_peers=False)
        for p in standing.points:
            key.append({
                "name": p.node.name, "indicator": p.indicator.name if p.indicator else p.node.indicator_code,
                "unit": p.indicator.unit if p.indicator else "", "value": p.value, "previous": p.previous,
                "line": float(p.node.qualified) if p.node.qualified is not None else None, "met": p.met,
            })
        for node in portrait.goals_of(school, today):
            goals.append({
                "title": node.goal.title,
                "progress": None if node.progress is None else round(float(node.progress) * 100, 1),
                "url": reverse("chains:goal", args=[node.goal.pk]),
            })
    active = visible_warnings(user).filter(status__in=ACTIVE_STATUSES)
    by_level = defaultdict(lambda: defaultdict(int))
    for row in active.values("level", "grade").annotate(n=Count("pk")).order_by():
        by_level[row["level"]][row["grade"]] += row["n"]
    levels = [lv for lv in Level.values if lv in by_level]
    since = today - timedelta(days=29)
    culture = active.aggregate(total=Count("pk"), corrected=Count("pk", filter=~Q(measure_text="")))
    resolved = visible_warnings(user).filter(status=WarningStatus.RESOLVED, resolved_window_end__gte=since).count()
    corrected_share = round(100.0 * culture["corrected"] / culture["total"], 1) if culture["total"] else None
    return {
        "as_of": today.isoformat(),
        "key": key,
        "goals": goals,
        "warnings": {
            "levels": [str(Level(lv).label) for lv in levels],
            "series": [{"name": str(Grade(g).label), "grade": g, "values": [by_level[lv][g] for lv in levels]} for g in GRADES],
            "by_grade": {g: sum(by_level[lv][g] for lv in levels) for g in GRADES},
        },
        "over_time": warnings_over_time(None, user, today),
        "culture": {
            "active": culture["total"],
            "corrected": culture["corrected"],
            "corrected_share": corrected_share,
            "corrected_share_text": figure(corrected_share, "%"),
            "resolved_30d": resolved,
            "since": since.isoformat(),
            **kept_culture(school, today),
        },
        "cycles": cycles_progress(user, today),
    }


CULTURE_CODES = ["school.selfdiag_on_time", "school.warnings_acknowledged", "school.corrections_worked",
                 "school.actions_on_time"]


def kept_culture(school: Subject | None, today: date) -> dict:
    """The cockpit's culture figures and their table by level, with the time they were computed:
    kept ``ZHENGAI_CULTURE_CACHE_SECONDS`` (a display refreshed every minute by every leader and the
    quality office would otherwise count the term's actions and warnings again each time; a share
    of the term moves slowly), and only where the indicator values are kept too."""
    from django.conf import settings
    from django.core.cache import cache as django_cache
    from django.utils import timezone
    from django.utils.translation import get_language

    from zhengai.core import clock

    def compute():
        return {"figures": culture_figures(school, today), "by_level": culture_by_level(today),
                "computed_at": timezone.localtime(clock.now()).strftime("%H:%M")}

    seconds = settings.ZHENGAI_CULTURE_CACHE_SECONDS if cache.enabled() else 0
    if not seconds:
        return compute()
    key = f"zhengai:cockpit-culture:v1:{today.isoformat()}:{school.pk if school else '-'}:{get_language()}"
    return django_cache.get_or_set(key, compute, seconds)


def culture_figures(school: Subject | None, today: date) -> list[dict]:
    """The quality-culture indicators of the school (质量知晓 · 认同 · 建构, ``zhengai.cycles.culture``
    through the indicator library) this term so far and last term: one evaluation each window."""
    if school is None:
        return []
    now = portrait.current_window(today)
    before = portrait._previous(now)
    subjects = {school.pk: None}
    found = values.evaluate(Level.SCHOOL, CULTURE_CODES, now, subjects)
    earlier = values.evaluate(Level.SCHOOL, CULTURE_CODES, before, subjects) if before else {}
    out = []
    for code in CULTURE_CODES:
        indicator = registry.get(code)
        value, previous = found[code].get(school.pk), earlier.get(code, {}).get(school.pk)
        change = None if value is None or previous is None else round(value - previous, 1)
        out.append({
            "code": code, "name": indicator.name, "value": value, "text": figure(value, indicator.unit),
            "previous": previous, "previous_text": figure(previous, indicator.unit),
            "arrow": "" if change is None else "↑" if change > 0 else "↓" if change < 0 else "→",
            "url": reverse("indicators:detail", args=[code]),
        })
    return out


def culture_by_level(today: date) -> dict:
    """The four quality-culture shares of the whole college this term, each level's cases apart:
    where the self-diagnoses come late, which level's warnings wait a week (the same grouped rows as
    the school's indicators, read once for the request)."""
    from zhengai.cycles import culture

    found = culture.by_level(portrait.current_window(today))
    names = [registry.get(f"school.{name}").name for name in culture.NAMES]
    rows = []
    for level in Level.values:
        shares = [found[name].get(level) for name in culture.NAMES]
        if any(v is not None for v in shares):
            rows.append({"level": level, "label": str(Level(level).label),
                         "values": [{"value": v, "text": figure(v, "%")} for v in shares]})
    return {"names": names, "rows": rows}


def cycles_progress(user, today: date) -> dict:
    """The cycles' progress in the user's scope (``zhengai.cycles.progress``) as plain data."""
    from zhengai.cycles.progress import progress

    found = progress(user, today)
    return {
        "chart": found.as_chart(),
        "total": found.total,
        "late_total": found.late_total,
        "late": [{"name": c.subject_name, "level": str(c.level_label), "phase": str(c.phase_label),
                  "days": c.late_days, "url": c.url} for c in found.late],
        "levels": [{"level": lv.level, "label": str(lv.label), "total": lv.total, "late": lv.late,
                    "url": lv.calendar_url, "late_url": lv.late_url} for lv in found.levels],
    }
