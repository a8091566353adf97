"""The portrait (画像) of one quality subject of any level: school, department, specialty, course,
offering, teacher or student.

A portrait shows the subject against its standard (the standard's 诊断项目 on a radar: the subject,
the standard's qualifying line and the last cycle, plus the peers' average for staff), the trends of
its key indicators with the warning lines drawn, its open warnings and their corrections, its goals
and their progress, and its records. Every figure comes from the indicator library (``values``) or
from what monitoring stored; nothing here computes an indicator a second way.

How a value becomes a score on the radar (the axes have different units): each 诊断点 maps its value
onto a common scale on which the standard's 合格 line is 60, 良好 80 and 优秀 100 (linear between
them, proportional below 合格, capped at 100); a 诊断项目 scores the weighted mean of its points.

No sensitive attribute (gender, ethnicity, origin, family) is read by anything here: the scores use
indicator values only. A student's own view never shows peers or a rank.

Cost: a fixed number of queries whatever the size of the college — the subject and its ancestors, the
standard's versions and nodes, one evaluation per indicator and window, one query each for stored
values, warnings, goals (per depth of the goal tree) and each kind of record.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengai.chains import applicability
from zhengai.chains.choices import NodeKind
from zhengai.chains.goal_values import goal_tree
from zhengai.chains.models import Goal, StandardNode, StandardVersion
from zhengai.chains.models.standards import in_force_q
from zhengai.core import windows
from zhengai.datacenter.choices import AwardKind, Development, Level
from zhengai.datacenter.models import (
    ActivityRecord,
    AdminClass,
    Award,
    EnterprisePractice,
    Grade,
    Offering,
    ResearchOutput,
    Subject,
    TrainingRecord,
)
from zhengai.datacenter.models.subjects import LEVEL_COLUMN
from zhengai.indicators import measurements, registry
from zhengai.monitoring.choices import ACTIVE_STATUSES
from zhengai.monitoring.explain import elapsed_share, figure
from zhengai.monitoring.queries import visible as visible_warnings
from zhengai.org.access import restrict
from zhengai.org.choices import Role

from . import values
from .dashboards import held_roles

QUALIFIED, GOOD, EXCELLENT = 60.0, 80.0, 100.0
TREND_WINDOWS = 8  # stored windows a trend shows
KEY_INDICATORS = 6  # trends on one portrait
RECORDS = 20  # rows of each record table
CERTIFICATES = (AwardKind.CERTIFICATE, AwardKind.ONE_PLUS_X)


# --- finding the subject ------------------------------------------------------------------------------


def subject_for(user, level: str, key: str) -> Subject:
    """The subject of ``level`` named ``key``: 404 if there is none, 403 if it lies outside the user's
    scope (``zhengai.org.access``)."""
    if level not in Level.values:
        raise Http404
    subject = Subject.objects.filter(level=level, key=key).select_related("parent__parent__parent").first()
    if subject is None:
        raise Http404
    if not restrict(Subject.objects.filter(pk=subject.pk), user).exists():
        raise PermissionDenied(_("这个画像不在您的范围内。"))
    return subject


def url_of(subject: Subject) -> str:
    return reverse("portraits:subject", args=[subject.level, subject.key])


def breadcrumbs(subject: Subject, user) -> list[tuple[str, str | None]]:
    """School → department → specialty/course → the subject; an ancestor outside the user's scope is
    named without a link (one query for the ancestors the user may open)."""
    chain, node = [], subject.parent
    while node is not None and len(chain) < 4:
        chain.append(node)
        node = node.parent
    chain.reverse()
    open_ids = set(restrict(Subject.objects.filter(pk__in=[s.pk for s in chain]), user).values_list("pk", flat=True)) if chain else set()
    crumbs = [(s.name, url_of(s) if s.pk in open_ids else None) for s in chain]
    crumbs.append((subject.name, None))
    return crumbs


def class_breadcrumbs(klass: AdminClass, user) -> list[tuple[str, str | None]]:
    """An administrative class sits under its specialty's portrait."""
    specialty = Subject.objects.filter(level=Level.SPECIALTY, specialty_id=klass.specialty_id).select_related("parent__parent").first()
    crumbs = breadcrumbs(specialty, user) if specialty else []
    if crumbs:
        crumbs[-1] = (specialty.name, url_of(specialty) if restrict(Subject.objects.filter(pk=specialty.pk), user).exists() else None)
    return crumbs + [(klass.name, None)]


