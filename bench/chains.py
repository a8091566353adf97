"""Benchmark of the chains' read paths that monitoring and pages call, on a seeded demo college.

For each level it times ``warning_rules(level, day)`` and ``goal_targets(level, window)``, and
``task_completion_by_subject(year)`` and the goal tree of every root goal (with the values
monitoring stored, and again as if it had stored none: every key result computed live), each beside a floor
measured in the same run: the same rows fetched by hand-written SQL on a raw cursor (the points in
force with their lines, every subject id of the level, the key results in the window, the tasks and
reports), i.e. what the database costs without any of the code around it.

    python bench/chains.py [--repeat 5]

Uses the database of the environment (DATABASE_URL, else SQLite data/zhengai.sqlite3); run
``zhengai seed_demo`` first (the chains' standards and goals are installed by it).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    import django

    django.setup()
    from django.db import connection

    from zhengai.chains import goal_values as goals, progress, rules
    from zhengai.chains.models import Goal
    from zhengai.core import windows
    from zhengai.core import clock
    from zhengai.datacenter.choices import Level

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    day = clock.today()
    month = windows.containing("month", day)
    year = windows.containing("year", day)

    def raw(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    points_sql = (
        "SELECT n.id, n.version_id, n.indicator_code, n.direction, n.yellow, n.orange, n.red, n.resolve_margin,"
        " n.resolve_windows, v.applies_to FROM chains_standardnode n JOIN chains_standardversion v ON v.id = n.version_id"
        " JOIN chains_standard s ON s.id = v.standard_id WHERE s.level = %s AND v.status = 'published'"
        " AND v.effective_from <= %s AND (v.effective_to IS NULL OR v.effective_to >= %s) AND n.kind = 'point'"
        " AND n.indicator_code <> '' AND (n.yellow IS NOT NULL OR n.orange IS NOT NULL OR n.red IS NOT NULL)")
    targets_sql = (
        "SELECT k.goal_id, k.id, g.owner_id, k.indicator_code, k.direction, k.baseline, k.target, g.start, g.\"end\""
        " FROM chains_keyresult k JOIN chains_goal g ON g.id = k.goal_id JOIN datacenter_subject s ON s.id = g.owner_id"
        " WHERE k.kind = 'indicator' AND k.target IS NOT NULL AND s.level = %s AND g.status = 'approved'"
        " AND g.start <= %s AND (g.\"end\" IS NULL OR g.\"end\" >= %s) AND k.indicator_code <> ''")
    rows = []
    for level in Level.values:
        n_rules = len(rules.warning_rules(level, day))
        n_subjects = raw("SELECT COUNT(*) FROM datacenter_subject WHERE level = %s", [level])[0][0]
        t = timed(lambda: rules.warning_rules(level, day), args.repeat)

        def floor():
            raw(points_sql, [level, day, day])
            raw("SELECT id FROM datacenter_subject WHERE level = %s", [level])

        f = timed(floor, args.repeat)
        rows.append((f"warning_rules({level})", n_subjects, n_rules, t, f))
        n_targets = len(rules.goal_targets(level, month))
        t = timed(lambda: rules.goal_targets(level, month), args.repeat)
        f = timed(lambda: raw(targets_sql, [level, month.end, month.start]), args.repeat)
        rows.append((f"goal_targets({level}, {month.code})", n_subjects, n_targets, t, f))

    n = len(progress.task_completion_by_subject(year))
    t = timed(lambda: progress.task_completion_by_subject(year), args.repeat)
    f = timed(lambda: (raw("SELECT id, owner_id, start, \"end\", recurring FROM chains_goal WHERE kind IN ('annual_task', 'department_task')", []),
                       raw("SELECT goal_id, as_of, completion FROM chains_taskreport WHERE as_of <= %s", [year.end])), args.repeat)
    rows.append((f"task_completion_by_subject({year.code})", "", n, t, f))

    roots = Goal.objects.filter(parent__isnull=True)
    n = Goal.objects.count()
    t = timed(lambda: goals.goal_tree(roots, day), args.repeat)
    f = timed(lambda: (raw("SELECT * FROM chains_goal", []), raw("SELECT * FROM chains_keyresult", []),
                       raw("SELECT * FROM chains_taskreport", [])), args.repeat)
    rows.append(("goal_tree(all roots)", "", n, t, f))
    # The same tree as before monitoring has stored anything: every value computed live.
    stored, runs = goals._latest_measurements, goals._monitored_windows
    goals._latest_measurements, goals._monitored_windows = (lambda *a: {}), (lambda *a: {})
    try:
        t = timed(lambda: goals.goal_tree(roots, day), args.repeat)
    finally:
        goals._latest_measurements, goals._monitored_windows = stored, runs
    rows.append(("goal_tree(all roots, all values live)", "", n, t, f))

    print(f"database: {connection.vendor}; day {day}; median of {args.repeat}")
    print(f"{'call':<44} {'subjects':>9} {'rows':>6} {'ms':>9} {'floor ms':>9} {'ratio':>7}")
    for name, subjects, count, t, f in rows:
        print(f"{name:<44} {subjects!s:>9} {count:>6} {t * 1000:>9.2f} {f * 1000:>9.2f} {t / f if f else 0:>7.2f}")


if __name__ == "__main__":
    main()
