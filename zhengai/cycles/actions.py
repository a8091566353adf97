"""Opening cycles and moving them around the big loop: each state change a
``do_<verb>_<noun>(…, *, acting_user)`` in one transaction with its ``CycleEvent`` rows.

- ``do_open_cycles(level, period)`` opens, set-based, the cycle of every active subject of the level
  for the period (every offering of a term at once) and links them into the cycles they nest in; a
  subject that already has a cycle for the period keeps it (opening twice changes nothing).
- ``do_advance_phase`` / ``do_move_back_phase`` move a cycle one phase on or back
  (``access.ADVANCE_CYCLE_PHASE``: the cycle's owner, or the quality office); moving on from 改进 closes
  the cycle. Moving back needs a reason. What a phase needs before it may be left is asked of
  ``zhengai.cycles.gates``.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from zhengai.core import clock, windows
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.org import access

from . import periods
from .choices import PHASES, CycleStatus, EventKind, Phase
from .models import Cycle, CycleEvent, CyclePolicy


@dataclass
class OpenResult:
    level: str
    period: str
    created: int
    existing: int
    skipped: int  # subjects whose own period (a course's construction project) lies outside the one given
    linked: int


def _candidates(level: str, window: windows.Window):
    """(subject id, period code, start, end) of every subject of ``level`` a cycle opens for."""
    subjects = Subject.objects.filter(level=level, active=True)
    if level == Level.OFFERING:
        # The offerings taught in the period: a term's, or every term inside a longer period.
        subjects = subjects.filter(offering__term__start_date__gte=window.start, offering__term__end_date__lte=window.end)
    if level == Level.COURSE:
        rows = subjects.values_list("pk", "course__construction_start", "course__construction_end")
        out, skipped = [], 0
        for pk, start, end in rows:
            if start and end:
                if end < window.start or start > window.end:
                    skipped += 1
                    continue
                own = windows.days(start, end)
                out.append((pk, own.code, own.start, own.end))
            else:
                out.append((pk, window.code, window.start, window.end))
        return out, skipped
    return [(pk, window.code, window.start, window.end) for pk in subjects.values_list("pk", flat=True)], 0


def do_open_cycles(level: str, period: str, *, acting_user=None) -> OpenResult:
    """Open the cycles of every active subject of ``level`` for ``period`` in bulk (a fixed number
    of queries whatever the number of subjects)."""
    if acting_user is not None:
        access.require(acting_user, access.MANAGE_CYCLES)
    window = periods.check_period(level, period)
    today = clock.today()
    with transaction.atomic():
        candidates, skipped = _candidates(level, window)
        codes = {c[1] for c in candidates}
        taken = set(Cycle.objects.filter(level=level, period__in=sorted(codes)).values_list("subject_id", "period"))
        new = [Cycle(subject_id=sid, level=level, period=code, start=start, end=end, phase=Phase.GOAL, phase_since=today,
                     opened_by=acting_user)
               for sid, code, start, end in candidates if (sid, code) not in taken]
        Cycle.objects.bulk_create(new, batch_size=2000)
        # Both databases return the new rows' ids from a bulk insert (PostgreSQL, SQLite ≥ 3.35).
        ids = [c.pk for c in new]
        CycleEvent.objects.bulk_create(
            [CycleEvent(cycle_id=pk, kind=EventKind.OPENED, actor=acting_user, to_phase=Phase.GOAL,
                        detail={"level": level, "period": window.code}) for pk in ids], batch_size=2000)
        linked = link_nested(level)
        if new:
            # Evidence given before its cycle opened now belongs to it (set-based, per window).
            from .selfdiag import attach_to_cycles

            attach_to_cycles()
    return OpenResult(level, window.code, len(new), len(taken), skipped, linked)


def link_nested(level: str) -> int:
    """Link the cycles of ``level`` to the cycles they nest in, and the cycles nesting in
    ``level``'s to them: a child's parent is the cycle of its subject's parent subject whose period
    holds the child's start. Set-based; returns how many links changed."""
    changed = 0
    pairs = [(child, parent) for child, parent in periods.NESTS_IN.items() if level in (child, parent)]
    for child_level, parent_level in pairs:
        children = list(Cycle.objects.filter(level=child_level, parent__isnull=True, status=CycleStatus.OPEN)
                        .values_list("pk", "subject__parent_id", "start"))
        if not children:
            continue
        parent_subjects = {row[1] for row in children if row[1]}
        by_subject = {}
        for pk, sid, start, end in (Cycle.objects.filter(level=parent_level, subject_id__in=sorted(parent_subjects))
                                    .order_by("start").values_list("pk", "subject_id", "start", "end")):
            by_subject.setdefault(sid, []).append((start, end, pk))
        updates = []
        for pk, parent_subject, start in children:
            for p_start, p_end, parent_pk in by_subject.get(parent_subject, ()):
                if p_start <= start <= p_end:
                    updates.append(Cycle(pk=pk, parent_id=parent_pk))
                    break
        Cycle.objects.bulk_update(updates, ["parent_id"], batch_size=2000)
        changed += len(updates)
    return changed


