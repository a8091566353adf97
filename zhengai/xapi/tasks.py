"""Celery task of the xAPI LRS (an entry of settings ``CELERY_BEAT_SCHEDULE``): collect, daily, the
attachment contents no statement carries (``attachments.collect_garbage``)."""

from zhengai.celery import app


@app.task(name="zhengai.xapi.collect_attachments", time_limit=3600)
def collect_attachments_task() -> int:
    from .attachments import collect_garbage

    return collect_garbage()
