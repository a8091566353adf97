"""Indicator values kept between page views: served while the data under them is unchanged, computed
again as soon as an import, an undo or an edit changes it — and never kept for what the data center
does not hold.

Each test changes fact rows behind the cache's back (``QuerySet.update`` writes no batch and sends no
signal), so a value that stays as it was proves it came from the cache, and a value that follows the
change proves the key moved."""

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhengai.core.windows import parse
from zhengai.datacenter.choices import AttendanceStatus, BatchStatus
from zhengai.datacenter.models import Attendance, ImportBatch, Subject
from zhengai.indicators import cache, registry

OCTOBER = parse("2026-10")
RATE = "student.attendance_rate"
Z, C, L = "2024001", "2024002", "2024101"  # 张三, 陈四, 刘五


@pytest.fixture
def kept(settings, facts):
    settings.ZHENGAI_INDICATOR_CACHE_SECONDS = 3600
    django_cache.clear()
    yield facts
    django_cache.clear()


def rates(**kwargs):
    keys = dict(Subject.objects.values_list("pk", "key"))
    return {keys[k]: v for k, v in cache.values(registry.get(RATE), OCTOBER, **kwargs).items()}


def chen_attends_everything(c):
    """陈四 was absent, absent and on leave in October (0 %); now every record says present."""
    Attendance.objects.filter(student=c.s_chen).update(status=AttendanceStatus.PRESENT)


def batch(c, table, status=BatchStatus.SUCCEEDED):
    return ImportBatch.objects.create(source=c.source, table=table, status=status, finished_at=timezone.now())


def test_a_kept_level_is_served_without_reading_the_facts(kept):
    first = rates()
    assert first[C] == 0.0
    chen_attends_everything(kept)
    with CaptureQueriesContext(connection) as queries:
        again = rates()
    assert again == first
    assert not [q for q in queries.captured_queries if "datacenter_attendance" in q["sql"]]


def test_nothing_is_kept_when_the_setting_is_zero(kept, settings):
    settings.ZHENGAI_INDICATOR_CACHE_SECONDS = 0
    rates()
    chen_attends_everything(kept)
    assert rates()[C] == 100.0


@pytest.mark.parametrize("table", ["attendance", "datacenter_attendance", "students"])
def test_an_import_into_a_table_it_reads_computes_it_again(kept, table):
    """Intake and the push API name the table by its code, the demo loader by its database table;
    the master tables (students, classes, offerings…) are read by every indicator."""
    rates()
    chen_attends_everything(kept)
    batch(kept, table)
    assert rates()[C] == 100.0


def test_an_import_into_another_table_keeps_it(kept):
    """xAPI statements arriving all day do not throw away the attendance of the whole school."""
    first = rates()
    chen_attends_everything(kept)
    batch(kept, "learning_activity")
    batch(kept, "grades")
    assert rates() == first


def test_an_undone_import_computes_it_again(kept):
    imported = batch(kept, "attendance")
    rates()
    chen_attends_everything(kept)
    imported.status = BatchStatus.UNDONE
    imported.save(update_fields=["status"])
    assert rates()[C] == 100.0


def test_a_row_saved_one_at_a_time_computes_it_again_after_the_commit(kept, django_capture_on_commit_callbacks):
    """An edit in the admin writes no batch; the key moves once the edit is committed."""
    rates()
    record = Attendance.objects.filter(student=kept.s_chen).first()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        Attendance.objects.filter(student=kept.s_chen).exclude(pk=record.pk).update(status=AttendanceStatus.PRESENT)
        record.status = AttendanceStatus.PRESENT
        record.save()
        assert rates()[C] == 0.0  # not committed yet: what others read is still the old value
    for callback in pending:
        callback()
    assert rates()[C] == 100.0


def test_a_restricted_evaluation_is_not_kept_as_the_whole_level(kept):
    only_zhang = rates(only=[kept.s_zhang.pk])
    assert only_zhang[Z] == round(200 / 3, 4)
    assert set(rates()) == {Z, C, L}


def test_the_whole_level_kept_serves_a_restricted_request(kept):
    first = rates()
    chen_attends_everything(kept)
    with registry.only([kept.s_chen.pk]):
        assert rates()[C] == first[C]


def test_indicators_of_the_platforms_own_tables_are_never_kept(kept):
    """Task completion and the quality-culture shares read tables every action changes."""
    for code in ("school.task_completion", "department.actions_on_time"):
        assert not cache.cacheable(registry.get(code))
    assert cache.cacheable(registry.get(RATE))


def test_kept_reads_every_indicator_in_one_go(kept, django_assert_max_num_queries):
    indicators = [registry.get(RATE), registry.get("student.absent_periods"), registry.get("school.task_completion")]
    for indicator in indicators[:2]:
        cache.values(indicator, OCTOBER)
    with django_assert_max_num_queries(1):  # the batches' fingerprints
        found = cache.kept(indicators, OCTOBER)
    assert set(found) == {RATE, "student.absent_periods"}


def test_a_figure_derived_from_kept_values_follows_them(kept):
    """A level overview's scores are kept beside the values they come from: served while those are,
    computed again when an import changes them or when the signature (the standard's lines) changes."""
    calls = []

    def derive(signature="lines-1"):
        def compute():
            calls.append(signature)
            return {"chen": rates()[C]}
        return cache.derived("test-scores", [registry.get(RATE)], OCTOBER, signature, compute)

    assert derive() == {"chen": 0.0}
    chen_attends_everything(kept)
    assert derive() == {"chen": 0.0} and calls == ["lines-1"]
    assert derive("lines-2") == {"chen": 0.0} and calls == ["lines-1", "lines-2"], "new lines, computed again"
    batch(kept, "attendance")
    assert derive() == {"chen": 100.0} and calls == ["lines-1", "lines-2", "lines-1"]


def test_a_figure_derived_from_an_indicator_not_kept_is_computed_each_time(kept):
    calls = []
    task_share = registry.get("department.actions_on_time")  # provided by the cycles app, not kept
    for _ in range(2):
        cache.derived("test-culture", [task_share], OCTOBER, "", lambda: calls.append(1))
    assert calls == [1, 1]


def test_a_figure_read_from_tables_follows_their_imports(kept):
    """The school's counts on the home page: kept until an import into one of their tables."""
    calls = []

    def count():
        calls.append(1)
        return Attendance.objects.filter(status=AttendanceStatus.PRESENT).count()

    first = cache.by_tables("test-count", ["datacenter.attendance"], "", count)
    chen_attends_everything(kept)
    assert cache.by_tables("test-count", ["datacenter.attendance"], "", count) == first and calls == [1]
    batch(kept, "students")  # another table: still kept
    assert cache.by_tables("test-count", ["datacenter.attendance"], "", count) == first and calls == [1]
    batch(kept, "attendance")
    assert cache.by_tables("test-count", ["datacenter.attendance"], "", count) > first and calls == [1, 1]
