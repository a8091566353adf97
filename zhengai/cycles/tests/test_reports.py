"""The self-diagnosis and its report: points rated from indicators (value, grade, line, gap), the
owner's judgement where none measures, improvement actions required for points not met, review by
the next level up, published reports frozen, corrections as new versions."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from zhengai.cycles import actions, queries, reports
from zhengai.cycles.choices import EventKind, Phase, RatingStatus, ReportStatus
from zhengai.cycles.drafting import draft_reports
from zhengai.cycles.models import Cycle, FrozenError, Report


@pytest.fixture
def standard(college):
    """课程教学标准 for offerings: one point on sessions held (合格 3, 良好 4, yellow below 4), one on
    the pass rate (no grades in the tiny college: no value), one asking for evidence."""
    from zhengai.chains.models import Standard, StandardNode, StandardVersion

    s = Standard.objects.create(code="T-OFF", name="课程教学标准", level="offering", standard_class="course_teaching")
    v = StandardVersion.objects.create(standard=s, label="v1", status="published", effective_from=date(2026, 1, 1))
    project = StandardNode.objects.create(version=v, kind="project", code="1", name="教学运行", order=1)
    element = StandardNode.objects.create(version=v, kind="element", parent=project, code="1.1", name="课堂教学", order=1)
    StandardNode.objects.create(version=v, kind="point", parent=element, code="1.1.1", name="开课次数", order=1,
                                indicator_code="offering.sessions_held", qualified=Decimal(3), good=Decimal(4),
                                excellent=Decimal(10), yellow=Decimal(4))
    StandardNode.objects.create(version=v, kind="point", parent=element, code="1.1.2", name="课程通过率", order=2,
                                indicator_code="offering.pass_rate", qualified=Decimal("0.8"))
    StandardNode.objects.create(version=v, kind="point", parent=element, code="1.1.3", name="教案", order=3,
                                evidence="教案与教学日历")
    return v


@pytest.fixture
def cycles(college, cast, standard):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    return {c.subject.key: c for c in Cycle.objects.select_related("subject")}


def test_the_draft_fills_value_grade_line_and_gap_from_indicators_and_leaves_the_rest_to_the_owner(cycles, cast):
    cycle = cycles["2026-2027-1-C001-01"]
    report = reports.do_draft_report(cycle, acting_user=cast.dave)
    rows = {r.point.code: r for r in report.ratings.select_related("point")}
    sessions = rows["1.1.1"]
    # Four sessions held by the demo date: 良好 (≥ 4), one above the qualifying line of 3.
    assert (sessions.value, sessions.grade, sessions.line, sessions.gap, sessions.status, sessions.drafted) == (
        4.0, "良好", 3.0, 1.0, RatingStatus.QUALIFIED, True)
    assert sessions.peers["school"] == 4.0
    assert (rows["1.1.2"].value, rows["1.1.2"].status, rows["1.1.2"].drafted) == (None, RatingStatus.UNRATED, False)
    assert rows["1.1.3"].status == RatingStatus.UNRATED
    assert report.data["counts"] == {"合格": 1, "预警": 0, "不合格": 0, "未评": 2}
    assert "共诊断 3 个诊断点" in report.data["sentences"][0]
    assert report.data["radar"][0]["project"] == "教学运行"
    assert cycle.events.filter(kind=EventKind.DRAFTED).exists()


def test_drafting_many_reports_costs_the_same_queries_as_one(college, cast, standard, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    one, both = list(Cycle.objects.all()[:1]), list(Cycle.objects.all())
    with CaptureQueriesContext(connection) as first:
        draft_reports(one)
    Report.objects.all().delete()
    with CaptureQueriesContext(connection) as second:
        draft_reports(both)
    assert len(second.captured_queries) == len(first.captured_queries), (
        "drafting must not run a query per report: justify a new query or make it set-based")
    assert Report.objects.count() == 2


RATING_FIELDS = ("point_id", "order", "project", "element", "indicator_code", "value", "grade", "line", "gap", "warning",
                 "status", "drafted", "evidence", "judgement", "peers", "last_value")


def _drafted_content():
    """Every report's content, by cycle: version, status, drafted facts and ratings (not ids or times)."""
    out = {}
    for report in Report.objects.order_by("cycle_id", "version"):
        ratings = list(report.ratings.order_by("order", "point_id").values_list(*RATING_FIELDS))
        events = list(report.cycle.events.filter(kind=EventKind.DRAFTED).values_list("actor_id", "detail__version"))
        out[report.cycle_id] = (report.version, report.status, report.data, report.drafted_at is not None, ratings, events)
    return out


