"""Cycles: opening in bulk, periods per level, nesting, phase moves by owners only, the calendar
and the command line."""

import io
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse

from zhengai.cycles import actions, periods, queries
from zhengai.cycles.choices import PHASES, CycleStatus, EventKind, Phase
from zhengai.cycles.models import Cycle, CycleEvent


def test_opening_a_term_opens_every_offering_of_it_once_and_audits_each(college, cast, django_assert_max_num_queries):
    assert not Cycle.objects.exists()
    # The offerings, the cycles taken, the insert, the events, the nesting lookup: a fixed number.
    with django_assert_max_num_queries(13):  # 13: opening also attaches waiting evidence (one read of its windows)
        result = actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    assert (result.created, result.existing) == (2, 0)
    cycles = Cycle.objects.filter(level="offering")
    assert sorted(cycles.values_list("subject__key", flat=True)) == ["2026-2027-1-C001-01", "2026-2027-1-C002-01"]
    first = cycles.first()
    assert (first.start, first.end, first.phase) == (date(2026, 9, 7), date(2027, 1, 22), Phase.GOAL)
    assert CycleEvent.objects.filter(kind=EventKind.OPENED, actor=cast.alice).count() == 2

    again = actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)

    assert (again.created, again.existing) == (0, 2) and Cycle.objects.count() == 2


def test_a_level_takes_only_its_kind_of_period_and_says_which(college, cast):
    with pytest.raises(ValidationError, match="学期"):
        actions.do_open_cycles("offering", "2026", acting_user=cast.alice)
    with pytest.raises(ValidationError, match="3 个学年"):
        actions.do_open_cycles("specialty", "2025-2026..2026-2027", acting_user=cast.alice)
    with pytest.raises(PermissionDenied):
        actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.bob)
    assert not Cycle.objects.exists()
    result = actions.do_open_cycles("specialty", "2024-2025..2026-2027", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject__key="460103")
    assert result.created == 2 and (cycle.start, cycle.end) == (date(2024, 9, 1), date(2027, 8, 31))


def test_a_college_changes_a_levels_period_and_new_cycles_follow(college, cast):
    actions.do_set_policy("specialty", period_kind="academic_years", years=2, diagnosis_days=20, acting_user=cast.alice)
    assert periods.policy("specialty").years == 2
    actions.do_open_cycles("specialty", "2025-2026..2026-2027", acting_user=cast.alice)
    assert Cycle.objects.filter(level="specialty").count() == 2
    with pytest.raises(PermissionDenied):
        actions.do_set_policy("specialty", period_kind="year", years=1, diagnosis_days=30, acting_user=cast.heidi)


def test_offering_cycles_nest_in_their_courses_construction_cycle_and_departments_in_the_schools(college, cast):
    college.course_cnc.construction_start, college.course_cnc.construction_end = date(2025, 9, 1), date(2027, 8, 31)
    college.course_cnc.save()
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    # The course with a project period gets its own; the one without takes the period given.
    result = actions.do_open_cycles("course", "2026-2027", acting_user=cast.alice)
    assert result.linked == 2
    cnc = Cycle.objects.get(level="course", subject__key="C001")
    assert cnc.period == "2025-09-01..2027-08-31"
    assert Cycle.objects.get(level="offering", subject__key="2026-2027-1-C001-01").parent == cnc
    assert Cycle.objects.get(level="offering", subject__key="2026-2027-1-C002-01").parent.period == "2026-2027"
    actions.do_open_cycles("department", "2026", acting_user=cast.alice)
    school = actions.do_open_cycles("school", "2026", acting_user=cast.alice)
    assert school.linked == 3
    assert set(Cycle.objects.filter(level="department").values_list("parent__level", flat=True)) == {"school"}


def test_an_owner_moves_the_cycle_on_and_back_and_every_move_is_audited(college, cast):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject__key="2026-2027-1-C001-01")  # taught by dave

    actions.do_advance_phase(cycle, acting_user=cast.dave)

    cycle.refresh_from_db()
    assert cycle.phase == Phase.STANDARD
    event = cycle.events.get(kind=EventKind.ADVANCED)
    assert (event.actor, event.from_phase, event.to_phase) == (cast.dave, Phase.GOAL, Phase.STANDARD)
    with pytest.raises(ValidationError, match="原因"):
        actions.do_move_back_phase(cycle, acting_user=cast.dave, note=" ")
    actions.do_move_back_phase(cycle, acting_user=cast.dave, note="目标需重新对齐")
    cycle.refresh_from_db()
    assert cycle.phase == Phase.GOAL and cycle.events.get(kind=EventKind.MOVED_BACK).note == "目标需重新对齐"


def test_moves_are_refused_to_roles_outside_the_owners_scope(college, cast):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject__key="2026-2027-1-C001-01")
    # The specialty leader sees it (scope) but does not own it; a student of another class cannot see it.
    for who, error in ((cast.heidi, PermissionDenied), (cast.grace, PermissionDenied), (cast.erin, Http404),
                       (cast.frank, Http404)):
        with pytest.raises(error):
            actions.do_advance_phase(cycle, acting_user=who)
    cycle.refresh_from_db()
    assert cycle.phase == Phase.GOAL and not cycle.events.exclude(kind=EventKind.OPENED).exists()


