"""Celery task of notifications: retry the deliveries whose time has come (bounded per call)."""

from zhengai.celery import app


@app.task(name="zhengai.notifications.deliver_due", time_limit=600)
def deliver_due_task() -> int:
    from .delivery import deliver_due

    return deliver_due(limit=500)
