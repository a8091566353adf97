"""Celery tasks of notifications (entries of settings ``CELERY_BEAT_SCHEDULE``): turn unprocessed
warning events into digests, and retry the deliveries whose time has come (bounded per call)."""

from zhengai.celery import app


@app.task(name="zhengai.notifications.deliver_due", time_limit=600)
def deliver_due_task() -> int:
    from .delivery import deliver_due

    return deliver_due(limit=500)


@app.task(name="zhengai.notifications.send_digests", time_limit=600)
def send_digests_task() -> int:
    from .digest import send_digests

    return len(send_digests())
