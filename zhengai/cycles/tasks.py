"""Celery tasks of the cycles app (entries of settings ``CELERY_BEAT_SCHEDULE``)."""

from zhengai.celery import app


@app.task(name="zhengai.cycles.warn_overdue_actions", time_limit=600)
def warn_overdue_actions_task() -> int:
    from .improvement import warn_overdue_actions

    return warn_overdue_actions()


@app.task(name="zhengai.cycles.run_bulk_jobs", time_limit=3600)
def run_bulk_jobs_task() -> int:
    from .jobs import run_due_jobs

    return run_due_jobs()
