"""Bench of state data: fill every default table (质量年报附表 and 状态数据汇总表) for an academic year
on a college, against the bare aggregates the fill reads; then export them and draft the annual report.

    python bench/statedata.py --template zg_large_template   # a copy of a seeded large college (migrated)
    python bench/statedata.py                                # a throwaway PostgreSQL college seeded small
    python bench/statedata.py --url sqlite:////tmp/copy.sqlite3  # an existing database (a copy!), rolled back

Prints: the tables and cells filled (computed / owed) and seconds, first (cells created) and again
(cells updated), with the queries; the baseline — each distinct (indicator, academic year) the
templates ask for evaluated bare through ``zhengai.indicators`` in the same process — and the ratio
fill / baseline; then the export of every table as .xlsx, CSV and JSON, and the annual report
drafted as .docx, each with seconds. Everything the bench writes is rolled back (``--url``) or
dropped with the database (``--database``, default zh_statedata_bench; ``--keep`` keeps it).
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from throwaway import add_college_options, prepare_college

    add_college_options(parser, "zh_statedata_bench")
    parser.add_argument("--year", help="the academic year filled (default: the last one ended on the demo's date)")
    args = parser.parse_args()
    prepare_college(args)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from zhengai.core import windows as W
    from zhengai.datacenter.models import Student, Subject
    from zhengai.statedata import annualreport, export, filling
    from zhengai.statedata.defaults import install_default_templates
    from zhengai.statedata.models import ReportTemplate
    from zhengai.statedata.views import default_year

    year = args.year or default_year()
    print(f"college: {Student.objects.count():,} students, {Subject.objects.count():,} subjects; academic year {year}")
    with transaction.atomic():
        install_default_templates()
        templates = list(ReportTemplate.objects.filter(builtin=True))
        tables = [t for template in templates for t in template.tables.all()]
        for label in ("fill (cells created)", "fill again (cells updated)"):
            t = time.monotonic()
            with CaptureQueriesContext(connection) as queries:
                results = [r for template in templates for r in filling.fill_template(template, year)]
            fill_s = time.monotonic() - t
            filled, todo, entered = filling.counts(results)
            print(f"{label}: {len(results)} tables, {filled + todo + entered:,} cells ({filled:,} computed, "
                  f"{todo + entered:,} owed by departments) in {fill_s:.2f} s, {len(queries.captured_queries)} queries")
        # The baseline: the same (indicator, academic year) pairs, evaluated bare.
        terms = W.term_dates()
        window = filling.academic_year(year, terms)
        prefetched = [template.tables.prefetch_related("rows", "columns") for template in templates]
        planned = filling.plan([t for qs in prefetched for t in qs], window, terms)
        cells = [c for cs in planned.values() for c in cs]
        t = time.monotonic()
        values = filling.evaluate(cells)
        bare_s = time.monotonic() - t
        print(f"baseline: the same {len(values)} (indicator, academic year) aggregates bare in {bare_s:.2f} s; "
              f"fill again / baseline = {fill_s / bare_s:.2f}" if bare_s else "baseline: no aggregates")
        for fmt in export.FORMATS:
            t = time.monotonic()
            files, _missing = export.export_files(templates, year, fmt, {})
            print(f"export {fmt}: {len(files)} files, {sum(map(len, files.values())) / 1024:,.0f} KB in "
                  f"{time.monotonic() - t:.2f} s")
        t = time.monotonic()
        docx = annualreport.draft_docx(year)
        print(f"annual report: {len(docx) / 1024:,.0f} KB .docx in {time.monotonic() - t:.2f} s")
        del tables
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
