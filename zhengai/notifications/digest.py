"""From warning events to messages: one digest per person per run, not one per warning.

Monitoring records ``WarningEvent`` rows and knows nothing of this app. The notifier reads the rows
nobody has processed (partial index), stamps them with a compare-and-set UPDATE so a second notifier
cannot take the same ones, groups them by the people concerned, and writes one inbox message per
person, plus one delivery per channel that applies to that person (their own, or their
department's). Deliveries are tried once at once; failures are retried by ``delivery.deliver_due``
and never reach the run.

It is fed two ways, as healthchecks' ``sendalerts`` is fed by its flips: right after a run commits
(``monitoring.signals.run_committed`` → ``send_run_digests``), and by the scheduled job
``send_digests`` (task ``zhengai.notifications.send_digests``, every minute in
``CELERY_BEAT_SCHEDULE``), which takes whatever is still unprocessed — the steps people took
(acknowledged, correcting, resolved, closed, their own account), batched into one message per person
instead of one each, and any run event a crash left behind.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengai.monitoring.choices import EventKind, WarningSource
from zhengai.monitoring.models import WarningEvent

from .choices import ChannelKind
from .delivery import send
from .models import Channel, Delivery, Notification

log = logging.getLogger(__name__)

RUN_KINDS = (EventKind.OPENED, EventKind.RAISED, EventKind.ESCALATED, EventKind.AUTO_RESOLVED)
MAX_LINES = 30


def _claim(events_qs) -> list[WarningEvent]:
    stamp = timezone.now()
    ids = list(events_qs.filter(processed=None).values_list("pk", flat=True))
    if not ids:
        return []
    WarningEvent.objects.filter(pk__in=ids, processed=None).update(processed=stamp)
    return list(
        WarningEvent.objects.filter(pk__in=ids, processed=stamp)
        .select_related("warning__subject", "actor").order_by("warning_id", "pk")
    )


def _owners(warning_ids) -> dict[int, set[int]]:
    # Derived from role scopes now, so whoever lost the role is not told (zhengai.monitoring.owners).
    from zhengai.monitoring.owners import owners_of

    return owners_of(warning_ids)


def _line(event: WarningEvent, names: dict) -> str:
    w = event.warning
    what = names.get(w.indicator_code) or w.indicator_code or w.get_source_display()
    grade = dict(w._meta.get_field("grade").choices).get(event.to_grade or w.grade, w.grade)
    value = "" if event.value is None else f"{event.value:.4g}"
    why = f" · {w.reasons_text}" if w.reasons else ""  # one fact judged by a standard and a goal: one line
    return f"- {w.subject.name}（{w.subject.key}）· {what}{why} · {EventKind(event.kind).label} · {grade} {value}".rstrip()


def _names(codes) -> dict:
    from zhengai.monitoring.sources import indicator_name

    return {code: indicator_name(code) for code in codes if code}


@transaction.atomic
def notify_people(by_person: dict[int, list[str]], title: str, run_id=None, warning_ids_by_person=None) -> list[Notification]:
    """One inbox message per person (and a delivery per channel that applies); returns the messages."""
    if not by_person:
        return []
    site = getattr(settings, "SITE_ROOT", "").rstrip("/")
    link = site + reverse("monitoring:warnings")
    notifications = []
    for user_id, lines in by_person.items():
        shown = lines[:MAX_LINES]
        more = len(lines) - len(shown)
        body = "\n".join(shown) + (("\n" + _("……另有 %(n)s 条") % {"n": more}) if more > 0 else "") + f"\n\n[{_('查看预警')}]({link})"
        notifications.append(Notification(recipient_id=user_id, run_id=run_id, title=title, body=body,
                                          warning_ids=(warning_ids_by_person or {}).get(user_id, [])))
    Notification.objects.bulk_create(notifications, batch_size=2000)
    deliveries = _deliveries(notifications)
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    ids = [d.pk for d in deliveries]
    # Sending waits for the commit: a rolled-back message is never sent.
    transaction.on_commit(lambda: [send(d) for d in Delivery.objects.filter(pk__in=ids).select_related("notification", "channel")])
    return notifications


def _deliveries(notifications) -> list[Delivery]:
    """The channels of each recipient: their own channels and those of their department (few queries)."""
    from zhengai.datacenter.models import Staff, Student
    from zhengai.org.models import User

    user_ids = {n.recipient_id for n in notifications}
    channels = list(Channel.objects.filter(active=True).filter(Q(user_id__in=user_ids) | Q(department__isnull=False)))
    if not channels:
        return []
    departments = defaultdict(set)
    emails = {}
    for uid, email in User.objects.filter(pk__in=user_ids).values_list("pk", "email"):
        if email:
            emails[uid] = email
    for uid, dept, email in Staff.objects.filter(user_id__in=user_ids).values_list("user_id", "department_id", "email"):
        departments[uid].add(dept)
        emails.setdefault(uid, email)
    for uid, dept, email in Student.objects.filter(user_id__in=user_ids).values_list("user_id", "specialty__department_id", "email"):
        departments[uid].add(dept)
        emails.setdefault(uid, email)
    from zhengai.org.models import RoleAssignment

    for uid, dept in RoleAssignment.objects.filter(user_id__in=user_ids, department__isnull=False).values_list("user_id", "department_id"):
        departments[uid].add(dept)
    out = []
    for n in notifications:
        for channel in channels:
            if channel.user_id != n.recipient_id and channel.department_id not in departments.get(n.recipient_id, ()):
                continue
            if channel.kind == ChannelKind.EMAIL:
                target = channel.email or emails.get(n.recipient_id) or ""
            else:
                target = channel.webhook_url
            if target:
                out.append(Delivery(notification=n, channel=channel, kind=channel.kind, target=target))
    return out


def send_run_digests(run_id: int) -> list[Notification]:
    """After a run commits: one digest per owner of the warnings it opened, raised, escalated or resolved."""
    from zhengai.monitoring.models import Run

    events = _claim(WarningEvent.objects.filter(run_id=run_id, kind__in=RUN_KINDS))
    if not events:
        return []
    run = Run.objects.filter(pk=run_id).first()
    title = _("监测预警摘要：%(level)s %(window)s") % {
        "level": run.get_level_display() if run else "", "window": run.window_code if run else ""}
    return _digest(events, title, run_id)


def send_pending_digests(title: str | None = None) -> list[Notification]:
    """Every unprocessed run event, one digest per person (the demo's history is monitored without
    a digest per run; this sends one over all of it)."""
    events = _claim(WarningEvent.objects.filter(kind__in=RUN_KINDS))
    return _digest(events, title or _("监测预警摘要"), None)


def _digest(events, title, run_id):
    owners = _owners({e.warning_id for e in events})
    names = _names({e.warning.indicator_code for e in events})
    by_person, warning_ids = defaultdict(list), defaultdict(list)
    for event in events:
        for uid in owners.get(event.warning_id, ()):
            by_person[uid].append(_line(event, names))
            warning_ids[uid].append(event.warning_id)
    return notify_people(dict(by_person), title, run_id, warning_ids)


def send_digests() -> list[Notification]:
    """The scheduled job: every unprocessed event. Run events make one digest per person per run (as
    right after a run); the steps people took make one progress digest per person."""
    out = []
    for run_id in (WarningEvent.objects.filter(processed=None, kind__in=RUN_KINDS, run_id__isnull=False)
                   .values_list("run_id", flat=True).distinct().order_by("run_id")):
        out += send_run_digests(run_id)
    out += send_pending_digests()
    out += send_progress(WarningEvent.objects.exclude(kind__in=RUN_KINDS))
    return out


def send_progress(events_qs) -> list[Notification]:
    """The steps people took on warnings, one message per person: each warning's other owners are
    told; closing a manual flag tells whoever raised it (close the loop); nobody hears of their own."""
    events = _claim(events_qs)
    if not events:
        return []
    owners = _owners({e.warning_id for e in events})
    names = _names({e.warning.indicator_code for e in events})
    by_person, warning_ids = defaultdict(list), defaultdict(list)
    for event in events:
        w = event.warning
        people = set(owners.get(w.pk, ()))
        if w.source == WarningSource.MANUAL and w.raised_by_id:
            people.add(w.raised_by_id)
        people.discard(event.actor_id)
        actor = str(event.actor) if event.actor else ""
        line = _line(event, names) + (f"（{actor}）" if actor else "") + (f"：{event.note}" if event.note else "")
        for uid in people:
            by_person[uid].append(line)
            warning_ids[uid].append(w.pk)
    return notify_people(dict(by_person), _("预警处理进展"), None, warning_ids)


def on_run_committed(sender=None, run_id=None, **kwargs) -> None:
    """``monitoring.signals.run_committed``: the run's digests at once (the job would take them later)."""
    try:
        send_run_digests(run_id)
    except Exception:  # never fails the run; the events stay for the scheduled job
        log.exception("digests of run %s failed; the scheduled job will retry", run_id)


def on_demo_seeded(sender=None, **kwargs) -> None:
    """After the demo's history is monitored (the monitoring app's receiver comes first): one digest
    per person over the whole history, not one per run."""
    send_pending_digests()
