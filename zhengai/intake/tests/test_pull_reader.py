"""Reading saved pulls from real source databases: streamed, incremental, and failing clearly."""

from datetime import datetime

import pytest

from zhengai.datacenter.models import SourceSystem
from zhengai.intake.pull.models import SavedPull, SourceConnection
from zhengai.intake.pull.reader import PullReader, SourceReadError, check_connection

from .source_dbs import STUDENTS_DDL, _server_dbs, source_db  # noqa: F401  (fixtures)


def rows(n, start=1, updated=None):
    return [
        {
            "student_no": f"S{i:04d}", "name": f"学生{i}", "gender": "1" if i % 2 else "2", "admin_class": "CNC2401",
            "cohort": 2024, "email": f"s{i}@example.edu.cn" if i % 3 else None,
            "updated_at": updated or datetime(2026, 10, 1, 8, 0, i % 60),
        }
        for i in range(start, start + n)
    ]


def make_pull(db_url, **kwargs):
    source, _ = SourceSystem.objects.get_or_create(code="xg", defaults={"name": "学工系统", "kind": "database"})
    connection = SourceConnection(name="xg-db", source=source)
    connection.set_url(db_url)
    connection.save()
    kwargs.setdefault("source_table", "xs_students")
    return SavedPull.objects.create(name="xg-students", connection=connection, table="students", **kwargs)


@pytest.mark.django_db
def test_it_streams_every_row_of_a_table_in_chunks(source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", rows(7))
    pull = make_pull(source_db.url, chunk_size=3)

    read = list(PullReader(pull))

    assert [r["student_no"] for r in sorted(read, key=lambda r: r["student_no"])] == [f"S{i:04d}" for i in range(1, 8)]
    assert read[0].keys() == {"student_no", "name", "gender", "admin_class", "cohort", "email", "updated_at"}
    by_no = {r["student_no"]: r for r in read}
    assert by_no["S0003"]["email"] is None and by_no["S0004"]["email"] == "s4@example.edu.cn"


@pytest.mark.django_db
def test_it_reads_only_rows_past_the_high_water_mark_and_remembers_the_largest(source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", rows(3, updated=datetime(2026, 10, 1, 8, 0)))
    source_db.insert("xs_students", rows(2, start=4, updated=datetime(2026, 10, 2, 9, 30)))
    pull = make_pull(source_db.url, incremental_column="updated_at")

    first = PullReader(pull)
    assert len(list(first)) == 5
    assert str(first.max_mark).startswith("2026-10-02")  # SQLite hands timestamps back as text

    from zhengai.intake.pull.reader import encode_high_water

    pull.high_water, pull.high_water_kind = encode_high_water(datetime(2026, 10, 1, 12, 0))
    second = PullReader(pull)
    assert sorted(r["student_no"] for r in second) == ["S0004", "S0005"]


@pytest.mark.django_db
def test_it_wraps_a_saved_query_with_the_incremental_condition(source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", rows(3, updated=datetime(2026, 10, 1, 8, 0)))
    source_db.insert("xs_students", rows(1, start=9, updated=datetime(2026, 10, 5, 8, 0)))
    pull = make_pull(
        source_db.url, source_table="",
        query="SELECT student_no, name AS 姓名, updated_at FROM xs_students WHERE gender = '1';",
        incremental_column="updated_at", high_water="2026-10-02T00:00:00", high_water_kind="datetime",
    )

    read = list(PullReader(pull))

    assert read == [{"student_no": "S0009", "姓名": "学生9", "updated_at": read[0]["updated_at"]}]


@pytest.mark.django_db
def test_it_says_in_chinese_how_far_it_got_when_the_source_fails_halfway(source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", rows(10))
    # Each backend's own way of failing on the 6th row, after earlier chunks were already handed on.
    failing = {
        "sqlite": "SELECT student_no, CASE WHEN student_no > 'S0005' THEN abs(-9223372036854775808) ELSE 1 END AS x "
                  "FROM xs_students ORDER BY student_no",
        # No ORDER BY here: PostgreSQL would compute the column for every row before sorting.
        "postgresql": "SELECT student_no, 1 / (CAST(substr(student_no, 2) AS INTEGER) - 6) AS x FROM xs_students",
        "mariadb": "SELECT student_no, zg_fail_after(CAST(substr(student_no, 2) AS INTEGER), 5) AS x "
                   "FROM xs_students ORDER BY student_no",
    }
    if source_db.backend == "mariadb":
        source_db.execute(
            "CREATE FUNCTION zg_fail_after(i INT, n INT) RETURNS INT DETERMINISTIC BEGIN "
            "IF i > n THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'source broke'; END IF; RETURN i; END"
        )
    pull = make_pull(source_db.url, source_table="", query=failing[source_db.backend], chunk_size=2)
    reader = PullReader(pull)
    seen = []

    with pytest.raises(SourceReadError) as failure:
        for row in reader:
            seen.append(row["student_no"])

    assert seen[:4] == ["S0001", "S0002", "S0003", "S0004"], str(failure.value)  # rows did flow first
    assert "读取来源数据库失败" in str(failure.value)
    assert f"已读取 {len(seen)} 行" in str(failure.value)


@pytest.mark.django_db
@pytest.mark.parametrize("source_db", ["postgresql"], indirect=True)
def test_it_fails_clearly_when_the_source_drops_the_connection_mid_stream(source_db):
    source_db.execute(STUDENTS_DDL)
    source_db.insert("xs_students", rows(10))
    # The source server ends the session itself on the 6th row, as a restart or a DBA's kill would.
    query = (
        "SELECT student_no, CASE WHEN CAST(substr(student_no, 2) AS INTEGER) > 5 "
        "THEN pg_terminate_backend(pg_backend_pid()) END AS x FROM xs_students"
    )
    pull = make_pull(source_db.url, source_table="", query=query, chunk_size=2)
    seen = []

    with pytest.raises(SourceReadError) as failure:
        for row in PullReader(pull):
            seen.append(row["student_no"])

    assert seen[:4] == ["S0001", "S0002", "S0003", "S0004"]
    assert "读取来源数据库失败" in str(failure.value) and "terminat" in str(failure.value)


@pytest.mark.django_db
def test_it_names_a_missing_incremental_column(source_db):
    source_db.execute(STUDENTS_DDL)
    pull = make_pull(source_db.url, incremental_column="modified")

    with pytest.raises(SourceReadError, match="没有增量字段 modified"):
        list(PullReader(pull))


@pytest.mark.django_db
def test_it_tests_a_connection_and_reports_a_refused_one_in_chinese(source_db):
    good = make_pull(source_db.url).connection
    assert check_connection(good) == (True, "连接成功")

    bad = SourceConnection(name="bad", source=good.source)
    bad.set_url("postgresql://nobody:secret@127.0.0.1:1/none")
    ok, message = check_connection(bad)
    assert ok is False
    assert message.startswith("连接失败：") and "secret" not in message
