"""End ratings (周期结束评定): a teacher's or a student's cycle ends with a rating from its
self-diagnosis — 优秀 / 良好 / 合格 / 不合格 — stored on the cycle (``Cycle.end_rating``) when it closes,
and read by portraits through ``zhengai.cycles.queries.end_ratings``.

The rating is taken from the rated 诊断点 of the cycle's latest published report (else its latest),
each scored as the report's radar scores them (不合格 40, 预警 50, 合格 60, 良好 80, 优秀 100):

- 优秀 — mean score ≥ 90 and no point 预警 or 不合格;
- 良好 — mean score ≥ 75 and no point 不合格;
- 合格 — at most a third of the points 不合格;
- 不合格 — more than a third of the points 不合格.

A cycle without any rated point gets no rating. Set-based: two queries for any number of cycles.
"""

from django.utils.translation import gettext_lazy

from zhengai.datacenter.choices import Level

from .choices import RatingStatus, ReportStatus

RATED_LEVELS = (Level.TEACHER, Level.STUDENT)
EXCELLENT, GOOD, PASS, FAIL = "优秀", "良好", "合格", "不合格"
LABELS = {EXCELLENT: gettext_lazy("优秀"), GOOD: gettext_lazy("良好"), PASS: gettext_lazy("合格"), FAIL: gettext_lazy("不合格")}


def rating_of(points) -> str:
    """The end rating of (status, grade) pairs of rated points; "" without any."""
    from .drafting import _score

    scores, statuses = [], []
    for status, grade in points:
        if not status:
            continue
        score = _score(status, grade)
        if score is not None:
            scores.append(score)
            statuses.append(status)
    if not scores:
        return ""
    mean = sum(scores) / len(scores)
    fails = statuses.count(RatingStatus.FAIL)
    if mean >= 90 and not fails and RatingStatus.WARNING not in statuses:
        return EXCELLENT
    if mean >= 75 and not fails:
        return GOOD
    if fails * 3 <= len(statuses):
        return PASS
    return FAIL


def ratings_for(cycle_ids) -> dict[int, str]:
    """cycle id → its end rating from its latest published (else latest) report."""
    from .models import PointRating, Report

    chosen = {}
    for pk, cycle_id, status in (Report.objects.filter(cycle_id__in=list(cycle_ids))
                                 .order_by("cycle_id", "version").values_list("pk", "cycle_id", "status")):
        current = chosen.get(cycle_id)
        if current is None or status == ReportStatus.PUBLISHED or current[1] != ReportStatus.PUBLISHED:
            chosen[cycle_id] = (pk, status)
    report_cycle = {pk: cycle_id for cycle_id, (pk, _s) in chosen.items()}
    points = {}
    for report_id, status, grade in (PointRating.objects.filter(report_id__in=list(report_cycle))
                                     .values_list("report_id", "status", "grade")):
        points.setdefault(report_cycle[report_id], []).append((status, grade))
    return {cycle_id: rating_of(points.get(cycle_id, [])) for cycle_id in chosen}


def rate_cycles(cycles) -> int:
    """Store the end rating of every teacher's and student's cycle given; returns how many got one."""
    from .models import Cycle

    ids = [c.pk for c in cycles if c.level in RATED_LEVELS]
    if not ids:
        return 0
    found = ratings_for(ids)
    updates = [Cycle(pk=pk, end_rating=found.get(pk, "")) for pk in ids]
    Cycle.objects.bulk_update(updates, ["end_rating"], batch_size=2000)
    return sum(1 for u in updates if u.end_rating)