# --- the standard: 诊断项目 → points, scores on a common scale -------------------------------------------


@dataclass
class Point:
    """A 诊断点 of the subject's standard, judged over its own period (``window``: the point's
    评价周期 containing today, else the current term) — while that period runs, through today."""

    node: StandardNode
    project: StandardNode | None
    window: windows.Window
    value: float | None = None
    previous: float | None = None
    peers: float | None = None
    indicator: object = None
    previous_window: windows.Window | None = None
    today: date | None = None

    @property
    def display_name(self) -> str:
        """The point's name for the page: the standard's own (Chinese data) on a Chinese page; on an
        English page the English name of the indicator it is bound to, when the library has one."""
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and getattr(self.indicator, "name_en", ""):
            return self.indicator.name_en
        return self.node.name or getattr(self.indicator, "name", "")

    @property
    def share(self) -> float:
        """How much of the point's window has passed (1 once it is over)."""
        return elapsed_share(self.window, self.today) if self.today else 1.0

    @property
    def in_progress(self) -> bool:
        return self.share < 1.0

    @property
    def window_kind_label(self) -> str:
        return str(windows.KIND_LABELS.get(self.window.kind, self.window.kind))

    @property
    def accrues(self) -> bool:
        """Hours, counts of events or outputs: the value grows through the window."""
        return bool(getattr(self.indicator, "accumulates", False))

    @property
    def graded_at_term_end(self) -> bool:
        """Read from grades, which are recorded at the end of a term: judged once the period is over."""
        return "grades" in (getattr(self.indicator, "sources", None) or ())

    @property
    def paced(self) -> float | None:
        """The value judged fairly mid-period: an accruing value at the pace it keeps, to the
        window's end (20 hours by mid-year → 40); any other value as it is."""
        return self._paced(self.value)

    @property
    def peers_paced(self) -> float | None:
        return self._paced(self.peers)

    def _paced(self, value):
        if value is None or not (self.in_progress and self.accrues) or self.share <= 0:
            return value
        return value / self.share

    @property
    def met(self) -> bool | None:
        """Whether the value reaches the 合格 line (an accruing one, at its pace, while the period
        runs); None without a value or a line."""
        s = score(self.paced, self.node)
        return None if s is None else s >= QUALIFIED

    @property
    def status(self) -> str:
        """What the badge says: ``met``/``unmet`` once the period is over; while it runs ``on_track``/
        ``behind`` for an accruing value, ``met_so_far``/``below_so_far`` for any other; ``none``."""
        if self.in_progress and self.graded_at_term_end:
            return "pending"
        met = self.met
        if met is None:
            return "none"
        if not self.in_progress:
            return "met" if met else "unmet"
        if self.accrues:
            return "on_track" if met else "behind"
        return "met_so_far" if met else "below_so_far"

    @property
    def lines(self) -> dict:
        return {name: float(getattr(self.node, name)) for name in ("qualified", "good", "excellent", "yellow", "orange", "red")
                if getattr(self.node, name) is not None}


def score(value: float | None, node: StandardNode) -> float | None:
    """``value`` of a 诊断点 on the common scale (合格 60, 良好 80, 优秀 100), or None without a
    合格 line or a value."""
    if value is None:
        return None
    return scorer(node)(value)


