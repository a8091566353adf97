"""Bulk work in the background: opening, drafting and exporting a level's reports from the pages
runs as a job of the scheduler, recording its progress for a bar and the time left (polled by
HTMX), which one may leave and come back to."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhengai.cycles import jobs
from zhengai.cycles.models import BulkJob, Cycle, Report
from zhengai.cycles.tests.test_reports import standard  # noqa: F401  (the fixture)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_quality_office_opens_drafts_and_exports_a_level_in_the_background(client, college, cast, standard, media):  # noqa: F811
    client.force_login(cast.alice)
    response = client.post(reverse("cycles:job_start"), {"kind": "open", "level": "offering", "period": "2026-2027-1"})
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cycles:job", args=[job.pk])
    assert job.status == "queued" and not Cycle.objects.exists(), "the page only queues the work"
    page = client.get(reverse("cycles:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队中" in page

    from zhengai.core import scheduling

    assert scheduling.task("zhengai.cycles.run_bulk_jobs")() == 1  # the scheduler's tick
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("done", 1, 1, 100) and Cycle.objects.count() == 2

    draft = jobs.do_start_job("draft", "offering", "2026-2027-1", acting_user=cast.alice)
    assert jobs.do_start_job("draft", "offering", "2026-2027-1", acting_user=cast.alice) == draft, "one job at a time"
    jobs.run_due_jobs()
    draft.refresh_from_db()
    assert (draft.status, draft.done, draft.total) == ("done", 2, 2) and Report.objects.count() == 2

    export = jobs.do_start_job("export", "offering", "2026-2027-1", "docx", acting_user=cast.alice)
    jobs.run_due_jobs()
    export.refresh_from_db()
    assert export.status == "done" and export.result, export.error
    # Polled by HTMX: the bar alone, no longer polling once done, with the download.
    bar = client.get(reverse("cycles:job", args=[export.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in bar and "every 2s" not in bar and "100%" in bar and "<html" not in bar
    download = client.get(reverse("cycles:job_download", args=[export.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert sorted(names) == ["2026-2027-1-C001-01-offering-2026-2027-1-v1.docx", "2026-2027-1-C002-01-offering-2026-2027-1-v1.docx"]
    assert "批量导出报告" in client.get(reverse("cycles:jobs")).content.decode()


def test_progress_gives_the_time_left_from_the_pace_so_far(db):
    from datetime import timedelta

    from zhengai.core import clock

    job = BulkJob(kind="draft", level="offering", period="2026-2027-1", status="running", total=100, done=25,
                  started_at=clock.now() - timedelta(seconds=30))
    assert job.percent == 25 and 85 <= job.seconds_left <= 95


def test_a_failed_job_keeps_its_message_and_others_may_not_start_jobs(college, cast, media):
    with pytest.raises(PermissionDenied):
        jobs.do_start_job("open", "offering", "2026-2027-1", acting_user=cast.bob)
    with pytest.raises(ValidationError):
        jobs.do_start_job("open", "offering", "junk", acting_user=cast.alice)
    job = jobs.do_start_job("export", "offering", "2026-2027-1", "docx", acting_user=cast.alice)
    jobs.run_due_jobs()
    job.refresh_from_db()
    assert job.status == "failed" and "没有诊改报告" in job.error
