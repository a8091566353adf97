"""The demo college mid-spiral: last term closed with published reports, this term in 实施, one
specialty in 诊断 with a draft report — and a whole student cycle run end to end on it."""

from datetime import date

from zhengai.cycles import actions, reports
from zhengai.cycles.choices import CycleStatus, Phase, ReportStatus
from zhengai.cycles.models import Cycle, Report
from zhengai.datacenter.signals import demo_seeded


def test_the_demo_leaves_the_college_mid_spiral_and_only_once(college, cast):
    demo_seeded.send(sender=None, size="small", seed=1, demo_date=date(2026, 11, 20))

    last = Cycle.objects.filter(period="2025-2026-2")
    assert last.filter(level="student").count() == 3
    assert set(last.values_list("status", flat=True)) == {CycleStatus.CLOSED}
    assert set(Report.objects.filter(cycle__in=last).values_list("status", flat=True)) == {ReportStatus.PUBLISHED}
    now = Cycle.objects.filter(period="2026-2027-1")
    assert now.filter(level="offering").count() == 2 and set(now.values_list("phase", flat=True)) == {Phase.IMPLEMENT}
    diagnosing = Cycle.objects.get(level="specialty", phase=Phase.DIAGNOSE)
    assert diagnosing.period == "2024-2025..2026-2027" and diagnosing.subject.key == "460103"  # 品牌
    assert diagnosing.reports.get().status == ReportStatus.DRAFT
    others = Cycle.objects.filter(level="specialty").exclude(pk=diagnosing.pk)
    assert others.exists() and set(others.values_list("phase", flat=True)) == {Phase.IMPLEMENT}, \
        "two years into their three, the other specialties implement their plans (not still setting goals)"
    count = Cycle.objects.count()

    demo_seeded.send(sender=None, size="small", seed=1, demo_date=date(2026, 11, 20))

    assert Cycle.objects.count() == count


def test_a_student_cycle_runs_its_whole_loop(college, cast):
    """The counsellor owns a student's term cycle: moves it through the plan to 诊断, drafts and
    submits the report; the specialty leader above approves it; the cycle runs on to its close."""
    demo_seeded.send(sender=None, size="small", seed=1, demo_date=date(2026, 11, 20))
    cycle = Cycle.objects.get(level="student", subject__key="2024001", period="2026-2027-1")
    while cycle.phase != Phase.DIAGNOSE:
        cycle = actions.do_advance_phase(cycle, acting_user=cast.carol)
    report = reports.do_draft_report(cycle, acting_user=cast.carol)
    for rating in report.ratings.filter(status=""):
        reports.do_rate_point(rating, status="合格", evidence="班主任评语", judgement="表现良好", acting_user=cast.carol)
    for rating in report.ratings.filter(status="不合格"):
        reports.do_add_action(report, text="每周谈话一次", due=date(2027, 1, 15), rating=rating, acting_user=cast.carol)
    reports.do_submit_report(report, acting_user=cast.carol)
    reports.do_review_report(report, "approve", acting_user=cast.heidi)
    while not cycle.is_closed:
        cycle = actions.do_advance_phase(cycle, acting_user=cast.carol)
    assert cycle.status == CycleStatus.CLOSED and cycle.reports.get().status == ReportStatus.PUBLISHED
    assert cycle.events.count() >= 12
