"""Running saved pulls end to end: real source databases → the one pipeline → the data center."""

from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import ImportBatch, SourceSystem, Student
from zhengai.intake.pull import run_due_pulls, run_pull
from zhengai.intake.pull.models import SavedPull, SourceConnection
from zhengai.intake.pull.runner import PullBusy

from .source_dbs import STUDENTS_DDL, _server_dbs, source_db  # noqa: F401  (fixtures)

T0 = datetime(2026, 10, 1, 8, 0)


def student(no, name, klass="CNC2401", gender="1", email=None, updated=T0):
    return {"student_no": no, "name": name, "gender": gender, "admin_class": klass, "cohort": 2024,
            "email": email, "updated_at": updated}


def saved_pull(url, name="xg-students", **kwargs):
    source, _ = SourceSystem.objects.get_or_create(code="xg", defaults={"name": "学工系统", "kind": "database"})
    connection, _ = SourceConnection.objects.get_or_create(name=f"{name}-db", defaults={"source": source})
    connection.set_url(url)
    connection.save()
    kwargs.setdefault("source_table", "xs_students")
    return SavedPull.objects.create(name=name, connection=connection, table="students", **kwargs)


def names():
    return dict(Student.objects.filter(student_no__startswith="X").values_list("student_no", "name"))


@pytest.mark.django_db
def test_it_pulls_a_table_into_the_data_center_and_a_second_pull_changes_nothing(college, source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", [
        student("X001", "赵一", email="x1@example.edu.cn"), student("X002", "钱二", gender="2"),
        student("X003", "孙三", klass="SW2401"),
    ])
    pull = saved_pull(source_db.url, chunk_size=2)
    assert names() == {}

    first = run_pull(pull).batch

    assert (first.status, first.rows_read, first.rows_inserted) == (BatchStatus.SUCCEEDED, 3, 3), first.error
    assert names() == {"X001": "赵一", "X002": "钱二", "X003": "孙三"}
    x2 = Student.objects.get(student_no="X002")
    assert (x2.gender, x2.admin_class_id, x2.specialty_id, x2.batch_id) == ("F", college.class_cnc.pk, college.cnc.pk, first.pk)
    assert Student.objects.get(student_no="X003").specialty_id == college.soft.pk
    assert first.file_name == "xg-students: xs_students"

    second = run_pull(pull).batch

    assert (second.status, second.rows_read, second.rows_inserted, second.rows_updated, second.rows_unchanged) == (
        BatchStatus.SUCCEEDED, 3, 0, 0, 3)