# ------------------------------------------------------------------------------------ phase moves

def _locked(cycle, user) -> Cycle:
    """The cycle re-read under a row lock: 404 if the user cannot see it, 403 if they may not move it."""
    pk = getattr(cycle, "pk", cycle)
    found = access.restrict(Cycle.objects.select_for_update(), user, access.ADVANCE_CYCLE_PHASE).filter(pk=pk).first()
    if found is None:
        if access.restrict(Cycle.objects.all(), user).filter(pk=pk).exists():
            raise PermissionDenied(_("您不能推进或退回该诊改周期。"))
        raise Http404
    return found


def do_advance_phase(cycle, *, acting_user, note: str = "") -> Cycle:
    """Move the cycle on to its next phase; from 改进 the cycle closes."""
    from . import gates

    with transaction.atomic():
        cycle = _locked(cycle, acting_user)
        if cycle.is_closed:
            raise ValidationError(_("该诊改周期已结束。"))
        gates.check_leave(cycle)
        index = PHASES.index(cycle.phase)
        today = clock.today()
        if index == len(PHASES) - 1:
            CycleEvent.objects.create(cycle=cycle, kind=EventKind.CLOSED, actor=acting_user, from_phase=cycle.phase,
                                      to_phase=cycle.phase, note=note)
            from .ratings import RATED_LEVELS, ratings_for

            cycle.status, cycle.closed_on = CycleStatus.CLOSED, today
            fields = ["status", "closed_on"]
            if cycle.level in RATED_LEVELS:
                cycle.end_rating = ratings_for([cycle.pk]).get(cycle.pk, "")
                fields.append("end_rating")
            cycle.save(update_fields=fields)
            return cycle
        to = PHASES[index + 1]
        CycleEvent.objects.create(cycle=cycle, kind=EventKind.ADVANCED, actor=acting_user, from_phase=cycle.phase,
                                  to_phase=to, note=note)
        cycle.phase, cycle.phase_since = to, today
        cycle.save(update_fields=["phase", "phase_since"])
    return cycle


def do_move_back_phase(cycle, *, acting_user, note: str) -> Cycle:
    """Move the cycle back one phase (a plan to redo, a diagnosis to repeat), with the reason."""
    from . import gates

    note = (note or "").strip()
    with transaction.atomic():
        cycle = _locked(cycle, acting_user)
        if not note:
            raise ValidationError(_("退回上一阶段须说明原因。"))
        if cycle.is_closed:
            raise ValidationError(_("该诊改周期已结束。"))
        index = PHASES.index(cycle.phase)
        if index == 0:
            raise ValidationError(_("“目标”是第一个阶段，不能再退回。"))
        gates.check_back(cycle)
        to = PHASES[index - 1]
        CycleEvent.objects.create(cycle=cycle, kind=EventKind.MOVED_BACK, actor=acting_user, from_phase=cycle.phase,
                                  to_phase=to, note=note)
        cycle.phase, cycle.phase_since = to, clock.today()
        cycle.save(update_fields=["phase", "phase_since"])
    return cycle


def do_set_policy(level: str, *, period_kind: str, years: int, diagnosis_days: int, acting_user) -> CyclePolicy:
    """Change how long one level's cycle runs (cycles already open keep their periods)."""
    from .choices import PeriodKind

    access.require(acting_user, access.MANAGE_CYCLES)
    if level not in periods.DEFAULTS:
        raise ValidationError(_("未知的层面“%(level)s”。") % {"level": level})
    if period_kind not in PeriodKind.values:
        raise ValidationError(_("未知的周期类型“%(kind)s”。") % {"kind": period_kind})
    if not 1 <= int(years) <= 6:
        raise ValidationError(_("学年数应在 1 到 6 之间。"))
    if not 1 <= int(diagnosis_days) <= 180:
        raise ValidationError(_("自诊期限应在 1 到 180 天之间。"))
    with transaction.atomic():
        row, _created = CyclePolicy.objects.update_or_create(
            level=level, defaults={"period_kind": period_kind, "years": years, "diagnosis_days": diagnosis_days,
                                   "updated_by": acting_user})
        CycleEvent.objects.create(kind=EventKind.POLICY, actor=acting_user,
                                  detail={"level": level, "period_kind": period_kind, "years": int(years),
                                          "diagnosis_days": int(diagnosis_days)})
    return row
