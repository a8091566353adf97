"""Done means, on the demo college itself (``seed_demo --size tiny``: its default standards, its demo
accounts, the spiral it leaves mid-way): a whole cycle of each level runs end to end with the demo's
people — moved to 诊断 by someone who may, the report drafted from the college's data and rated by
its owner, refused to a student, approved by the next level up, published, exported as .docx that
reads back with its tables in Chinese, and the cycle moved on to its close."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhengai.cycles import actions, export, reports
from zhengai.cycles.choices import CycleStatus, Phase, ReportStatus
from zhengai.cycles.models import Cycle
from zhengai.org import access

# The cycles the demo does not open itself, with a period of their level's kind around the demo date.
PERIODS = {"school": "2026", "department": "2026", "course": "2026", "teacher": "2024-2025..2026-2027"}
LEVELS = ["school", "department", "specialty", "course", "offering", "teacher", "student"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One tiny demo college for the module, seeded outside the tests' transactions, removed at the end."""
    from zhengai.datacenter.testing import seeded_demo
    from zhengai.org.models import User

    with django_db_blocker.unblock(), seeded_demo("tiny"):
        for level, period in PERIODS.items():
            actions.do_open_cycles(level, period)
        yield list(User.objects.filter(roles__isnull=False).distinct().order_by("username"))


def _first(users, act, obj, *, besides=()):
    return next((u for u in users if u not in besides and access.may(u, act, obj)), None)


def _cycle_with_people(level, users):
    """An open cycle of the level that a demo account may move on, another writes and a third reviews."""
    student = next(u for u in users if access.has_role(u, "student") and not u.is_superuser)
    for cycle in Cycle.objects.filter(level=level, status=CycleStatus.OPEN).select_related("subject").order_by("subject__key"):
        owner = _first(users, access.SUBMIT_REPORT, cycle)
        mover = _first(users, access.ADVANCE_CYCLE_PHASE, cycle)
        if owner and mover:
            return cycle, owner, mover, student
    raise AssertionError(f"no demo account writes a {level} report")


@pytest.mark.django_db
@pytest.mark.parametrize("level", LEVELS)
def test_a_whole_cycle_of_each_level_runs_end_to_end_on_the_demo_college(demo, level):
    from docx import Document

    users = [u for u in demo if not u.is_superuser]
    cycle, owner, mover, student = _cycle_with_people(level, users)
    with pytest.raises((PermissionDenied, Http404)):
        actions.do_advance_phase(cycle, acting_user=student if student not in (owner, mover) else users[0])
    while cycle.phase != Phase.DIAGNOSE:
        cycle = actions.do_advance_phase(cycle, acting_user=mover)

    report = reports.do_draft_report(cycle, acting_user=owner)
    assert report.ratings.exists(), f"the demo's {level} standard is diagnosed point by point"
    for rating in report.ratings.filter(drafted=False):
        reports.do_rate_point(rating, status="合格", evidence="演示材料", judgement="达到合格", acting_user=owner)
    for rating in report.ratings.filter(status="不合格"):  # a point not met needs an improvement action
        reports.do_add_action(report, text="下一周期对照该诊断点整改", due=cycle.end, rating=rating, acting_user=owner)
    reports.do_write_analysis(report, acting_user=owner, achievements="按期完成", problems="个别指标偏低",
                              causes="过程监测不足", measures="按月跟踪")
    reports.do_submit_report(report, acting_user=owner)

    reviewer = _first(users, reports.review_act(cycle), report, besides=(owner,))
    assert reviewer is not None, f"nobody above reviews the {level} report"
    with pytest.raises((PermissionDenied, Http404)):
        reports.do_review_report(report, "approve", acting_user=student)
    report = reports.do_review_report(report, "approve", acting_user=reviewer)
    assert report.status == ReportStatus.PUBLISHED

    document = Document(io.BytesIO(export.report_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    points = [r.point.name for r in report.ratings.select_related("point")]
    assert cycle.subject.name in text and "演示材料" in text
    assert all(any(name in cell for cell in cells) for name in points), "every point in the report's tables"

    while not cycle.is_closed:
        cycle = actions.do_advance_phase(cycle, acting_user=mover)
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED
