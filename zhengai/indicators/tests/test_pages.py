"""Indicator pages: the library, a page per indicator (restricted by scope), and the custom
indicator form — whose indicators compute what equivalent built-in ones compute."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.core.windows import parse
from zhengai.indicators import registry
from zhengai.indicators.models import CustomIndicator


@pytest.fixture
def people(facts, cast):
    return cast


def test_it_lists_the_library_filtered_by_level_and_search(client, people):
    client.force_login(people.alice)
    page = client.get(reverse("indicators:library"), {"level": "teacher"}).content.decode()
    assert "teacher.training_hours" in page and "student.gpa" not in page
    page = client.get(reverse("indicators:library"), {"q": "双师"}).content.decode()
    assert "specialty.dual_qualified_share" in page and "teacher.dual_qualified" in page
    assert "student.gpa" not in page


def test_students_may_not_browse_the_library(client, people):
    client.force_login(people.erin)
    assert client.get(reverse("indicators:library")).status_code == 403
    assert client.get(reverse("indicators:detail", args=["student.gpa"])).status_code == 403


def test_an_indicator_page_shows_definition_sources_and_the_distribution(client, people):
    client.force_login(people.alice)
    response = client.get(reverse("indicators:detail", args=["student.attendance_rate"]), {"window": "2026-10"})
    page = response.content.decode()
    assert response.status_code == 200
    assert registry.get("student.attendance_rate").definition in page
    assert "attendance" in page and "考勤" in page
    # 张三 66.67, 陈四 0, 刘五 100: three students with a value; 陈四 ranked first (worst).
    dist = response.context["distribution"]
    assert dist["summary"]["n"] == 3 and dist["summary"]["mean"] == round((200 / 3 + 0 + 100) / 3, 2)
    assert [r["key"] for r in dist["ranked"]] == ["2024002", "2024001", "2024101"]
    assert sum(dist["histogram"]["values"]) == 3
    series = response.context["series"]
    assert len(series["labels"]) == 8 and series["labels"][-1] == "2026-10"
    assert series["series"][0]["values"][-1] == dist["summary"]["mean"]
    # The window is named with its dates, and so is every point of the series (March to October).
    assert "2026-10 月（2026-10-01 至 2026-10-31）" in page
    assert series["dates"][0] == "2026-03 月（2026-03-01 至 2026-03-31）"


def test_an_indicator_page_shows_only_subjects_in_the_users_scope(client, people):
    # bob heads 机械工程学院: 张三 and 陈四 are his, 刘五 (软件) is not.
    client.force_login(people.bob)
    dist = client.get(reverse("indicators:detail", args=["student.attendance_rate"]), {"window": "2026-10"}).context["distribution"]
    assert sorted(r["key"] for r in dist["ranked"]) == ["2024001", "2024002"]
    # carol, counsellor of 数控2401: the same two; dave the teacher sees no students.
    client.force_login(people.dave)
    dist = client.get(reverse("indicators:detail", args=["student.attendance_rate"]), {"window": "2026-10"}).context["distribution"]
    assert dist["ranked"] == []


def test_an_indicator_page_names_the_accepted_forms_of_a_bad_window(client, people):
    client.force_login(people.alice)
    page = client.get(reverse("indicators:detail", args=["student.gpa"]), {"window": "2026-13"}).content.decode()
    assert "无法识别的时间窗口" in page and "2026Q4" in page


def test_an_indicator_page_costs_the_same_for_more_subjects(client, people):
    from .test_registry import _more_subjects

    client.force_login(people.alice)
    url = reverse("indicators:detail", args=["student.attendance_rate"])
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"window": "2026-10"})
    _more_subjects(_college(), n=5)
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"window": "2026-10"})
    assert len(after.captured_queries) == len(before.captured_queries)


def _college():
    from types import SimpleNamespace

    from zhengai.datacenter.models import AdminClass, ClassSession, Offering, Specialty

    off = Offering.objects.get(code="2026-2027-1-C001-01")
    return SimpleNamespace(class_cnc=AdminClass.objects.get(code="CNC2401"), cnc=Specialty.objects.get(code="460103"),
                           off_cnc=off, sessions_cnc=list(ClassSession.objects.filter(offering=off).order_by("date")))


ATTENDANCE_AS_CUSTOM = {
    "code": "student.my_attendance", "level": "student", "name_zh": "出勤率（自定义）", "name_en": "Attendance (custom)",
    "unit": "%", "direction": "higher", "definition": "出勤与迟到记录 ÷ 全部考勤记录 × 100",
    "kind": "ratio", "table": "attendance", "aggregate": "count", "field": "", "filters": "status in present,late",
    "den_table": "attendance", "den_aggregate": "count", "den_field": "", "den_filters": "", "scale": "100",
}


def test_a_custom_indicator_defined_on_the_page_computes_what_the_builtin_one_does(client, people):
    client.force_login(people.alice)
    response = client.post(reverse("indicators:custom_new"), ATTENDANCE_AS_CUSTOM)
    assert response.status_code == 302, response.content.decode()
    custom = CustomIndicator.objects.get(code="student.my_attendance")
    assert custom.created_by == people.alice
    for window in ("2026-10", "2026-11", "2026-2027-1"):
        w = parse(window)
        assert registry.get("student.my_attendance").evaluate(w) == registry.get("student.attendance_rate").evaluate(w)
    assert registry.get("student.my_attendance").kind == "custom"
    assert "student.my_attendance" in [i.code for i in registry.for_level("student")]


def test_a_custom_sum_and_a_custom_ratio_over_two_tables_match_builtins(client, people):
    client.force_login(people.alice)
    training = {**ATTENDANCE_AS_CUSTOM, "code": "teacher.my_teaching", "level": "teacher", "kind": "aggregate",
                "table": "sessions", "aggregate": "sum", "field": "periods", "filters": ""}
    assert client.post(reverse("indicators:custom_new"), training).status_code == 302
    # Admitted ÷ planned: two tables, grouped to the specialty.
    plan = {**ATTENDANCE_AS_CUSTOM, "code": "specialty.my_plan", "level": "specialty", "table": "admissions",
            "aggregate": "count", "filters": "", "den_table": "enrolment_plans", "den_aggregate": "sum", "den_field": "planned"}
    assert client.post(reverse("indicators:custom_new"), plan).status_code == 302
    for window in ("2026", "2026-10", "2025"):
        w = parse(window)
        assert registry.get("teacher.my_teaching").evaluate(w) == registry.get("teacher.teaching_hours").evaluate(w)
        assert registry.get("specialty.my_plan").evaluate(w) == registry.get("specialty.enrolment_plan_completion").evaluate(w)


def test_a_weighted_custom_indicator_combines_others(client, people):
    client.force_login(people.alice)
    weighted = {**ATTENDANCE_AS_CUSTOM, "code": "student.blend", "kind": "weighted",
                "components": "student.attendance_rate 0.5\nstudent.assignment_submission_rate 0.5"}
    assert client.post(reverse("indicators:custom_new"), weighted).status_code == 302
    w = parse("2026-10")
    att = registry.get("student.attendance_rate").evaluate(w)
    sub = registry.get("student.assignment_submission_rate").evaluate(w)
    assert registry.get("student.blend").evaluate(w) == {k: round(0.5 * att[k] + 0.5 * sub[k], 4) for k in att.keys() & sub.keys()}


@pytest.mark.parametrize("change,message", [
    ({"filters": "statuss in present"}, "筛选条件第 1 行：字段“statuss”不是表“attendance”"),
    ({"filters": "status in present,sleeping"}, "值“sleeping”不是字段“status”"),
    ({"filters": "status"}, "应写成“字段 运算符 值”"),
    ({"filters": "periods gte many"}, "值“many”不符合字段“periods”"),
    ({"level": "teacher", "code": "teacher.x", "table": "fitness_tests", "filters": ""}, "无法归集到层面“教师”"),
    ({"aggregate": "sum", "field": "status"}, "不是数值"),
    ({"code": "student.attendance_rate"}, "已被内置指标使用"),
    ({"code": "teacher.wrong_level"}, "须以层面“student.”开头"),
    ({"kind": "weighted", "components": "student.nope 1"}, "指标“student.nope”不存在"),
    ({"kind": "weighted", "components": "teacher.training_hours 1"}, "属于层面“教师”"),
])
def test_it_refuses_a_bad_definition_in_chinese_and_saves_nothing(client, people, change, message):
    client.force_login(people.alice)
    response = client.post(reverse("indicators:custom_new"), {**ATTENDANCE_AS_CUSTOM, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CustomIndicator.objects.exists()


def test_only_school_wide_editors_define_custom_indicators(client, people):
    for who in ("grace", "bob", "dave"):  # the leader reads only; heads and teachers have no school scope
        client.force_login(getattr(people, who))
        assert client.post(reverse("indicators:custom_new"), ATTENDANCE_AS_CUSTOM).status_code == 403
    assert not CustomIndicator.objects.exists()


def test_it_edits_a_custom_indicator_keeping_its_code(client, people):
    client.force_login(people.alice)
    client.post(reverse("indicators:custom_new"), ATTENDANCE_AS_CUSTOM)
    edit = reverse("indicators:custom_edit", args=["student.my_attendance"])
    page = client.get(edit).content.decode()
    assert "status in present,late" in page
    response = client.post(edit, {**ATTENDANCE_AS_CUSTOM, "code": "student.renamed", "filters": "status eq present"})
    assert response.status_code == 302
    custom = CustomIndicator.objects.get()
    assert custom.code == "student.my_attendance"
    assert custom.spec["numerator"]["filters"] == [{"field": "status", "op": "eq", "value": "present"}]


def test_the_cli_lists_custom_indicators_as_custom(client, people):
    import csv
    import io

    from django.core.management import call_command

    client.force_login(people.alice)
    client.post(reverse("indicators:custom_new"), ATTENDANCE_AS_CUSTOM)
    out = io.StringIO()
    call_command("indicators", "--format", "csv", stdout=out)
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["student.my_attendance"]["kind"] == "custom"
    out = io.StringIO()
    call_command("indicators", "--level", "student", "--window", "2026-10", "--format", "csv", stdout=out)
    row = {r["subject"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}["2024001"]
    assert row["student.my_attendance"] == row["student.attendance_rate"] == "66.6667"


def test_the_series_reads_earlier_windows_from_stored_measurements(client, people):
    from zhengai.datacenter.models import Subject
    from zhengai.indicators.models import Measurement

    # Monitoring stored September values (made-up 10 and 30 for 张三 and 刘五): the page shows their
    # mean for 2026-09 (bob, head of 机械, sees only 张三's), and still computes October live.
    zhang, liu = (Subject.objects.get(level="student", key=k) for k in ("2024001", "2024101"))
    for subject, value in ((zhang, 10.0), (liu, 30.0)):
        Measurement.objects.create(subject=subject, level="student", indicator_code="student.attendance_rate",
                                   window_code="2026-09", window_end="2026-09-30", value=value)
    url = reverse("indicators:detail", args=["student.attendance_rate"])
    client.force_login(people.alice)
    series = client.get(url, {"window": "2026-10"}).context["series"]
    by_window = dict(zip(series["labels"], series["series"][0]["values"]))
    assert by_window["2026-09"] == 20.0 and series["stored"] == ["2026-09"]
    assert by_window["2026-10"] == round((200 / 3 + 0 + 100) / 3, 2)
    client.force_login(people.bob)
    series = client.get(url, {"window": "2026-10"}).context["series"]
    assert dict(zip(series["labels"], series["series"][0]["values"]))["2026-09"] == 10.0


def test_an_english_indicator_page_shows_the_definition_in_english(client, people):
    client.force_login(people.alice)
    page = client.get(reverse("indicators:detail", args=["student.attendance_rate"]), {"window": "2026-10"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    from django.utils.html import escape

    definition = escape(registry.get("student.attendance_rate").definition_en)
    assert definition in page and registry.get("student.attendance_rate").definition_zh not in page
    assert "Attendance rate" in page
