"""Benchmark of ``zhengai seed_demo --size large`` on PostgreSQL (COPY path).

Builds the large demo college into a throwaway database (``--database``, default ``zg_seed_bench``:
created for the run, dropped after it, never an existing one; see ``throwaway.py``) and prints the time, rows/s overall and per big table, peak memory, and beside them a baseline
measured in the same run: the bare COPY rate of the same attendance rows, from the same in-memory
generator, into an unindexed table without constraints — what the loader would reach if it had no
indexes, constraints, lineage or other tables to care about.

    python bench/seed_large.py [--size large] [--baseline-rows 3000000] [--database NAME] [--keep]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres); override with BENCH_PG=postgres://…/ (no db name).
"""

import argparse
import io
import os
import resource
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from throwaway import add_options, throwaway_database  # noqa: E402


def reset_peak() -> None:
    """Start a new peak of this process's resident memory (Linux: 5 > clear_refs resets VmHWM)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak_since_reset() -> float:
    """The peak resident memory (MB) since ``reset_peak``: VmHWM of /proc/self/status."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-rows", type=int, default=3_000_000)
    add_options(parser, "zg_seed_bench")
    args = parser.parse_args()
    with throwaway_database(args.database, keep=args.keep) as url:
        run(args, url)


def run(args, url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhengai.datacenter import signals
    from zhengai.datacenter.demo import teaching
    from zhengai.datacenter.demo.run import SIZES, Plan, seed_demo

    # Peak memory per phase: the load itself, then demo_seeded's receivers (the other stages' demo
    # set-up: default standards, goals and evidence, the monitoring history), then the baseline.
    peaks = {}
    send = signals.demo_seeded.send

    def send_measured(sender, **named):
        """demo_seeded's receivers one by one (as ``Signal.send`` calls them), each with its own peak."""
        peaks["load"] = peak_since_reset()
        sync_receivers, _async = signals.demo_seeded._live_receivers(sender)
        for receiver in sync_receivers:
            reset_peak()
            receiver(signal=signals.demo_seeded, sender=sender, **named)
            peaks[f"receiver {receiver.__module__}"] = peak_since_reset()

    signals.demo_seeded.send = send_measured
    try:
        call_command("migrate", verbosity=0)
        log = io.StringIO()
        started = time.monotonic()
        reset_peak()
        summary = seed_demo(args.size, args.seed, out=log)
        receivers = time.monotonic() - started - summary["seconds"]
        seconds = summary["seconds"]  # the load itself; demo_seeded's receivers (other stages) apart
        total = sum(n for _t, n, _s in summary["tables"])
        del summary["plan"]  # the load's plan, before the baseline builds its own
        reset_peak()

        # Baseline: the same attendance rows, from the same generator, COPY'd into a bare table.
        plan = Plan(SIZES[args.size], args.seed).build()
        with connection.cursor() as c:
            c.execute("CREATE UNLOGGED TABLE bench_attendance (LIKE datacenter_attendance)")
            columns = "id, session_id, student_id, offering_id, date, status, periods, source_id, batch_id"
            t0 = time.monotonic()
            rows = islice(teaching.attendance_rows(plan, 5, 11), args.baseline_rows)
            with c.cursor.copy(f"COPY bench_attendance ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            copy_seconds = time.monotonic() - t0
            c.execute("SELECT count(*) FROM bench_attendance")
            copied = c.fetchone()[0]
            c.execute("DROP TABLE bench_attendance")
        t0 = time.monotonic()
        generated = sum(1 for _ in islice(teaching.attendance_rows(plan, 5, 11), args.baseline_rows))
        gen_seconds = time.monotonic() - t0
        baseline = copied / copy_seconds
        peaks["baseline"] = peak_since_reset()
    finally:
        signals.demo_seeded.send = send
        connection.close()

    print(f"seed_demo --size {args.size} --seed {args.seed} on PostgreSQL (COPY), database {args.database}")
    print(f"  total      {total:>12,} rows in {seconds:7.1f} s = {total / seconds:>10,.0f} rows/s "
          f"(index and constraint rebuild {summary['index_seconds']:.1f} s, subject sync {summary['subject_seconds']:.1f} s)")
    for table, n, secs in sorted(summary["tables"], key=lambda t: -t[1])[:6]:
        print(f"  {table:<30} {n:>12,} rows in {secs:6.1f} s = {n / secs:>10,.0f} rows/s")
    # Resetting the peak resets ru_maxrss too: the process's peak is the largest of the phases'.
    print(f"  peak memory (max RSS) of the load {peaks['load']:,.0f} MB; of the whole process {max(peaks.values()):,.0f} MB; "
          f"demo_seeded receivers of the other stages took {receivers:.1f} s more")
    for phase, mb in peaks.items():
        print(f"    {phase:<44} {mb:6,.0f} MB")
    print(f"  baseline: bare COPY of {copied:,} generated attendance rows into an unindexed table: "
          f"{baseline:,.0f} rows/s (generation alone {generated / gen_seconds:,.0f} rows/s)")
    print(f"  ratio: seed_demo overall / baseline = {total / seconds / baseline:.2f}; "
          f"attendance load / baseline = {dict((t, n / s) for t, n, s in summary['tables'])['datacenter_attendance'] / baseline:.2f}")


if __name__ == "__main__":
    main()
