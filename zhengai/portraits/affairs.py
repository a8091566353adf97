"""网上事务服务大厅 (the online affairs hall): everything a person has to do now, in one list.

One list over the apps that ask people to act, each kind decided by the act that lets the user do
it (``zhengai.org.access``), never by role names:

- ``warning`` — active warnings the user owns (``monitoring.owners.owned_q``) and may move on
  (``acknowledge_warning`` … ``resolve_warning``), or, for the student or teacher a warning is
  about, may give their own account of (``self_report_warning``);
- ``report`` — tasks (年度工作任务, 部门任务) of subjects the user owns (``submit_evidence``'s owner
  reach) that are under way and have no progress report in the last ``REPORT_EVERY_DAYS`` days, or
  are past their end and not reported complete;
- ``goal`` — the user's own plan or growth goals still in draft or returned (``submit_goal``);
- ``approval`` — personal goals submitted for review that the user may approve (``approve_goal``);
- ``review`` — self-diagnosis evidence submitted and awaiting the user's review (``review_evidence``);
- ``evidence`` — self-diagnosis evidence the user owes this term, missing or asked for more
  (``cycles.selfdiag.my_items``).

``items(user)`` runs a fixed number of queries whatever the number of rows (one or two a kind);
``counts(user)`` gives the number of each kind for a home page.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengai.core import clock
from zhengai.org import access
from zhengai.org.access import restrict

# A task under way is due a progress report when its latest one is older than this (monthly, as
# the college's plan asks departments to report on the annual tasks).
REPORT_EVERY_DAYS = 30

KINDS = {
    "warning": gettext_lazy("预警处置"),
    "report": gettext_lazy("任务进展填报"),
    "goal": gettext_lazy("目标待提交"),
    "approval": gettext_lazy("目标审核"),
    "review": gettext_lazy("自诊材料审核"),
    "evidence": gettext_lazy("自诊材料提交"),
}
# How urgent each kind is when two items fall due the same day: a red warning before paperwork.
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass
class Item:
    """One thing to do: what, about whom, since or until when, and where to do it."""

    kind: str
    title: str
    subject: str
    url: str
    action: str
    due: date | None = None  # the day it falls (or fell) due; None: as soon as possible
    since: date | None = None  # the day it arrived
    status: str = ""
    grade: str = ""  # a warning's grade (yellow/orange/red)
    detail: str = ""
    sort: tuple = field(default=(), repr=False)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def late(self) -> bool:
        return self.due is not None and self.due < clock.today()


# ------------------------------------------------------------------------------------ the kinds

def _warning_rows(user, today: date):
    """The warnings of ``_warnings`` in the list's order (worst grade first, then the oldest window),
    or None when the user's acts reach none."""
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import Coalesce

    from zhengai.monitoring.choices import GRADE_RANK
    from zhengai.monitoring.models import Warning
    from zhengai.monitoring.owners import owned_q
    from zhengai.monitoring.queries import filtered

    staff = access.may(user, access.ACKNOWLEDGE_WARNING)
    own = access.may(user, access.SELF_REPORT_WARNING)
    if not (staff or own):
        return None
    qs = filtered(user, status="active").filter(owned_q(user))
    acting = access.scope_q(Warning, user, access.ACKNOWLEDGE_WARNING) if staff else access.NOTHING
    if acting is not None:  # None: a school-wide grant acts on every warning it owns
        qs = qs.filter(acting | access.own_subjects_q(Warning, user) if own else acting)
    rank = Case(*[When(grade=grade, then=Value(n)) for grade, n in GRADE_RANK.items()], default=Value(0),
                output_field=IntegerField())
    return qs.order_by(rank.desc(), Coalesce("opened_window_end", Value(today)), "-pk")


def _warnings(user, today: date, rows=None) -> list[Item]:
    """Active warnings the user owns and may act on: staff move them on, the person a warning is
    about gives their account (1 query; indicator names are the library's, read once per code).
    ``rows``: a slice of ``_warning_rows`` instead of all of them."""
    from zhengai.monitoring.choices import GRADE_RANK, WarningStatus
    from zhengai.monitoring.sources import label_warnings

    if rows is None:
        rows = _warning_rows(user, today)
        if rows is None:
            return []
    warnings = list(rows)
    label_warnings(warnings)
    grants = access.grants_for(user)
    actions = {
        WarningStatus.OPEN: _("确认并分析原因"),
        WarningStatus.ACKNOWLEDGED: _("制定纠偏措施"),
        WarningStatus.CORRECTING: _("跟进纠偏成效"),
    }
    out = []
    for w in warnings:
        about_me = (w.level == "student" and w.subject.student_id in grants.self_student) or (
            w.level == "teacher" and w.subject.staff_id in grants.self_staff)
        out.append(Item(
            kind="warning", title=w.indicator_label, subject=w.subject.name,
            url=reverse("monitoring:warning", args=[w.pk]),
            action=_("说明情况") if about_me else actions.get(w.status, _("处理")),
            since=w.opened_window_end or w.opened_at.date(), status=w.get_status_display(), grade=w.grade,
            detail=w.get_grade_display(),
            sort=(-GRADE_RANK.get(w.grade, 0), w.opened_window_end or today),
        ))
    return out


