"""End ratings: a teacher's or a student's cycle ends with 优秀 / 良好 / 合格 / 不合格 from its
self-diagnosis, stored on the cycle, shown on its page and read by portraits through queries."""

from datetime import date

import pytest
from django.urls import reverse

from zhengai.cycles import actions, queries, ratings
from zhengai.cycles.choices import Phase
from zhengai.cycles.drafting import draft_reports
from zhengai.cycles.models import Cycle


def test_the_rating_follows_the_points_scores():
    assert ratings.rating_of([("合格", "优秀"), ("合格", "优秀")]) == "优秀"
    assert ratings.rating_of([("合格", "优秀"), ("预警", "")]) == "良好"  # mean 75, a warning: not 优秀
    assert ratings.rating_of([("合格", "良好"), ("合格", "")]) == "合格"  # mean 70
    assert ratings.rating_of([("合格", ""), ("合格", ""), ("不合格", "")]) == "合格"  # a third not met
    assert ratings.rating_of([("合格", ""), ("不合格", ""), ("不合格", "")]) == "不合格"
    assert ratings.rating_of([("", ""), ("", "")]) == "", "nothing rated: no rating"


@pytest.fixture
def student_cycle(college, cast):
    from zhengai.chains.models import Standard, StandardNode, StandardVersion

    s = Standard.objects.create(code="T-STU", name="学生发展标准", level="student", standard_class="student")
    v = StandardVersion.objects.create(standard=s, label="v1", status="published", effective_from=date(2026, 1, 1))
    project = StandardNode.objects.create(version=v, kind="project", code="1", name="学业", order=1)
    element = StandardNode.objects.create(version=v, kind="element", parent=project, code="1.1", name="学习", order=1)
    for i, name in enumerate(["出勤", "作业", "实训"], start=1):
        StandardNode.objects.create(version=v, kind="point", parent=element, code=f"1.1.{i}", name=name, order=i,
                                    evidence="材料")
    actions.do_open_cycles("student", "2026-2027-1", acting_user=cast.alice)
    return Cycle.objects.select_related("subject").filter(level="student", subject__student=college.s_zhang).get()


def _close(cycle, statuses, cast):
    [report] = draft_reports([cycle])
    for rating, status in zip(report.ratings.order_by("order"), statuses):
        rating.status, rating.evidence, rating.judgement = status, "材料", "说明"
        rating.save()
    report.status = "published"
    report.save()
    Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.IMPROVE)
    return actions.do_advance_phase(cycle, acting_user=cast.alice)


def test_a_students_cycle_ends_with_its_rating_stored_shown_and_read_by_portraits(client, student_cycle, cast):
    closed = _close(student_cycle, ["合格", "合格", "不合格"], cast)
    assert closed.is_closed and closed.end_rating == "合格"
    student_cycle.refresh_from_db()
    assert student_cycle.end_rating == "合格"

    found = queries.end_ratings([student_cycle.subject_id])
    assert (found[student_cycle.subject_id].rating, found[student_cycle.subject_id].period) == ("合格", "2026-2027-1")
    assert queries.current_cycles([student_cycle.subject_id])[student_cycle.subject_id].end_rating == "合格"

    client.force_login(cast.alice)
    body = client.get(reverse("cycles:cycle", args=[student_cycle.pk])).content.decode()
    assert "结束评定" in body and 'data-testid="end-rating">合格<' in body


def test_portraits_read_every_subjects_rating_in_one_query(student_cycle, cast, django_assert_num_queries):
    _close(student_cycle, ["合格", "合格", "合格"], cast)
    with django_assert_num_queries(1):
        found = queries.end_ratings([student_cycle.subject_id, 999999])
    assert list(found) == [student_cycle.subject_id]


def test_cycles_of_other_levels_get_no_rating(college, cast):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycle = Cycle.objects.filter(level="offering").first()
    Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.IMPROVE)
    closed = actions.do_advance_phase(cycle, acting_user=cast.alice)
    assert closed.is_closed and closed.end_rating == ""
    assert queries.end_ratings([cycle.subject_id]) == {}
