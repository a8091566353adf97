"""Monitoring's scheduled job, ``run_due`` (task ``zhengai.monitoring.run_due``, an entry of settings
``CELERY_BEAT_SCHEDULE`` that Celery beat and the in-process ``zhengai.core.scheduling`` both run).
Idempotent (a window already monitored successfully is not due again; a run in progress elsewhere is
refused by its lock) and bounded (at most ``MONITORING_MAX_RUNS_PER_TICK`` runs a call)."""

import logging
from datetime import date

from django.conf import settings

from zhengai.core import clock

log = logging.getLogger(__name__)


def run_due(today: date | None = None, *, trigger: str = "scheduler", limit: int | None = None, notify: bool = True):
    """Run every due (level, window), oldest first; a failure is recorded and does not stop the rest.
    Returns [(level, window, summary | None, error | None)]."""
    from .engine import run_window
    from .lock import RunLocked
    from .policies import due_windows

    today = today or clock.today()  # the demo college's date only on a database that holds it
    limit = limit if limit is not None else getattr(settings, "MONITORING_MAX_RUNS_PER_TICK", 200)
    results = []
    for level, window in due_windows(today)[:limit]:
        try:
            results.append((level, window, run_window(level, window, trigger=trigger, notify=notify), None))
        except RunLocked as exc:
            results.append((level, window, None, str(exc)))
        except Exception as exc:  # recorded on the run row by the lock; the next window still runs
            log.exception("monitoring run %s %s failed", level, window.code)
            results.append((level, window, None, f"{type(exc).__name__}: {exc}"))
    return results
