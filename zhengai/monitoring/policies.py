"""Monitoring policies and what is due: each level's cadence (editable by the quality office) and the
windows that have ended and not yet been monitored successfully."""

from datetime import date

from zhengai.core import windows as W
from zhengai.datacenter.choices import Level

from .choices import RunStatus
from .models import DEFAULT_CADENCE, DEFAULT_ESCALATE_AFTER, MonitoringPolicy, Run

LEVEL_ORDER = [Level.SCHOOL, Level.DEPARTMENT, Level.SPECIALTY, Level.COURSE, Level.TEACHER, Level.OFFERING, Level.STUDENT]


def policy_for(level: str) -> MonitoringPolicy:
    policy = MonitoringPolicy.objects.filter(level=level).first()
    return policy or MonitoringPolicy(level=level, cadence=DEFAULT_CADENCE[level], escalate_after=DEFAULT_ESCALATE_AFTER)


def policies() -> list[MonitoringPolicy]:
    """One policy per level, stored or default, in level order (one query)."""
    stored = {p.level: p for p in MonitoringPolicy.objects.all()}
    return [stored.get(level) or MonitoringPolicy(level=level, cadence=DEFAULT_CADENCE[level],
                                                   escalate_after=DEFAULT_ESCALATE_AFTER) for level in LEVEL_ORDER]


def ensure_policies() -> None:
    """Store the defaults so the quality office has rows to edit."""
    existing = set(MonitoringPolicy.objects.values_list("level", flat=True))
    MonitoringPolicy.objects.bulk_create([
        MonitoringPolicy(level=level, cadence=DEFAULT_CADENCE[level], escalate_after=DEFAULT_ESCALATE_AFTER)
        for level in LEVEL_ORDER if level not in existing
    ])


POLICY_FIELDS = ("cadence", "escalate_after", "active")


def do_save_policies(wanted: dict, *, acting_user) -> list[MonitoringPolicy]:
    """Save the levels' policies (``wanted``: level → {cadence, escalate_after, active}), atomic and
    audited (one ``config_changed`` event per level whose policy changed). The caller checked the
    act (``edit_monitoring_policy``) and the values."""
    from django.db import transaction
    from django.utils import timezone

    from zhengai.core import audit

    with transaction.atomic():
        ensure_policies()
        rows = list(MonitoringPolicy.objects.select_for_update().filter(level__in=list(wanted)))
        changed = []
        for policy in rows:
            before = audit.values(policy, POLICY_FIELDS)
            for name, value in wanted[policy.level].items():
                setattr(policy, name, value)
            if audit.record_change(policy, before, audit.values(policy, POLICY_FIELDS), acting_user=acting_user):
                policy.updated_by, policy.updated_at = acting_user, timezone.now()
                changed.append(policy)
        MonitoringPolicy.objects.bulk_update(changed, [*POLICY_FIELDS, "updated_by", "updated_at"])
    return changed


def history_start(today: date) -> date:
    """The start of the previous term (or of the current one when there is none before it)."""
    from zhengai.datacenter.models import Term

    starts = list(Term.objects.filter(start_date__lte=today).order_by("-start_date").values_list("start_date", flat=True)[:2])
    if not starts:
        return today
    return starts[-1]


def due_windows(today: date, since: date | None = None, levels=None, *, sources=None) -> list[tuple[str, W.Window]]:
    """(level, window) pairs whose window has ended by ``today`` and on or after ``since`` (default:
    the previous term's start), and has no successful run yet — oldest first per level. A level's
    windows are those of its cadence and of every judging period its standards' points name (a
    teacher's 学年 training hours are judged once the academic year has ended)."""
    from .sources import default as default_sources

    since = since or history_start(today)
    done = set(Run.objects.filter(status=RunStatus.SUCCEEDED).values_list("level", "window_code"))
    periods = (sources or default_sources()).periods(since) or {}
    due = []
    for policy in policies():
        if not policy.active or (levels and policy.level not in levels):
            continue
        kinds = [policy.cadence] + sorted(set(periods.get(policy.level, ())) - {policy.cadence})
        candidates = []
        for kind in kinds:
            try:
                candidates += W.between(kind, since, today)
            except W.WindowError:
                continue
        for window in sorted(candidates, key=lambda w: (w.end, w.start)):
            if window.end < today and window.end >= since and (policy.level, window.code) not in done:
                due.append((policy.level, window))
    return due
