"""Bulk work in the background (后台批量任务): opening a level's cycles for a period, drafting their
reports, exporting them as one .zip — started from the pages, run by the scheduled job
``zhengai.cycles.run_bulk_jobs`` (the in-process scheduler of ``zhengai serve``, or Celery beat in
production) in chunks, each chunk recording how far it got, so a page shows a progress bar and the
time left and may be left and come back to.

- ``do_start_job(kind, level, period, fmt, acting_user)`` — the quality office queues a job
  (``access.MANAGE_CYCLES``); a job of the same kind, level and period already queued or running is
  returned instead of a second one.
- ``run_due_jobs()`` — claims queued jobs one at a time (compare-and-set, so two schedulers never run
  one job twice) and runs them; a failure is kept on the job with its message.
"""

import tempfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.core import clock, windows
from zhengai.datacenter.choices import Level
from zhengai.org import access

from .choices import JobKind, JobStatus
from .models import BulkJob

CHUNK = 200
FORMATS = ("docx", "pdf")


def do_start_job(kind: str, level: str, period: str, fmt: str = "docx", *, acting_user) -> BulkJob:
    from . import periods

    access.require(acting_user, access.MANAGE_CYCLES)
    if kind not in JobKind.values:
        raise ValidationError(_("未知的批量任务“%(kind)s”。") % {"kind": kind})
    if level not in Level.values:
        raise ValidationError(_("未知的层面“%(level)s”。") % {"level": level})
    if kind == JobKind.EXPORT and fmt not in FORMATS:
        raise ValidationError(_("格式应为 docx 或 pdf。"))
    window = periods.check_period(level, period) if kind == JobKind.OPEN else _window(period)
    with transaction.atomic():
        running = BulkJob.objects.filter(kind=kind, level=level, period=window.code, status__in=JobStatus.ACTIVE).first()
        if running is not None:
            return running
        return BulkJob.objects.create(kind=kind, level=level, period=window.code, fmt=fmt if kind == JobKind.EXPORT else "",
                                      created_by=acting_user)


def _window(period):
    try:
        return windows.parse((period or "").strip())
    except windows.WindowError as exc:
        raise ValidationError(str(exc)) from None


def _progress(job, done, total=None):
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    BulkJob.objects.filter(pk=job.pk).update(**fields)
    job.done = done
    if total is not None:
        job.total = total


def _cycles(job):
    from . import queries

    return queries.overlapping(job.level, windows.parse(job.period)).order_by("subject__key", "pk")


def _run_open(job):
    from . import actions

    _progress(job, 0, 1)
    result = actions.do_open_cycles(job.level, job.period, acting_user=job.created_by)
    _progress(job, 1, 1)
    return _("已开启 %(created)s 个诊改周期（已有 %(existing)s 个）。") % {"created": result.created, "existing": result.existing}


def _run_draft(job):
    from .choices import CycleStatus
    from .drafting import draft_reports

    ids = list(_cycles(job).filter(status=CycleStatus.OPEN).values_list("pk", flat=True))
    _progress(job, 0, len(ids))
    drafted = 0
    groups = {}  # the level's standard, aggregates and peers: computed for the first chunk, reused
    for start in range(0, len(ids), CHUNK):
        from .models import Cycle

        chunk = list(Cycle.objects.filter(pk__in=ids[start:start + CHUNK]))
        drafted += len(draft_reports(chunk, acting_user=job.created_by, groups=groups))
        _progress(job, min(start + CHUNK, len(ids)))
    return _("已起草 %(n)s 份诊改报告（已提交或已发布的不变）。") % {"n": drafted}


def _run_export(job):
    from . import export
    from .models import Report

    latest = {}
    for report in (Report.objects.filter(cycle__in=_cycles(job)).select_related("cycle__subject")
                   .order_by("cycle_id", "version")):
        latest[report.cycle_id] = report
    reports = sorted(latest.values(), key=lambda r: (r.cycle.subject.key, r.cycle.start))
    _progress(job, 0, len(reports))
    if not reports:
        raise ValidationError(_("该层面该周期没有诊改报告可导出。"))
    # The archive grows on disk, not in memory: a level's PDFs run to tens of megabytes.
    with tempfile.TemporaryFile() as out:
        export.write_zip(reports, job.fmt, out,
                         progress=lambda i: _progress(job, i) if i % 5 == 0 or i == len(reports) else None)
        out.seek(0)
        job.result.save(f"cycles-{job.level}-{job.period.replace('..', '_')}-{job.fmt}-{job.pk}.zip", File(out),
                        save=False)
    BulkJob.objects.filter(pk=job.pk).update(result=job.result.name)
    return _("已导出 %(n)s 份诊改报告。") % {"n": len(reports)}


RUNNERS = {JobKind.OPEN: _run_open, JobKind.DRAFT: _run_draft, JobKind.EXPORT: _run_export}


def run_job(job: BulkJob) -> BulkJob:
    try:
        message = RUNNERS[job.kind](job)
    except Exception as exc:  # kept on the job for the page; the next job still runs
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else f"{type(exc).__name__}: {exc}"
        BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=text[:2000], finished_at=clock.now())
    else:
        BulkJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, message=message, finished_at=clock.now())
    job.refresh_from_db()
    return job


def run_due_jobs(limit: int = 5) -> int:
    """Run queued jobs, oldest first; returns how many ran."""
    ran = 0
    for pk in list(BulkJob.objects.filter(status=JobStatus.QUEUED).order_by("pk").values_list("pk", flat=True)[:limit]):
        claimed = BulkJob.objects.filter(pk=pk, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING,
                                                                                started_at=clock.now())
        if claimed:
            run_job(BulkJob.objects.get(pk=pk))
            ran += 1
    return ran
