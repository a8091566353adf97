"""Benchmark of the database pull channel (``zhengai pull``) on PostgreSQL, source and target.

Creates a throwaway source database (``--source-database``, default ``zg_pull_bench_src``) with N
students in a source system's shape and a throwaway data center (``--database``, default
``zg_pull_bench``; migrated, with the tiny test college's classes), both created for the run and
dropped after it, never existing ones (see ``throwaway.py``), and prints:

1. reading only: N rows streamed through ``PullReader`` (server-side cursor, chunks) — rows/s and
   peak memory — beside the baseline of the same query read at once with ``fetchall()``;
2. end to end: a first pull of N students into the data center and a second pull (all unchanged),
   beside the baseline of the pipeline alone: the same rows handed to ``import_rows`` from a list
   already in memory.

    python bench/pull_students.py [--rows 200000] [--chunk 5000] [--database NAME] [--source-database NAME] [--keep]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres); override with BENCH_PG=postgres://…/ (no db name).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402

SERVER = throwaway.SERVER
SOURCE_DB, TARGET_DB = "zg_pull_bench_src", "zg_pull_bench"  # --source-database, --database


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_source(rows: int) -> None:
    import psycopg

    with psycopg.connect(SERVER + SOURCE_DB) as conn:
        conn.execute(
            "CREATE TABLE xs_students (student_no varchar(32) PRIMARY KEY, name varchar(50), gender varchar(2), "
            "admin_class varchar(32), cohort integer, email varchar(100), updated_at timestamp)"
        )
        conn.execute(
            "INSERT INTO xs_students SELECT 'B' || lpad(g::text, 7, '0'), '学生' || g, "
            "CASE WHEN g %% 2 = 0 THEN '1' ELSE '2' END, CASE WHEN g %% 3 = 0 THEN 'SW2401' ELSE 'CNC2401' END, 2024, "
            "CASE WHEN g %% 4 = 0 THEN NULL ELSE 's' || g || '@example.edu.cn' END, "
            "timestamp '2026-10-01' + g * interval '1 second' FROM generate_series(1, %s) g",
            (rows,),
        )


def main() -> None:
    global SOURCE_DB, TARGET_DB
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=5000)
    throwaway.add_options(parser, TARGET_DB, what="the throwaway data center")
    throwaway.add_options(parser, SOURCE_DB, option="--source-database", what="the throwaway source system's database")
    args = parser.parse_args()
    n = args.rows
    SOURCE_DB, TARGET_DB = args.source_database, args.database
    with throwaway.throwaway_database(SOURCE_DB, keep=args.keep), throwaway.throwaway_database(TARGET_DB, keep=args.keep):
        run(args, n)


def run(args, n: int) -> None:
    try:
        os.environ["DATABASE_URL"] = SERVER + TARGET_DB
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from zhengai.datacenter.testing import build_college
        from zhengai.intake.pipeline import import_rows
        from zhengai.intake.pull import run_pull
        from zhengai.intake.pull.models import SavedPull, SourceConnection
        from zhengai.intake.pull.reader import PullReader, make_engine

        college = build_college()
        t = time.perf_counter()
        make_source(n)
        print(f"source: {n:,} rows made in {time.perf_counter() - t:.1f} s; peak memory so far {peak_mb():.0f} MB")

        connection = SourceConnection(name="bench", source=college.source)
        connection.set_url(SERVER + SOURCE_DB)
        connection.save()
        pull = SavedPull.objects.create(
            name="bench-students", connection=connection, table="students", source_table="xs_students",
            incremental_column="updated_at", chunk_size=args.chunk, cadence="manual",
        )

        # 1. Reading only: streamed first (so its peak is measured before fetchall raises it).
        before = peak_mb()
        t = time.perf_counter()
        reader = PullReader(pull)
        count = sum(1 for _row in reader.numbered())  # rows by position, as the pipeline reads them
        reader.close()
        stream_s = time.perf_counter() - t
        stream_peak = peak_mb()
        from sqlalchemy import text

        engine = make_engine(connection)
        t = time.perf_counter()
        with engine.connect() as conn:
            everything = conn.execute(text("SELECT * FROM xs_students")).fetchall()
        fetchall_s = time.perf_counter() - t
        fetchall_peak = peak_mb()
        assert count == len(everything) == n
        del everything
        print("\n1. reading the source")
        print(f"   streamed (chunks of {args.chunk:,}): {n / stream_s:>10,.0f} rows/s  peak {stream_peak:.0f} MB "
              f"(+{stream_peak - before:.0f} MB)")
        print(f"   baseline fetchall():        {n / fetchall_s:>10,.0f} rows/s  peak {fetchall_peak:.0f} MB "
              f"(+{fetchall_peak - stream_peak:.0f} MB more)")
        print(f"   ratio streamed / fetchall rate: {fetchall_s / stream_s:.2f}")

        # 2. End to end.
        t = time.perf_counter()
        first = run_pull(pull).batch
        first_s = time.perf_counter() - t
        assert first.status == "succeeded" and first.rows_inserted == n, (first.status, first.error)
        pull.high_water = ""  # read everything again: the re-import path (all unchanged)
        pull.save(update_fields=["high_water"])
        t = time.perf_counter()
        second = run_pull(pull).batch
        second_s = time.perf_counter() - t
        assert second.rows_unchanged == n, (second.status, second.error)
        pulls_peak = peak_mb()
        rows = [dict(r._mapping) for r in engine.connect().execute(text("SELECT * FROM xs_students"))]
        t = time.perf_counter()
        base = import_rows(college.source, "students", rows, file_name="baseline")
        base_s = time.perf_counter() - t
        assert base.rows_unchanged == n, (base.status, base.error)
        print("\n2. into the data center (students, validated, upserted, subjects synced)")
        print(f"   first pull (all inserted):    {n / first_s:>10,.0f} rows/s  ({first_s:.1f} s)")
        print(f"   second pull (all unchanged):  {n / second_s:>10,.0f} rows/s  ({second_s:.1f} s)")
        print(f"   baseline, pipeline alone from a list in memory (all unchanged): {n / base_s:,.0f} rows/s ({base_s:.1f} s)")
        print(f"   ratio second pull / baseline: {base_s / second_s:.2f}")
        print(f"   peak memory after both pulls: {pulls_peak:.0f} MB (before the fetchall and the baseline "
              f"list: {stream_peak:.0f} MB); after the baseline's list of {n:,} rows: {peak_mb():.0f} MB")
        engine.dispose()
    finally:
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main()
