"""学生成长服务平台 and 教师发展服务平台: a student sees their own warnings with what to do next and
whom to talk to, their growth goals (drafts too), their standing against the standard (no
classmates, no rank) and their portrait; a teacher their plan, standard, records and portrait;
someone who is neither is told so; the pages cost the same however much they list."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.choices import GoalKind, GoalStatus
from zhengai.chains.defaults import install_default_standards
from zhengai.chains.models import Goal
from zhengai.datacenter.models import Subject, TrainingRecord
from zhengai.monitoring.choices import Grade
from zhengai.monitoring.models import Warning
from zhengai.portraits.growth import next_step, portrait_url


@pytest.fixture
def standards(college):
    install_default_standards()


def subject(level, key):
    return Subject.objects.get(level=level, key=key)


def get(client, user, name):
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def test_a_student_sees_their_warnings_with_next_steps_goals_standard_and_portrait(client, cast, college, standards):
    me = subject("student", "2024001")
    Warning.objects.create(subject=me, level="student", indicator_code="student.attendance_rate", grade=Grade.ORANGE,
                           opened_window="2026-10", opened_window_end=date(2026, 10, 31), value=70, threshold=75)
    Warning.objects.create(subject=subject("student", "2024002"), level="student", indicator_code="student.gpa",
                           grade=Grade.RED, opened_window="2026-10", opened_window_end=date(2026, 10, 31))
    Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="每学期出勤不低于95%", owner=me, start=date(2026, 9, 1),
                        status=GoalStatus.DRAFT)
    page = get(client, cast.erin, "workspaces:growth")
    assert "出勤率" in page and "按时上好每一节课" in page and "可以找辅导员 赵辅导员 聊聊" in page
    assert "每学期出勤不低于95%" in page and "草稿" in page
    assert "对照学生发展标准" in page and "出勤率" in page.split("对照学生发展标准")[1] and "合格线 90" in page
    assert portrait_url(me) in page
    assert "陈四" not in page and "平均学分绩点" not in page.split("对照学生发展标准")[0]  # another student's warning never shows
    assert "同学" not in page and "排名" not in page  # never a rank among classmates


def test_next_steps_are_by_indicator_family_and_supportive(college):
    assert next_step("student.absent_periods").startswith("按时上好每一节课")
    assert next_step("student.activity_hours_labour").startswith("参加学校的第二课堂活动")
    assert next_step("student.fitness_score").startswith("每周安排几次体育锻炼")
    assert next_step("", "manual").startswith("老师写下了关注的原因")
    assert next_step("student.something_new") == "和辅导员聊一聊，一起看看可以怎样改进。"


def test_a_teacher_sees_their_plan_standard_records_and_portrait(client, cast, college, standards):
    me = subject("teacher", "T001")
    Goal.objects.create(kind=GoalKind.TEACHER, title="三年内晋升副教授", owner=me, start=date(2026, 9, 1), status=GoalStatus.APPROVED)
    TrainingRecord.objects.create(code="TR1", staff=college.t_wang, title="职业教育教学能力提升", hours=16,
                                  attended_on=date(2026, 10, 12), source=college.source)
    page = get(client, cast.dave, "workspaces:teacher")
    assert "三年内晋升副教授" in page and "已通过" in page
    assert "讲师发展标准" in page and "培训学时（学年）" in page
    assert "职业教育教学能力提升" in page and "16 学时" in page
    assert portrait_url(me) is None or portrait_url(me) in page
    assert "李老师" not in page


def test_the_platforms_are_their_owners_alone(client, cast, college):
    for user, name in ((cast.carol, "workspaces:growth"), (cast.dave, "workspaces:growth"), (cast.alice, "workspaces:growth"),
                       (cast.erin, "workspaces:teacher"), (cast.carol, "workspaces:teacher"), (cast.grace, "workspaces:teacher")):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403, (user, name)


def test_the_growth_page_costs_the_same_for_more_warnings_and_goals(client, cast, college, standards):
    me = subject("student", "2024001")
    client.force_login(cast.erin)
    url = reverse("workspaces:growth")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    Warning.objects.create(subject=me, level="student", indicator_code="student.attendance_rate", grade=Grade.YELLOW,
                           opened_window="2026-10", opened_window_end=date(2026, 10, 31))
    Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="目标一", owner=me, start=date(2026, 9, 1))
    before = count()
    for code in ("student.gpa", "student.fitness_score", "student.failed_courses"):
        Warning.objects.create(subject=me, level="student", indicator_code=code, grade=Grade.YELLOW,
                               opened_window="2026-10", opened_window_end=date(2026, 10, 31))
    for i in range(3):
        Goal.objects.create(kind=GoalKind.STUDENT_THREE_YEAR, title=f"目标{i + 2}", owner=me, start=date(2026, 9, 1))
    assert count() == before, "the growth page ran a query per warning or goal: keep it set-based"


def test_the_growth_page_grades_each_point_over_the_window_the_standard_says_with_its_dates(client, cast, college, standards):
    """Not the latest monthly value monitoring stored: the student standard's 出勤率 is judged over
    the term (through today), as the portrait judges it, and the term's dates are shown."""
    from zhengai.datacenter.models import Attendance
    from zhengai.indicators.models import Measurement

    me = subject("student", "2024001")
    for session, status in zip(college.sessions_cnc, ["present", "present", "present", "absent"]):
        Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date, status=status)
    Measurement.objects.create(subject=me, level="student", indicator_code="student.attendance_rate",
                               window_code="2026-11", window_end=date(2026, 11, 30), value=0.0)  # November alone: 0 %
    client.force_login(cast.erin)
    response = client.get(reverse("workspaces:growth"))
    [attendance] = [p for p in response.context["data"]["points"] if p.node.indicator_code == "student.attendance_rate"]
    assert attendance.value == 75.0 and attendance.window.code == "2026-2027-1"
    section = response.content.decode().split('data-testid="growth-standard"')[1].split("</section>")[0]
    row = section.split(attendance.name, 1)[1].split("</li>")[0]
    assert '<span class="point-value">75.0% ' in row  # the term's 3 of 4, not November's 0 %
    assert "2026-2027-1 学期（2026-09-07 至 2027-01-22）" in row
    assert "不合格" not in section and "还可以更好" in row  # below the 90 % line so far, in supportive words


def test_the_growth_page_shows_a_warnings_value_with_its_unit(client, cast, college, standards):
    Warning.objects.create(subject=subject("student", "2024001"), level="student", indicator_code="student.attendance_rate",
                           grade=Grade.ORANGE, opened_window="2026-10", opened_window_end=date(2026, 10, 31), value=60, threshold=75)
    page = get(client, cast.erin, "workspaces:growth")
    assert "当前 60.0%" in page


def test_on_an_english_page_the_standards_points_are_named_by_their_indicators_in_english(client, cast, college, standards):
    client.force_login(cast.erin)
    page = client.get(reverse("workspaces:growth"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page.split('data-testid="growth-standard"')[1].split("</section>")[0]
    assert "Attendance rate" in section and "出勤率" not in section
    portrait = client.get(reverse("portraits:student", args=["2024001"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Attendance rate" in portrait.split('data-testid="own-points"')[1].split("</ul>")[0]
