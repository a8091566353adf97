"""One alert per fact (issue 15): a standard and a goal judging the same indicator of the same
subject make ONE warning that names both reasons, in the list, its count and the digest.

Worked by hand. The standard's attendance point: yellow below 0.90, orange below 0.80. Goals on the
same indicator from 1 September to 31 December 2026 (122 days; 31 October is day 60):
- 张三 (2024001), attendance 0.85 in October: below the yellow line (0.85 < 0.90) and behind his goal
  0.95 → 0.98, expected 0.95 + 0.03 × 60/121 ≈ 0.9649 less a margin of 0.003 (0.85 < 0.9619): one
  fact judged twice → one warning, source standard, reasons "标准预警线 0.9" + "目标进度滞后 0.9649".
- 陈四 (2024002), attendance 0.93: inside every line, behind his goal 0.96 → 0.99, expected
  0.96 + 0.03 × 60/121 ≈ 0.9749 less 0.003 (0.93 < 0.9719): the goal alone → one goal warning.
Two warnings, not three.
"""

from datetime import date

import pytest
from django.urls import reverse

from zhengai.datacenter.models import Subject
from zhengai.monitoring.engine import run_window
from zhengai.monitoring.models import Warning
from zhengai.monitoring.sources import GoalTarget
from zhengai.monitoring.testing import attendance_rule, month, table_sources
from zhengai.notifications.digest import send_run_digests

RATE = "stu_attendance_rate"
START, END = date(2026, 9, 1), date(2026, 12, 31)


def sources():
    zhang = Subject.objects.get(level="student", key="2024001").pk
    chen = Subject.objects.get(level="student", key="2024002").pk
    goals = [GoalTarget(7, 70, zhang, RATE, "higher", 0.95, 0.98, START, END),
             GoalTarget(8, 80, chen, RATE, "higher", 0.96, 0.99, START, END)]
    values = {RATE: {"2024001": 0.85, "2024002": 0.93}}
    table = {"2026-10": values, "2026-11": values}
    return table_sources(table, [attendance_rule(orange=0.8, red=0.7)], goals=goals)


def test_a_standard_and_a_goal_on_the_same_fact_make_one_warning_with_both_reasons(cast, college, client):
    summary = run_window("student", month("2026-10"), sources=sources(), notify=False)

    assert summary.opened == 2 and Warning.objects.count() == 2
    zhang = Warning.objects.get(subject__key="2024001")
    assert (zhang.source, zhang.grade, zhang.point_id, zhang.goal_id, zhang.key_result_id) == ("standard", "yellow", 1, 7, 70)
    assert zhang.threshold == 0.9 and zhang.value == 0.85
    assert zhang.reason_labels == ["标准预警线 0.9", f"目标进度滞后 {0.95 + 0.03 * 60 / 121:.4g}"]
    chen = Warning.objects.get(subject__key="2024002")
    assert (chen.source, chen.reasons, chen.reason_labels) == ("goal", [], ["目标进度滞后"])

    # The list counts the fact once and names both reasons.
    client.force_login(cast.alice)
    page = client.get(reverse("monitoring:warnings")).content.decode()
    assert "共 2 条" in page and page.count(">张三<") == 1 and "标准预警线 0.9 + 目标进度滞后" in page
    detail = client.get(reverse("monitoring:warning", args=[zhang.pk])).content.decode()
    assert "标准预警线 0.9 + 目标进度滞后" in detail

    # The digest: one line for the one fact.
    notes = send_run_digests(summary.run.pk)
    carol = next(n for n in notes if n.recipient == cast.carol)
    assert carol.body.count("2024001") == 1 and "标准预警线 0.9 + 目标进度滞后" in carol.body


