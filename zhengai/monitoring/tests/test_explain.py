"""Why? on every warning (``zhengai.monitoring.explain``): the 诊断点 and its lines, the value with its
unit, the windows that led to it with their dates, the fact rows in words a counsellor reads, the
history as sentences, links to the portraits — and a page whose query count does not grow with them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.choices import NodeKind, StandardClass
from zhengai.chains.models import Standard, StandardNode, StandardVersion
from zhengai.chains.versions import do_publish_version
from zhengai.datacenter.models import Attendance, ClassSession
from zhengai.monitoring import explain
from zhengai.monitoring.actions import do_acknowledge_warning
from zhengai.monitoring.engine import run_window
from zhengai.monitoring.models import Warning
from zhengai.monitoring.testing import month


def attend(college, offering, day, status, period=3):
    session = ClassSession.objects.create(offering=offering, date=day, period=period)
    Attendance.objects.create(session=session, student=college.s_zhang, offering=offering, date=day, status=status,
                              source=college.source)


@pytest.fixture
def declining(college, cast):
    """张三 attends every class in September (100 %) and three of five in October (60 %), under a
    published student standard whose 出勤率 point warns below 85 / 75 / 60."""
    standard = Standard.objects.create(code="STU", name="学生发展标准", level="student", standard_class=StandardClass.STUDENT)
    version = StandardVersion.objects.create(standard=standard, label="2026版")
    project = StandardNode.objects.create(version=version, kind=NodeKind.PROJECT, code="1", name="学业")
    StandardNode.objects.create(
        version=version, parent=project, kind=NodeKind.POINT, code="1.1", name="按时上课", indicator_code="student.attendance_rate",
        qualified=Decimal("85"), good=Decimal("92"), excellent=Decimal("97"),
        yellow=Decimal("85"), orange=Decimal("75"), red=Decimal("60"), resolve_margin=Decimal("2"))
    do_publish_version(version, date(2026, 9, 1), acting_user=cast.alice)
    for day in (date(2026, 9, 10), date(2026, 9, 17), date(2026, 9, 24)):
        attend(college, college.off_cnc, day, "present")
    attend(college, college.off_cnc, date(2026, 10, 8), "present")
    attend(college, college.off_cnc, date(2026, 10, 15), "absent")
    attend(college, college.off_cnc, date(2026, 10, 22), "late")
    attend(college, college.off_py, date(2026, 10, 26), "leave")
    attend(college, college.off_py, date(2026, 10, 29), "present")
    for code in ("2026-09", "2026-10"):
        run_window("student", month(code), notify=False)
    return Warning.objects.get(subject__key="2024001")


def test_it_says_which_line_the_value_crossed_and_how_the_series_fell(declining, cast):
    why = explain.explain_warning(declining, cast.carol)

    assert (declining.grade, why.value_text, why.threshold_text) == ("orange", "60%", "75%")
    assert why.verdict == "出勤率 60%，低于橙色预警线 75%，评为“不合格”"
    assert why.trend.startswith("10 月出勤率 60%，较 9 月下降 40 个百分点")
    assert [line.text for line in why.point.lines] == [
        "达到 97% 为优秀", "达到 92% 为良好", "达到 85% 为合格", "低于 85% 为黄色预警", "低于 75% 为橙色预警", "低于 60% 为红色预警"]
    assert [(r.label, r.text, r.crossed, r.opened) for r in why.windows] == [
        ("2026-09 月（2026-09-01 至 2026-09-30）", "100%", "", False),
        ("2026-10 月（2026-10-01 至 2026-10-31）", "60%", "orange", True)]
    assert why.resolve_rule == "回到 87% 以上即自动解除"


def test_it_lists_the_fact_rows_in_words_with_counts_by_status_and_course(declining, cast):
    table, = explain.explain_warning(declining, cast.carol).facts

    assert table.window == "2026-10-01 至 2026-10-31"
    assert table.columns == ["课程", "日期", "考勤状态", "节数"]
    assert [r["cells"] for r in table.rows] == [
        ["数控编程", "2026-10-08", "出勤", "2"], ["数控编程", "2026-10-15", "缺勤", "2"], ["数控编程", "2026-10-22", "迟到", "2"],
        ["Python程序设计", "2026-10-26", "请假", "2"], ["Python程序设计", "2026-10-29", "出勤", "2"]]
    assert [r["notable"] for r in table.rows] == [False, True, True, True, False]
    assert table.by_status == [("出勤", 2), ("迟到", 1), ("请假", 1), ("缺勤", 1)]
    assert [(r["course"], r["cells"], r["total"]) for r in table.by_course] == [
        ("Python程序设计", [1, 0, 1, 0], 2), ("数控编程", [1, 1, 0, 1], 3)]


def test_the_warning_page_explains_in_chinese_without_codes_ids_or_raw_queries(client, declining, cast, college):
    client.force_login(cast.carol)
    page = client.get(reverse("monitoring:warning", args=[declining.pk])).content.decode()

    for shown in ("为什么预警", "10 月出勤率 60%，较 9 月下降 40 个百分点", "学生发展标准（2026版）", "1.1 按时上课",
                  "低于 75% 为橙色预警", "2026-09 月（2026-09-01 至 2026-09-30）", "依据的考勤记录",
                  "共 5 条记录：出勤 2、迟到 1、请假 1、缺勤 1", "Python程序设计", "2026-10-15",
                  "触发预警</b>：窗口 2026-10 月（2026-10-01 至 2026-10-31）；值 60%；橙色预警；状态：待处理",
                  reverse("portraits:subject", args=["student", "2024001"]), reverse("portraits:admin_class", args=["CNC2401"])):
        assert shown in page, shown
    for hidden in ("datacenter.attendance", "student_id", "date__gte", "present", "absent", "—→", "→open",
                   "student.attendance_rate", f"<td>{college.off_cnc.pk}</td>", "66.230"):
        assert hidden not in page, hidden


def test_the_warning_page_runs_the_same_number_of_queries_whatever_the_rows_and_events(client, declining, cast, college):
    client.force_login(cast.carol)
    url = reverse("monitoring:warning", args=[declining.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(1, 31):
        attend(college, college.off_py, date(2026, 10, day), "absent", period=7)
    do_acknowledge_warning(declining, acting_user=cast.carol)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["why"].facts[0].rows) > 20 and len(response.context["events"]) == 2
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_student_reads_the_same_explanation_of_their_own_warning_in_kinder_words(client, declining, cast):
    client.force_login(cast.erin)
    response = client.get(reverse("monitoring:warning", args=[declining.pk]))
    page = response.content.decode()
    assert "较 9 月下降 40 个百分点" in page and "数控编程" in page and "为什么会有这条提醒" in page
    assert response.context["why"].verdict == "出勤率 60%，低于橙色预警线 75%"  # no "不合格" for the student


def test_figures_carry_their_unit_and_a_sensible_precision():
    assert [explain.figure(v, u) for v, u in ((66.23, "%"), (57.142857, "%"), (60.0, "%"), (3, "节"), (4.256, "分"),
                                              (None, "%"), (0.0, ""))] == [
        "66.2%", "57.1%", "60%", "3 节", "4.26 分", "—", "0"]


def test_the_student_reads_no_fail_word_anywhere_on_their_warning_and_what_to_do_next(client, declining, cast):
    """The verdict, the windows' grades and every line the student reads say 未达到标准, never 不合格;
    what to do next is beside the why; the staff reading the same warning see the grade word."""
    client.force_login(cast.erin)
    page = client.get(reverse("monitoring:warning", args=[declining.pk])).content.decode()
    assert "不合格" not in page
    assert "未达到标准" in page  # October's window, below the 合格 line
    assert 'data-testid="next-step"' in page and "按时上好每一节课" in page
    assert 'data-testid="fact-rows-folded"' in page  # five fact rows fold away behind the summary
    client.force_login(cast.carol)
    staff = client.get(reverse("monitoring:warning", args=[declining.pk])).content.decode()
    assert "不合格" in staff and 'data-testid="next-step"' not in staff and 'data-testid="fact-rows-folded"' not in staff


def test_a_long_history_of_windows_folds_away_but_the_latest_three_stay_in_view(client, declining, cast):
    from zhengai.indicators.models import Measurement

    for n in range(3, 9):  # six more stored months before September
        Measurement.objects.create(subject=declining.subject, level="student", indicator_code="student.attendance_rate",
                                   window_code=f"2026-{n:02d}", window_end=date(2026, n, 28), value=95.0)
    client.force_login(cast.erin)
    page = client.get(reverse("monitoring:warning", args=[declining.pk])).content.decode()
    folded, shown = page.split('data-testid="earlier-windows"')[1].split("</details>", 1)
    assert "更早的 5 个窗口" in folded and "2026-03 月" in folded and "2026-10 月" not in folded
    assert "2026-08 月" in shown and "2026-09 月" in shown and "2026-10 月" in shown


def test_the_english_warning_page_names_the_point_and_its_definition_in_english(client, declining, cast):
    from django.utils.html import escape

    from zhengai.indicators import registry

    client.force_login(cast.carol)
    page = client.get(reverse("monitoring:warning", args=[declining.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    why = page.split('data-testid="why"')[1]
    assert "1.1 Attendance rate" in why and "按时上课" not in why
    assert escape(registry.get("student.attendance_rate").definition_en) in why and "出勤" not in why.split("</section>")[0]
    assert "How it is computed: </b>" in why
