"""Import 1,000,000 attendance rows from a CSV into PostgreSQL with validation on, and compare with
the floor: a bare COPY of the same rows into a table with the same columns and indexes.

    python bench/import_attendance.py [--rows 1000000] [--database NAME] [--keep]

It builds a throwaway database (``--database``, default ``zg_bench_import``: created for the run and
dropped after it, never an existing one; see ``throwaway.py``), migrates it, creates the master data the rows refer to (students, offerings, class sessions),
writes the CSV the way a clerk's file looks (学号, 教学班代码, 日期, 节次, 考勤状态), then measures,
each in a fresh process so peak memory is the import's own:

1. floor: COPY of the resolved rows into ``bench_floor`` (``LIKE datacenter_attendance INCLUDING ALL``);
2. first load: ``zhengai.intake.files.import_file`` of the CSV (all rows inserted);
3. re-import of the same file (all rows unchanged).

Targets (issue 4): at least 100,000 rows/s, at least a third of the floor, under 500 MB.
"""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import throwaway  # noqa: E402

DB = "zg_bench_import"  # --database; the phases' processes are told it on their command line
STUDENTS_PER_OFFERING = 40


def setup_django():
    os.environ["DATABASE_URL"] = throwaway.url(DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_mb() -> float:
    """Peak resident memory of this process. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    an exec, so a phase would report the peak of the process that started it."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# The measured phases, each run in its own process ----------------------------------------------


def phase_floor(tsv: str, rows: int) -> dict:
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute("CREATE TABLE bench_floor (LIKE datacenter_attendance INCLUDING ALL)")
    connection.commit() if not connection.get_autocommit() else None
    columns = "session_id, student_id, offering_id, date, status, periods, batch_id, source_id"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY bench_floor ({columns}) FROM STDIN") as copy, open(tsv, "rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_floor")
        assert cursor.fetchone()[0] == rows
        cursor.execute("DROP TABLE bench_floor")
    return {"seconds": elapsed, "rows": rows, "peak_mb": peak_mb(), "cpu": cpu()}


def phase_import(csv_path: str, rows: int) -> dict:
    setup_django()
    from zhengai.datacenter.models import SourceSystem
    from zhengai.intake.files import import_file

    source = SourceSystem.objects.get(code="bench")
    started = time.perf_counter()
    batch = import_file(source, "attendance", csv_path)
    elapsed = time.perf_counter() - started
    assert batch.status == "succeeded", batch.error
    assert batch.rows_read == rows, batch.rows_read
    return {
        "seconds": elapsed, "rows": rows, "peak_mb": peak_mb(), "cpu": cpu(), "inserted": batch.rows_inserted,
        "updated": batch.rows_updated, "unchanged": batch.rows_unchanged, "batch": batch.pk,
    }


# Preparation --------------------------------------------------------------------------------------


def build(rows: int, workdir: Path) -> tuple[str, str]:
    """Migrate, create the master data, write the CSV (natural keys) and the floor's TSV (ids)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zhengai.datacenter.choices import DepartmentKind, SourceKind
    from zhengai.datacenter.models import (
        AdminClass, ClassSession, Course, Department, Offering, SourceSystem, Specialty, Staff, Student, Term,
    )

    SourceSystem.objects.create(code="bench", name="考勤系统", kind=SourceKind.FILE)
    term = Term.objects.create(code="2026-2027-1", start_date=date(2026, 9, 7), end_date=date(2027, 1, 22))
    dept = Department.objects.create(code="D01", name="机械工程学院", kind=DepartmentKind.COLLEGE)
    spec = Specialty.objects.create(code="460103", name="数控技术", department=dept)
    teacher = Staff.objects.create(staff_no="T0001", name="王老师", gender="F", department=dept)
    sessions_per_offering = 50
    offerings_n = max(1, rows // (STUDENTS_PER_OFFERING * sessions_per_offering))
    students_n = max(STUDENTS_PER_OFFERING, offerings_n * STUDENTS_PER_OFFERING // 2)
    classes = AdminClass.objects.bulk_create(
        AdminClass(code=f"C{i:04d}", name=f"数控{i:04d}", specialty=spec, cohort=2025) for i in range(students_n // 40 + 1)
    )
    students = Student.objects.bulk_create(
        (Student(student_no=f"2025{i:06d}", name=f"学生{i}", gender="M" if i % 2 else "F",
                 admin_class=classes[i // 40], specialty=spec, cohort=2025) for i in range(students_n)),
        batch_size=5000,
    )
    courses = Course.objects.bulk_create(
        Course(code=f"K{i:04d}", name=f"课程{i}", department=dept, category="core", credits=3, hours=48)
        for i in range(offerings_n)
    )
    offerings = Offering.objects.bulk_create(
        Offering(code=f"2026-2027-1-K{i:04d}-01", course=courses[i], term=term, teacher=teacher) for i in range(offerings_n)
    )
    days = [date(2026, 9, 7) + timedelta(days=d) for d in range(0, 130)]
    sessions = ClassSession.objects.bulk_create(
        (ClassSession(offering=o, date=days[(k * 2) % len(days)], period=1 + 2 * (k % 4))
         for o in offerings for k in range(sessions_per_offering)),
        batch_size=5000,
    )
    statuses = [("出勤", "present")] * 17 + [("迟到", "late"), ("请假", "leave"), ("缺勤", "absent")]
    csv_path, tsv_path = workdir / "attendance.csv", workdir / "attendance.tsv"
    written = 0
    with open(csv_path, "w", encoding="utf-8", newline="") as csv_file, open(tsv_path, "w", encoding="utf-8") as tsv:
        csv_file.write("学号,教学班代码,日期,节次,考勤状态\n")
        for index, offering in enumerate(offerings):
            members = [students[(index * STUDENTS_PER_OFFERING + j) % students_n] for j in range(STUDENTS_PER_OFFERING)]
            for k in range(sessions_per_offering):
                session = sessions[index * sessions_per_offering + k]
                day = session.date.isoformat()
                for j, student in enumerate(members):
                    if written >= rows:
                        break
                    label, value = statuses[(index + k + j) % len(statuses)]
                    csv_file.write(f"{student.student_no},{offering.code},{day},{session.period},{label}\n")
                    tsv.write(f"{session.pk}\t{student.pk}\t{offering.pk}\t{day}\t{value}\t2\t\\N\t\\N\n")
                    written += 1
    assert written == rows, (written, rows)
    return str(csv_path), str(tsv_path)


def run_phase(name: str, *args) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--database", DB, "--phase", name, *map(str, args)], cwd=ROOT, capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    global DB
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database and the files afterwards")
    throwaway.add_options(parser, DB)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    DB = options.database
    if options.phase:
        result = {"floor": phase_floor, "import": phase_import}[options.phase](options.args[0], int(options.args[1]))
        print(json.dumps(result))
        return
    rows = options.rows
    keep_dir = Path(tempfile.gettempdir()) / "zg-bench-import"
    if options.keep:
        keep_dir.mkdir(exist_ok=True)
    with (contextlib.nullcontext(str(keep_dir)) if options.keep else tempfile.TemporaryDirectory(prefix="zg-bench-")) as tmp, \
            throwaway.throwaway_database(DB, keep=options.keep):
        print(f"Preparing {DB}: master data and a {rows:,}-row attendance CSV …", flush=True)
        started = time.perf_counter()
        csv_path, tsv_path = build(rows, Path(tmp))
        size = os.path.getsize(csv_path) / 1024 / 1024
        print(f"  ready in {time.perf_counter() - started:.0f} s; CSV {size:.0f} MB", flush=True)
        floor = run_phase("floor", tsv_path, rows)
        first = run_phase("import", csv_path, rows)
        again = run_phase("import", csv_path, rows)
    floor_rate = rows / floor["seconds"]
    print()
    print(f"{'phase':<34}{'seconds':>9}{'rows/s':>11}{'of floor':>10}{'peak MB':>9}{'client CPU s':>14}")
    for label, result in (("floor: bare COPY, same indexes", floor), ("first load (validated)", first),
                          ("re-import, all unchanged", again)):
        rate = rows / result["seconds"]
        print(f"{label:<34}{result['seconds']:>9.2f}{rate:>11,.0f}{rate / floor_rate:>10.2f}{result['peak_mb']:>9.0f}"
              f"{result['cpu']:>14.1f}")
    print()
    print(f"first load: inserted {first['inserted']:,}, updated {first['updated']:,}, unchanged {first['unchanged']:,}")
    print(f"re-import:  inserted {again['inserted']:,}, updated {again['updated']:,}, unchanged {again['unchanged']:,}")
    ok = all(rows / r["seconds"] >= 100_000 and rows / r["seconds"] >= floor_rate / 3 and r["peak_mb"] < 500
             for r in (first, again))
    print("targets (>= 100,000 rows/s, >= 1/3 of the floor, < 500 MB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
