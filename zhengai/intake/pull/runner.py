"""Running saved pulls: on demand (``zhengai pull``, the page's button) and on the schedule
(``run_due_pulls``, called by the Celery task ``zhengai.intake.tasks.run_due_pulls``).

A run claims its pull with a compare-and-set UPDATE, streams the source rows into the one import
pipeline (``zhengai.intake.pipeline.import_rows``), and moves the high-water mark only when the
batch succeeded. A source that fails halfway leaves a batch recorded as failed with a Chinese
message, nothing written, and the mark where it was.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import ImportBatch

from ..choices import PullCadence
from .models import SavedPull
from ..errors import IntakeError
from .reader import PullReader, SourceReadError, encode_high_water

log = logging.getLogger(__name__)


class PullBusy(Exception):
    """Another process is running this pull right now."""


@dataclass
class PullOutcome:
    pull: SavedPull
    batch: ImportBatch | None
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return self.batch is not None and self.batch.status == BatchStatus.SUCCEEDED


def _claim(pull: SavedPull, now) -> bool:
    """Take the pull for this process; False if another live process holds it."""
    from zhengai.intake.pipeline import _alive, _runner

    me = _runner()
    free = Q(running_since__isnull=True) | Q(running_since__lt=now - SavedPull.STALE_CLAIM)
    if SavedPull.objects.filter(pk=pull.pk).filter(free).update(running_since=now, runner=me):
        return True
    # Held: by a process of this host that no longer exists? Take it over, conditionally on the same holder.
    holder = SavedPull.objects.filter(pk=pull.pk).values_list("runner", flat=True).first() or ""
    host, _sep, pid = holder.rpartition(":")
    if host == me.rpartition(":")[0] and pid.isdigit() and not _alive(int(pid)):
        log.warning("pull %s: taking over the claim of dead process %s", pull.name, holder)
        return bool(SavedPull.objects.filter(pk=pull.pk, runner=holder).update(running_since=now, runner=me))
    return False


def _record_failure(pull: SavedPull, message: str, user, started) -> ImportBatch:
    """A failed batch for a run the pipeline refused before it made a batch of its own."""
    return ImportBatch.objects.create(
        source_id=pull.connection.source_id, table=pull.table, file_name=pull.description,
        created_by=user if getattr(user, "pk", None) else None, started_at=started,
        finished_at=timezone.now(), status=BatchStatus.FAILED, error=message,
    )


def _record_empty(pull: SavedPull, user, started) -> ImportBatch:
    """A succeeded batch of no rows: the source was read and had nothing (new)."""
    from zhengai.intake.choices import BatchAction
    from zhengai.intake.models import BatchEvent

    if pull.incremental_column and pull.high_water:
        note = _("来源没有新的数据行（%(column)s 大于 %(mark)s 的行为 0）") % {
            "column": pull.incremental_column, "mark": pull.high_water}
    else:
        note = _("来源没有数据行")
    batch = ImportBatch.objects.create(
        source_id=pull.connection.source_id, table=pull.table, file_name=pull.description,
        created_by=user if getattr(user, "pk", None) else None, started_at=started,
        finished_at=timezone.now(), status=BatchStatus.SUCCEEDED, log=note,
    )
    BatchEvent.objects.create(batch=batch, action=BatchAction.IMPORTED, actor=batch.created_by, detail=note)
    return batch


def run_pull(pull: SavedPull, *, user=None, now=None, chunk_size: int | None = None) -> PullOutcome:
    """Run one saved pull now; returns its batch (succeeded, refused or failed)."""
    from zhengai.intake.pipeline import import_rows

    now = now or timezone.now()
    if not _claim(pull, now):
        raise PullBusy(_("抽取任务 %(name)s 正在运行中") % {"name": pull.name})
    started = timezone.now()
    reader = PullReader(pull, chunk_size=chunk_size)
    try:
        try:
            # The query runs and its first row is read here: a source with nothing (new) is a
            # succeeded, empty batch (it was checked, so it is fresh), not an "empty file" refusal.
            if reader.empty:
                batch = _record_empty(pull, user, started)
            else:
                # The pipeline itself records a source failing later on (SourceReadError) as a
                # failed batch with the reader's Chinese message, inside its all-or-nothing transaction.
                batch = import_rows(
                    pull.connection.source, pull.table, reader,
                    file_name=pull.description, user=user, partial=pull.partial,
                )
        except (SourceReadError, IntakeError) as exc:  # before any row, or a table that cannot be imported
            batch = _record_failure(pull, str(exc), user, started)
        finally:
            reader.close()
        fields = {"last_run_at": now, "last_batch": batch, "next_run_at": pull.schedule_next(now)}
        if batch.status == BatchStatus.SUCCEEDED and reader.max_mark is not None:
            # Only a batch that succeeded moves the mark: anything else reads the same rows again.
            fields["high_water"], fields["high_water_kind"] = encode_high_water(reader.max_mark)
        for name, value in fields.items():
            setattr(pull, name, value)
        SavedPull.objects.filter(pk=pull.pk).update(**fields)
    finally:
        SavedPull.objects.filter(pk=pull.pk).update(running_since=None, runner="")
        pull.running_since, pull.runner = None, ""
    log.info("pull %s: batch %s %s", pull.name, batch.pk, batch.status)
    return PullOutcome(pull, batch)


def due_pulls(now):
    """The enabled, scheduled pulls whose next run time has come (a never-run pull is due)."""
    return (
        SavedPull.objects.filter(enabled=True)
        .exclude(cadence=PullCadence.MANUAL)
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
        .select_related("connection__source")
        .order_by("next_run_at", "name")
    )


def run_due_pulls(now=None) -> list[PullOutcome]:
    """Run every due pull once (the scheduler calls this every few minutes; idempotent)."""
    now = now or timezone.now()
    outcomes = []
    for pull in due_pulls(now):
        try:
            outcomes.append(run_pull(pull, now=now))
        except PullBusy as exc:
            outcomes.append(PullOutcome(pull, None, skipped=str(exc)))
    return outcomes


def record_test(connection, ok: bool, message: str) -> None:
    with transaction.atomic():
        connection.last_tested_at = timezone.now()
        connection.last_test_ok = ok
        connection.last_test_message = message
        connection.save(update_fields=["last_tested_at", "last_test_ok", "last_test_message"])
