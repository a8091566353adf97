"""Celery tasks of monitoring: thin wrappers over the same functions the embedded scheduler calls.
Idempotent (a window monitored successfully is not due again; the run lock refuses a duplicate) and
bounded (``MONITORING_MAX_RUNS_PER_TICK`` runs per call, a time limit per task)."""

from zhengai.celery import app


@app.task(name="zhengai.monitoring.run_window", time_limit=1800, soft_time_limit=1700)
def run_window_task(level: str, window_code: str, trigger: str = "celery") -> dict:
    from zhengai.core import windows

    from .engine import run_window
    from .lock import RunLocked

    try:
        summary = run_window(level, windows.parse(window_code), trigger=trigger)
    except RunLocked as exc:
        return {"level": level, "window": window_code, "status": "locked", "error": str(exc)}
    return {"level": level, "window": window_code, "status": "succeeded", "run": summary.run.pk,
            "subjects": summary.subjects, "measurements": summary.measurements, "opened": summary.opened,
            "joined": summary.joined, "resolved": summary.resolved, "still_open": summary.still_open}


@app.task(name="zhengai.monitoring.run_due", time_limit=3600, soft_time_limit=3500)
def run_due_task() -> list:
    from .scheduling import run_due

    return [{"level": level, "window": window.code, "error": error, "opened": summary.opened if summary else None}
            for level, window, summary, error in run_due(trigger="celery")]
