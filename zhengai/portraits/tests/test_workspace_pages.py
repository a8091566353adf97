"""The workspace pages as people open them: the affairs hall lists and filters a person's to-do
(junk parameters ignored), the home page says what to do now, the classroom shows a teacher's
offerings; each page costs the same number of queries however much it lists."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.choices import GoalKind
from zhengai.chains.models import Goal
from zhengai.datacenter.models import Attendance, Subject
from zhengai.monitoring.choices import Grade
from zhengai.monitoring.models import Warning


def dept_task(title, start=date(2026, 9, 1)):
    return Goal.objects.create(kind=GoalKind.DEPARTMENT_TASK, title=title, owner=Subject.objects.get(level="department", key="D01"),
                               start=start, end=date(2026, 12, 31))


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_hall_lists_a_heads_tasks_and_filters_them_by_kind(client, cast, college):
    dept_task("建设数控实训基地")
    Warning.objects.create(subject=Subject.objects.get(level="specialty", key="460103"), level="specialty",
                           indicator_code="specialty.employment_rate", grade=Grade.YELLOW, opened_window="2026",
                           opened_window_end=date(2026, 8, 31))
    url = reverse("workspaces:affairs")
    page = get(client, cast.bob, url)
    assert "建设数控实训基地" in page and "毕业生就业率" in page and "填报进展" in page
    assert "已于 2026-10-01 到期" in page
    only_reports = get(client, cast.bob, url + "?kind=report")
    assert "建设数控实训基地" in only_reports and "毕业生就业率" not in only_reports
    junk = get(client, cast.bob, url + "?kind=%27;drop&page=zz")
    assert "建设数控实训基地" in junk and "毕业生就业率" in junk
    assert "目前没有需要您办理的事项" in get(client, cast.grace, url)


def test_the_home_page_says_what_to_do_now(client, cast, college):
    dept_task("建设数控实训基地")
    home = get(client, cast.bob, reverse("home"))
    assert "现在要做的事" in home and "填报进展：建设数控实训基地" in home
    assert "现在要做的事" not in get(client, cast.grace, reverse("home"))  # nothing to do: no panel


def test_the_classroom_shows_a_teacher_their_offerings_and_refuses_others(client, cast, college):
    session = college.sessions_cnc[3]
    Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date, status="absent")
    from zhengai.chains.defaults import install_default_standards

    install_default_standards()
    page = get(client, cast.dave, reverse("workspaces:classroom"))
    assert "数控编程" in page and "需要关注的学生" in page and "张三" in page and "辅导员 赵辅导员" in page
    assert "classroom-chart" in page
    for other in (cast.erin, cast.carol, cast.alice, cast.grace):
        client.force_login(other)
        assert client.get(reverse("workspaces:classroom")).status_code == 403


def test_the_hall_costs_the_same_queries_for_more_items(client, cast, college):
    url = reverse("workspaces:affairs")
    dept_task("任务一")
    client.force_login(cast.bob)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(8):
        dept_task(f"任务{i + 2}")
    assert count() == before, "the affairs hall ran a query per item: keep it set-based"