def test_a_batch_drafts_the_same_reports_as_one_at_a_time_and_as_chunks_sharing_the_levels_aggregates(
        college, cast, standard):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengai.cycles.models import CycleEvent

    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycles = list(Cycle.objects.order_by("pk"))
    assert len(cycles) >= 2

    def again():
        Report.objects.all().delete()
        CycleEvent.objects.filter(kind=EventKind.DRAFTED).delete()

    draft_reports(cycles, acting_user=cast.alice)
    batch = _drafted_content()
    again()
    for cycle in cycles:
        draft_reports([cycle], acting_user=cast.alice)
    one_by_one = _drafted_content()
    again()
    groups, counts = {}, []
    for cycle in cycles:
        with CaptureQueriesContext(connection) as queries:
            draft_reports([cycle], acting_user=cast.alice, groups=groups)
        counts.append(len(queries.captured_queries))
    assert batch == one_by_one == _drafted_content()
    version, status, data, dated, ratings, events = batch[cycles[0].pk]
    assert (version, status, dated, events) == (1, ReportStatus.DRAFT, True, [(cast.alice.pk, 1)])
    sessions = next(r for r in ratings if r[4] == "offering.sessions_held")
    assert sessions[5:12] == (4.0, "良好", 3.0, 1.0, "", RatingStatus.QUALIFIED, True)
    assert sessions[14] == {"department": 4.0, "school": 4.0}
    assert data["counts"]["合格"] == 1
    # A later chunk reuses the level's standard, aggregates and peers: it runs fewer queries than the first.
    assert counts[1] < counts[0]


def test_a_report_is_submitted_only_once_every_point_is_rated_and_each_point_not_met_has_an_action(cycles, cast):
    report = reports.do_draft_report(cycles["2026-2027-1-C001-01"], acting_user=cast.dave)
    with pytest.raises(ValidationError, match="尚未评定"):
        reports.do_submit_report(report, acting_user=cast.dave)
    rows = {r.point.code: r for r in report.ratings.select_related("point")}
    with pytest.raises(ValidationError, match="佐证"):
        reports.do_rate_point(rows["1.1.3"], status="合格", evidence="", judgement="", acting_user=cast.dave)
    with pytest.raises(ValidationError, match="指标数据"):
        reports.do_rate_point(rows["1.1.1"], status="不合格", evidence="x", judgement="x", acting_user=cast.dave)
    reports.do_rate_point(rows["1.1.3"], status="合格", evidence="教案 16 份", judgement="齐全", acting_user=cast.dave)
    reports.do_rate_point(rows["1.1.2"], status="不合格", evidence="成绩未录入", judgement="期中通过率仅 70%",
                          acting_user=cast.dave)
    with pytest.raises(ValidationError, match="须有改进措施"):
        reports.do_submit_report(report, acting_user=cast.dave)
    reports.do_add_action(report, text="期末前增加两次辅导", due=date(2027, 1, 10), rating=rows["1.1.2"], acting_user=cast.dave)
    # Redrafting keeps what the owner wrote.
    report = reports.do_draft_report(cycles["2026-2027-1-C001-01"], acting_user=cast.dave)
    assert report.ratings.get(point__code="1.1.2").judgement == "期中通过率仅 70%"

    reports.do_submit_report(report, acting_user=cast.dave)

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == cast.dave


def _submitted(cycles, cast, key="2026-2027-1-C001-01"):
    report = reports.do_draft_report(cycles[key], acting_user=cast.dave if key.endswith("C001-01") else cast.alice)
    for r in report.ratings.filter(drafted=False):
        r.status, r.evidence, r.judgement = "合格", "材料", "达标"
        r.save()
    return reports.do_submit_report(report, acting_user=cast.dave)


def test_the_next_level_up_reviews_and_others_are_refused(cycles, cast):
    report = _submitted(cycles, cast)
    # The teacher who owns it, a school leader, the other department's student: refused or not shown.
    for who, error in ((cast.dave, PermissionDenied), (cast.grace, PermissionDenied), (cast.erin, Http404),
                       (cast.frank, Http404)):
        with pytest.raises(error):
            reports.do_review_report(report, "approve", acting_user=who)
    with pytest.raises(ValidationError, match="审核意见"):
        reports.do_review_report(report, "return", "", acting_user=cast.ivan)
    reports.do_review_report(report, "return", "请补充教案", acting_user=cast.ivan)  # the course leader
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "请补充教案")
    reports.do_submit_report(report, acting_user=cast.dave)
    assert [r.pk for r in queries.reports_to_review(cast.bob)] == [report.pk]
    assert list(queries.reports_to_review(cast.heidi)) == [report]  # the specialty leader is over it too

    reports.do_review_report(report, "approve", "", acting_user=cast.bob)

    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_at is not None


