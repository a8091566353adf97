"""Bench of the big loop: open and draft every offering's cycle of a term, then export every
specialty's report as .docx and PDF.

    python bench/cycles.py                                # a throwaway PostgreSQL college seeded small
    python bench/cycles.py --template zg_large_template   # a copy of a seeded large college (migrated)
    python bench/cycles.py --url sqlite:////tmp/copy.sqlite3  # an existing database (a copy!), rolled back
    python bench/cycles.py --url … --skip pdf                 # leave a step out (draft, docx, pdf)

Prints: cycles opened and seconds; reports drafted, seconds, reports/s and queries; the baseline —
the same indicator aggregates the drafts read (``registry.compute`` over the term, the whole level),
run bare in the same process — and the ratio; then .docx and PDF exports: reports/s and peak memory
(max RSS). Everything the bench writes is rolled back (``--url``) or dropped with the database.
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def work_seconds() -> float:
    """CPU seconds of this process and of its PostgreSQL backend (read from /proc when the server
    runs on this machine): the work done, whatever the load. On a shared machine at nice 10 a step's
    wall time inflates its Python far more than the server's queries (the server runs at nice 0),
    so wall against a query-bound baseline overstates Python; work against work does not."""
    from django.db import connection

    own = time.process_time()
    if connection.vendor != "postgresql":
        return own
    pid = getattr(connection, "_zg_backend_pid", None)
    if pid is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = connection._zg_backend_pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return own
    return own + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from throwaway import add_college_options, prepare_college

    add_college_options(parser, "zg_bench_cycles")
    parser.add_argument("--term", help="the term whose offerings' cycles are opened (default: the demo's current term)")
    parser.add_argument("--skip", action="append", default=[], choices=("draft", "docx", "pdf"),
                        help="leave out a step (repeatable): the offering drafts, the .docx or the PDF export")
    args = parser.parse_args()
    prepare_college(args)
    from django.core.management import call_command
    from django.db import connection, transaction

    if not args.url:
        call_command("standards", "install-defaults", stdout=io.StringIO())
        if args.template:
            # A database made from a template has no planner statistics until autovacuum gets to
            # it; without them PostgreSQL plans the drafts' and the baseline's queries blind.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    from zhengai.core import clock, windows
    from zhengai.cycles import export
    from zhengai.cycles.drafting import draft_reports
    from zhengai.cycles.models import Cycle, Report

    term = windows.parse(args.term) if args.term else windows.containing("term", clock.today())
    with transaction.atomic():
        if "draft" not in args.skip:
            draft_offerings(term)
        specialty = list(Cycle.objects.filter(level="specialty").order_by("subject__key"))
        draft_reports(specialty)
        reps = list(Report.objects.filter(cycle__level="specialty").select_related("cycle__subject").order_by("cycle_id", "-version"))
        latest = {}
        for r in reps:
            latest.setdefault(r.cycle_id, r)
        reps = list(latest.values())
        for fmt in [f for f in ("docx", "pdf") if f not in args.skip]:
            before = rss_mb()
            t, cpu = time.monotonic(), time.process_time()
            size = sum(len(content) for _r, content in export.render_many(reps, fmt))  # as the batch .zip renders
            secs, cpu = time.monotonic() - t, time.process_time() - cpu
            print(f"export {fmt}: {len(reps)} specialty reports in {secs:.2f} s (CPU {cpu:.2f} s) = "
                  f"{len(reps) / secs:.2f} reports/s, {size / 1024:.0f} KB, peak RSS {rss_mb():.0f} MB "
                  f"(before {before:.0f} MB)")
        transaction.set_rollback(True)


def draft_offerings(term):
    """Open and draft every offering's cycle of ``term``, then run the drafts' aggregates bare."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengai.cycles import actions
    from zhengai.cycles.drafting import _Group, draft_reports
    from zhengai.cycles.models import Cycle, Report
    from zhengai.indicators import registry

    Cycle.objects.filter(level="offering", period=term.code).delete()
    t = time.monotonic()
    opened = actions.do_open_cycles("offering", term.code)
    open_s = time.monotonic() - t
    print(f"open: {opened.created} offering cycles of {term.code} in {open_s:.2f} s")
    cycles = list(Cycle.objects.filter(level="offering", period=term.code))
    work_seconds()
    t, cpu = time.monotonic(), work_seconds()
    with CaptureQueriesContext(connection) as queries:
        drafted = draft_reports(cycles)
    draft_s, draft_cpu = time.monotonic() - t, work_seconds() - cpu
    ratings = sum(1 for _ in Report.objects.filter(pk__in=[r.pk for r in drafted]).values_list("ratings"))
    print(f"draft: {len(drafted)} reports ({ratings} point ratings) in {draft_s:.2f} s (CPU, this process and its "
          f"database backend: {draft_cpu:.2f} s) = {len(drafted) / draft_s:,.0f} reports/s, "
          f"{len(queries.captured_queries)} queries")
    group = _Group("offering", term, set())
    codes = sorted(group.values)
    t, cpu = time.monotonic(), work_seconds()
    registry.compute("offering", term, codes)
    bare_s, bare_cpu = time.monotonic() - t, work_seconds() - cpu
    if bare_s:
        print(f"baseline: the same {len(codes)} aggregates bare in {bare_s:.2f} s (CPU {bare_cpu:.2f} s); "
              f"draft / baseline = {draft_s / bare_s:.2f} in time, "
              + (f"{draft_cpu / bare_cpu:.2f} in CPU" if bare_cpu else "CPU too small to compare"))
    else:
        print("baseline: no aggregates")


if __name__ == "__main__":
    main()
