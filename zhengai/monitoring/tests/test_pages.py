"""Pages and commands: the list by scope with filters and .xlsx, detail with timeline and facts, the
lifecycle buttons, the policies page, ``zhengai warnings`` and ``zhengai monitor``."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.datacenter.models import Attendance
from zhengai.monitoring.engine import run_window
from zhengai.monitoring.models import MonitoringPolicy, Run, Warning
from zhengai.monitoring.sources import Sources
from zhengai.monitoring.testing import attendance_rule, month, table_sources

RATE = "stu_attendance_rate"


class Indicator:
    code, name_zh, sources = RATE, "学生出勤率", ["datacenter.Attendance"]


@pytest.fixture
def warned(cast, college, injected_sources):
    """张三 and 刘五 warned in 2026-10 (张三 with two absences on record)."""
    for session, status in zip(college.sessions_cnc[:3], ("absent", "absent", "present")):
        Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date,
                                  status=status, source=college.source)
    sources = table_sources({"2026-10": {RATE: {"2024001": 0.33, "2024101": 0.85, "2024002": 1.0}}}, [attendance_rule()],
                            describe=lambda code: Indicator())
    injected_sources(sources)
    run_window("student", month("2026-10"), sources=sources, notify=False)
    return {w.subject.key: w for w in Warning.objects.select_related("subject")}


def test_a_student_reads_their_own_warnings_as_cards_with_the_next_step(client, cast, warned):
    """On a phone, without the staff's filters: the indicator, the value with its unit, what to do
    next and the way to the why; the staff keep the table."""
    client.force_login(cast.erin)
    response = client.get(reverse("monitoring:warnings"))
    page = response.content.decode()
    assert response.templates[0].name == "monitoring/my_warnings.html"
    assert 'data-testid="my-warnings"' in page and "学生出勤率" in page and "当前 0.33" in page
    assert reverse("monitoring:warning", args=[warned["2024001"].pk]) in page
    assert "只看我负责的" not in page and "持续天数不少于" not in page
    assert "没有符合条件的预警" in client.get(reverse("monitoring:warnings"), {"status": "resolved"}).content.decode()
    client.force_login(cast.carol)  # a counsellor: the table of their class
    assert 'data-testid="warnings"' in client.get(reverse("monitoring:warnings")).content.decode()


def test_the_list_shows_each_person_only_the_warnings_in_their_scope(client, cast, warned):
    def keys(user, **params):
        client.force_login(user)
        response = client.get(reverse("monitoring:warnings"), params)
        assert response.status_code == 200
        return sorted(w.subject.key for w in response.context["page"].object_list)

    assert keys(cast.alice) == ["2024001", "2024101"]
    assert keys(cast.carol) == ["2024001"]  # counsellor of 数控2401
    assert keys(cast.erin) == ["2024001"] and keys(cast.frank) == ["2024101"]
    assert keys(cast.bob) == ["2024001"]  # head of 机械工程学院
    assert keys(cast.alice, grade="red") == ["2024001"]  # 0.33 < red 0.7
    assert keys(cast.alice, department=cast.bob.roles.get().department_id) == ["2024001"]
    assert keys(cast.alice, status="resolved") == []
    assert keys(cast.alice, age="3650") == []


def test_the_list_exports_the_filtered_rows_with_chinese_headers_labels_and_window_dates(client, cast, warned):
    client.force_login(cast.carol)
    response = client.get(reverse("monitoring:warnings"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("主体", "编号", "部门", "层面", "指标", "等级", "状态", "触发窗口", "触发窗口开始", "触发窗口结束",
                       "最近窗口", "最近窗口开始", "最近窗口结束", "当前值", "触发时间")
    assert rows[1][:14] == ("张三", "2024001", "机械工程学院", "学生", "学生出勤率", "红色预警", "待处理", "2026-10",
                            "2026-10-01", "2026-10-31", "2026-10", "2026-10-01", "2026-10-31", 0.33)
    assert len(rows) == 2


def test_the_list_and_detail_name_each_windows_dates(client, cast, warned):
    """The warnings were opened on October 2026, which runs from 2026-10-01 to 2026-10-31."""
    client.force_login(cast.carol)
    assert "2026-10-01 至 2026-10-31" in client.get(reverse("monitoring:warnings")).content.decode()
    page = client.get(reverse("monitoring:warning", args=[warned["2024001"].pk])).content.decode()
    assert "2026-10 月（2026-10-01 至 2026-10-31）" in page


def test_the_detail_page_shows_timeline_measurement_and_the_fact_rows_behind_it(client, cast, warned):
    warning = warned["2024001"]
    assert warning.drilldown == [{"model": "datacenter.attendance", "filter": {
        "student_id": cast.erin.student.pk, "date__gte": "2026-10-01", "date__lte": "2026-10-31"}}]
    client.force_login(cast.carol)
    response = client.get(reverse("monitoring:warning", args=[warning.pk]))
    assert response.status_code == 200
    facts, = response.context["why"].facts
    assert [row["cells"] for row in facts.rows] == [  # the three October attendance rows of 张三, in words
        ["数控编程", "2026-10-08", "缺勤", "2"], ["数控编程", "2026-10-15", "缺勤", "2"], ["数控编程", "2026-10-22", "出勤", "2"]]
    assert "触发预警" in response.content.decode()
    client.force_login(cast.frank)
    assert client.get(reverse("monitoring:warning", args=[warning.pk])).status_code == 404


def test_the_lifecycle_buttons_work_through_htmx(client, cast, warned):
    warning = warned["2024001"]
    client.force_login(cast.carol)
    response = client.post(reverse("monitoring:acknowledge", args=[warning.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已确认" in response.content.decode()
    response = client.post(reverse("monitoring:correct", args=[warning.pk]),
                           {"cause": "", "measure_kind": "talk", "measure_text": "谈话"}, HTTP_HX_REQUEST="true")
    assert "请填写原因分析" in response.content.decode()
    client.post(reverse("monitoring:correct", args=[warning.pk]), {"cause": "生病", "measure_kind": "talk", "measure_text": "谈话"})
    warning.refresh_from_db()
    assert (warning.status, warning.cause) == ("correcting", "生病")


def test_the_quality_office_edits_policies_and_others_may_not(client, cast, college):
    client.force_login(cast.bob)
    assert client.get(reverse("monitoring:policies")).status_code == 403
    client.force_login(cast.alice)
    assert client.get(reverse("monitoring:policies")).status_code == 200
    assert MonitoringPolicy.objects.get(level="offering").cadence == "half_month"  # DESIGN.md default
    data = {f"cadence-{p.level}": p.cadence for p in MonitoringPolicy.objects.all()}
    data.update({f"escalate-{p.level}": "3" for p in MonitoringPolicy.objects.all()})
    data.update({f"active-{p.level}": "on" for p in MonitoringPolicy.objects.all()})
    data["cadence-student"], data["escalate-student"] = "half_month", "x"
    response = client.post(reverse("monitoring:policies"), data)
    assert "应为 0–99 的整数" in response.content.decode()
    assert MonitoringPolicy.objects.get(level="student").cadence == "month"  # nothing half-written
    data["escalate-student"] = "5"
    client.post(reverse("monitoring:policies"), data)
    policy = MonitoringPolicy.objects.get(level="student")
    assert (policy.cadence, policy.escalate_after, policy.updated_by) == ("half_month", 5, cast.alice)


def test_the_home_page_lists_my_open_warnings(client, cast, warned):
    client.force_login(cast.erin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "我的待办预警" in response.content.decode() and "学生出勤率" in response.content.decode()


def test_the_flag_page_raises_a_flag_on_a_student_the_teacher_teaches(client, cast, college):
    client.force_login(cast.dave)
    response = client.post(reverse("monitoring:flag"), {"level": "student", "key": "2024101", "reason": "x"})
    assert "找不到" in response.content.decode()  # 刘五 is not in 王老师's classes
    response = client.post(reverse("monitoring:flag"), {"level": "student", "key": "2024002", "reason": "情绪低落"})
    flag = Warning.objects.get(source="manual")
    assert response.status_code == 302 and flag.subject.key == "2024002" and flag.raised_by == cast.dave
    assert client.get(reverse("monitoring:warnings")).context["page"].object_list[0] == flag


def test_warnings_command_prints_the_contract_csv(cast, warned, capsys):
    call_command("warnings", "--format", "csv", "--level", "student")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["subject", "level", "indicator", "indicator_name", "grade", "status", "opened_window",
                       "last_window", "value", "opened_at", "opened_window_start", "opened_window_end",
                       "last_window_start", "last_window_end"]
    assert sorted(r[0] for r in rows[1:]) == ["2024001", "2024101"]
    call_command("warnings", "--format", "json", "--status", "resolved")
    assert json.loads(capsys.readouterr().out) == []


def test_monitor_command_prints_a_summary_and_refuses_bad_windows(college, capsys, injected_sources):
    injected_sources(table_sources({"2026-10": {RATE: {"2024001": 0.85}}}, [attendance_rule()]))
    call_command("monitor", "--level", "student", "--window", "2026-10")
    out = capsys.readouterr().out
    assert "subjects=3 measurements=1 opened=1 joined=0 raised=0 resolved=0" in out and "still_open=1" in out
    with pytest.raises(CommandError, match="无法识别的时间窗口"):
        call_command("monitor", "--level", "student", "--window", "2026-13x")


def test_monitor_due_runs_every_ended_window_once(college, capsys, injected_sources):
    from zhengai.monitoring.policies import due_windows

    injected_sources(table_sources({}, []))
    today = date(2026, 11, 20)
    due = due_windows(today)
    # Student months from March (the previous term, 2025-2026-2, starts 2 March) to October.
    student = [w.code for level, w in due if level == "student"]
    assert student == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert [w.code for level, w in due if level == "offering"][-1] == "2026-11H1"
    assert [w.code for level, w in due if level == "specialty"] == ["2025-2026-2"]
    call_command("monitor", "--due", "--today", "2026-11-20")
    assert Run.objects.filter(status="succeeded").count() == len(due)
    assert due_windows(today) == []


def test_a_judging_period_of_a_standard_makes_its_windows_due_too(college, injected_sources):
    from dataclasses import replace

    from zhengai.monitoring.policies import due_windows

    # Teachers are monitored per term; a 学年 point adds the ended academic year 2025-2026.
    sources = replace(table_sources({}, []), periods=lambda since: {"teacher": {"academic_year"}})
    teacher = [w.code for level, w in due_windows(date(2026, 11, 20), sources=sources) if level == "teacher"]
    assert teacher == ["2025-2026-2", "2025-2026"]
    assert [w.code for level, w in due_windows(date(2026, 11, 20), sources=table_sources({}, [])) if level == "teacher"] == ["2025-2026-2"]
