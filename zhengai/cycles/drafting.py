"""Drafting diagnosis reports from data, set-based (对标找差).

``draft_reports(cycles)`` drafts (or refreshes the draft of) the report of every cycle given, in a
fixed number of queries whatever their number — per (level, period) group: the standard versions in
force, one query per distinct applicability rule, the points, one aggregate per indicator the points
bind (the whole level, so peers come free); then for all cycles at once: their reports, the cycles
before them with their ratings and improvement actions, the warnings of the periods, the goals.

For each 诊断点 of the standard in force: where an indicator exists, its value over the cycle's
period, the grade by the point's thresholds (``zhengai.chains.rules.grade``), the qualifying line,
the gap to it (positive: better than the line), the warning line crossed, the mean of the subject's
department and of the school, and last cycle's value — marked as drafted. Where no indicator
measures it (or it has no value), the owner gives evidence and a judgement; the evidence the cycle
holds (submitted on *我的自诊* for a window inside its period) is brought in.

A point's status: 不合格 below the qualifying line, 预警 at or above it but across a warning line,
合格 otherwise. The radar scores each 诊断项目 as the mean of its points (不合格 40, 预警 50, 合格 60,
良好 80, 优秀 100) against the standard's 60 and last cycle's score.
"""

from collections import defaultdict
from datetime import date
from statistics import mean

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from zhengai.core import clock, windows

from .choices import EventKind, RatingStatus, ReportStatus
from .models import Cycle, CycleEvent, ImprovementAction, PointRating, Report

GRADE_SCORE = {"优秀": 100, "良好": 80, "合格": 60, "不合格": 40}
STATUS_SCORE = {RatingStatus.QUALIFIED: 60, RatingStatus.WARNING: 50, RatingStatus.FAIL: 40}
STANDARD_SCORE = 60


def _round(value, digits=4):
    return None if value is None else round(float(value), digits)


def _score(status, grade):
    if status == RatingStatus.WARNING:
        return STATUS_SCORE[RatingStatus.WARNING]
    if grade in GRADE_SCORE:
        return GRADE_SCORE[grade]
    return STATUS_SCORE.get(status)


class _Group:
    """What one (level, period) needs: its points per subject, the indicators' values, the peers."""

    def __init__(self, level: str, window: windows.Window, subject_ids: set[int]):
        from zhengai.chains import applicability
        from zhengai.chains.models import StandardNode, StandardVersion
        from zhengai.chains.models.standards import in_force_q
        from zhengai.datacenter.models import Subject
        from zhengai.indicators import registry

        self.level, self.window = level, window
        day = min(window.end, clock.today())
        versions = list(StandardVersion.objects.filter(in_force_q(day), standard__level=level).select_related("standard"))
        self.versions = {v.pk: v for v in versions}
        rules = {}
        self.applies = {}
        for v in versions:
            rule = v.applies_to or {}
            key = repr(sorted(rule.items()))
            if key not in rules:
                rules[key] = applicability.subject_ids(level, rule)
            self.applies[v.pk] = rules[key]  # None: every subject of the level
        nodes = list(StandardNode.objects.filter(version_id__in=list(self.versions)).order_by("version_id", "order", "pk"))
        by_pk = {n.pk: n for n in nodes}
        self.points = defaultdict(list)  # version id → [(point, project, element, order)]
        for n in nodes:
            if n.kind != "point":
                continue
            element = by_pk.get(n.parent_id)
            project = by_pk.get(element.parent_id) if element else None
            order = ((project.order if project else 0) * 10000 + (element.order if element else 0) * 100 + n.order)
            self.points[n.version_id].append((n, project.name if project else "", element.name if element else "", order))
        for pts in self.points.values():
            pts.sort(key=lambda t: (t[3], t[0].pk))
        known = {i.code for i in registry.for_level(level)}
        codes = sorted({p.indicator_code for pts in self.points.values() for p, *_r in pts if p.indicator_code in known})
        self.values = registry.compute(level, window, codes) if codes else {}
        self.department = dict(Subject.objects.filter(level=level).values_list("pk", "department_id")) if codes else {}
        self.peers = {}
        for code, values in self.values.items():
            by_dept = defaultdict(list)
            for sid, v in values.items():
                by_dept[self.department.get(sid)].append(float(v))
            self.peers[code] = ({d: mean(vs) for d, vs in by_dept.items() if vs},
                                mean(float(v) for v in values.values()) if values else None)
        self.label = windows.label(window)
        self._peer_rows = {}  # (code, department id) → the peers a rating shows, built once
        self._rates = {}  # (point id, value) → _rate's result: many subjects share a value

    def peers_of(self, code: str, department_id) -> dict:
        """The department's and the school's mean of ``code`` (shared: callers do not change it)."""
        key = (code, department_id)
        found = self._peer_rows.get(key)
        if found is None:
            if code in self.peers:
                depts, school = self.peers[code]
                found = {"department": _round(depts.get(department_id)), "school": _round(school)}
            else:
                found = {}
            self._peer_rows[key] = found
        return found

    def rate(self, point, value):
        key = (point.pk, value)
        found = self._rates.get(key)
        if found is None:
            found = self._rates[key] = _rate(point, value)
        return found

    def points_of(self, subject_id: int):
        for vid, pts in self.points.items():
            applies = self.applies[vid]
            if applies is None or subject_id in applies:
                yield from pts