def scorer(node: StandardNode):
    """``score`` for one 诊断点 as a function of the value, its lines read once (a level overview
    scores every subject of the level)."""
    if node.qualified is None:
        return lambda value: None
    steps = [(float(node.qualified), QUALIFIED)]
    if node.good is not None:
        steps.append((float(node.good), GOOD))
    if node.excellent is not None:
        steps.append((float(node.excellent), EXCELLENT))
    higher = node.direction != registry.LOWER
    q = steps[0][0]
    spans = list(zip(steps, steps[1:]))
    top = steps[-1][1] if len(steps) > 1 else QUALIFIED

    def of(value: float) -> float:
        if (value < q) if higher else (value > q):
            if higher:
                return round(max(0.0, QUALIFIED * value / q), 1) if q > 0 else 0.0
            return round(max(0.0, QUALIFIED * q / value), 1) if value > 0 else EXCELLENT
        for (lo, slo), (hi, shi) in spans:
            if (value <= hi) if higher else (value >= hi):
                return round(slo + (shi - slo) * (value - lo) / (hi - lo), 1) if hi != lo else shi
        return top

    return of


def _versions_for(subject: Subject, today: date) -> list[StandardVersion]:
    """Published versions in force today of the subject's level whose applicability holds the subject."""
    versions = list(StandardVersion.objects.filter(in_force_q(today), standard__level=subject.level)
                    .select_related("standard").order_by("standard__code", "pk"))
    found, evaluated = [], {}
    for version in versions:
        rule = version.applies_to or {}
        key = repr(sorted(rule.items()))
        if key not in evaluated:
            evaluated[key] = applicability.subject_ids(subject.level, rule)
        ids = evaluated[key]
        if ids is None or subject.pk in ids:
            found.append(version)
    return found


def _peers(subject: Subject) -> dict[int, int]:
    """The subjects a staff view compares with: a student's classmates, an offering's sister offerings
    of the course, otherwise the subjects of the level under the same parent (one query)."""
    column = LEVEL_COLUMN[subject.level]
    if column is None:
        return {}
    attname = Subject._meta.get_field(column).attname
    qs = Subject.objects.filter(level=subject.level, active=True).exclude(pk=subject.pk)
    if subject.level == Level.STUDENT:
        qs = qs.filter(admin_class_id=subject.admin_class_id)
    else:
        qs = qs.filter(parent_id=subject.parent_id)
    return dict(qs.values_list("pk", attname)[: registry.RESTRICT_AT_MOST])


@dataclass
class Standing:
    versions: list
    points: list[Point] = field(default_factory=list)
    radar: dict | None = None
    window: windows.Window | None = None
    previous_window: windows.Window | None = None


def standing(subject: Subject, today: date, *, with_peers: bool) -> Standing:
    """The subject's 诊断点 with their values this cycle and last, the peers' average, and the radar."""
    versions = _versions_for(subject, today)
    result = Standing(versions)
    if not versions:
        return result
    nodes = list(StandardNode.objects.filter(version__in=versions).order_by("version_id", "order", "pk"))
    by_id = {n.pk: n for n in nodes}

    def project_of(node):
        seen = 0
        while node.parent_id and seen < 5:
            node = by_id.get(node.parent_id, node)
            seen += 1
            if node.kind == NodeKind.PROJECT:
                return node
        return node if node.kind == NodeKind.PROJECT else None

    result.window = current_window(today)
    result.previous_window = _previous(result.window)
    known = registry.builtin_codes()
    points = []
    for n in nodes:
        if n.kind == NodeKind.POINT and n.indicator_code and (n.indicator_code in known or n.indicator_code.startswith("custom")):
            window = point_window(n, today, result.window)
            points.append(Point(n, project_of(n), window, previous_window=_previous(window), today=today))
    if not points:
        return result
    master = getattr(subject, Subject._meta.get_field(LEVEL_COLUMN[subject.level]).attname) if LEVEL_COLUMN[subject.level] else None
    mine = {subject.pk: master}
    peers = _peers(subject) if with_peers else {}
    # One evaluation per distinct window (the points' periods: a term, an academic year …), whatever
    # the number of points or peers.
    now, before = {}, {}
    try:
        for code_of_window, group in _by_window(points, "window").items():
            now[code_of_window] = values.evaluate(subject.level, sorted({p.node.indicator_code for p in group}),
                                                  group[0].window, {**mine, **peers})
        for code_of_window, group in _by_window(points, "previous_window").items():
            before[code_of_window] = values.evaluate(subject.level, sorted({p.node.indicator_code for p in group}),
                                                     group[0].previous_window, mine)
    except LookupError:  # a custom indicator deleted since the standard named it
        return result
    for p in points:
        code = p.node.indicator_code
        p.indicator = registry.get(code)
        found = now[p.window.code][code]
        p.value = found.get(subject.pk)
        if p.previous_window is not None:
            p.previous = before[p.previous_window.code][code].get(subject.pk)
        peer_values = [v for sid, v in found.items() if sid in peers]
        p.peers = round(sum(peer_values) / len(peer_values), 4) if peer_values else None
    result.points = sorted(points, key=lambda p: [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in p.node.code.split(".")])
    result.radar = _radar(points, with_peers)
    return result


