"""A whole cycle of each level, end to end: opened in bulk, moved through 目标 … 诊断 by someone who may
move it, the report drafted and rated by its owner, reviewed by the next level up, published,
the cycle moved on through 激励 … 改进 and closed — teachers' and students' with their end rating —
and the next cycle proposing what is left. Each step by a person the access rules allow, and
refused to one they do not."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhengai.cycles import actions, improvement, reports
from zhengai.cycles.choices import PHASES, Phase, ReportStatus
from zhengai.cycles.models import Cycle
from zhengai.org import access

PERIODS = {
    "school": "2026", "department": "2026", "specialty": "2024-2025..2026-2027", "course": "2026",
    "offering": "2026-2027-1", "teacher": "2024-2025..2026-2027", "student": "2026-2027-1",
}
CLASSES = {"school": "school", "department": "department", "specialty": "specialty", "course": "course_construction",
           "offering": "course_teaching", "teacher": "teacher", "student": "student"}
CAST = ["alice", "grace", "bob", "heidi", "ivan", "dave", "carol", "erin", "frank"]


def _standard(level):
    """One published standard of the level: two points asking for evidence (the owner rates them)."""
    from zhengai.chains.models import Standard, StandardNode, StandardVersion

    s = Standard.objects.create(code=f"E2E-{level}", name=f"{level} 标准", level=level, standard_class=CLASSES[level])
    v = StandardVersion.objects.create(standard=s, label="v1", status="published", effective_from=date(2024, 1, 1))
    project = StandardNode.objects.create(version=v, kind="project", code="1", name="建设", order=1)
    element = StandardNode.objects.create(version=v, kind="element", parent=project, code="1.1", name="过程", order=1)
    for i in (1, 2):
        StandardNode.objects.create(version=v, kind="point", parent=element, code=f"1.1.{i}", name=f"诊断点{i}", order=i,
                                    evidence="佐证材料")


def _one(cast, act, obj):
    for name in CAST:
        user = getattr(cast, name)
        if access.may(user, act, obj):
            return user
    return None


@pytest.mark.parametrize("level", list(PERIODS))
def test_a_whole_cycle_of_each_level_runs_end_to_end(level, college, cast):
    _standard(level)
    result = actions.do_open_cycles(level, PERIODS[level], acting_user=cast.alice)
    assert result.created >= 1
    cycle = Cycle.objects.filter(level=level).select_related("subject").order_by("subject__key").first()

    mover = _one(cast, access.ADVANCE_CYCLE_PHASE, cycle)
    assert mover is not None
    with pytest.raises((PermissionDenied, Http404)):
        actions.do_advance_phase(cycle, acting_user=cast.frank if mover != cast.frank else cast.grace)
    while cycle.phase != Phase.DIAGNOSE:
        cycle = actions.do_advance_phase(cycle, acting_user=mover)

    owner = _one(cast, access.SUBMIT_REPORT, cycle)
    assert owner is not None, f"nobody may write the {level} report"
    report = reports.do_draft_report(cycle, acting_user=owner)
    assert report.ratings.count() == 2, "the standard in force is diagnosed point by point"
    for rating in report.ratings.filter(drafted=False):
        reports.do_rate_point(rating, status="合格", evidence="材料齐全", judgement="达到合格", acting_user=owner)
    reports.do_write_analysis(report, acting_user=owner, achievements="按期完成", problems="无", causes="—", measures="保持")
    reports.do_submit_report(report, acting_user=owner)

    reviewer = _one(cast, reports.review_act(cycle), report)
    assert reviewer is not None and reviewer != owner, f"nobody above reviews the {level} report"
    with pytest.raises((PermissionDenied, Http404)):
        reports.do_review_report(report, "approve", acting_user=cast.frank)
    report = reports.do_review_report(report, "approve", acting_user=reviewer)
    assert report.status == ReportStatus.PUBLISHED

    while not cycle.is_closed:
        cycle = actions.do_advance_phase(cycle, acting_user=mover)
    cycle.refresh_from_db()
    assert cycle.is_closed and cycle.phase == PHASES[-1]
    if level in ("teacher", "student"):
        assert cycle.end_rating == "合格"  # every point 合格, no grade: a mean of 60
    else:
        assert cycle.end_rating == ""

    # The next cycle of the same subject proposes nothing left over (no open action, no gap).
    nxt = Cycle.objects.create(subject=cycle.subject, level=level, period=f"{date(2031, 1, 1)}..{date(2031, 12, 31)}",
                               start=date(2031, 1, 1), end=date(2031, 12, 31), phase=Phase.GOAL,
                               phase_since=date(2026, 11, 20))
    assert improvement.previous(nxt) == cycle
    assert improvement.proposals(nxt) == []
