"""The in-process scheduler (``zhengai scheduler``, started by ``zhengai serve``): it runs the jobs of
the ONE schedule, settings ``CELERY_BEAT_SCHEDULE``, that Celery beat runs in production. Each entry
names a task registered by its app's ``tasks.py`` (``zhengai/celery.py`` discovers them); the loop
calls the task's function in this process whenever its interval has elapsed. Core knows no app: the
monitoring runs, the notification digests and retries and the intake's pulls are all just entries.

Every job is idempotent and bounded (a window monitored successfully is not due again; a run in
progress elsewhere is refused by its lock; events are claimed by compare-and-set), so running the
same schedule from two places never does a job twice."""

import logging
import time

from django.conf import settings

log = logging.getLogger(__name__)


def schedule() -> list[tuple[str, str, float]]:
    """(entry name, task name, interval in seconds) of every job, in the schedule's order."""
    out = []
    for name, entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).items():
        every = entry["schedule"]
        every = every.total_seconds() if hasattr(every, "total_seconds") else float(every)
        out.append((name, entry["task"], every))
    return out


def task(name: str):
    """The registered task called ``name`` (imports every app's ``tasks`` module once)."""
    from zhengai.celery import app

    app.loader.import_default_modules()
    return app.tasks[name]


class Scheduler:
    """Remembers when each job last ran in this process; ``tick`` runs the ones that are due."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.last: dict[str, float] = {}

    def due(self) -> list[tuple[str, str]]:
        now = self.clock()
        return [(name, task_name) for name, task_name, every in schedule()
                if name not in self.last or now - self.last[name] >= every]

    def tick(self) -> str:
        lines = []
        for name, task_name in self.due():
            self.last[name] = self.clock()
            try:
                result = task(task_name)()
            except Exception as exc:  # one failing job does not stop the others; the next tick retries
                log.exception("scheduled job %s failed", name)
                lines.append(f"{name}: {type(exc).__name__}: {exc}")
                continue
            if result:
                lines.append(f"{name}: {result}")
        return "\n".join(lines)
