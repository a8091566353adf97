"""Celery tasks of the cycles app (entries of settings ``CELERY_BEAT_SCHEDULE``)."""

from zhengai.celery import app


@app.task(name="zhengai.cycles.warn_overdue_actions", time_limit=600)
def warn_overdue_actions_task() -> int:
    from .improvement import warn_overdue_actions

    return warn_overdue_actions()