def test_a_published_report_cannot_be_changed_and_a_correction_is_a_new_version(cycles, cast):
    report = _submitted(cycles, cast)
    reports.do_review_report(report, "approve", acting_user=cast.bob)
    report.refresh_from_db()
    with pytest.raises(FrozenError):
        reports.do_write_analysis(report, achievements="改写", acting_user=cast.dave)
    rating = report.ratings.filter(drafted=False).first()
    with pytest.raises(FrozenError):
        reports.do_rate_point(rating, status="不合格", evidence="x", judgement="x", acting_user=cast.dave)
    report.problems = "偷偷改"
    with pytest.raises(FrozenError):
        report.save()
    with pytest.raises(FrozenError):
        report.delete()
    assert Report.objects.get(pk=report.pk).problems == ""

    new = reports.do_correct_report(report, acting_user=cast.dave, reason="通过率数据更正")

    assert (new.version, new.status, new.supersedes_id) == (2, ReportStatus.DRAFT, report.pk)
    assert new.ratings.count() == report.ratings.count()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.PUBLISHED


def test_diagnosis_is_left_only_with_the_report_published(cycles, cast):
    cycle = cycles["2026-2027-1-C001-01"]
    Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.DIAGNOSE)
    with pytest.raises(ValidationError, match="发布"):
        actions.do_advance_phase(cycle, acting_user=cast.dave)
    report = _submitted(cycles, cast)
    reports.do_review_report(report, "approve", acting_user=cast.ivan)
    actions.do_advance_phase(cycle, acting_user=cast.dave)
    cycle.refresh_from_db()
    assert cycle.phase == Phase.INCENTIVE
    assert queries.current_cycles([cycle.subject_id])[cycle.subject_id].report_status == "published"
    highlights = queries.published_highlights("offering", "2026-2027-1")
    assert [h["subject"] for h in highlights] == ["2026-2027-1-C001-01"] and highlights[0]["counts"]["合格"] == 3


def test_a_new_cycle_waits_for_the_outcomes_of_last_cycles_actions(college, cast, standard):
    from zhengai.cycles.models import ImprovementAction

    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    old = Cycle.objects.get(subject__key="2026-2027-1-C001-01")
    # The same subject's next cycle (a later period) — its report is blocked by the open action.
    new = Cycle.objects.create(subject=old.subject, level="offering", period="2027-01-23..2027-07-10",
                               start=date(2027, 1, 23), end=date(2027, 7, 10), phase=Phase.DIAGNOSE,
                               phase_since=date(2026, 11, 20))
    action = ImprovementAction.objects.create(cycle=old, text="增加辅导", due=date(2027, 1, 10))
    report = reports.do_draft_report(new, acting_user=cast.dave)
    for r in report.ratings.filter(drafted=False):
        r.status, r.evidence, r.judgement = "合格", "材料", "达标"
        r.save()
    assert report.data["last_actions"][0]["text"] == "增加辅导"
    with pytest.raises(ValidationError, match="上一周期的改进措施"):
        reports.do_submit_report(report, acting_user=cast.dave)
    action.status, action.outcome = "done", "辅导两次，通过率 85%"
    action.save()
    reports.do_submit_report(report, acting_user=cast.dave)


def test_the_report_page_shows_drafted_facts_with_links_and_the_owner_and_reviewer_act_there(client, cycles, cast):
    cycle = cycles["2026-2027-1-C001-01"]
    client.force_login(cast.dave)
    assert client.post(reverse("cycles:report_draft", args=[cycle.pk])).status_code == 302
    body = client.get(reverse("cycles:report", args=[cycle.pk])).content.decode()
    assert "系统起草" in body and "/indicators/offering.sessions_held/?window=2026-2027-1" in body and "<svg" in body
    report = cycle.reports.get()
    rating = report.ratings.get(point__code="1.1.3")
    client.post(reverse("cycles:rate", args=[rating.pk]), {"status": "合格", "evidence": "教案", "judgement": "齐全"})
    rating.refresh_from_db()
    assert rating.status == "合格"
    client.force_login(cast.heidi)  # sees it, may not write it
    assert client.post(reverse("cycles:report_analysis", args=[report.pk]), {"achievements": "x"}).status_code == 403
    client.force_login(cast.frank)
    assert client.get(reverse("cycles:report", args=[cycle.pk])).status_code == 404


def test_the_home_panel_names_the_first_reports_to_review_and_counts_them_all(cycles, cast, college, rf, monkeypatch):
    from zhengai.cycles import nav
    from zhengai.org.models import RoleAssignment, User

    li = User.objects.create_user(username="li", password="pw-li-Kz8", display_name="李老师")
    college.t_li.user = li
    college.t_li.save(update_fields=["user"])
    RoleAssignment.objects.create(user=li, role="teacher")
    _submitted(cycles, cast)
    report = reports.do_draft_report(cycles["2026-2027-1-C002-01"], acting_user=li)
    for r in report.ratings.filter(drafted=False):
        r.status, r.evidence, r.judgement = "合格", "材料", "达标"
        r.save()
    reports.do_submit_report(report, acting_user=li)
    monkeypatch.setattr(nav, "PANEL_HEAD", 1)
    request = rf.get("/")
    request.user = cast.alice  # the quality office reviews every level below the school
    panel = nav.cycles_panel(request)
    assert len(panel["to_review"]) == 1 and panel["to_review_total"] == 2