def _rate(point, value):
    from zhengai.chains.rules import crossed_line, grade

    if value is None:
        return "", RatingStatus.UNRATED, None, None, ""
    g = grade(point, value)
    if g is None:
        return "", RatingStatus.UNRATED, None, None, ""
    line = point.qualified
    higher = point.direction != "lower"
    gap = None if line is None else (float(value) - float(line)) * (1 if higher else -1)
    colour = crossed_line(point, value) or ""
    if g == "不合格":
        status = RatingStatus.FAIL
    elif colour:
        status = RatingStatus.WARNING
    else:
        status = RatingStatus.QUALIFIED
    return g, status, _round(line), _round(gap), colour


def previous_cycles(cycles) -> dict[int, Cycle]:
    """cycle id → the same subject's cycle of the same level that ended before it began (one query)."""
    subject_ids = {c.subject_id for c in cycles}
    latest_start = max((c.start for c in cycles), default=date.min)
    earlier = defaultdict(list)
    for prev in Cycle.objects.filter(subject_id__in=sorted(subject_ids), end__lt=latest_start).order_by("end"):
        earlier[(prev.subject_id, prev.level)].append(prev)
    out = {}
    for c in cycles:
        before = [p for p in earlier.get((c.subject_id, c.level), ()) if p.end < c.start]
        if before:
            out[c.pk] = before[-1]
    return out


class _Drafted:
    """A point's rating as drafted, before it is written: what ``_facts`` reads and the row
    ``insert_rows`` writes (a model instance per rating cost more than the rest of the draft)."""

    __slots__ = ("point", "order", "project", "element", "indicator_code", "value", "grade", "line", "gap", "warning",
                 "status", "drafted", "evidence", "judgement", "peers", "last_value")

    def __init__(self, point, order, project, element, code, value, grade, line, gap, warning, status, drafted, peers,
                 last_value):
        self.point, self.order, self.project, self.element, self.indicator_code = point, order, project, element, code
        self.value, self.grade, self.line, self.gap, self.warning = value, grade, line, gap, warning
        self.status, self.drafted, self.peers, self.last_value = status, drafted, peers, last_value
        self.evidence = self.judgement = ""

    def row(self, report_id: int) -> tuple:
        return (report_id, self.point.pk, self.order, self.project, self.element, self.indicator_code or "", self.value,
                self.grade, self.line, self.gap, self.warning, self.status, self.drafted, self.evidence, self.judgement,
                self.peers, self.last_value)


RATING_COLUMNS = ("report", "point", "order", "project", "element", "indicator_code", "value", "grade", "line", "gap",
                  "warning", "status", "drafted", "evidence", "judgement", "peers", "last_value")
REPORT_COLUMNS = ("cycle", "version", "status", "data", "achievements", "problems", "causes", "measures",
                  "review_comment", "drafted_at")
