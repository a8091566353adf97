"""A monitoring run goes through a real Celery worker on the machine's Redis (127.0.0.1:6379, db 7),
on a queue of its own so concurrent test runs never take each other's tasks."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from zhengai.monitoring.choices import RunStatus
from zhengai.monitoring.models import Run, Warning
from zhengai.monitoring.testing import attendance_rule, table_sources

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_run_goes_through_a_real_celery_worker(college, injected_sources):
    from celery.contrib.testing.worker import start_worker

    from zhengai.celery import app
    from zhengai.monitoring.tasks import run_window_task

    injected_sources(table_sources({"2026-10": {"stu_attendance_rate": {"2024001": 0.85, "2024002": 0.95}}},
                                   [attendance_rule()]))
    queue = f"zhengai-test-{uuid.uuid4().hex[:8]}"
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:6379/7", result_backend="redis://127.0.0.1:6379/7",
                    task_always_eager=False, broker_connection_retry_on_startup=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10,
                          loglevel="WARNING"):
            # Celery keeps app.backend per thread, and any eager task run earlier in this thread by
            # another test has fixed it to the disabled backend; a fresh thread reads the Redis one.
            with ThreadPoolExecutor(max_workers=1) as client:
                answer = client.submit(send_and_wait, run_window_task, queue).result()
                # The same window again: idempotent, nothing duplicated.
                again = client.submit(send_and_wait, run_window_task, queue).result()
    finally:
        app.conf.update(saved)
        connections.close_all()

    assert answer["status"] == "succeeded" and answer["opened"] == 1 and answer["measurements"] == 2
    assert again["status"] == "succeeded" and again["opened"] == 0
    assert Run.objects.filter(status=RunStatus.SUCCEEDED, trigger="celery").count() == 2
    assert list(Warning.objects.values_list("subject__key", flat=True)) == ["2024001"]


def send_and_wait(task, queue):
    return task.apply_async(("student", "2026-10"), queue=queue).get(timeout=60)
