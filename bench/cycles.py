"""Bench of the big loop: open and draft every offering's cycle of a term, then export every
specialty's report as .docx and PDF.

    python bench/cycles.py                                # a throwaway PostgreSQL college seeded small
    python bench/cycles.py --template zg_large_template   # a copy of a seeded large college (migrated)
    python bench/cycles.py --url sqlite:////tmp/copy.sqlite3  # an existing database (a copy!), rolled back

Prints: cycles opened and seconds; reports drafted, seconds, reports/s and queries; the baseline —
the same indicator aggregates the drafts read (``registry.compute`` over the term, the whole level),
run bare in the same process — and the ratio; then .docx and PDF exports: reports/s and peak memory
(max RSS). Everything the bench writes is rolled back (``--url``) or dropped with the database.
"""

import argparse
import io
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from throwaway import add_college_options, prepare_college

    add_college_options(parser, "zg_bench_cycles")
    parser.add_argument("--term", help="the term whose offerings' cycles are opened (default: the demo's current term)")
    args = parser.parse_args()
    prepare_college(args)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    if not args.url:
        call_command("standards", "install-defaults", stdout=io.StringIO())

    from zhengai.core import clock, windows
    from zhengai.cycles import actions, export
    from zhengai.cycles.drafting import _Group, draft_reports
    from zhengai.cycles.models import Cycle, Report
    from zhengai.indicators import registry

    term = windows.parse(args.term) if args.term else windows.containing("term", clock.today())
    with transaction.atomic():
        Cycle.objects.filter(level="offering", period=term.code).delete()
        t = time.monotonic()
        opened = actions.do_open_cycles("offering", term.code)
        open_s = time.monotonic() - t
        print(f"open: {opened.created} offering cycles of {term.code} in {open_s:.2f} s")
        cycles = list(Cycle.objects.filter(level="offering", period=term.code))
        t = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            drafted = draft_reports(cycles)
        draft_s = time.monotonic() - t
        ratings = sum(1 for _ in Report.objects.filter(pk__in=[r.pk for r in drafted]).values_list("ratings"))
        print(f"draft: {len(drafted)} reports ({ratings} point ratings) in {draft_s:.2f} s = "
              f"{len(drafted) / draft_s:,.0f} reports/s, {len(queries.captured_queries)} queries")
        group = _Group("offering", term, set())
        codes = sorted(group.values)
        t = time.monotonic()
        registry.compute("offering", term, codes)
        bare_s = time.monotonic() - t
        print(f"baseline: the same {len(codes)} aggregates bare in {bare_s:.2f} s; draft / baseline = "
              f"{draft_s / bare_s:.2f}" if bare_s else "baseline: no aggregates")
        specialty = list(Cycle.objects.filter(level="specialty").order_by("subject__key"))
        draft_reports(specialty)
        reps = list(Report.objects.filter(cycle__level="specialty").select_related("cycle__subject").order_by("cycle_id", "-version"))
        latest = {}
        for r in reps:
            latest.setdefault(r.cycle_id, r)
        reps = list(latest.values())
        for fmt in ("docx", "pdf"):
            before = rss_mb()
            t = time.monotonic()
            size = sum(len(export.render(r, fmt)) for r in reps)
            secs = time.monotonic() - t
            print(f"export {fmt}: {len(reps)} specialty reports in {secs:.2f} s = {len(reps) / secs:.2f} reports/s, "
                  f"{size / 1024:.0f} KB, peak RSS {rss_mb():.0f} MB (before {before:.0f} MB)")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