EVENT_COLUMNS = ("cycle", "kind", "actor", "at", "from_phase", "to_phase", "note", "detail")


@transaction.atomic
def draft_reports(cycles, *, acting_user=None, groups=None) -> list[Report]:
    """Draft the report of each cycle (a new draft, or the refreshed draft or returned version keeping
    what the owner wrote); submitted and published reports are left alone. Returns the drafts.

    ``groups`` (a dict, empty at first) carries each (level, period)'s standard, aggregates and
    peers from one call to the next, so a batch drafted in chunks computes them once, not per chunk."""
    from django.utils import timezone

    from zhengai.chains.goal_values import goal_tree
    from zhengai.chains.models import Goal
    from zhengai.core.bulkwrite import insert_rows

    from .models import PointEvidence
    from zhengai.monitoring.models import Warning

    cycles = list(cycles)
    if not cycles:
        return []
    terms = windows.term_dates()
    today = clock.today()
    ids = [c.pk for c in cycles]
    subject_ids = sorted({c.subject_id for c in cycles})
    latest = {}
    for report in Report.objects.filter(cycle_id__in=ids).order_by("cycle_id", "version"):
        latest[report.cycle_id] = report
    todo = [c for c in cycles if c.pk not in latest or latest[c.pk].editable]
    if not todo:
        return []
    groups = {} if groups is None else groups
    for c in todo:
        key = (c.level, c.period)
        if key not in groups:
            groups[key] = _Group(c.level, windows.parse(c.period, terms), set())
    prev = previous_cycles(todo)
    prev_ratings = defaultdict(dict)  # previous cycle id → point key → (value, status, grade, project)
    prev_reports = {}
    for r in Report.objects.filter(cycle_id__in=[p.pk for p in prev.values()]).order_by("cycle_id", "version"):
        prev_reports[r.cycle_id] = r.pk
    for row in PointRating.objects.filter(report_id__in=list(prev_reports.values())).values(
            "report__cycle_id", "point__code", "indicator_code", "value", "status", "grade", "project"):
        key = row["indicator_code"] or row["point__code"]
        prev_ratings[row["report__cycle_id"]][key] = row
    prev_actions = defaultdict(list)
    for a in ImprovementAction.objects.filter(cycle_id__in=[p.pk for p in prev.values()]).order_by("due", "pk"):
        prev_actions[a.cycle_id].append({"pk": a.pk, "text": a.text, "status": a.status, "due": a.due.isoformat(),
                                         "outcome": a.outcome})
    first = min(c.start for c in todo)
    last = max(c.end for c in todo)
    warnings = defaultdict(list)
    for w in Warning.objects.filter(subject_id__in=subject_ids, opened_window_end__gte=first,
                                    opened_window_end__lte=last).order_by("opened_window_end", "pk"):
        warnings[w.subject_id].append(w)
    goals_by_owner = defaultdict(list)
    goals = Goal.objects.filter(owner_id__in=subject_ids, start__lte=last).filter(Q(end__isnull=True) | Q(end__gte=first))
    for node in goal_tree(goals, today):
        goals_by_owner[node.goal.owner_id].append(node)
    # The cycle's own evidence (自诊材料), however many windows its period holds: a three-year
    # specialty cycle gathers its terms' and years' submissions (in the order of the windows'
    # codes), each under its window.
    evidence = defaultdict(list)
    period_of = {c.pk: c.period for c in todo}
    for ev in PointEvidence.objects.filter(cycle_id__in=list(period_of)).exclude(text="").order_by("window", "pk"):
        evidence[(ev.cycle_id, ev.point_id)].append(ev.text if ev.window == period_of[ev.cycle_id] else f"{ev.window}：{ev.text}")

    carried = defaultdict(dict)  # report id → point id → (status, evidence, judgement) the owner wrote
    editable_ids = [latest[c.pk].pk for c in todo if c.pk in latest]
    for row in PointRating.objects.filter(report_id__in=editable_ids, drafted=False).values(
            "report_id", "point_id", "status", "evidence", "judgement"):
        carried[row["report_id"]][row["point_id"]] = row

    now = clock.now()
    reports, ratings_of = [], {}
    for c in todo:
        group = groups[(c.level, c.period)]
        report = latest.get(c.pk) or Report(cycle=c, version=1, status=ReportStatus.DRAFT)
        own = carried.get(report.pk, {}) if report.pk else {}
        p = prev.get(c.pk)
        last_rows = prev_ratings.get(p.pk, {}) if p else {}
        department = group.department.get(c.subject_id)
        ratings = []
        for point, project, element, order in group.points_of(c.subject_id):
            code = point.indicator_code
            value = group.values.get(code, {}).get(c.subject_id) if code else None
            g, status, line, gap, colour = group.rate(point, value)
            drafted = status != RatingStatus.UNRATED
            last_row = last_rows.get(code or point.code)
            rating = _Drafted(point, order, project, element, code, _round(value), g, line, gap, colour, status, drafted,
                              group.peers_of(code, department), _round(last_row["value"]) if last_row else None)
            if not drafted:
                kept = own.get(point.pk)
                if kept:
                    rating.status, rating.evidence, rating.judgement = kept["status"], kept["evidence"], kept["judgement"]
                elif (c.pk, point.pk) in evidence:
                    rating.evidence = "\n".join(evidence[(c.pk, point.pk)])
            ratings.append(rating)
        report.data = _facts(c, group.label, ratings, last_rows, prev_actions.get(p.pk, []) if p else [],
                             [w for w in warnings.get(c.subject_id, ()) if c.start <= w.opened_window_end <= c.end],
                             goals_by_owner.get(c.subject_id, []), p)
        report.drafted_at = now
        reports.append(report)
        ratings_of[c.pk] = ratings
    new = [r for r in reports if r.pk is None]
    kept = [r for r in reports if r.pk is not None]
    if new:
        insert_rows(Report, REPORT_COLUMNS, [(r.cycle_id, r.version, r.status, r.data, "", "", "", "", "", r.drafted_at)
                                             for r in new])
        # Read the new rows back (one query): COPY returns no ids. A cycle's new draft is its version 1.
        made = dict(Report.objects.filter(cycle_id__in=[r.cycle_id for r in new], version=1).order_by()
                    .values_list("cycle_id", "pk"))
        for r in new:
            r.pk = made[r.cycle_id]
            r._state.adding, r._state.db = False, Report.objects.db
    if kept:
        Report.objects.bulk_update(kept, ["data", "drafted_at"], batch_size=1000)
    if editable_ids:
        PointRating.objects.filter(report_id__in=editable_ids).delete()
    insert_rows(PointRating, RATING_COLUMNS, [rating.row(r.pk) for r in reports for rating in ratings_of[r.cycle_id]])
    at = timezone.now()  # as CycleEvent.at's auto_now_add would
    actor = acting_user.pk if acting_user is not None else None
    insert_rows(CycleEvent, EVENT_COLUMNS, [(r.cycle_id, EventKind.DRAFTED, actor, at, "", "", "",
                                             {"report": r.pk, "version": r.version}) for r in reports])
    return reports