@pytest.mark.django_db
def test_it_pulls_incrementally_and_moves_the_mark_only_forward(college, source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", [student("X001", "赵一"), student("X002", "钱二", updated=T0 + timedelta(hours=1))])
    pull = saved_pull(source_db.url, incremental_column="updated_at")

    first = run_pull(pull).batch
    pull.refresh_from_db()
    assert first.rows_inserted == 2
    assert pull.high_water.replace("T", " ").startswith("2026-10-01 09:00:00")

    source_db.execute("UPDATE xs_students SET name = '钱贰', updated_at = :t WHERE student_no = 'X002'",
                      params={"t": T0 + timedelta(days=1)})
    source_db.insert("xs_students", [student("X003", "孙三", updated=T0 + timedelta(days=2))])
    second = run_pull(pull).batch
    pull.refresh_from_db()

    assert (second.rows_read, second.rows_inserted, second.rows_updated) == (2, 1, 1)  # X001 not read again
    assert names() == {"X001": "赵一", "X002": "钱贰", "X003": "孙三"}
    assert pull.high_water.replace("T", " ").startswith("2026-10-03 08:00:00")

    third = run_pull(pull).batch
    pull.refresh_from_db()
    assert (third.status, third.rows_read) == (BatchStatus.SUCCEEDED, 0)
    assert "没有新的数据行" in third.log
    assert pull.high_water.replace("T", " ").startswith("2026-10-03 08:00:00")


FAILING_QUERIES = {
    # Each backend's own way of breaking off at the 6th row, after earlier chunks went into the batch.
    "sqlite": "SELECT s.*, CASE WHEN student_no > 'X005' THEN abs(-9223372036854775808) ELSE 1 END AS boom "
              "FROM xs_students s ORDER BY student_no",
    "postgresql": "SELECT s.*, 1 / (CAST(substr(student_no, 2) AS INTEGER) - 6) AS boom FROM xs_students s",
    "mariadb": "SELECT s.*, zg_fail_after(CAST(substr(student_no, 2) AS INTEGER), 5) AS boom "
               "FROM xs_students s ORDER BY student_no",
}


@pytest.mark.django_db
def test_it_records_a_source_failing_halfway_as_a_failed_batch_that_wrote_nothing(college, source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", [student(f"X{i:03d}", f"学生{i}", updated=T0 + timedelta(hours=i)) for i in range(1, 11)])
    if source_db.backend == "mariadb":
        source_db.execute(
            "CREATE FUNCTION zg_fail_after(i INT, n INT) RETURNS INT DETERMINISTIC BEGIN "
            "IF i > n THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'source broke'; END IF; RETURN i; END"
        )
    pull = saved_pull(
        source_db.url, source_table="", query=FAILING_QUERIES[source_db.backend], chunk_size=2,
        incremental_column="updated_at", high_water="2026-09-01T00:00:00", high_water_kind="datetime",
    )
    students_before = Student.objects.count()

    batch = run_pull(pull).batch

    pull.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.error.startswith("读取来源数据库失败（已读取 ") and "本批次未写入任何数据" in batch.error
    assert batch.rows_read >= 4 and batch.rows_inserted == 0
    assert Student.objects.count() == students_before and names() == {}
    assert pull.high_water == "2026-09-01T00:00:00"  # unchanged: the next run reads the same rows
    assert pull.last_batch_id == batch.pk and pull.running_since is None


@pytest.mark.django_db
@pytest.mark.parametrize("source_db", ["postgresql"], indirect=True)
def test_it_records_a_connection_dropped_mid_stream_as_failed(college, source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", [student(f"X{i:03d}", f"学生{i}") for i in range(1, 11)])
    query = ("SELECT s.*, CASE WHEN CAST(substr(student_no, 2) AS INTEGER) > 5 "
             "THEN pg_terminate_backend(pg_backend_pid()) END AS boom FROM xs_students s")
    pull = saved_pull(source_db.url, source_table="", query=query, chunk_size=2)

    batch = run_pull(pull).batch

    assert batch.status == BatchStatus.FAILED and "读取来源数据库失败" in batch.error
    assert names() == {}


@pytest.mark.django_db
def test_it_fails_with_a_chinese_message_when_the_source_cannot_be_reached(college):
    pull = saved_pull("postgresql://reader:pw@127.0.0.1:1/none")

    batch = run_pull(pull).batch

    assert batch.status == BatchStatus.FAILED and batch.error.startswith("读取来源数据库失败（已读取 0 行")
    assert batch.table == "students" and batch.source.code == "xg"


@pytest.mark.django_db
def test_it_keeps_the_mark_when_the_pipeline_refuses_the_rows(college, tmp_path):
    from .source_dbs import SourceDB

    db = SourceDB("sqlite", f"sqlite:///{tmp_path / 'src.sqlite3'}")
    db.execute(STUDENTS_DDL)
    db.insert("xs_students", [student("X001", "赵一"), student("X002", "钱二", klass="NOPE")])
    pull = saved_pull(db.url, incremental_column="updated_at")

    batch = run_pull(pull).batch

    pull.refresh_from_db()
    assert batch.status == BatchStatus.REFUSED and "NOPE" in batch.error
    assert names() == {} and pull.high_water == ""


@pytest.mark.django_db
def test_it_runs_only_the_due_pulls_and_schedules_the_next_run(college, tmp_path):
    from .source_dbs import SourceDB

    db = SourceDB("sqlite", f"sqlite:///{tmp_path / 'src.sqlite3'}")
    db.execute(STUDENTS_DDL)
    db.insert("xs_students", [student("X001", "赵一")])
    now = timezone.now()
    daily = saved_pull(db.url, name="daily", cadence="daily")  # never run: due
    saved_pull(db.url, name="manual", cadence="manual")
    saved_pull(db.url, name="later", cadence="hourly", next_run_at=now + timedelta(minutes=5))
    saved_pull(db.url, name="off", cadence="hourly", enabled=False)

    outcomes = run_due_pulls(now)

    assert [o.pull.name for o in outcomes] == ["daily"] and outcomes[0].ok
    daily.refresh_from_db()
    assert daily.next_run_at == now + timedelta(days=1) and daily.last_run_at == now
    assert run_due_pulls(now + timedelta(minutes=2)) == []
    assert [o.pull.name for o in run_due_pulls(now + timedelta(minutes=6))] == ["later"]


@pytest.mark.django_db
def test_it_never_runs_one_pull_twice_at_once_but_takes_over_a_dead_processs_claim(college, tmp_path):
    import socket
    import subprocess
    import sys

    from zhengai.intake.pipeline import _runner

    pull = saved_pull(f"sqlite:///{tmp_path / 'src.sqlite3'}")
    recently = timezone.now() - timedelta(minutes=3)

    # Held by a live process (this one, or one on another host): refused.
    for holder in (_runner(), "other-host:12345"):
        SavedPull.objects.filter(pk=pull.pk).update(running_since=recently, runner=holder)
        with pytest.raises(PullBusy, match="正在运行中"):
            run_pull(pull)
    assert ImportBatch.objects.filter(source__code="xg").count() == 0

    # Held by a process of this host that was killed: taken over at once.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    SavedPull.objects.filter(pk=pull.pk).update(running_since=recently, runner=f"{socket.gethostname()}:{gone.stdout.strip()}")
    assert run_pull(pull).batch.status == BatchStatus.FAILED  # ran (the source file has no such table)
    assert SavedPull.objects.filter(pk=pull.pk, running_since__isnull=True, runner="").exists()

    # Held elsewhere for longer than any pull takes: taken over too.
    SavedPull.objects.filter(pk=pull.pk).update(running_since=timezone.now() - timedelta(hours=7), runner="other-host:1")
    assert run_pull(pull).batch is not None


@pytest.mark.django_db
def test_the_celery_task_runs_the_due_pulls_and_is_in_the_schedule(college, tmp_path):
    from zhengai.intake import tasks
    from .source_dbs import SourceDB

    db = SourceDB("sqlite", f"sqlite:///{tmp_path / 'src.sqlite3'}")
    db.execute(STUDENTS_DDL)
    db.insert("xs_students", [student("X001", "赵一")])
    saved_pull(db.url, cadence="daily")

    result = tasks.run_due_pulls.apply().get()

    assert result == {"ran": 1, "succeeded": 1, "skipped": 0}
    assert names() == {"X001": "赵一"}
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["intake-run-due-pulls"]["task"] == tasks.run_due_pulls.name == "zhengai.intake.tasks.run_due_pulls"


@pytest.mark.django_db
def test_the_pull_command_runs_by_name_all_or_due_and_fails_loudly(college, tmp_path, capsys):
    from .source_dbs import SourceDB

    db = SourceDB("sqlite", f"sqlite:///{tmp_path / 'src.sqlite3'}")
    db.execute(STUDENTS_DDL)
    db.insert("xs_students", [student("X001", "赵一"), student("X002", "钱二")])
    saved_pull(db.url, name="good", cadence="manual")
    saved_pull("postgresql://reader@127.0.0.1:1/none", name="broken", cadence="manual")

    call_command("pull", "good", "--format", "csv")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "pull,batch,status,read,inserted,updated,unchanged,rejected,message"
    assert out[1].startswith("good,") and ",succeeded,2,2,0,0,0," in out[1]

    with pytest.raises(CommandError, match="1 个抽取任务未成功"):
        call_command("pull", "--all", "--format", "json")
    assert '"status": "failed"' in capsys.readouterr().out

    call_command("pull", "--due")  # manual pulls are never due: nothing runs, no error
    with pytest.raises(CommandError, match="没有名为 nope 的抽取任务"):
        call_command("pull", "nope")
    with pytest.raises(CommandError, match="三者选一"):
        call_command("pull")


@pytest.mark.django_db
def test_it_reads_a_vendor_schema_through_the_sources_saved_mapping(college, tmp_path):
    from zhengai.intake.models import Mapping
    from .source_dbs import SourceDB

    # A vendor's 学工 database names its columns in pinyin initials and codes 性别 its own way.
    db = SourceDB("sqlite", f"sqlite:///{tmp_path / 'vendor.sqlite3'}")
    db.execute("CREATE TABLE T_XSXX (XH TEXT, XM TEXT, XBDM TEXT, BJDM TEXT, RXNF INTEGER, GXSJ TEXT)")
    db.insert("T_XSXX", [
        {"XH": "V001", "XM": "冯一", "XBDM": "02", "BJDM": "CNC2401", "RXNF": 2024, "GXSJ": "2026-10-01 08:00:00"},
        {"XH": "V002", "XM": "陈二", "XBDM": "01", "BJDM": "SW2401", "RXNF": 2024, "GXSJ": "2026-10-02 08:00:00"},
    ])
    pull = saved_pull(db.url, source_table="T_XSXX", incremental_column="GXSJ")
    Mapping.objects.create(
        source=pull.connection.source, table="students",
        columns={"XH": "student_no", "XM": "name", "XBDM": "gender", "BJDM": "admin_class", "RXNF": "cohort"},
        value_maps={"gender": {"01": "男", "02": "女"}},
    )

    batch = run_pull(pull).batch

    assert batch.status == BatchStatus.SUCCEEDED and batch.rows_inserted == 2, batch.error
    assert dict(Student.objects.filter(student_no__startswith="V").values_list("student_no", "gender")) == {"V001": "F", "V002": "M"}
    pull.refresh_from_db()
    assert pull.high_water == "2026-10-02 08:00:00" and pull.high_water_kind == "text"  # SQLite keeps timestamps as text
