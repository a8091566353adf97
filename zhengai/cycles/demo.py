"""The demo college mid-spiral, set up when ``zhengai seed_demo`` sends ``demo_seeded`` (after the
chains' standards and monitoring's history — INSTALLED_APPS order): last term's offering and
student cycles closed with approved, published reports; the current term's in 实施; one specialty's
three-year cycle in 诊断 with a draft report. So every role meets the loop on first sign-in. Runs
once: a database that already has cycles is left alone."""

import logging
import time
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils.dateparse import parse_date

log = logging.getLogger(__name__)

DEMO_NOTE = "演示数据：期末自诊"
DRAFT_CHUNK = 2000


def recount_many(report_ids) -> None:
    """``drafting.recount`` for many reports at once: one read of their ratings, one bulk update."""
    from .drafting import recount
    from .models import PointRating, Report

    report_ids = list(report_ids)
    # A chunk at a time: a large college's 25,000 reports with their drafted data and 300,000
    # ratings read at once took half a gigabyte.
    for start in range(0, len(report_ids), DRAFT_CHUNK):
        chunk = report_ids[start:start + DRAFT_CHUNK]
        by_report = defaultdict(list)
        for rating in PointRating.objects.filter(report_id__in=chunk).only("report_id", "status", "grade", "project"):
            by_report[rating.report_id].append(rating)
        reports = list(Report.objects.filter(pk__in=chunk))
        for report in reports:
            recount(report, by_report.get(report.pk, []))
        Report.objects.bulk_update(reports, ["data"], batch_size=1000)


