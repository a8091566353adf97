"""Read functions over cycles, for pages, commands and other apps (portraits, workspaces, the annual
report). Each runs a fixed number of queries whatever the number of subjects.

- ``cycle_rows(level, period, user=None)`` — one row per cycle of a level overlapping a period:
  subject key and name, period, phase, owners' names, report status, days late (the calendar, the
  ``zhengai cycles list`` command);
- ``current_cycles(subject_ids)`` — subject id → ``CycleInfo`` of its current cycle (the open one
  holding today, else its latest): phase, period, report status, late days — what a portrait shows;
- ``cycles_to_move(user)`` — the open cycles the user may move on (``advance_cycle_phase``), late
  first: a workspace's to-do;
- ``reports_to_write(user)`` / ``reports_to_review(user)`` — cycles in 诊断 whose report the user
  owns and has not submitted, and submitted reports the user reviews;
- ``published_highlights(level, period)`` — the published reports of a level and period with their
  counts and drafted sentences (the annual quality report reads them);
- ``end_ratings(subject_ids)`` — subject id → ``EndRating`` of its latest ended cycle that has one
  (a teacher's or a student's: 优秀 / 良好 / 合格 / 不合格 from its self-diagnosis,
  ``zhengai.cycles.ratings``) — what a portrait shows. One query.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from zhengai.core import clock, windows
from zhengai.org import access

from . import periods
from .choices import PHASE_INDEX, CycleStatus, Phase, ReportStatus
from .models import Cycle

COLUMNS = ["subject", "level", "period", "phase", "owner", "report_status"]


@dataclass
class CycleInfo:
    """A cycle as other pages show it."""

    pk: int
    subject_id: int
    subject_key: str
    subject_name: str
    level: str
    period: str
    start: date
    end: date
    phase: str
    status: str
    report_status: str
    late_days: int
    owners: str = ""
    end_rating: str = ""  # a closed teacher's or student's cycle: 优秀 / 良好 / 合格 / 不合格

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    @property
    def phase_index(self) -> int:
        return PHASE_INDEX[self.phase]

    @property
    def report_status_label(self) -> str:
        return ReportStatus(self.report_status).label

    @property
    def closed(self) -> bool:
        return self.status == CycleStatus.CLOSED


_FIELDS = ("pk", "subject_id", "subject__key", "subject__name", "level", "period", "start", "end", "phase", "status",
           "end_rating")


def report_statuses(cycle_ids) -> dict[int, str]:
    """cycle id → the status of its latest report version (one query); absent: none drafted."""
    from .models import Report

    out = {}
    ids = list(cycle_ids)
    if not ids:
        return out
    for cycle_id, status in Report.objects.filter(cycle_id__in=ids).order_by("cycle_id", "version").values_list("cycle_id", "status"):
        out[cycle_id] = status
    return out


def _infos(rows, today, with_owners=False) -> list[CycleInfo]:
    rows = list(rows)
    if not rows:  # nothing to show: no policies, reports or owners to read
        return []
    pols = periods.policies()
    statuses = report_statuses([r["pk"] for r in rows])
    infos = [CycleInfo(
        pk=r["pk"], subject_id=r["subject_id"], subject_key=r["subject__key"], subject_name=r["subject__name"],
        level=r["level"], period=r["period"], start=r["start"], end=r["end"], phase=r["phase"], status=r["status"],
        report_status=statuses.get(r["pk"], ReportStatus.NONE),
        late_days=periods.lateness(r["phase"], r["status"] == CycleStatus.CLOSED, r["start"], r["end"],
                                   pols[r["level"]].diagnosis_days, today),
        end_rating=r.get("end_rating", ""),
    ) for r in rows]
    if with_owners:
        names = owner_names({i.level for i in infos}, [i.subject_id for i in infos])
        for info in infos:
            info.owners = names.get(info.subject_id, "")
    return infos


def owner_names(levels, subject_ids) -> dict[int, str]:
    """subject id → its owners' names (责任人, from role scopes: ``zhengai.monitoring.owners``), joined
    with “、”; one query per level and role scope, one for the names."""
    from zhengai.monitoring.owners import owners_for, subject_rows

    out_ids = {}
    ids = set(subject_ids)
    for level in levels:
        rows = subject_rows(level, ids)
        out_ids.update(owners_for(level, {pk: row for pk, row in rows.items() if row["pk"] in ids}))
    users = {u for us in out_ids.values() for u in us}
    User = get_user_model()
    named = {pk: display or username for pk, display, username in
             User.objects.filter(pk__in=sorted(users)).values_list("pk", "display_name", "username")} if users else {}
    return {sid: "、".join(sorted(named.get(u, "") for u in us)) for sid, us in out_ids.items()}


def overlapping(level: str, window: windows.Window, user=None):
    qs = Cycle.objects.filter(level=level, start__lte=window.end, end__gte=window.start)
    if user is not None:
        qs = access.restrict(qs, user)
    return qs


def cycle_rows(level: str, period: str, user=None, *, late_only=False, phase: str = "") -> list[CycleInfo]:
    """The cycles of ``level`` whose period overlaps ``period`` (a window code), by subject key,
    with owners; only those ``user`` may see when given."""
    window = windows.parse(period)
    qs = overlapping(level, window, user)
    if phase in PHASE_INDEX:
        qs = qs.filter(phase=phase, status=CycleStatus.OPEN)
    infos = _infos(qs.order_by("subject__key", "start").values(*_FIELDS), clock.today(), with_owners=True)
    if late_only:
        infos = [i for i in infos if i.late_days]
    return infos


def as_rows(infos) -> list[list]:
    """``COLUMNS`` for the command line and exports."""
    return [[i.subject_key, i.level, i.period, "closed" if i.closed else i.phase, i.owners, i.report_status]
            for i in infos]


def current_cycles(subject_ids) -> dict[int, CycleInfo]:
    """subject id → its current cycle: the open cycle holding today (the latest started when
    several), else the latest it had. Two queries (cycles, reports) and the policies."""
    today = clock.today()
    best = {}
    rows = Cycle.objects.filter(subject_id__in=list(subject_ids)).order_by("subject_id", "start").values(*_FIELDS)
    for r in rows:
        holds = r["status"] == CycleStatus.OPEN and r["start"] <= today
        rank = (holds, r["start"])
        if r["subject_id"] not in best or rank >= best[r["subject_id"]][0]:
            best[r["subject_id"]] = (rank, r)
    infos = _infos([r for _rank, r in best.values()], today)
    return {i.subject_id: i for i in infos}


def cycles_to_move(user, limit: int = 50) -> list[CycleInfo]:
    """The open cycles ``user`` may move on, late first then by end date."""
    qs = access.restrict(Cycle.objects.filter(status=CycleStatus.OPEN, start__lte=clock.today()), user,
                         access.ADVANCE_CYCLE_PHASE)
    infos = _infos(qs.order_by("end", "subject__key").values(*_FIELDS)[:limit * 4], clock.today())
    infos.sort(key=lambda i: (-i.late_days, i.end, i.subject_key))
    return infos[:limit]


def phase_counts(level: str, window: windows.Window, user=None) -> dict[str, int]:
    """phase (or ``closed``) → number of cycles, for the calendar's header."""
    from django.db.models import Count

    counts = {p: 0 for p in PHASE_INDEX}
    counts["closed"] = 0
    qs = overlapping(level, window, user)
    for phase, status, n in qs.values_list("phase", "status").annotate(n=Count("pk")).order_by():
        counts["closed" if status == CycleStatus.CLOSED else phase] += n
    return counts


