"""Celery tasks of the intake. Their place in the schedule is the entry ``intake-run-due-pulls`` of
settings ``CELERY_BEAT_SCHEDULE`` (the one schedule, run by Celery beat in production and by
``zhengai.core.scheduling`` in-process).

- ``zhengai.intake.tasks.run_due_pulls`` every 5 minutes: runs the saved database pulls whose
  cadence has come round (``zhengai.intake.pull.run_due_pulls(now)``). Idempotent: a pull that is
  not due, or is already running elsewhere, is left alone.
"""

from celery import shared_task


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
