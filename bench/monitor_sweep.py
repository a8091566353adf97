"""Monitoring sweep benchmark: every level for one window of each (and the teachers' academic year,
which their standards' 学年 points are judged over), on the large demo college in PostgreSQL, beside
the baselines measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zg_monitoring_large \\
        python bench/monitor_sweep.py [--sample 300]

(``zg_monitoring_large`` is a copy of ``zhengai_large`` — ``createdb -T zhengai_large …`` — migrated and
with the default standards installed: ``zhengai migrate && zhengai standards install-defaults``; a copy
made before a release changed the defaults also needs ``install-defaults --upgrade-from 2025-09-01``.)

It prints, per level and in total:
- the sweep: ``run_window`` for the level (the indicators its standards and goals need, for all
  subjects; measurements upserted; warnings opened/raised/resolved in bulk), first on a clean window
  (opening every warning) and again (the steady state: measurements replaced, warnings re-judged);
- the floor: the aggregate SQL of every computation the run asks the indicator library for (recorded
  in a dry run, captured from the evaluators — a goal's accrued key results over its period included),
  run by hand through a cursor, rows fetched, nothing else;
- the naive way: a per-subject ORM loop for ``student.attendance_rate`` (two COUNTs per student),
  timed on a random sample of students and extrapolated to all of them (said so in the output);
- peak memory: the process's maximum resident set size.
"""

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zhengai.core import windows  # noqa: E402

WINDOWS = [  # one window of each level's cadence, ended before the demo date, and the academic year
    # the teacher standards' 学年 points (training hours, enterprise practice …) are judged over
    ("school", "2026-10"), ("department", "2026-10"), ("specialty", "2025-2026-2"), ("course", "2026Q3"),
    ("teacher", "2025-2026-2"), ("teacher", "2025-2026"), ("offering", "2026-11H1"), ("student", "2026-10"),
]


def sources_without(skip, calls):
    """The real sources (chains' rules and goals, the indicator library) minus the ``skip`` codes;
    every computation the engine asks for is recorded in ``calls`` (the floor re-runs its SQL)."""
    from zhengai.monitoring.sources import Sources

    base = Sources()

    def compute(level, window, codes, subject_ids=None):
        calls.append((level, window, list(codes), subject_ids))
        return base.compute(level, window, codes, subject_ids=subject_ids)

    return Sources(rules=lambda level, day: [r for r in base.rules(level, day) if r.indicator_code not in skip],
                   goals=lambda level, window: [g for g in base.goals(level, window) if g.indicator_code not in skip],
                   compute=compute, describe=base.describe, periods=base.periods)


def capture_sql(calls):
    """The SQL the evaluators run for the computations a sweep asked for (executed once here, which
    also warms the cache); restricted computations keep their restriction."""
    from contextlib import nullcontext

    from zhengai.indicators.registry import get, only, subject_map

    statements = []
    for level, window, codes, subject_ids in calls:
        restriction = nullcontext()
        if subject_ids is not None and level != "school":
            wanted = set(subject_ids)
            restriction = only(m for m, sid in subject_map(level).items() if sid in wanted)
        with restriction:
            for code in codes:
                with CaptureQueriesContext(connection) as ctx:
                    list(get(code).evaluator(window))
                statements += [q["sql"] for q in ctx.captured_queries]
    return statements


def run_sql(statements) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:  # the captured BEGIN/SAVEPOINT of an atomic block yield no rows
                cursor.fetchall()
    return time.perf_counter() - started


def naive_attendance(window, sample: int):
    """The obvious way: for each student, count their attendance rows and the attended ones."""
    from zhengai.datacenter.models import Attendance, Student

    ids = list(Student.objects.values_list("pk", flat=True))
    chosen = random.Random(1).sample(ids, min(sample, len(ids)))
    started = time.perf_counter()
    for pk in chosen:
        rows = Attendance.objects.filter(student_id=pk, date__range=(window.start, window.end))
        total = rows.count()
        attended = rows.filter(status__in=("present", "late")).count()
        _ = attended / total if total else None
    seconds = time.perf_counter() - started
    return seconds, len(chosen), len(ids), seconds * len(ids) / len(chosen)