def _reports(user, today: date) -> list[Item]:
    """Tasks of the subjects the user owns that are under way (or overdue and not complete) with
    no progress report in the last ``REPORT_EVERY_DAYS`` days (1 query)."""
    from zhengai.chains.models import Goal, TaskReport
    from zhengai.chains.progress import TASK_KINDS

    if not access.may(user, access.SUBMIT_EVIDENCE):
        return []
    latest = TaskReport.objects.filter(goal=OuterRef("pk")).order_by("-as_of", "-pk")
    tasks = (
        restrict(Goal.objects.filter(kind__in=TASK_KINDS, start__lte=today), user, access.SUBMIT_EVIDENCE)
        .annotate(last_as_of=Subquery(latest.values("as_of")[:1]), last_completion=Subquery(latest.values("completion")[:1]))
        .select_related("owner")
        .order_by("end", "pk")
    )
    stale = today - timedelta(days=REPORT_EVERY_DAYS)
    out = []
    for task in tasks:
        complete = task.last_completion is not None and task.last_completion >= 100
        if complete:
            continue
        overdue = task.end is not None and task.end < today and not task.recurring
        if not overdue and task.last_as_of is not None and task.last_as_of > stale:
            continue
        if task.last_as_of is None:
            due = task.start + timedelta(days=REPORT_EVERY_DAYS)
            detail = _("尚未填报进展")
        else:
            due = task.last_as_of + timedelta(days=REPORT_EVERY_DAYS)
            detail = _("上次填报 %(day)s，完成度 %(completion)s%%") % {
                "day": task.last_as_of.isoformat(), "completion": f"{task.last_completion:.0f}"}
        if overdue:
            due = min(due, task.end)
        out.append(Item(
            kind="report", title=task.title, subject=task.owner.name, url=reverse("chains:goal", args=[task.pk]),
            action=_("填报进展"), due=due, since=task.start, status=task.get_kind_display(), detail=detail,
            sort=(due,),
        ))
    return out


def _own_goals(user, today: date) -> list[Item]:
    """The user's own plan or growth goals in draft or returned (1 query)."""
    from zhengai.chains.choices import PERSONAL_KINDS, GoalStatus
    from zhengai.chains.models import Goal

    if not access.may(user, access.SUBMIT_GOAL):
        return []
    goals = (restrict(Goal.objects.filter(kind__in=PERSONAL_KINDS, status__in=[GoalStatus.DRAFT, GoalStatus.RETURNED]),
                      user, access.SUBMIT_GOAL)
             .select_related("owner").order_by("start", "pk"))
    out = []
    for goal in goals:
        returned = goal.status == GoalStatus.RETURNED
        out.append(Item(
            kind="goal", title=goal.title, subject=goal.owner.name, url=reverse("chains:goal", args=[goal.pk]),
            action=_("按意见修改后提交") if returned else _("提交审核"), since=goal.start,
            status=goal.get_status_display(), detail=goal.review_comment if returned else goal.get_kind_display(),
            sort=(goal.start,),
        ))
    return out


def _approval_rows(user, today: date):
    """Personal goals submitted for review that the user may approve, the longest waiting first
    (the day each was submitted is its latest ``submit_goal`` event), or None."""
    from django.db.models.functions import Coalesce

    from zhengai.chains.choices import PERSONAL_KINDS, GoalStatus
    from zhengai.chains.models import Goal

    if not access.may(user, access.APPROVE_GOAL):
        return None
    return (restrict(Goal.objects.filter(kind__in=PERSONAL_KINDS, status=GoalStatus.SUBMITTED), user, access.APPROVE_GOAL)
            .annotate(submitted_at=Max("events__at", filter=Q(events__action="submit_goal")))
            .select_related("owner").order_by(Coalesce("submitted_at", "created_at"), "pk"))


def _approvals(user, today: date, rows=None) -> list[Item]:
    """Personal goals submitted for review that the user may approve (1 query)."""
    if rows is None:
        rows = _approval_rows(user, today)
        if rows is None:
            return []
    out = []
    for goal in rows:
        since = timezone.localdate(goal.submitted_at or goal.created_at)
        out.append(Item(
            kind="approval", title=goal.title, subject=goal.owner.name, url=reverse("chains:goal", args=[goal.pk]),
            action=_("审核目标"), since=since, status=goal.get_status_display(), detail=goal.get_kind_display(),
            sort=(since,),
        ))
    return out