def test_a_rerun_keeps_one_warning_and_two_open_from_before_become_one(cast, college):
    run_window("student", month("2026-10"), sources=sources(), notify=False)
    run_window("student", month("2026-10"), sources=sources(), notify=False)
    assert Warning.objects.count() == 2

    # From before this rule: 张三 had a standard warning and a goal warning open on the same fact.
    kept = Warning.objects.get(subject__key="2024001")
    twin = Warning.objects.create(subject=kept.subject, level="student", indicator_code=RATE, source="goal",
                                  goal_id=7, key_result_id=70, grade="yellow", opened_window="2026-10",
                                  opened_window_end=date(2026, 10, 31), last_window="2026-10",
                                  last_window_end=date(2026, 10, 31), value=0.85)
    summary = run_window("student", month("2026-11"), sources=sources(), notify=False)
    twin.refresh_from_db()
    assert twin.status == "closed" and f"#{kept.pk}" in twin.reason and summary.closed == 1
    assert list(Warning.objects.filter(subject__key="2024001", status__in=("open", "acknowledged", "correcting"))
                .values_list("pk", flat=True)) == [kept.pk]


pytestmark = pytest.mark.django_db


def test_a_standard_crossing_in_another_run_joins_the_goal_warning_open_on_the_fact(cast, college):
    """陈四's goal warning is open (October, the goal alone). November's run judges the standard only
    (no goal due in it) and finds 0.85 < 0.90: the fact has its warning, which now names both."""
    run_window("student", month("2026-10"), sources=sources(), notify=False)
    chen = Warning.objects.get(subject__key="2024002")
    standard_only = table_sources({"2026-11": {RATE: {"2024002": 0.85}}}, [attendance_rule(orange=0.8, red=0.7)])
    summary = run_window("student", month("2026-11"), sources=standard_only, notify=False)
    assert summary.opened == 0 and Warning.objects.filter(subject__key="2024002").count() == 1
    chen.refresh_from_db()
    assert (chen.source, chen.point_id, chen.goal_id) == ("goal", 1, 8)
    assert chen.reason_labels[0].startswith("目标进度滞后") and chen.reason_labels[1] == "标准预警线 0.9"


def test_a_crossing_that_joins_an_open_warning_is_counted_as_joined(cast, college):
    """The large college's teachers' academic year (bench/monitor_sweep.py) opened 59 warnings for 60
    teachers planted short of training hours: one of them owns a demo goal (a calendar-year 2026
    key result on training hours), whose warning the term run before had opened — the academic
    year's shortfall joined it, one alert per fact, and no count said so. Worked by hand:

    - Term 2025-2026-2 (2 March – 10 July 2026). 王老师's goal: 60 hours from 1 January to
      31 December 2026, a quantity that accrues, so the line starts at 0; on 10 July (day 190 of
      364) the trajectory is 60 × 190/364 ≈ 31.3, less a margin of 6 → behind below 25.3. She has 12
      hours by then: a goal warning opens (opened 1).
    - Academic year 2025-2026. The standard's point: yellow below 40, orange below 30, red below 20.
      王老师 24 hours (orange) — her fact has its warning: it joins it (joined 1), raised to orange;
      李老师 36 hours (yellow) — opened 1. Two teachers beyond a line: opened 1 + joined 1.
    - The same year again: nothing new (opened 0, joined 0).
    """
    from zhengai.core import windows as W
    from zhengai.indicators.registry import get

    code = "teacher.training_hours"
    wang = Subject.objects.get(level="teacher", key="T001").pk
    goal = GoalTarget(9, 90, wang, code, "higher", 40, 60, date(2026, 1, 1), date(2026, 12, 31))
    rule = attendance_rule(indicator_code=code, yellow=40, orange=30, red=20, resolve_margin=0, period="academic_year")
    table = {"2026-01-01..2026-07-10": {code: {"T001": 12}}, "2025-2026": {code: {"T001": 24, "T002": 36}}}
    sources = table_sources(table, [rule], goals=[goal], describe=get)

    term = run_window("teacher", W.parse("2025-2026-2"), sources=sources, notify=False)
    assert (term.opened, term.joined) == (1, 0)
    year = run_window("teacher", W.parse("2025-2026"), sources=sources, notify=False)
    assert (year.opened, year.joined, year.raised) == (1, 1, 1)
    warned = Warning.objects.filter(level="teacher", indicator_code=code)
    assert sorted(warned.values_list("subject__key", "source", "grade")) == [("T001", "goal", "orange"), ("T002", "standard", "yellow")]
    again = run_window("teacher", W.parse("2025-2026"), sources=sources, notify=False)
    assert (again.opened, again.joined) == (0, 0) and warned.count() == 2
