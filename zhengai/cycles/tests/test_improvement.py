"""Improvement and the next cycle: overdue improvement actions warn like any warning (and their owners
hear of it), recording an outcome resolves the warning, the next cycle's report waits for every
outcome, and the last cycle's open actions and diagnosed gaps are proposed as the new goals."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from zhengai.cycles import actions, improvement, reports
from zhengai.cycles.choices import EventKind, Phase
from zhengai.cycles.models import Cycle, ImprovementAction
from zhengai.cycles.tests.test_reports import standard  # noqa: F401  (the fixture)

KEY = "2026-2027-1-C001-01"


@pytest.fixture
def old(college, cast, standard):  # noqa: F811
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    return Cycle.objects.select_related("subject").get(subject__key=KEY)


def _next(old):
    return Cycle.objects.create(subject=old.subject, level="offering", period="2027-01-23..2027-07-10",
                                start=date(2027, 1, 23), end=date(2027, 7, 10), phase=Phase.GOAL,
                                phase_since=date(2026, 11, 20))


def test_it_warns_about_an_overdue_action_once_through_monitoring_and_its_owners_hear_of_it(old, cast):
    from zhengai.monitoring.models import Warning
    from zhengai.notifications.digest import send_digests
    from zhengai.notifications.models import Notification

    late = ImprovementAction.objects.create(cycle=old, text="补录期中成绩", due=date(2026, 11, 1), owner=cast.dave)
    ImprovementAction.objects.create(cycle=old, text="期末前增加辅导", due=date(2027, 1, 10), owner=cast.dave)  # not due yet
    ImprovementAction.objects.create(cycle=old, text="已完成的", due=date(2026, 10, 1), status="done", outcome="做了")

    assert improvement.warn_overdue_actions() == 1
    warning = Warning.objects.get(subject=old.subject, source="action")
    assert warning.status == "open" and "补录期中成绩" in warning.reason and "2026-11-01" in warning.reason
    assert warning.events.get().kind == "opened"
    late.refresh_from_db()
    assert late.overdue_warning == warning
    assert improvement.warn_overdue_actions() == 0, "an action is warned about once"

    # A second overdue action of the same subject joins its active warning.
    ImprovementAction.objects.create(cycle=old, text="修订教案", due=date(2026, 11, 10), owner=cast.dave)
    assert improvement.warn_overdue_actions() == 1
    assert Warning.objects.filter(subject=old.subject, source="action").count() == 1
    warning.refresh_from_db()
    assert "修订教案" in warning.reason

    send_digests()  # the notifier's scheduled job: like any warning's opening
    told = Notification.objects.filter(recipient=cast.dave).values_list("body", flat=True)
    assert any("改进措施逾期" in body for body in told)


def test_the_scheduled_job_is_in_the_one_schedule(db):
    from zhengai.core import scheduling

    names = {task for _name, task, _every in scheduling.schedule()}
    assert "zhengai.cycles.warn_overdue_actions" in names
    assert scheduling.task("zhengai.cycles.warn_overdue_actions")() == 0


def test_recording_every_outcome_resolves_the_overdue_warning_and_only_the_owner_records(old, cast):
    from zhengai.monitoring.models import Warning

    a = ImprovementAction.objects.create(cycle=old, text="补录期中成绩", due=date(2026, 11, 1))
    b = ImprovementAction.objects.create(cycle=old, text="修订教案", due=date(2026, 11, 2))
    improvement.warn_overdue_actions()
    warning = Warning.objects.get(source="action")
    with pytest.raises(PermissionDenied):
        improvement.do_record_outcome(a, status="done", outcome="已补录", acting_user=cast.heidi)  # sees, does not own
    with pytest.raises(Http404):
        improvement.do_record_outcome(a, status="done", outcome="已补录", acting_user=cast.frank)
    with pytest.raises(ValidationError, match="结果"):
        improvement.do_record_outcome(a, status="done", outcome=" ", acting_user=cast.dave)
    with pytest.raises(ValidationError, match="已完成"):
        improvement.do_record_outcome(a, status="open", outcome="x", acting_user=cast.dave)

    improvement.do_record_outcome(a, status="done", outcome="已补录，通过率 85%", acting_user=cast.dave)
    warning.refresh_from_db()
    assert warning.status == "open", "one action of the warning still has no outcome"
    improvement.do_record_outcome(b, status="dropped", outcome="教案已整体更换，不再修订", acting_user=cast.dave)
    warning.refresh_from_db()
    assert warning.status == "resolved" and warning.events.filter(kind="resolved", actor=cast.dave).exists()
    a.refresh_from_db()
    assert (a.status, a.closed_on) == ("done", date(2026, 11, 20))
    assert old.events.filter(kind=EventKind.OUTCOME).count() == 2
    with pytest.raises(ValidationError, match="已登记结果"):
        improvement.do_record_outcome(a, status="done", outcome="again", acting_user=cast.dave)


def test_the_new_cycle_is_submitted_only_once_last_cycles_actions_have_outcomes(old, cast):
    action = ImprovementAction.objects.create(cycle=old, text="增加辅导", due=date(2027, 1, 10))
    new = _next(old)
    Cycle.objects.filter(pk=new.pk).update(phase=Phase.DIAGNOSE)
    report = reports.do_draft_report(new, acting_user=cast.dave)
    for r in report.ratings.filter(drafted=False):
        r.status, r.evidence, r.judgement = "合格", "材料", "达标"
        r.save()
    with pytest.raises(ValidationError, match="上一周期的改进措施尚无结果：增加辅导"):
        reports.do_submit_report(report, acting_user=cast.dave)
    improvement.do_record_outcome(action, status="done", outcome="辅导两次", acting_user=cast.dave)
    reports.do_submit_report(report, acting_user=cast.dave)


def test_open_actions_and_diagnosed_gaps_are_proposed_as_the_new_goals_and_the_owner_accepts(old, cast):
    from zhengai.chains.models import Goal

    report = reports.do_draft_report(old, acting_user=cast.dave)
    rating = report.ratings.get(point__code="1.1.2")
    reports.do_rate_point(rating, status="不合格", evidence="成绩", judgement="期中通过率仅 70%", acting_user=cast.dave)
    ImprovementAction.objects.create(cycle=old, text="期末前增加两次辅导", due=date(2027, 1, 10), point=rating.point)
    new = _next(old)

    found = improvement.proposals(new)
    assert [p.title for p in found] == ["落实改进措施：期末前增加两次辅导", "补齐差距：课程通过率"]
    assert "期中通过率仅 70%" in found[1].description
    with pytest.raises(PermissionDenied):
        improvement.do_accept_goals(new, [p.key for p in found], acting_user=cast.grace)  # reads, writes nothing
    with pytest.raises(Http404):
        improvement.do_accept_goals(new, [p.key for p in found], acting_user=cast.erin)

    goals = improvement.do_accept_goals(new, [p.key for p in found], acting_user=cast.dave)
    assert {(g.owner_id, g.kind, g.start, g.end) for g in goals} == {(old.subject_id, "course", new.start, new.end)}
    assert set(Goal.objects.filter(owner=old.subject).values_list("title", flat=True)) >= {
        "落实改进措施：期末前增加两次辅导", "补齐差距：课程通过率"}
    assert improvement.proposals(new) == [], "an accepted proposal is not proposed again"
    assert new.events.filter(kind=EventKind.GOALS, actor=cast.dave).exists()


def test_the_cycle_page_shows_last_cycles_actions_with_outcome_forms_and_the_proposals(client, old, cast):
    action = ImprovementAction.objects.create(cycle=old, text="期末前增加两次辅导", due=date(2026, 11, 1))
    new = _next(old)
    client.force_login(cast.dave)
    body = client.get(reverse("cycles:cycle", args=[new.pk])).content.decode()
    assert "上一周期的改进措施" in body and "已逾期" in body and reverse("cycles:action_outcome", args=[action.pk]) in body
    assert "建议目标" in body and "落实改进措施：期末前增加两次辅导" in body
    response = client.post(reverse("cycles:accept_goals", args=[new.pk]), {"key": f"action-{action.pk}"})
    assert response.status_code == 302
    response = client.post(reverse("cycles:action_outcome", args=[action.pk]),
                           {"status": "done", "outcome": "辅导两次", "back": str(new.pk)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("cycles:cycle", args=[new.pk]))
    action.refresh_from_db()
    assert action.status == "done"
    client.force_login(cast.heidi)
    other = ImprovementAction.objects.create(cycle=old, text="x", due=date(2027, 1, 1))
    assert client.post(reverse("cycles:action_outcome", args=[other.pk]), {"status": "done", "outcome": "y"}).status_code == 403