def test_moving_on_from_the_last_phase_closes_the_cycle(college, cast):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject__key="2026-2027-1-C001-01")
    from zhengai.cycles.models import Report

    Report.objects.create(cycle=cycle, status="published")  # 诊断 is left with the report published
    for _phase in PHASES:
        actions.do_advance_phase(cycle, acting_user=cast.alice)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED and cycle.closed_on == date(2026, 11, 20)
    with pytest.raises(ValidationError, match="已结束"):
        actions.do_advance_phase(cycle, acting_user=cast.alice)


def test_a_cycle_is_late_once_it_is_behind_what_its_dates_ask():
    start, end = date(2026, 9, 1), date(2027, 1, 20)  # 142 days: planning due after 14 days
    assert periods.lateness(Phase.GOAL, False, start, end, 30, date(2026, 9, 10)) == 0
    assert periods.lateness(Phase.GOAL, False, start, end, 30, date(2026, 9, 25)) == 10
    assert periods.lateness(Phase.IMPLEMENT, False, start, end, 30, date(2026, 12, 1)) == 0
    assert periods.lateness(Phase.IMPLEMENT, False, start, end, 30, date(2027, 1, 25)) == 5
    assert periods.lateness(Phase.DIAGNOSE, False, start, end, 30, date(2027, 3, 1)) == 10
    assert periods.lateness(Phase.IMPROVE, True, start, end, 30, date(2027, 6, 1)) == 0


def test_zhengai_cycles_opens_and_lists_with_the_contracted_columns(college, cast):
    out = io.StringIO()
    call_command("cycles", "open", "--level", "offering", "--period", "2026-2027-1", stdout=out)
    assert "created=2" in out.getvalue()
    out = io.StringIO()
    call_command("cycles", "list", "--level", "offering", "--period", "2026-2027-1", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "subject,level,period,phase,owner,report_status"
    # Owners from role scopes: the offering's teacher (dave) and its course's leader (ivan).
    assert lines[1] == "2026-2027-1-C001-01,offering,2026-2027-1,goal,dave、ivan,none"
    assert lines[2].startswith("2026-2027-1-C002-01,offering,2026-2027-1,goal,")
    out = io.StringIO()
    call_command("cycles", "list", "--level", "offering", "--period", "2026-2027-1", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())[0]["phase"] == "goal"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="学期"):
        call_command("cycles", "open", "--level", "student", "--period", "2026")


def test_the_calendar_shows_where_each_subject_stands_and_who_is_late(client, college, cast):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    client.force_login(cast.alice)
    page = client.get(reverse("cycles:calendar"), {"level": "offering", "period": "2026-2027-1"})
    body = page.content.decode()
    # Opened on 2026-11-20, 74 days into a term whose planning was due after 13: late by 61 days.
    assert page.status_code == 200 and "数控编程" in body and ">61<" in body
    csv = client.get(reverse("cycles:calendar"), {"level": "offering", "period": "2026-2027-1", "format": "csv"})
    assert csv.content.decode().splitlines()[0] == "subject,level,period,phase,owner,report_status"
    # Junk parameters fall back to defaults, never a 500.
    assert client.get(reverse("cycles:calendar"), {"level": "x", "period": "2026-99", "phase": "z", "page": "q"}).status_code == 200
    # A department head sees only their department's cycles.
    client.force_login(cast.bob)
    body = client.get(reverse("cycles:calendar"), {"level": "offering", "period": "2026-2027-1"}).content.decode()
    assert "数控编程" in body and "Python程序设计" not in body


def test_the_cycle_page_shows_what_each_phase_needs_and_the_owner_moves_it(client, college, cast):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject__key="2026-2027-1-C001-01")
    client.force_login(cast.dave)
    body = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
    assert "各阶段需要什么" in body and "本周期预警" in body and "进入下一阶段" in body
    assert client.post(reverse("cycles:advance", args=[cycle.pk])).status_code == 302
    cycle.refresh_from_db()
    assert cycle.phase == Phase.STANDARD
    client.force_login(cast.heidi)
    body = client.get(reverse("cycles:cycle", args=[cycle.pk])).content.decode()
    assert reverse("cycles:advance", args=[cycle.pk]) not in body
    assert client.post(reverse("cycles:advance", args=[cycle.pk])).status_code == 403
    client.force_login(cast.frank)
    assert client.get(reverse("cycles:cycle", args=[cycle.pk])).status_code == 404


def test_other_pages_read_a_subjects_current_cycle_and_ones_to_move(college, cast, subjects):
    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    subject = subjects[("offering", "2026-2027-1-C001-01")]
    info = queries.current_cycles([subject.pk])[subject.pk]
    assert (info.period, info.phase_label, info.report_status, info.late_days) == ("2026-2027-1", "目标", "none", 61)
    assert [i.subject_key for i in queries.cycles_to_move(cast.dave)] == ["2026-2027-1-C001-01"]
    assert queries.cycles_to_move(cast.heidi) == []
