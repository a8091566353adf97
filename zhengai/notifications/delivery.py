"""Sending deliveries, with bounded retries and backoff; a failing channel is recorded and never
breaks the run that caused the message.

A delivery is claimed by a compare-and-set UPDATE (pending → sending), so two loops never send the
same row twice; a failure that may pass (a timeout, HTTP 5xx, a rate limit) goes back to pending
with ``next_attempt_at`` doubled each time, up to ``NOTIFY_MAX_ATTEMPTS``; a permanent one fails at once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .choices import DeliveryStatus
from .models import Delivery
from .transports import TRANSPORTS, Message, TransportError

log = logging.getLogger(__name__)


def max_attempts() -> int:
    return getattr(settings, "NOTIFY_MAX_ATTEMPTS", 4)


def backoff(attempts: int) -> timedelta:
    base = getattr(settings, "NOTIFY_BACKOFF_SECONDS", 60)
    return timedelta(seconds=base * 2 ** max(0, attempts - 1))


def send(delivery: Delivery, now=None) -> bool:
    """Try one delivery once. Returns whether it was sent. Never raises."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return False  # another loop has it
    delivery.refresh_from_db()
    notification = delivery.notification
    message = Message(notification.title, notification.body)
    try:
        TRANSPORTS[delivery.kind].notify(message, delivery.target, delivery.channel)
    except TransportError as exc:
        give_up = exc.permanent or delivery.attempts >= max_attempts()
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            error=exc.message[:2000], next_attempt_at=now + backoff(delivery.attempts),
        )
        return False
    except Exception as exc:  # a bug in a channel must not stop the others
        log.exception("notification channel %s crashed", delivery.kind)
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=repr(exc)[:2000])
        return False
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")
    return True


def deliver_due(now=None, limit: int = 500) -> int:
    """Send the pending deliveries whose time has come (the scheduler and Celery call this)."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .select_related("notification", "channel").order_by("next_attempt_at")[:limit]
    )
    return sum(send(d, now) for d in due)