def _facts(cycle, window_label, ratings, last_rows, last_actions, warnings, goal_nodes, prev) -> dict:
    counts = {s: 0 for s in ("合格", "预警", "不合格", "未评")}
    for r in ratings:
        counts[r.status or "未评"] += 1
    projects = defaultdict(list)
    last_projects = defaultdict(list)
    for r in ratings:
        score = _score(r.status, r.grade)
        if score is not None:
            projects[r.project].append(score)
    for row in last_rows.values():
        score = _score(row["status"], row["grade"])
        if score is not None:
            last_projects[row["project"]].append(score)
    # Scores are whole numbers: sum / len is exact where statistics.mean's fractions cost the most.
    radar = [{"project": name or _("（未分项目）"), "score": round(sum(scores) / len(scores), 1),
              "last": round(sum(last_projects[name]) / len(last_projects[name]), 1) if last_projects.get(name) else None,
              "standard": STANDARD_SCORE} for name, scores in projects.items()]
    goals = []
    for node in goal_nodes:
        goals.append({"pk": node.goal.pk, "title": node.goal.title, "percent": node.percent,
                      "key_results": [{"name": kr.name, "indicator": kr.indicator_code, "baseline": _round(kr.baseline),
                                       "target": _round(kr.target), "current": _round(current),
                                       "percent": None if progress is None else round(float(progress) * 100)}
                                      for kr, current, progress in node.key_results]})
    warning_rows = [{"pk": w.pk, "indicator": w.indicator_code, "grade": w.grade, "status": w.status,
                     "opened_window": w.opened_window, "resolved_window": w.resolved_window,
                     "worked": w.status == "resolved"} for w in warnings]
    sentences = []
    total = len(ratings)
    sentences.append(_("本周期（%(window)s）共诊断 %(n)s 个诊断点：合格 %(a)s 个、预警 %(b)s 个、不合格 %(c)s 个、待评定 %(d)s 个。") % {
        "window": window_label, "n": total, "a": counts["合格"], "b": counts["预警"], "c": counts["不合格"],
        "d": counts["未评"]})
    gaps = [r for r in ratings if r.gap is not None and r.gap < 0]
    if gaps:
        worst = min(gaps, key=lambda r: r.gap / (abs(r.line) or 1))
        sentences.append(_("差距最大的诊断点是“%(name)s”：%(value)s，合格线 %(line)s。") % {
            "name": worst.point.name, "value": f"{worst.value:g}", "line": f"{worst.line:g}"})
    if goals:
        done = sum(1 for g in goals if (g["percent"] or 0) >= 100)
        known = [g["percent"] for g in goals if g["percent"] is not None]
        sentences.append(_("本周期 %(n)s 个目标中 %(done)s 个已完成，平均进度 %(avg)s%%。") % {
            "n": len(goals), "done": done, "avg": round(mean(known)) if known else 0})
    if warning_rows:
        sentences.append(_("本周期触发预警 %(n)s 条，纠偏后解除 %(r)s 条，仍未解除 %(o)s 条。") % {
            "n": len(warning_rows), "r": sum(1 for w in warning_rows if w["worked"]),
            "o": sum(1 for w in warning_rows if w["status"] in ("open", "acknowledged", "correcting"))})
    if last_actions:
        sentences.append(_("上一周期的 %(n)s 项改进措施中，%(d)s 项已完成，%(o)s 项仍在进行。") % {
            "n": len(last_actions), "d": sum(1 for a in last_actions if a["status"] == "done"),
            "o": sum(1 for a in last_actions if a["status"] == "open")})
    return {"window": window_label, "counts": counts, "radar": radar, "goals": goals,
            "warnings": warning_rows, "last_actions": last_actions, "sentences": sentences,
            "last_cycle": {"pk": prev.pk, "period": prev.period} if prev else None}