@transaction.atomic
def demo_cycles(today, out=None, seed=1) -> dict:
    from zhengai.core import windows

    from . import actions, drafting
    from .choices import ActionStatus, CycleStatus, EventKind, Phase, RatingStatus, ReportStatus
    from .models import Cycle, CycleEvent, ImprovementAction, PointRating, Report

    if Cycle.objects.exists():
        return {}
    started = time.monotonic()
    try:
        current = windows.containing("term", today)
        previous = current.previous()
    except windows.WindowError:
        return {}
    for level in ("offering", "student"):
        for term in (previous, current):
            actions.do_open_cycles(level, term.code)
    y = windows.containing("academic_year", today).start.year
    actions.do_open_cycles("specialty", f"{y - 2}-{y - 1}..{y}-{y + 1}")
    # The subjects' self-diagnosis evidence, held by the cycles just opened, before any report is
    # drafted: the drafts bring it in, and last term's is frozen with their published reports.
    from .demo_evidence import install_demo_evidence

    evidence = install_demo_evidence(today, seed=seed)

    # Last term: drafted, rated, answered, approved, published, closed.
    closed = list(Cycle.objects.filter(period=previous.code))
    # In chunks, as the background job drafts (the level's aggregates shared through ``groups``): a
    # large college's 25,000 reports at once held every rating and fact in memory together.
    ids, groups = [], {}
    for start in range(0, len(closed), DRAFT_CHUNK):
        ids += [r.pk for r in drafting.draft_reports(closed[start:start + DRAFT_CHUNK], groups=groups)]
    unrated = PointRating.objects.filter(report_id__in=ids, status=RatingStatus.UNRATED)
    unrated.filter(evidence="").update(evidence="演示：期末材料齐全")  # the drafted evidence stays where there is some
    unrated.update(status=RatingStatus.QUALIFIED, judgement="演示：对照标准达到合格")
    failing = list(PointRating.objects.filter(report_id__in=ids, status=RatingStatus.FAIL).values(
        "report__cycle_id", "point_id", "pk"))
    ImprovementAction.objects.bulk_create([
        ImprovementAction(cycle_id=row["report__cycle_id"], point_id=row["point_id"], rating_id=row["pk"],
                          text="演示：本学期针对该诊断点制定改进计划并跟踪落实", due=previous.end + timedelta(days=60),
                          status=ActionStatus.DONE, outcome="演示：已落实，数据回到合格线以上",
                          closed_on=previous.end + timedelta(days=45)) for row in failing], batch_size=2000)
    recount_many(ids)
    reviewed = previous.end + timedelta(days=20)
    Report.objects.filter(pk__in=ids).update(status=ReportStatus.PUBLISHED, review_comment=DEMO_NOTE)
    Cycle.objects.filter(pk__in=[c.pk for c in closed]).update(phase=Phase.IMPROVE, status=CycleStatus.CLOSED,
                                                               closed_on=min(reviewed + timedelta(days=30), today),
                                                               phase_since=reviewed)
    from .ratings import rate_cycles

    rate_cycles(closed)  # teachers' and students' cycles end with a rating
    CycleEvent.objects.bulk_create([CycleEvent(cycle_id=c.pk, kind=EventKind.APPROVED, note=DEMO_NOTE) for c in closed]
                                   + [CycleEvent(cycle_id=c.pk, kind=EventKind.CLOSED, note=DEMO_NOTE) for c in closed],
                                   batch_size=2000)
    # This term: planned and organised, now in 实施.
    running = list(Cycle.objects.filter(period=current.code).values_list("pk", flat=True))
    Cycle.objects.filter(pk__in=running).update(phase=Phase.IMPLEMENT, phase_since=current.start + timedelta(days=14))
    CycleEvent.objects.bulk_create([CycleEvent(cycle_id=pk, kind=EventKind.ADVANCED, from_phase=Phase.ORGANIZE,
                                               to_phase=Phase.IMPLEMENT, note="演示数据") for pk in running], batch_size=2000)
    # The specialties' three-year cycles, planned in their first term, are in 实施 as well (one
    # period for all, so one start).
    building = Cycle.objects.filter(level="specialty")
    first = building.order_by("start").values_list("start", flat=True).first()
    if first is not None:
        since = min(first + timedelta(days=60), today)
        pks = list(building.values_list("pk", flat=True))
        building.update(phase=Phase.IMPLEMENT, phase_since=since)
        CycleEvent.objects.bulk_create([CycleEvent(cycle_id=pk, kind=EventKind.ADVANCED, from_phase=Phase.ORGANIZE,
                                                   to_phase=Phase.IMPLEMENT, note="演示数据") for pk in pks])
    # One specialty in 诊断 with its draft: the first 标杆 or 品牌 specialty, else the first.
    specialties = Cycle.objects.filter(level="specialty").select_related("subject__specialty").order_by("subject__key")
    chosen = next((c for c in specialties if c.subject.specialty and c.subject.specialty.tier in ("benchmark", "brand")),
                  specialties.first())
    if chosen is not None:
        Cycle.objects.filter(pk=chosen.pk).update(phase=Phase.DIAGNOSE, phase_since=today)
        CycleEvent.objects.create(cycle_id=chosen.pk, kind=EventKind.ADVANCED, from_phase=Phase.IMPLEMENT,
                                  to_phase=Phase.DIAGNOSE, note="演示数据")
        chosen.refresh_from_db()
        drafting.draft_reports([chosen])
    summary = {"closed": len(closed), "published": len(ids), "running": len(running),
               "diagnosing": chosen.subject.key if chosen else "", "evidence": evidence}
    message = (f"cycles: {len(closed)} cycles of {previous.code} closed with published reports, {len(running)} of "
               f"{current.code} in 实施, specialty {summary['diagnosing']} in 诊断, {time.monotonic() - started:.1f} s")
    log.info(message)
    if out is not None:
        out.write(message + "\n")
    return summary


def on_demo_seeded(sender=None, size=None, seed=None, demo_date=None, **kwargs):
    day = parse_date(str(demo_date)) if demo_date and not hasattr(demo_date, "year") else demo_date
    if day is None:
        from zhengai.core import clock

        day = clock.today()
    demo_cycles(day, out=kwargs.get("out"), seed=seed if seed is not None else 1)
