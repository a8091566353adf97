"""How long the audit trail is kept, its pruning, and its export as JSON lines.

``ZHENGAI_AUDIT_RETENTION_DAYS`` (184 by default: six months, as 等保 2.0 asks; a smaller value is
refused) is the age beyond which ``prune`` deletes audit events (``AuditEvent``) and model-change
entries (``auditlog.LogEntry``); nothing younger is ever deleted. ``export_lines`` writes both, oldest
first, one JSON object per line, for an external log store."""

import json
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

MINIMUM_DAYS = 184


def retention_days() -> int:
    days = int(getattr(settings, "ZHENGAI_AUDIT_RETENTION_DAYS", MINIMUM_DAYS))
    if days < MINIMUM_DAYS:
        raise ValueError(_("ZHENGAI_AUDIT_RETENTION_DAYS 为 %(days)s 天，少于审计日志至少保留的 %(min)s 天。") % {
            "days": days, "min": MINIMUM_DAYS})
    return days


def cutoff(now=None) -> datetime:
    return (now or timezone.now()) - timedelta(days=retention_days())


def prune(now=None, dry_run: bool = False) -> dict[str, int]:
    """Delete audit rows older than the retention period; returns how many of each (would be) deleted."""
    from auditlog.models import LogEntry

    from .models import AuditEvent

    limit = cutoff(now)
    events = AuditEvent.objects.filter(at__lt=limit)
    entries = LogEntry.objects.filter(timestamp__lt=limit)
    counts = {"events": events.count(), "changes": entries.count()}
    if not dry_run:
        events._raw_delete(events.db)
        entries._raw_delete(entries.db)
    return counts


def _start(day):
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def event_lines(events):
    for e in events.iterator(chunk_size=2000):
        yield {"type": "event", "id": e.pk, "at": e.at.isoformat(), "kind": e.kind, "user_id": e.user_id,
               "username": e.username, "ip": e.ip, "user_agent": e.user_agent, "detail": e.detail}


def change_lines(entries):
    for e in entries.iterator(chunk_size=2000):
        yield {"type": "change", "id": e.pk, "at": e.timestamp.isoformat(), "action": e.get_action_display(),
               "user_id": e.actor_id, "username": getattr(e.actor, "username", "") if e.actor_id else "",
               "ip": e.remote_addr, "model": f"{e.content_type.app_label}.{e.content_type.model}",
               "object": e.object_pk, "name": e.object_repr, "changes": e.changes}


def export_lines(out, since=None, until=None, events=None) -> int:
    """Write the audit trail from ``since`` (a date, inclusive) to ``until`` (inclusive) to the
    text stream ``out`` as JSON lines; ``events``: an already filtered AuditEvent queryset (the
    page's filters). Returns the number of lines."""
    from auditlog.models import LogEntry

    from .models import AuditEvent

    qs = AuditEvent.objects.all() if events is None else events
    changes = LogEntry.objects.select_related("actor", "content_type")
    if since:
        qs, changes = qs.filter(at__gte=_start(since)), changes.filter(timestamp__gte=_start(since))
    if until:
        end = _start(until + timedelta(days=1))
        qs, changes = qs.filter(at__lt=end), changes.filter(timestamp__lt=end)
    n = 0
    for line in event_lines(qs.select_related(None).order_by("at", "pk")):
        out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
        n += 1
    if events is None:
        for line in change_lines(changes.order_by("timestamp", "pk")):
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            n += 1
    return n
