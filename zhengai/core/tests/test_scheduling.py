"""The in-process scheduler runs the one schedule (settings ``CELERY_BEAT_SCHEDULE``), each job at its
own interval, and one failing job does not stop the others."""

import pytest

from zhengai.core import scheduling


def test_every_entry_of_the_schedule_names_a_registered_task(settings):
    names = [task for _name, task, _every in scheduling.schedule()]
    assert "zhengai.notifications.send_digests" in names and "zhengai.monitoring.run_due" in names
    for name in names:
        assert scheduling.task(name).name == name


@pytest.mark.django_db
def test_each_job_runs_when_its_interval_has_elapsed_and_a_failure_is_reported_not_raised(settings, monkeypatch):
    calls = []

    class Job:
        def __init__(self, name, fail=False):
            self.name, self.fail = name, fail

        def __call__(self):
            calls.append(self.name)
            if self.fail:
                raise RuntimeError("boom")
            return 0

    jobs = {"fast": Job("fast"), "slow": Job("slow", fail=True)}
    monkeypatch.setattr(scheduling, "task", lambda name: jobs[name])
    settings.CELERY_BEAT_SCHEDULE = {"a": {"task": "fast", "schedule": 60.0}, "b": {"task": "slow", "schedule": 600.0}}
    now = [1000.0]
    scheduler = scheduling.Scheduler(clock=lambda: now[0])

    assert scheduler.tick() == "b: RuntimeError: boom"
    assert calls == ["fast", "slow"]
    now[0] += 59
    scheduler.tick()
    assert calls == ["fast", "slow"]  # nothing due yet
    now[0] += 1
    scheduler.tick()
    assert calls == ["fast", "slow", "fast"]
    now[0] += 600
    scheduler.tick()
    assert calls == ["fast", "slow", "fast", "fast", "slow"]
