"""The run lock holds across connections on PostgreSQL: two concurrent runs of one window, one refused."""

import threading

import pytest
from django.db import connection, connections

from zhengai.monitoring.choices import RunStatus
from zhengai.monitoring.engine import run_window
from zhengai.monitoring.lock import RunLocked
from zhengai.indicators.models import Measurement
from zhengai.monitoring.models import Run, Warning
from zhengai.monitoring.sources import Sources
from zhengai.monitoring.testing import attendance_rule, month

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_runs_of_the_same_window_one_proceeds_one_is_refused(college):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL advisory locks")
    from zhengai.datacenter.models import Subject

    ids = list(Subject.objects.filter(level="student").values_list("pk", flat=True))
    first_inside, second_done = threading.Event(), threading.Event()
    outcome = {}

    def slow_compute(level, window, codes):
        first_inside.set()
        assert second_done.wait(20), "the second run never finished"
        return {"stu_attendance_rate": {pk: 0.5 for pk in ids}}

    def fast_compute(level, window, codes):
        return {"stu_attendance_rate": {pk: 0.5 for pk in ids}}

    def run(name, compute, after=None):
        try:
            if after is not None:
                assert after.wait(20)
            sources = Sources(rules=lambda *a: [attendance_rule()], goals=lambda *a: [], compute=compute,
                              describe=lambda c: None)
            outcome[name] = run_window("student", month("2026-10"), sources=sources, notify=False)
        except RunLocked as exc:
            outcome[name] = exc
        except Exception as exc:  # surfaced below
            outcome[name] = exc
        finally:
            if name == "second":
                second_done.set()
            connections.close_all()

    first = threading.Thread(target=run, args=("first", slow_compute))
    second = threading.Thread(target=run, args=("second", fast_compute, first_inside))
    first.start(), second.start()
    first.join(30), second.join(30)

    assert isinstance(outcome["second"], RunLocked), outcome
    assert "正在另一个进程中运行" in str(outcome["second"])
    assert outcome["first"].opened == len(ids)
    assert Run.objects.filter(status=RunStatus.SUCCEEDED).count() == 1
    assert Measurement.objects.count() == len(ids) and Warning.objects.count() == len(ids)
    assert not Run.objects.filter(status=RunStatus.RUNNING).exists()
