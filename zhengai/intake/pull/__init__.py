"""Database pull (数据库抽取): saved connections and saved pulls into the one import pipeline.

Public entry points: ``run_pull(pull, *, user=None)``, ``run_due_pulls(now)`` (what the schedule
calls through the Celery task ``zhengai.intake.tasks.run_due_pulls``) and
``reader.check_connection(connection)``.
"""


def run_pull(pull, **kwargs):
    from .runner import run_pull as _run_pull

    return _run_pull(pull, **kwargs)


def run_due_pulls(now=None):
    from .runner import run_due_pulls as _run_due_pulls

    return _run_due_pulls(now)