def current_window(today: date) -> windows.Window:
    """The window a portrait calls "this cycle": the term containing today (else the academic year)."""
    try:
        return windows.containing("term", today)
    except windows.WindowError:
        return windows.containing("academic_year", today)


def point_window(node: StandardNode, today: date, default: windows.Window) -> windows.Window:
    """A point's own window: its 评价周期 (学年, 自然年 …) containing today, else ``default``."""
    if node.period:
        try:
            return windows.containing(node.period, today)
        except (windows.WindowError, ValueError):
            pass
    return default


def _previous(window: windows.Window) -> windows.Window | None:
    try:
        return windows.step(window, -1)
    except windows.WindowError:
        return None


def _by_window(points, attribute: str) -> dict[str, list[Point]]:
    groups: dict[str, list[Point]] = {}
    for p in points:
        window = getattr(p, attribute)
        if window is not None:
            groups.setdefault(window.code, []).append(p)
    return groups


def point_of(subject: Subject, node_id: int, today: date) -> Point:
    """One 诊断点 of the subject's standard, valued as its portrait values it (its own window, through
    today; the window before): 404 for a point of no standard that applies to the subject."""
    versions = _versions_for(subject, today)
    node = (StandardNode.objects.filter(pk=node_id, version__in=versions, kind=NodeKind.POINT).exclude(indicator_code="")
            .select_related("version__standard").first()) if versions else None
    if node is None:
        raise Http404
    try:
        indicator = registry.get(node.indicator_code)
    except LookupError:
        raise Http404 from None
    window = point_window(node, today, current_window(today))
    point = Point(node, None, window, indicator=indicator, previous_window=_previous(window), today=today)
    column = LEVEL_COLUMN[subject.level]
    mine = {subject.pk: getattr(subject, Subject._meta.get_field(column).attname) if column else None}
    point.value = values.evaluate(subject.level, [node.indicator_code], window, mine)[node.indicator_code].get(subject.pk)
    if point.previous_window is not None:
        point.previous = values.evaluate(subject.level, [node.indicator_code], point.previous_window, mine)[node.indicator_code].get(subject.pk)
    return point


def _axis_label(name: str) -> str:
    """Short enough for a radar's axis: 16 characters of Chinese, 28 of English."""
    return name[:16] if any(ord(c) >= 0x2E80 for c in name) else name[:28]


def _radar(points: list[Point], with_peers: bool) -> dict | None:
    """Axes are the 诊断项目 (the points themselves when a standard has fewer than three projects)."""
    groups = defaultdict(list)
    for p in points:
        if p.node.qualified is not None:
            groups[p.project.pk if p.project else p.node.pk].append(p)
    by_project = len(groups) >= 3
    if not by_project:
        groups = {p.node.pk: [p] for p in points if p.node.qualified is not None}
    if len(groups) < 3:
        return None
    names, series = [], {"subject": [], "previous": [], "peers": []}
    for members in groups.values():
        head = members[0]
        # A project is named by the standard alone (data); a point as in the table (English when the
        # indicator has an English name and the page is English).
        names.append(_axis_label(head.project.name if by_project and head.project else head.display_name))
        for key, attr in (("subject", "paced"), ("previous", "previous"), ("peers", "peers_paced")):
            scored = [(float(m.node.weight or 1), score(getattr(m, attr), m.node)) for m in members]
            scored = [(w, s) for w, s in scored if s is not None]
            total = sum(w for w, _s in scored)
            # No value is no point on the chart ("-", ECharts' missing value), never a score of 0.
            series[key].append(round(sum(w * s for w, s in scored) / total, 1) if total else "-")
    data = [
        {"name": _("本周期"), "value": series["subject"]},
        {"name": _("标准合格线"), "value": [QUALIFIED] * len(names)},
        {"name": _("上一周期"), "value": series["previous"]},
    ]
    if with_peers:
        data.append({"name": _("同类平均"), "value": series["peers"]})
    return {"indicators": [{"name": n, "max": EXCELLENT} for n in names], "series": data}