def _review_rows(user, today: date):
    """Self-diagnosis evidence submitted and awaiting the user's review, the longest waiting first, or
    None; not what is frozen with its cycle's published report."""
    from zhengai.cycles.choices import EvidenceStatus, ReportStatus
    from zhengai.cycles.models import PointEvidence

    if not access.may(user, access.REVIEW_EVIDENCE):
        return None
    return (restrict(PointEvidence.objects.filter(status=EvidenceStatus.SUBMITTED), user, access.REVIEW_EVIDENCE)
            .exclude(cycle__reports__status=ReportStatus.PUBLISHED).select_related("subject", "point")
            .order_by("submitted_at", "pk"))


def _reviews(user, today: date, rows=None) -> list[Item]:
    """Self-diagnosis evidence submitted and awaiting the user's review (1 query)."""
    if rows is None:
        rows = _review_rows(user, today)
        if rows is None:
            return []
    out = []
    for e in rows:
        since = timezone.localdate(e.submitted_at)
        out.append(Item(
            kind="review", title=e.point.name, subject=e.subject.name, url=reverse("cycles:evidence_detail", args=[e.pk]),
            action=_("审核材料"), since=since, status=e.get_status_display(), detail=e.window, sort=(since,),
        ))
    return out


def _evidence(user, today: date) -> list[Item]:
    """Self-diagnosis evidence the user owes this term, missing or asked for more (the queries of
    ``cycles.selfdiag.my_items``: a fixed number)."""
    from zhengai.cycles import selfdiag
    from zhengai.cycles.choices import EvidenceStatus

    if not access.may(user, access.SUBMIT_EVIDENCE):
        return []
    window = selfdiag.current_window(today)
    out = []
    for group in selfdiag.my_items(user, window):
        for item in group.items:
            if item.frozen or item.status not in (selfdiag.MISSING, EvidenceStatus.MORE):
                continue
            more = item.status == EvidenceStatus.MORE
            out.append(Item(
                kind="evidence", title=item.point.name, subject=group.subject.name,
                url=reverse("cycles:self_diagnosis") + f"?window={window.code}",
                action=_("按意见补充材料") if more else _("提交材料"), due=window.end,
                status=selfdiag.status_label(item.status),
                detail=item.evidence.review_comment if more else window.code, sort=(window.end,),
            ))
    return out


READERS = {
    "warning": _warnings, "report": _reports, "goal": _own_goals, "approval": _approvals, "review": _reviews,
    "evidence": _evidence,
}
# The kinds that may run to thousands of rows (a quality office's warnings and reviews): each a
# query of its rows in the list's order, so a summary counts them in the database and reads only its
# first few. Their items have no due day, so none of them is ever late.
BOUNDED = {"warning": _warning_rows, "approval": _approval_rows, "review": _review_rows}


def _order(today: date):
    def key(item: Item):
        return (not item.late, item.due or today, _KIND_ORDER[item.kind], item.sort)

    return key


def items(user, kind: str = "") -> list[Item]:
    """Everything the user has to do, late first, then by due day; ``kind`` keeps one kind
    (an unknown kind is ignored)."""
    today = clock.today()
    kinds = [kind] if kind in READERS else list(READERS)
    out = []
    for k in kinds:
        out.extend(READERS[k](user, today))
    return sorted(out, key=_order(today))


@dataclass
class Summary:
    """The head of the list for a home page: its first items, the number of each kind, how many in
    all and how many late — the same as ``items`` would give, without reading every row."""

    items: list[Item]
    counts: list[tuple[str, str, int]]
    total: int
    late: int


def summary(user, first: int = 5) -> Summary:
    """The first ``first`` items of ``items(user)`` and its counts, in a fixed number of queries
    whatever the length of the list: the bounded kinds are counted in the database and only their
    first ``first`` rows read (the first items of the whole list are among the first of each kind)."""
    today = clock.today()
    found, n = [], {}
    for kind, reader in READERS.items():
        if kind in BOUNDED:
            rows = BOUNDED[kind](user, today)
            if rows is None:
                continue
            n[kind] = rows.count()
            if n[kind] and first:
                found.extend(reader(user, today, rows=rows[:first]))
        else:
            everything = reader(user, today)
            n[kind] = len(everything)
            found.extend(everything)
    found.sort(key=_order(today))
    return Summary(items=found[:first], counts=[(kind, str(label), n[kind]) for kind, label in KINDS.items() if n.get(kind)],
                   total=sum(n.values()), late=sum(1 for item in found if item.late))


def counts(all_items: list[Item]) -> list[tuple[str, str, int]]:
    """(kind, label, number) of each kind present in ``all_items``, in the hall's order."""
    n: dict[str, int] = {}
    for item in all_items:
        n[item.kind] = n.get(item.kind, 0) + 1
    return [(kind, str(label), n[kind]) for kind, label in KINDS.items() if n.get(kind)]
