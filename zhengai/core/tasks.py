"""Celery task of core (an entry of settings ``CELERY_BEAT_SCHEDULE``): prune the audit trail beyond
its retention period, daily."""

from zhengai.celery import app


@app.task(name="zhengai.core.prune_audit", time_limit=3600)
def prune_audit_task() -> int:
    from .retention import prune

    return sum(prune().values())
