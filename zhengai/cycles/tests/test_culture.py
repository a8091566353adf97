"""Quality culture measured (质量知晓 · 认同 · 建构): built-in indicators of the school and each
department, read from the cycles through the registry's provide mechanism — the share of
self-diagnoses submitted on time, warnings acknowledged within a week, corrections that worked,
improvement actions closed by their due date."""

from datetime import date, datetime, timedelta, timezone

import pytest

from zhengai.core import windows
from zhengai.cycles.choices import EventKind, Phase
from zhengai.cycles.models import Cycle, CycleEvent, ImprovementAction
from zhengai.indicators import registry

TZ = timezone(timedelta(hours=8))
CODES = ["selfdiag_on_time", "warnings_acknowledged", "corrections_worked", "actions_on_time"]


@pytest.fixture
def units(college):
    from zhengai.datacenter.models import Subject

    return {"school": Subject.objects.get(level="school"),
            "mech": Subject.objects.get(level="department", department=college.mech),
            "info": Subject.objects.get(level="department", department=college.info),
            "offering": Subject.objects.get(level="offering", key="2026-2027-1-C001-01")}


def _at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def test_the_four_culture_indicators_exist_for_the_school_and_each_department(db):
    for level in ("school", "department"):
        for code in CODES:
            indicator = registry.get(f"{level}.{code}")
            assert indicator.unit == "%" and indicator.keyed_by_subject


def test_it_measures_each_share_per_department_and_for_the_school(units, cast):
    from zhengai.monitoring.models import Warning, WarningEvent

    offering = units["offering"]  # 机械工程学院's
    # 质量知晓: two cycles whose deadline (end + 30 days) fell in October; one submitted in time.
    on_time, late = [Cycle.objects.create(subject=offering, level="offering", period=p, start=date(2026, 3, 2),
                                          end=date(2026, 9, 30), phase=Phase.INCENTIVE, phase_since=date(2026, 10, 1))
                     for p in ("2026-03-02..2026-09-30", "2026-03-03..2026-09-30")]
    event = CycleEvent.objects.create(cycle=on_time, kind=EventKind.SUBMITTED)
    CycleEvent.objects.filter(pk=event.pk).update(at=_at(date(2026, 10, 20)))
    event = CycleEvent.objects.create(cycle=late, kind=EventKind.SUBMITTED)
    CycleEvent.objects.filter(pk=event.pk).update(at=_at(date(2026, 11, 5)))
    # 质量认同: answered in two days; unanswered for over a week; too new to count.
    def warning(day, **fields):
        return Warning.objects.create(subject=offering, level="offering", indicator_code="offering.sessions_held",
                                      source="manual", opened_at=_at(day), **fields)
    answered = warning(date(2026, 11, 1))
    WarningEvent.objects.create(warning=answered, kind="acknowledged", actor=cast.dave, created_at=_at(date(2026, 11, 3)))
    warning(date(2026, 11, 2))
    warning(date(2026, 11, 18))
    # 质量建构: corrections begun in November (of warnings from last year), one since resolved.
    warning(date(2025, 12, 1), status="resolved", correction_started_at=_at(date(2026, 11, 4)))
    warning(date(2025, 12, 1), status="correcting", correction_started_at=_at(date(2026, 11, 6)))
    # 质量建构: actions due by today — one done in time, one still open; one not due yet.
    cycle = on_time
    ImprovementAction.objects.create(cycle=cycle, text="a", due=date(2026, 11, 1), status="done", closed_on=date(2026, 10, 30))
    ImprovementAction.objects.create(cycle=cycle, text="b", due=date(2026, 11, 5))
    ImprovementAction.objects.create(cycle=cycle, text="c", due=date(2026, 12, 1))

    year = windows.parse("2026")
    for level, unit in (("department", "mech"), ("school", "school")):
        values = {code: registry.get(f"{level}.{code}").evaluate(year) for code in CODES}
        for code in CODES:
            assert values[code] == {units[unit].pk: 50.0}, (level, code, values[code])
    assert units["info"].pk not in registry.get("department.actions_on_time").evaluate(year), "no case, no value"
    # Through the registry's compute, as monitoring and the cockpit read indicators.
    computed = registry.compute("department", year, [f"department.{c}" for c in CODES])
    assert computed["department.corrections_worked"] == {units["mech"].pk: 50.0}


def test_deadlines_are_counted_in_the_colleges_day_and_week(units, cast):
    """A report submitted at 07:00 the day after its deadline is late although it is still the deadline's
    date in UTC; a warning answered an hour after its week is not counted as answered."""
    from zhengai.monitoring.models import Warning, WarningEvent

    offering = units["offering"]
    cycles = [Cycle.objects.create(subject=offering, level="offering", period=p, start=date(2026, 3, 2),
                                   end=date(2026, 9, 30), phase=Phase.INCENTIVE, phase_since=date(2026, 10, 1))
              for p in ("2026-03-02..2026-09-30", "2026-03-03..2026-09-30")]
    # The deadline is 30 October (the end plus 30 days).
    for cycle, at in zip(cycles, (datetime(2026, 10, 30, 23, 30, tzinfo=TZ), datetime(2026, 10, 31, 7, tzinfo=TZ))):
        event = CycleEvent.objects.create(cycle=cycle, kind=EventKind.SUBMITTED)
        CycleEvent.objects.filter(pk=event.pk).update(at=at)
    for answered_after in (timedelta(days=6, hours=23), timedelta(days=7, hours=1)):
        opened = _at(date(2026, 11, 1))
        warning = Warning.objects.create(subject=offering, level="offering", indicator_code="offering.sessions_held",
                                         source="manual", opened_at=opened)
        WarningEvent.objects.create(warning=warning, kind="correcting", actor=cast.dave, created_at=opened + answered_after)
    # An event without a person (the engine's own) is no answer.
    silent = Warning.objects.create(subject=offering, level="offering", indicator_code="offering.sessions_held",
                                    source="manual", opened_at=_at(date(2026, 11, 2)))
    WarningEvent.objects.create(warning=silent, kind="acknowledged", created_at=_at(date(2026, 11, 3)))

    year = windows.parse("2026")
    assert registry.get("school.selfdiag_on_time").evaluate(year) == {units["school"].pk: 50.0}
    assert registry.get("department.warnings_acknowledged").evaluate(year) == {units["mech"].pk: round(100 / 3, 2)}


def test_the_college_sees_each_levels_share_apart(units, college):
    """The cockpit's table per level: an offering's action done in time, a student's left open —
    the school's 50 % is 100 % for offerings and 0 % for students."""
    from zhengai.cycles import culture
    from zhengai.datacenter.models import Subject

    student = Subject.objects.get(level="student", key="2024001")  # 张三, 机械工程学院
    for subject, level, fields in ((units["offering"], "offering", {"status": "done", "closed_on": date(2026, 10, 30)}),
                                   (student, "student", {})):
        cycle = Cycle.objects.create(subject=subject, level=level, period="2026-03-02..2026-09-30", start=date(2026, 3, 2),
                                     end=date(2026, 9, 30), phase=Phase.IMPROVE, phase_since=date(2026, 10, 1))
        ImprovementAction.objects.create(cycle=cycle, text="按期", due=date(2026, 11, 1), **fields)

    year = windows.parse("2026")
    assert culture.by_level(year)["actions_on_time"] == {"offering": 100.0, "student": 0.0}
    assert registry.get("school.actions_on_time").evaluate(year) == {units["school"].pk: 50.0}
    assert culture.by_level(year)["selfdiag_on_time"] == {"offering": 0.0, "student": 0.0}, "neither submitted"
