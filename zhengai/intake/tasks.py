"""Celery tasks of the intake, and their place in the schedule.

``SCHEDULE`` is this app's part of the beat schedule, in Celery's ``beat_schedule`` format. The
monitoring app's scheduler (Celery beat in production, the in-process runner of the embedded
default) reads ``SCHEDULE`` from every app's ``tasks`` module and merges them, so the schedule is
declared where the task is and lives in one place at run time.

- ``zhengai.intake.tasks.run_due_pulls`` every 5 minutes: runs the saved database pulls whose
  cadence has come round (``zhengai.intake.pull.run_due_pulls(now)``). Idempotent: a pull that is
  not due, or is already running elsewhere, is left alone.
"""

from celery import shared_task

SCHEDULE = {
    "intake-run-due-pulls": {
        "task": "zhengai.intake.tasks.run_due_pulls",
        "schedule": 300.0,  # seconds; the pulls' own cadences (hourly, daily, weekly) decide what runs
    },
}


@shared_task(name="zhengai.intake.tasks.run_due_pulls", ignore_result=True)
def run_due_pulls() -> dict:
    """Run the due database pulls; returns counts for the worker's log."""
    from .pull import run_due_pulls as run

    outcomes = run()
    return {
        "ran": sum(1 for o in outcomes if o.batch is not None),
        "succeeded": sum(1 for o in outcomes if o.ok),
        "skipped": sum(1 for o in outcomes if o.skipped),
    }
