"""The registry's interface, and that no evaluator's query count grows with the number of subjects."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengai.core.windows import parse
from zhengai.datacenter.choices import AttendanceStatus, Gender, Level
from zhengai.datacenter.models import Attendance, Enrolment, Grade, Student, Subject
from zhengai.datacenter.subjects import sync_subjects
from zhengai.indicators import registry


def test_it_has_at_least_forty_builtin_indicators_across_every_level(db):
    builtins = registry.builtin_indicators()
    assert len(builtins) >= 40
    assert {i.level for i in builtins} == set(Level.values)
    assert len({i.code for i in builtins}) == len(builtins)
    for i in builtins:
        assert i.code.startswith(i.level + ".")
        assert i.direction in ("higher", "lower") and i.unit and i.definition and i.name_zh and i.name_en
        assert i.sources and i.kind == "builtin"


def test_it_gets_an_indicator_by_code_and_lists_a_level(db):
    assert registry.get("student.attendance_rate").unit == "%"
    assert all(i.level == "student" for i in registry.for_level("student"))
    with pytest.raises(LookupError):
        registry.get("student.nope")


def test_it_computes_several_indicators_of_a_level_at_once(facts):
    window = parse("2026-10")
    zhang = Subject.objects.get(level="student", key="2024001").pk
    with CaptureQueriesContext(connection) as ctx:
        result = registry.compute("student", window, ["student.absent_periods", "student.late_count"])
    # One aggregate per indicator, joined to the subject registry in the query (no map to read).
    assert len(ctx.captured_queries) == 2
    assert all("datacenter_subject" in q["sql"] for q in ctx.captured_queries)
    assert result["student.absent_periods"][zhang] == 2
    assert result["student.late_count"][zhang] == 1
    with pytest.raises(ValueError):
        registry.compute("student", window, ["offering.pass_rate"])


def _more_subjects(college, n=4):
    """``n`` more students in 数控2401, enrolled, with attendance and a grade each."""
    c = college
    for k in range(n):
        s = Student.objects.create(student_no=f"20249{k:02d}", name=f"学生{k}", gender=Gender.MALE,
                                   admin_class=c.class_cnc, specialty=c.cnc, cohort=2024)
        Enrolment.objects.create(offering=c.off_cnc, student=s)
        for session in c.sessions_cnc:
            Attendance.objects.create(session=session, student=s, offering=c.off_cnc, date=session.date,
                                      status=AttendanceStatus.PRESENT)
        Grade.objects.create(student=s, offering=c.off_cnc, score=70, passed=True, credits_earned=4,
                             recorded_on=date(2027, 1, 15))
    sync_subjects()


def test_a_computation_for_some_subjects_gives_them_the_values_of_the_whole_level(facts):
    # Every built-in indicator of every level, restricted to one subject of the level: that subject's
    # value is the one the unrestricted computation gives, and grouped evaluators read no other rows.
    windows = [parse("2026-10"), parse("2026-2027-1"), parse("2026")]
    restricted_somewhere = False
    for level in Subject.objects.exclude(level="school").values_list("level", flat=True).distinct():
        subject_ids = list(Subject.objects.filter(level=level).order_by("pk").values_list("pk", flat=True))
        one = subject_ids[0]
        codes = [i.code for i in registry.for_level(level) if i.kind == registry.BUILTIN]
        for window in windows:
            whole = registry.compute(level, window, codes)
            part = registry.compute(level, window, codes, subject_ids=[one])
            for code in codes:
                assert part[code].get(one) == whole[code].get(one), (code, window.code)
                restricted_somewhere |= len(whole[code]) > 1 and set(part[code]) == ({one} & set(whole[code]))
    assert restricted_somewhere


def test_no_evaluator_runs_more_queries_for_more_subjects(facts):
    windows = [parse("2026-10"), parse("2026-2027-1"), parse("2026")]

    def counts():
        result = {}
        for indicator in registry.builtin_indicators():
            for window in windows:
                with CaptureQueriesContext(connection) as ctx:
                    indicator.evaluate(window)
                result[indicator.code, window.code] = len(ctx.captured_queries)
        return result

    before = counts()
    _more_subjects(facts)
    after = counts()
    assert after == before
    # One aggregate, keyed by subject in the query itself, for every built-in indicator but the task
    # completions, which read the goal chain's own computation (its tasks, their reports and the
    # school row).
    culture = _culture_codes()
    assert {n for (code, _w), n in before.items() if not code.endswith("task_completion") and code not in culture} == {1}
    assert {n for (code, _w), n in before.items() if code.endswith("task_completion")} <= {2, 3, 4}
    # The quality culture indicators read the cycles' own computation (zhengai.cycles.culture).
    assert {n for (code, _w), n in before.items() if code in culture} <= {1, 2, 3, 4}


def _culture_codes() -> set[str]:
    from zhengai.indicators.builtin.culture import CULTURE

    return {f"{level}.{name}" for level in ("school", "department") for name, *_rest in CULTURE}


def test_every_builtin_indicator_has_a_hand_worked_expectation(db):
    from . import test_levels, test_offering, test_student

    covered = {code for code, _w, expected in test_student.CASES + test_offering.CASES + test_levels.CASES if expected}
    # The quality culture indicators are worked by hand where their values come from, with the cycles:
    # zhengai/cycles/tests/test_culture.py.
    covered |= _culture_codes()
    assert {i.code for i in registry.builtin_indicators()} - covered == set()


def test_every_builtin_indicator_has_its_definition_in_english_too(db):
    """English pages show the library's definitions in English (``builtin.english``), Chinese pages
    the Chinese rule; a definition with no English (a custom indicator) stays Chinese."""
    import re

    from django.utils import translation

    cjk = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
    for i in registry.builtin_indicators():
        assert i.definition_en and not cjk.search(i.definition_en), (i.code, i.definition_en)
        assert cjk.search(i.definition_zh), i.code
    gpa = registry.get("student.gpa")
    with translation.override("en"):
        assert gpa.definition == gpa.definition_en and gpa.definition.startswith("The credit-weighted grade point average")
    with translation.override("zh-hans"):
        assert gpa.definition == gpa.definition_zh and "平均绩点" in gpa.definition