def recount(report: Report, ratings=None) -> None:
    """Counts, radar and the first drafted sentence again from the report's ratings (or those
    given), once the owner has judged points by hand (one query; the caller saves)."""
    ratings = list(report.ratings.all()) if ratings is None else ratings
    counts = {s: 0 for s in ("合格", "预警", "不合格", "未评")}
    projects = defaultdict(list)
    for r in ratings:
        counts[r.status or "未评"] += 1
        score = _score(r.status, r.grade)
        if score is not None:
            projects[r.project].append(score)
    data = dict(report.data or {})
    last = {row["project"]: row.get("last") for row in data.get("radar", [])}
    data["counts"] = counts
    data["radar"] = [{"project": name or _("（未分项目）"), "score": round(mean(scores), 1),
                      "last": last.get(name or _("（未分项目）")), "standard": STANDARD_SCORE}
                     for name, scores in projects.items()]
    sentences = list(data.get("sentences", []))
    first = _("本周期（%(window)s）共诊断 %(n)s 个诊断点：合格 %(a)s 个、预警 %(b)s 个、不合格 %(c)s 个、待评定 %(d)s 个。") % {
        "window": data.get("window", ""), "n": len(ratings), "a": counts["合格"], "b": counts["预警"],
        "c": counts["不合格"], "d": counts["未评"]}
    data["sentences"] = [first] + sentences[1:]
    report.data = data
