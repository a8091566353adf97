"""The home of those who lead a unit (校领导, 质管办, 系部主任, 专业带头人, 课程负责人): what stands open in
their scope (warnings by level and grade, linked to the filtered list, and whether fewer open and
more are resolved lately), their cycles' progress (subjects per phase, who is late), their unit's
key indicators with a trend, and the way to the cockpit — at a cost that does not grow with the
number of warnings or cycles."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.models import StandardNode
from zhengai.cycles.choices import Phase
from zhengai.cycles.models import Cycle
from zhengai.cycles.progress import progress
from zhengai.datacenter.models import Subject
from zhengai.monitoring.choices import Grade, WarningStatus
from zhengai.monitoring.models import Warning
from zhengai.monitoring.summary import summary
from zhengai.portraits import portrait
from zhengai.portraits.scope import KeyFigure

TODAY = date(2026, 11, 20)  # the suite's ZHENGAI_TODAY


def subject(level, key):
    return Subject.objects.get(level=level, key=key)


# One warning a subject and indicator at a time (a unique constraint): each of a subject's own code.
CODES = {Grade.RED: "student.attendance_rate", Grade.ORANGE: "student.assignment_rate", Grade.YELLOW: "student.grade_average"}


def warn(subj, grade=Grade.ORANGE, status=WarningStatus.OPEN, opened=date(2026, 11, 10), resolved=None, measure="",
         code=None):
    return Warning.objects.create(subject=subj, level=subj.level, indicator_code=code or CODES[grade].replace("student", subj.level),
                                  grade=grade, status=status, opened_window=opened.strftime("%Y-%m"),
                                  opened_window_end=opened, resolved_window_end=resolved, value=60, threshold=80,
                                  measure_text=measure)


def some_warnings(college):
    zhang, liu = subject("student", college.s_zhang.student_no), subject("student", college.s_liu.student_no)
    offering = subject("offering", college.off_cnc.code)
    warn(zhang, Grade.RED, measure="谈心谈话")
    warn(zhang, Grade.YELLOW, opened=date(2026, 10, 5))  # before the last 30 days
    warn(offering, Grade.ORANGE, status=WarningStatus.CORRECTING, measure="调整教学进度")
    warn(liu, Grade.RED)  # 信息工程学院's: outside bob's department
    warn(zhang, Grade.ORANGE, status=WarningStatus.RESOLVED, opened=date(2026, 9, 30), resolved=date(2026, 11, 15),
         code="student.sessions_missed")


def test_the_quality_office_sees_the_schools_open_warnings_by_level_and_grade_with_a_trend(cast, college):
    some_warnings(college)
    s = summary(cast.alice, TODAY)
    assert s.active == 4 and s.corrected == 2 and s.corrected_share == 50.0
    assert {g: cell.n for g, _label, cell in s.grades} == {"red": 2, "orange": 1, "yellow": 1}
    assert [(r.level, [c.n for c in r.cells], r.total.n) for r in s.rows] == [
        ("offering", [0, 1, 0], 1), ("student", [2, 0, 1], 3)]
    assert s.rows[1].cells[0].url == reverse("monitoring:warnings") + "?level=student&grade=red&status=active"
    # opened in the last 30 days (10-22 … 11-20): three, against two in the 30 before (10-05, 09-30);
    # one resolved, none before
    assert (s.opened.now, s.opened.before, s.opened.arrow, s.opened.better) == (3, 2, "↑", False)
    assert (s.resolved.now, s.resolved.before, s.resolved.better) == (1, 0, True)

    client_page = home(cast.alice)
    assert "全校未解除预警" in client_page
    panel = client_page[client_page.index('data-testid="scope-warnings"'):]
    assert f'href="{reverse("monitoring:warnings")}?level=student&amp;grade=red&amp;status=active"' in panel
    assert "我的待办预警" not in client_page  # nothing of her own: the scope's panel speaks instead


def test_a_department_head_sees_only_the_warnings_of_the_department(cast, college):
    some_warnings(college)
    s = summary(cast.bob, TODAY)
    assert s.active == 3 and {g: c.n for g, _l, c in s.grades} == {"red": 1, "orange": 1, "yellow": 1}
    page = home(cast.bob)
    assert "我管辖范围内的未解除预警" in page and "进入驾驶舱" not in page  # the cockpit is for school-wide roles


def cycle(subj, phase, start, end, period):
    return Cycle.objects.create(subject=subj, level=subj.level, period=period, start=start, end=end, phase=phase,
                                phase_since=start)


def test_cycles_progress_counts_subjects_per_phase_and_names_the_late(cast, college):
    term = ("2026-2027-1", date(2026, 9, 1), date(2027, 1, 20))
    zhang, chen = subject("student", college.s_zhang.student_no), subject("student", college.s_chen.student_no)
    offering = subject("offering", college.off_cnc.code)
    cycle(zhang, Phase.IMPLEMENT, term[1], term[2], term[0])
    cycle(chen, Phase.GOAL, term[1], term[2], term[0])  # still planning two months in: late
    cycle(offering, Phase.IMPLEMENT, term[1], term[2], term[0])
    cycle(subject("student", college.s_liu.student_no), Phase.GOAL, term[1], term[2], term[0])  # another department

    p = progress(cast.bob, TODAY)
    assert [(lv.level, lv.total, lv.late) for lv in p.levels] == [("offering", 1, 0), ("student", 2, 1)]
    assert p.levels[1].by_phase[Phase.GOAL] == 1 and p.levels[1].by_phase[Phase.IMPLEMENT] == 1
    assert [(c.subject_name, c.phase, c.late_days) for c in p.late] == [
        (college.s_chen.name, Phase.GOAL, (TODAY - date(2026, 9, 15)).days)]
    assert [code for code, _label in p.phases_used] == [Phase.GOAL, Phase.IMPLEMENT]
    assert progress(cast.alice, TODAY).late_total == 2

    page = home(cast.bob)
    assert 'data-testid="cycle-progress"' in page and college.s_chen.name in page
    assert reverse("cycles:calendar") + "?level=student&amp;late=1" in page


def node(**lines):
    return StandardNode(qualified=lines.get("qualified"), good=lines.get("good"), excellent=lines.get("excellent"),
                        direction=lines.get("direction", "higher"))


def figure(value, previous, **lines):
    from zhengai.core import windows

    p = portrait.Point(node(**lines), None, windows.parse("2025-2026"), value=value, previous=previous, today=TODAY)
    return KeyFigure(p)


def test_a_key_figures_trend_says_which_way_is_better_by_the_points_direction(db):
    up = figure(92.0, 88.0, qualified=80, good=90, excellent=95)
    assert (up.arrow, up.better) == ("↑", True)
    lower = figure(6.0, 4.0, qualified=8, good=5, excellent=3, direction="lower")  # a drop-out rate rising
    assert (lower.arrow, lower.better) == ("↑", False)
    assert figure(90.0, 90.02, qualified=80).arrow == "→"
    assert figure(90.0, None, qualified=80).arrow == ""


def test_the_quality_office_home_links_the_cockpit_and_level_overviews(cast, college):
    page = home(cast.alice)
    assert 'data-testid="home-cockpit-link"' in page and reverse("portraits:cockpit") in page
    assert reverse("portraits:level", args=["specialty"]) in page
    assert "进入驾驶舱" not in home(cast.dave)  # a teacher leads no unit


def home(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def count_home(user):
    from django.test import Client

    client = Client()
    client.force_login(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def grow(college, n):
    """n more students of 数控2401 with a warning of each grade, and n more cycles in each of three
    phases over a few periods, some late."""
    from zhengai.datacenter.choices import Gender
    from zhengai.datacenter.models import Student
    from zhengai.datacenter.subjects import sync_subjects

    first = Student.objects.count()
    made = Student.objects.bulk_create(
        Student(student_no=f"26{first + i:05d}", name=f"学生{first + i}", gender=Gender.MALE, admin_class=college.class_cnc,
                specialty=college.cnc, cohort=2025) for i in range(n))
    sync_subjects()
    for i, student in enumerate(Subject.objects.filter(level="student", student__in=made)):
        for g in (Grade.RED, Grade.ORANGE, Grade.YELLOW):
            warn(student, g, opened=TODAY - timedelta(days=i % 50))
    offering = subject("offering", college.off_cnc.code)
    made = Cycle.objects.count()
    for i in range(n):
        for k, phase in enumerate((Phase.GOAL, Phase.IMPLEMENT, Phase.DIAGNOSE)):
            end = date(2027, 1, 20) - timedelta(days=(made + 3 * i + k) % 5)  # a few different periods
            cycle(offering, phase, date(2026, 9, 1), end, f"2026-09-01..{end}#{made + 3 * i + k}")


@pytest.mark.parametrize("who", ["alice", "grace", "bob", "heidi", "ivan"])
def test_the_scope_panels_cost_the_same_for_more_warnings_and_cycles(cast, college, who):
    user = getattr(cast, who)
    some_warnings(college)
    grow(college, 2)
    small = count_home(user)
    grow(college, 12)
    large = count_home(user)
    assert large == small, f"{who}: {small} queries with few warnings and cycles, {large} with more"


# --- the cockpit: cycles' progress, quality culture, the large display ----------------------------------


def test_the_cockpit_shows_cycles_progress_culture_figures_and_percentages_with_their_unit(cast, college):
    some_warnings(college)
    cycle(subject("student", college.s_chen.student_no), Phase.GOAL, date(2026, 9, 1), date(2027, 1, 20), "2026-2027-1")
    from django.test import Client

    client = Client()
    client.force_login(cast.grace)
    data = client.get(reverse("portraits:cockpit_json")).json()
    assert data["cycles"]["total"] == 1 and data["cycles"]["late_total"] == 1
    assert data["cycles"]["late"][0]["name"] == college.s_chen.name
    assert [s["values"] for s in data["cycles"]["chart"]["series"] if s["phase"] == "goal"] == [[1]]
    assert [f["code"] for f in data["culture"]["figures"]] == [
        "school.selfdiag_on_time", "school.warnings_acknowledged", "school.corrections_worked", "school.actions_on_time"]
    assert data["culture"]["corrected_share_text"] == "50.0%"
    page = client.get(reverse("portraits:cockpit")).content.decode()
    assert "50.0%" in page and 'data-testid="cockpit-cycles"' in page and 'data-testid="cockpit-culture"' in page
    assert 'data-testid="wall-link"' in page and "cockpit wall" not in page


def test_the_cockpit_has_a_large_display_mode_and_refuses_junk(cast, college):
    from django.test import Client

    client = Client()
    client.force_login(cast.alice)
    page = client.get(reverse("portraits:cockpit") + "?display=wall").content.decode()
    assert 'class="cockpit wall"' in page and 'data-testid="leave-wall"' in page
    assert client.get(reverse("portraits:cockpit") + "?display=<script>").status_code == 400


@pytest.mark.parametrize("name", ["portraits:cockpit", "portraits:cockpit_json"])
def test_the_cockpit_costs_the_same_for_more_warnings_and_cycles(cast, college, name):
    from django.test import Client

    def count():
        client = Client()
        client.force_login(type(cast.grace).objects.get(pk=cast.grace.pk))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    some_warnings(college)
    grow(college, 2)
    small = count()
    grow(college, 12)
    assert count() == small
