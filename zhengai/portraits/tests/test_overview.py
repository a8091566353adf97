"""Level overviews and the cockpit: scoped, linked down, at a cost that does not grow with the college."""

import pytest
from django.urls import reverse

from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.monitoring.models import Warning
from zhengai.portraits.tests.test_portrait import attend, grow, queries, student_standard


def test_it_grades_the_students_in_ones_scope_and_lists_top_and_bottom(client, cast, college):
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "present", "absent", "late"])  # 75 %: below the 80 line
    attend(college, college.s_chen, ["present", "present", "present", "present"])
    client.force_login(cast.bob)  # head of 机械工程学院: 张三 and 陈四, not 刘五
    response = client.get(reverse("portraits:level", args=[Level.STUDENT]))
    data = response.context["data"]
    assert data["subjects"] == 2
    assert sum(data["distribution"]["values"]) + data["distribution"]["unscored"] == 2
    assert [r["key"] for r in data["ranked"]["top"]] == ["2024002", "2024001"]
    assert data["heat"]["y"] == ["机械工程学院"]
    assert reverse("portraits:subject", args=[Level.STUDENT, "2024001"]) in response.content.decode()


def test_a_level_scored_once_for_the_school_shows_each_user_only_their_scope(client, cast, college, settings):
    """The whole level's scores are kept (indicators.cache.derived) and shared by everyone; a
    department head still sees only the students of their department."""
    from django.core.cache import cache as django_cache

    settings.ZHENGAI_INDICATOR_CACHE_SECONDS = 3600
    django_cache.clear()
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "present", "absent", "late"])
    attend(college, college.s_chen, ["present", "present", "present", "present"])
    attend(college, college.s_liu, ["present", "absent", "absent", "absent"])
    url = reverse("portraits:level", args=[Level.STUDENT])
    client.force_login(cast.alice)  # the quality office: the whole school
    school = client.get(url).context["data"]
    client.force_login(cast.bob)
    department = client.get(url).context["data"]
    django_cache.clear()
    assert school["subjects"] == 3 and department["subjects"] == 2
    assert {r["key"] for r in school["ranked"]["top"]} == {"2024001", "2024002", "2024101"}
    assert [r["key"] for r in department["ranked"]["top"]] == ["2024002", "2024001"]
    assert sum(department["distribution"]["values"]) == 2


def test_it_counts_warnings_by_month_and_grade(client, cast, college):
    from datetime import date

    subject = Subject.objects.get(level=Level.STUDENT, key="2024001")
    Warning.objects.create(subject=subject, level=Level.STUDENT, indicator_code="student.attendance_rate", grade="red",
                           opened_window="2026-10", opened_window_end=date(2026, 10, 31))
    client.force_login(cast.alice)
    warnings = client.get(reverse("portraits:level", args=[Level.STUDENT])).context["data"]["warnings"]
    red = next(s for s in warnings["series"] if s["grade"] == "red")
    assert red["values"][warnings["labels"].index("2026-10")] == 1 and sum(red["values"]) == 1


def test_it_keeps_overviews_for_staff_and_the_cockpit_for_school_wide_roles(client, cast, college):
    client.force_login(cast.erin)
    assert client.get(reverse("portraits:level", args=[Level.STUDENT])).status_code == 403
    assert client.get(reverse("portraits:cockpit")).status_code == 403
    client.force_login(cast.bob)
    assert client.get(reverse("portraits:cockpit")).status_code == 403
    assert client.get(reverse("portraits:level", args=["planet"])).status_code == 404
    for who in (cast.grace, cast.alice):
        client.force_login(who)
        assert client.get(reverse("portraits:cockpit")).status_code == 200


def test_the_cockpit_serves_its_figures_as_json_for_refreshing(client, cast, college):
    subject = Subject.objects.get(level=Level.STUDENT, key="2024001")
    Warning.objects.create(subject=subject, level=Level.STUDENT, indicator_code="student.attendance_rate", grade="orange",
                           measure_text="谈心")
    client.force_login(cast.grace)
    data = client.get(reverse("portraits:cockpit_json")).json()
    assert data["culture"]["active"] == 1 and data["culture"]["corrected_share"] == 100.0
    assert data["warnings"]["levels"] == ["学生"] and data["warnings"]["by_grade"]["orange"] == 1
    page = client.get(reverse("portraits:cockpit")).content.decode()
    assert reverse("portraits:cockpit_json") in page


@pytest.mark.parametrize("name,args", [("portraits:level", [Level.STUDENT]), ("portraits:level", [Level.DEPARTMENT]),
                                       ("portraits:cockpit", []), ("portraits:cockpit_json", [])])
def test_it_keeps_overview_and_cockpit_queries_the_same_as_the_college_grows(client, cast, college, name, args):
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "absent", "present", "late"])
    small = queries(client, cast.alice, reverse(name, args=args))
    grow(college, 30)
    large = queries(client, cast.alice, reverse(name, args=args))
    assert large == small, f"{name}: {small} queries, then {large}"
    assert small <= 40


def test_the_cockpits_culture_figures_are_kept_a_few_minutes_and_say_when_they_were_counted(client, cast, college,
                                                                                              settings):
    from datetime import date

    from django.core.cache import cache as django_cache

    from zhengai.cycles.models import Cycle, ImprovementAction

    def actions_row(data):
        by_level = data["culture"]["by_level"]
        column = by_level["names"].index("改进措施按期完成率")
        return {row["level"]: row["values"][column]["text"] for row in by_level["rows"]}

    settings.ZHENGAI_INDICATOR_CACHE_SECONDS = 3600
    django_cache.clear()
    offering = Subject.objects.get(level=Level.OFFERING, key="2026-2027-1-C001-01")
    cycle = Cycle.objects.create(subject=offering, level="offering", period="2026-2027-1", start=date(2026, 9, 7),
                                 end=date(2027, 1, 22), phase="implement", phase_since=date(2026, 9, 21))
    ImprovementAction.objects.create(cycle=cycle, text="补课", due=date(2026, 10, 15), status="done",
                                     closed_on=date(2026, 10, 10))
    client.force_login(cast.grace)
    first = client.get(reverse("portraits:cockpit_json")).json()
    assert actions_row(first) == {"offering": "100.0%"} and first["culture"]["computed_at"]
    ImprovementAction.objects.create(cycle=cycle, text="家访", due=date(2026, 10, 20))  # overdue, open
    assert actions_row(client.get(reverse("portraits:cockpit_json")).json()) == {"offering": "100.0%"}, "kept"
    settings.ZHENGAI_CULTURE_CACHE_SECONDS = 0
    assert actions_row(client.get(reverse("portraits:cockpit_json")).json()) == {"offering": "50.0%"}
    django_cache.clear()