# --- trends of the key indicators, with the warning lines -------------------------------------------


def trends(subject: Subject, points: list[Point]) -> list[dict]:
    """The stored values (``indicators.measurements``, written by monitoring) of the subject's key indicators over the last
    windows, each with its 诊断点's lines (one query)."""
    chosen, seen = [], set()
    for p in points:
        if p.node.indicator_code not in seen:
            seen.add(p.node.indicator_code)
            chosen.append(p)
    chosen = chosen[:KEY_INDICATORS]
    if not chosen:
        return []
    stored = measurements.histories(subject.pk, [p.node.indicator_code for p in chosen], TREND_WINDOWS)
    result = []
    for p in chosen:
        series = stored.get(p.node.indicator_code, [])
        indicator = registry.get(p.node.indicator_code)
        lines = [{"name": str(label), "value": p.lines[key]} for key, label in (
            ("yellow", _("黄色预警线")), ("orange", _("橙色预警线")), ("red", _("红色预警线")), ("qualified", _("合格线")))
            if key in p.lines]
        result.append({
            "code": p.node.indicator_code, "name": indicator.name, "unit": indicator.unit, "point": p.node,
            "chart": {"labels": [w for w, _v in series], "values": [round(v, 2) for _w, v in series],
                      "name": indicator.name, "unit": indicator.unit, "lines": lines},
        })
    return result


# --- warnings, goals, records --------------------------------------------------------------------------


def warnings_of(subject: Subject, user) -> dict:
    """Active warnings (worst first) and the last few closed ones, with their corrections (one query each)."""
    qs = visible_warnings(user).filter(subject=subject)
    rank = {"red": 0, "orange": 1, "yellow": 2}
    active = sorted(qs.filter(status__in=ACTIVE_STATUSES), key=lambda w: (rank.get(w.grade, 3), -w.opened_at.timestamp()))
    past = list(qs.exclude(status__in=ACTIVE_STATUSES).order_by("-updated_at")[:5])
    units = {}
    for w in active + past:
        w.indicator_name = _indicator_name(w.indicator_code)
        if w.indicator_code not in units:
            try:
                units[w.indicator_code] = registry.get(w.indicator_code).unit if w.indicator_code else ""
            except LookupError:
                units[w.indicator_code] = ""
        w.value_text = figure(w.value, units[w.indicator_code])
        w.threshold_text = figure(w.threshold, units[w.indicator_code])
    return {"active": active, "past": past}


def _indicator_name(code: str) -> str:
    if not code:
        return ""
    try:
        return registry.get(code).name
    except LookupError:
        return code


def goals_of(subject: Subject, today: date) -> list:
    """The subject's goals with their progress (``chains.goals.goal_tree``)."""
    return goal_tree(Goal.objects.filter(owner=subject).exclude(status="draft"), today)