def reports_to_write(user, limit: int = 50) -> list[CycleInfo]:
    """Open cycles in 诊断 the user owns whose report is not drafted, a draft, or returned."""
    from .models import Report

    qs = access.restrict(Cycle.objects.filter(status=CycleStatus.OPEN, phase=Phase.DIAGNOSE), user, access.SUBMIT_REPORT)
    infos = _infos(qs.order_by("end", "subject__key").values(*_FIELDS)[:limit], clock.today())
    return [i for i in infos if i.report_status in (ReportStatus.NONE, ReportStatus.DRAFT, ReportStatus.RETURNED)]


def reports_to_review(user, limit: int | None = 50):
    """Submitted reports the user may approve or return (a queryset, oldest first; all with
    ``limit=None``). The drafted data and the texts are left unread: a list shows whose and when."""
    from django.db.models import Q as _Q

    from .models import Report

    submitted = (Report.objects.filter(status=ReportStatus.SUBMITTED).select_related("cycle__subject")
                 .defer("data", "achievements", "problems", "causes", "measures", "review_comment"))
    school = access.scope_q(Report, user, access.APPROVE_SCHOOL_REPORT)
    others = access.scope_q(Report, user, access.REVIEW_REPORT)
    q = _Q(pk__in=[])
    if access.may(user, access.APPROVE_SCHOOL_REPORT):
        q |= _Q(cycle__level="school") & (school if school is not None else _Q())
    if access.may(user, access.REVIEW_REPORT):
        q |= ~_Q(cycle__level="school") & (others if others is not None else _Q())
    found = submitted.filter(q).order_by("submitted_at", "pk")
    return found if limit is None else found[:limit]


def published_highlights(level: str, period: str) -> list[dict]:
    """The latest published report of each cycle of ``level`` overlapping ``period``: subject key and
    name, period, version, published date, counts (合格/预警/不合格/未评), drafted sentences, radar. Two
    queries."""
    from .models import Report

    window = windows.parse(period)
    rows = {}
    for r in (Report.objects.filter(status=ReportStatus.PUBLISHED, cycle__level=level, cycle__start__lte=window.end,
                                    cycle__end__gte=window.start)
              .select_related("cycle__subject").order_by("cycle_id", "version")):
        rows[r.cycle_id] = {"subject": r.cycle.subject.key, "name": r.cycle.subject.name, "period": r.cycle.period,
                            "version": r.version, "published": r.published_at.date().isoformat() if r.published_at else "",
                            "counts": r.data.get("counts", {}), "sentences": r.data.get("sentences", []),
                            "radar": r.data.get("radar", []), "report_id": r.pk}
    return sorted(rows.values(), key=lambda d: d["subject"])


@dataclass
class EndRating:
    """The rating a teacher's or a student's cycle ended with."""

    subject_id: int
    cycle_id: int
    period: str
    rating: str
    closed_on: date | None

    @property
    def label(self) -> str:
        from .ratings import LABELS

        return str(LABELS.get(self.rating, self.rating))


def end_ratings(subject_ids) -> dict[int, EndRating]:
    """subject id → the rating of its latest ended cycle that has one (one query)."""
    from .ratings import RATED_LEVELS

    out = {}
    rows = (Cycle.objects.filter(subject_id__in=list(subject_ids), level__in=RATED_LEVELS, status=CycleStatus.CLOSED)
            .exclude(end_rating="").order_by("subject_id", "end", "pk")
            .values_list("subject_id", "pk", "period", "end_rating", "closed_on"))
    for sid, pk, period, rating, closed_on in rows:
        out[sid] = EndRating(sid, pk, period, rating, closed_on)
    return out
