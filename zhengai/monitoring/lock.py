"""One run per (level, window) at a time, across processes.

PostgreSQL: ``pg_try_advisory_xact_lock`` on a key derived from (level, window), taken in the run's
transaction — released by the database when the transaction ends, even if the process dies; a
``running`` row found while holding the lock is therefore left over from a dead process and is
marked failed.

SQLite (one writer at a time, no advisory locks): the ``running`` row itself is the lock. It is
inserted and committed before the work starts; the partial unique constraint refuses a second one
(the healthchecks way: the database decides who got there first). A row older than
``MONITORING_RUN_TIMEOUT`` seconds is taken to be abandoned and is failed by a compare-and-set UPDATE.

Either way the work runs inside a transaction (a savepoint on PostgreSQL): a failure rolls back
every measurement and warning it wrote and leaves the run recorded as failed with its error.
"""

import hashlib
import time
import traceback
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import RunStatus
from .models import Run


class RunLocked(Exception):
    """Another run of the same level and window is in progress."""


def lock_key(level: str, window_code: str) -> int:
    digest = hashlib.blake2b(f"zhengai.monitoring:{level}:{window_code}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _refusal(level, window) -> RunLocked:
    return RunLocked(
        _("层面 %(level)s 窗口 %(window)s 的监测正在另一个进程中运行，本次不再重复运行。")
        % {"level": level, "window": window.code}
    )


def _fail(run: Run, exc: BaseException, started: float) -> None:
    text = f"{type(exc).__name__}: {exc}\n" + "".join(traceback.format_exception(exc)[-6:])
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=text[:8000], finished_at=timezone.now(), seconds=time.monotonic() - started
    )
    run.status, run.error = RunStatus.FAILED, text


@contextmanager
def claimed(level: str, window, trigger: str = "cli"):
    """Yield a ``Run`` row in status running, inside a transaction; raise ``RunLocked`` if another
    process holds (level, window). On an exception in the body the work is rolled back, the run is
    recorded as failed and the exception propagates."""
    started = time.monotonic()
    fields = dict(level=level, window_code=window.code, window_start=window.start, window_end=window.end, trigger=trigger)
    if connection.vendor == "postgresql":
        failure = None
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(level, window.code)])
                if not cursor.fetchone()[0]:
                    raise _refusal(level, window)
            # We hold the lock, so any row still "running" belongs to a process that died.
            Run.objects.filter(level=level, window_code=window.code, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, error=_("进程中断，运行未完成"), finished_at=timezone.now()
            )
            run = Run.objects.create(**fields)
            try:
                with transaction.atomic():
                    yield run
            except Exception as exc:  # the savepoint is rolled back; the failed run row commits
                _fail(run, exc, started)
                failure = exc
        if failure is not None:
            raise failure
        return

    run = _claim_row(fields, level, window)
    try:
        with transaction.atomic():
            yield run
    except Exception as exc:
        _fail(run, exc, started)
        raise


def _claim_row(fields, level, window) -> Run:
    timeout = getattr(settings, "MONITORING_RUN_TIMEOUT", 2 * 3600)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return Run.objects.create(**fields)
        except IntegrityError:
            stale = timezone.now() - timedelta(seconds=timeout)
            # Compare-and-set: only a row still running and older than the timeout is taken over.
            taken = Run.objects.filter(
                level=level, window_code=window.code, status=RunStatus.RUNNING, started_at__lt=stale
            ).update(status=RunStatus.FAILED, error=_("运行超时，视为中断"), finished_at=timezone.now())
            if not taken:
                raise _refusal(level, window) from None
    raise _refusal(level, window)