def records(subject: Subject, user, today: date) -> dict:
    """What the subject's portrait lists as its record, by level (a query per kind of record)."""
    level = subject.level
    if level == Level.STUDENT:
        sid = subject.student_id
        grades = list(restrict(Grade.objects.filter(student_id=sid), user).select_related("offering__course", "offering__term")
                      .order_by("-recorded_on", "-pk")[:RECORDS])
        awards = list(restrict(Award.objects.filter(student_id=sid), user).order_by("-awarded_on", "-pk")[:RECORDS])
        activity = restrict(ActivityRecord.objects.filter(student_id=sid), user)
        by_aspect = list(activity.values("aspect").annotate(hours=Sum("hours"), n=Count("pk")).order_by("aspect"))
        for row in by_aspect:
            row["aspect_label"] = Development(row["aspect"]).label if row["aspect"] in Development.values else row["aspect"]
        return {
            "grades": grades,
            "awards": [a for a in awards if a.kind not in CERTIFICATES],
            "certificates": [a for a in awards if a.kind in CERTIFICATES],
            "activity_by_aspect": by_aspect,
            "activity_hours": sum((row["hours"] or Decimal(0)) for row in by_aspect),
            "activities": list(activity.order_by("-occurred_on", "-pk")[:RECORDS]),
        }
    if level == Level.TEACHER:
        staff = subject.staff_id
        return {
            "teaching": list(Offering.objects.filter(teacher_id=staff).select_related("course", "term", "admin_class")
                             .order_by("-term__start_date", "code")[:RECORDS]),
            "training": list(restrict(TrainingRecord.objects.filter(staff_id=staff), user).order_by("-attended_on", "-pk")[:RECORDS]),
            "practice": list(restrict(EnterprisePractice.objects.filter(staff_id=staff), user).order_by("-start_date", "-pk")[:RECORDS]),
            "research": list(restrict(ResearchOutput.objects.filter(staff_id=staff), user).order_by("-achieved_on", "-pk")[:RECORDS]),
        }
    return {}


# --- the cycle ----------------------------------------------------------------------------------------------


def cycle_of(subject: Subject) -> dict:
    """The subject's diagnosis cycle as its portrait shows it (``zhengai.cycles.queries``, the layer
    below): the current cycle (phase, period, report status, lateness) and, for a teacher or a
    student, the rating their last ended cycle closed with. Three queries and the policies."""
    from zhengai.cycles.choices import Phase
    from zhengai.cycles.queries import current_cycles, end_ratings

    current = current_cycles([subject.pk]).get(subject.pk)
    rating = end_ratings([subject.pk]).get(subject.pk) if subject.level in (Level.TEACHER, Level.STUDENT) else None
    return {"info": current, "rating": rating, "phases": list(Phase)}


# --- links down ------------------------------------------------------------------------------------------


CHILD_LEVELS = {
    Level.SCHOOL: [Level.DEPARTMENT],
    Level.DEPARTMENT: [Level.SPECIALTY, Level.COURSE, Level.TEACHER],
    Level.SPECIALTY: [Level.STUDENT],
    Level.COURSE: [Level.OFFERING],
}
CHILDREN_SHOWN = 60


def children(subject: Subject, user) -> list[dict]:
    """The subjects one level down that the user may open, by level (one query per child level);
    a specialty's students are reached through its classes, so it lists the classes instead."""
    groups = []
    if subject.level == Level.SPECIALTY:
        classes = list(restrict(AdminClass.objects.filter(specialty_id=subject.specialty_id), user).order_by("code"))
        groups.append({"label": _("行政班"), "links": [(c.name, reverse("portraits:admin_class", args=[c.code])) for c in classes]})
        return groups
    if subject.level == Level.TEACHER:
        offerings = restrict(Subject.objects.filter(level=Level.OFFERING, staff_id=subject.staff_id, active=True), user)
        links = [(s.name, url_of(s)) for s in offerings.order_by("-key")[:CHILDREN_SHOWN]]
        return [{"label": Level(Level.OFFERING).label, "links": links}] if links else []
    for level in CHILD_LEVELS.get(subject.level, []):
        qs = Subject.objects.filter(level=level, active=True)
        qs = qs.filter(parent=subject) if level != Level.TEACHER else qs.filter(department_id=subject.department_id)
        links = [(s.name, url_of(s)) for s in restrict(qs, user).order_by("key")[:CHILDREN_SHOWN]]
        if links:
            groups.append({"label": Level(level).label, "links": links})
    return groups


def is_self_view(user, subject: Subject) -> bool:
    """A student looking at their own portrait: supportive wording, no peers."""
    if subject.level != Level.STUDENT or subject.student_id is None:
        return False
    try:
        return user.student.pk == subject.student_id
    except Exception:  # the account has no student row
        return False


def staff_view(user) -> bool:
    """Whether the viewer holds any role beyond student (staff views show the peers' average)."""
    return bool(held_roles(user) - {Role.STUDENT})