def planted_check(Warning):
    """The teachers the demo college plants short of training hours (its manifest) against the teachers
    with a warning on ``teacher.training_hours`` after the sweep: the same set, opened or joined."""
    from zhengai.datacenter.demo import planted_patterns
    from zhengai.monitoring.choices import ACTIVE_STATUSES

    planted = {p["subject"] for p in planted_patterns() if p["pattern"] == "teacher_training_shortfall"}
    if not planted:
        return
    warned = set(Warning.objects.filter(level="teacher", indicator_code="teacher.training_hours",
                                        status__in=ACTIVE_STATUSES).values_list("subject__key", flat=True))
    print(f"teachers planted short of training hours: {len(planted)}; with a warning on teacher.training_hours: "
          f"{len(warned)}; planted without one: {len(planted - warned)}; warned but not planted: {len(warned - planted)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=300, help="students in the naive loop's sample")
    parser.add_argument("--skip", action="append", default=[], metavar="CODE",
                        help="leave an indicator out of the sweep and the floor (its time alone is printed)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/monitor_sweep.py measures PostgreSQL: set DATABASE_URL=postgres://…")

    from zhengai.datacenter.models import Attendance, Subject
    from zhengai.monitoring.engine import run_window
    from zhengai.indicators.models import Measurement
    from zhengai.monitoring.models import Run, Warning

    plan = [(level, windows.parse(code)) for level, code in WINDOWS]
    print(f"database {connection.settings_dict['NAME']}: {Subject.objects.filter(level='student').count():,} students, "
          f"{Attendance.objects.count():,} attendance rows")

    # A clean slate for the windows measured, so the first sweep opens its warnings.
    codes_measured = {code for _l, code in WINDOWS}
    Warning.objects.filter(opened_window__in=codes_measured).delete()
    Measurement.objects.filter(window_code__in=codes_measured).delete()
    Run.objects.filter(window_code__in=codes_measured).delete()

    skipped = {}
    windows_of = {level: window for level, window in plan}
    for code in args.skip:
        from zhengai.indicators.registry import get

        indicator = get(code)
        started = time.perf_counter()
        indicator.evaluate(windows_of[indicator.level])
        skipped[code] = time.perf_counter() - started

    # A dry sweep records what each run computes (and warms the cache); then the floor and the sweep.
    calls = {key: [] for key in plan}
    for key in plan:
        sources = sources_without(set(args.skip), calls[key])
        run_window(*key, trigger="bench", notify=False, sources=sources)
    Warning.objects.filter(opened_window__in=codes_measured).delete()
    Measurement.objects.filter(window_code__in=codes_measured).delete()
    Run.objects.filter(window_code__in=codes_measured).delete()
    sql = {key: capture_sql(calls[key]) for key in plan}
    floor = {key: run_sql(sql[key]) for key in plan}
    codes = {key: sorted({c for _l, _w, cs, _s in calls[key] for c in cs}) for key in plan}

    first, second, counts = {}, {}, {}
    for label, target in (("first", first), ("again", second)):
        for key in plan:
            sources = sources_without(set(args.skip), [])
            started = time.perf_counter()
            summary = run_window(*key, trigger="bench", notify=False, sources=sources)
            target[key] = time.perf_counter() - started
            if label == "first":
                counts[key] = summary
    naive_s, sampled, population, naive_all = naive_attendance(windows_of["student"], args.sample)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"\n{'level':<11}{'window':<13}{'indicators':>10}{'subjects':>10}{'measured':>10}{'opened':>8}{'joined':>8}"
          f"{'floor s':>9}{'sweep s':>9}{'again s':>9}{'x floor':>9}")
    for key in plan:
        level, window = key
        s = counts[key]
        print(f"{level:<11}{window.code:<13}{len(codes[key]):>10}{s.subjects:>10,}{s.measurements:>10,}{s.opened:>8,}"
              f"{s.joined:>8,}{floor[key]:>9.2f}{first[key]:>9.2f}{second[key]:>9.2f}"
              f"{second[key] / max(floor[key], 1e-9):>9.2f}")
    total_floor, total_first, total_again = sum(floor.values()), sum(first.values()), sum(second.values())
    print(f"{'total':<24}{sum(len(c) for c in codes.values()):>10}{'':>44}{total_floor:>9.2f}{total_first:>9.2f}"
          f"{total_again:>9.2f}{total_again / total_floor:>9.2f}")
    print("(joined: a crossing on a fact whose warning the other source — a goal's key result or a standard's "
          "point — already had open; it joins that warning, one alert per fact)")
    planted_check(Warning)
    print(f"\nsweep (first, opening warnings): {total_first:.2f} s;  again (steady state): {total_again:.2f} s")
    print(f"floor (the sweep's aggregate SQL by hand): {total_floor:.2f} s  →  sweep/floor {total_first / total_floor:.2f}x "
          f"(first), {total_again / total_floor:.2f}x (again)")
    student_again = second[("student", windows_of["student"])]
    print(f"naive per-student ORM loop for student.attendance_rate: {naive_s:.2f} s for a sample of {sampled} "
          f"students, extrapolated to {population:,}: {naive_all:.1f} s")
    print(f"  → the whole sweep (every level, every indicator) is {naive_all / total_again:.0f}x faster than the naive "
          f"way for ONE indicator of one level; the student level alone {naive_all / student_again:.0f}x")
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")
    for code, seconds in skipped.items():
        print(f"left out: {code} — its evaluator alone takes {seconds:.1f} s on this database (see README)")


if __name__ == "__main__":
    main()
