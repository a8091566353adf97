from datetime import date

import pytest

from zhengai.core import windows
from zhengai.core.windows import WindowError, parse


@pytest.mark.parametrize(
    "text,start,end,kind",
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "month"),
        ("2026-10H1", date(2026, 10, 1), date(2026, 10, 15), "half_month"),
        ("2026-10H2", date(2026, 10, 16), date(2026, 10, 31), "half_month"),
        ("2026-09-01..2026-09-30", date(2026, 9, 1), date(2026, 9, 30), "range"),
    ],
)
def test_it_parses_every_written_form(text, start, end, kind):
    window = parse(text)
    assert (window.start, window.end, window.kind, window.code) == (start, end, kind, text)


def test_it_reads_term_dates_from_the_term_table(college):
    window = parse("2026-2027-1")
    assert (window.start, window.end, window.kind) == (date(2026, 9, 7), date(2027, 1, 22), "term")
    assert window.previous().code == "2025-2026-2"


@pytest.mark.parametrize("text", ["", "2026-13", "2026Q5", "2025-2027-1", "2026-10H3", "2026-09-30..2026-09-01", "last month"])
def test_it_refuses_what_it_cannot_parse_and_shows_the_accepted_forms(text, db):
    with pytest.raises(WindowError) as info:
        parse(text)
    assert "2026Q4" in str(info.value)


def test_it_names_a_missing_term(db):
    with pytest.raises(WindowError, match="不在学期表"):
        parse("2030-2031-1")


def test_it_steps_through_cadences_across_year_ends():
    assert parse("2026-12H2").next().code == "2027-01H1"
    assert parse("2026Q1").previous().code == "2025Q4"
    assert [w.code for w in windows.between("month", date(2026, 11, 20), date(2027, 1, 3))] == ["2026-11", "2026-12", "2027-01"]
    assert windows.containing("half_month", date(2026, 11, 20)).code == "2026-11H2"


def test_an_academic_year_runs_from_september_to_the_end_of_the_summer_break(db):
    # No terms stored: the statutory 1 September start.
    window = parse("2025-2026")
    assert (window.start, window.end, window.kind, window.code) == (date(2025, 9, 1), date(2026, 8, 31), "academic_year", "2025-2026")
    assert window.next().code == "2026-2027"
    assert windows.containing("academic_year", date(2026, 8, 31)).code == "2025-2026"
    assert windows.containing("academic_year", date(2026, 9, 1)).code == "2026-2027"


def test_an_academic_year_starts_with_its_first_term_when_that_is_earlier(db):
    from zhengai.datacenter.models import Term

    Term.objects.create(code="2026-2027-1", start_date=date(2026, 8, 24), end_date=date(2027, 1, 15))
    assert parse("2025-2026").end == date(2026, 8, 23)
    assert parse("2026-2027").start == date(2026, 8, 24)
    assert windows.containing("academic_year", date(2026, 8, 25)).code == "2026-2027"


def test_an_academic_year_must_be_two_adjacent_years(db):
    with pytest.raises(WindowError, match="相邻两年"):
        parse("2025-2027")


def test_a_window_is_named_with_its_kind_and_its_first_and_last_day(db):
    """The academic year 2025-2026 runs from 1 September 2025 to 31 August 2026 (no terms stored);
    a half month 2026-10H2 from the 16th to the 31st; a range is its two days."""
    assert windows.label(parse("2025-2026")) == "2025-2026 学年（2025-09-01 至 2026-08-31）"
    assert windows.label(parse("2026-10H2")) == "2026-10H2 半月（2026-10-16 至 2026-10-31）"
    assert windows.label(parse("2026-09-01..2026-09-30")) == "2026-09-01 至 2026-09-30"


def test_stored_codes_are_named_reading_the_term_table_once(college, django_assert_num_queries):
    """Terms 2025-2026-2 (2026-03-02 … 07-10) and 2026-2027-1 (2026-09-07 … 2027-01-22) are stored;
    the academic year 2026-2027 starts on 1 September, earlier than its first term, and ends the day
    before 1 September 2027. One query for the lot; a code whose term is gone is left out."""
    with django_assert_num_queries(1):
        found = windows.resolve(["2025-2026-2", "2026-2027-1", "2026-2027", "2026-10", "2030-2031-1", ""])
    assert {code: (w.start, w.end) for code, w in found.items()} == {
        "2025-2026-2": (date(2026, 3, 2), date(2026, 7, 10)),
        "2026-2027-1": (date(2026, 9, 7), date(2027, 1, 22)),
        "2026-2027": (date(2026, 9, 1), date(2027, 8, 31)),
        "2026-10": (date(2026, 10, 1), date(2026, 10, 31)),
    }
    with django_assert_num_queries(0):
        assert set(windows.resolve(["2026-10", "2026Q4"])) == {"2026-10", "2026Q4"}


# Which cohort each kind of window holds, worked by hand from the rule (windows.GRADUATES_HELD and
# INTAKE_HELD): 2026届 graduate by 30 June 2026, 2025级 enter on 1 September 2025.
COHORTS = [
    # window, graduates (届), intake (级)
    ("2025-2026", 2026, 2025),               # the academic year: those who graduate in it, those who enter it
    ("2025-2026-1", 2025, 2025),             # autumn term: last summer's graduates, this year's freshmen
    ("2025-2026-2", 2026, 2025),             # spring term: those who graduate at its end
    ("2026", 2026, 2026),                    # a calendar year holds both of its own
    ("2026Q2", 2026, 2025),                  # ends 30 June: graduated that day; 2026级 not yet in
    ("2026-06H1", 2025, 2025),               # ends 15 June: 2026届 not yet graduated
    ("2026-08", 2026, 2025),
    ("2026-09", 2026, 2026),                 # 2026级 entered on 1 September
    ("2026-03", 2025, 2025),
    ("2025-09-01..2026-08-31", 2026, 2025),  # a range the length of the academic year holds what it holds
]


@pytest.mark.parametrize("text,graduates,intake", COHORTS)
def test_every_window_holds_one_cohort_of_graduates_and_one_intake(db, text, graduates, intake):
    window = parse(text, terms={"2025-2026-1": (date(2025, 9, 1), date(2026, 1, 16)),
                                "2025-2026-2": (date(2026, 3, 2), date(2026, 7, 10))})
    assert (windows.graduating_cohort(window), windows.intake_cohort(window)) == (graduates, intake)


def test_zhengai_window_prints_the_kind_and_first_and_last_day(college):
    """2026-2027-1 is stored from 2026-09-07 to 2027-01-22: 138 days."""
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("window", "2026-2027-1", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == [{
        "window": "2026-2027-1", "kind": "term", "kind_name": "学期", "first_day": "2026-09-07",
        "last_day": "2027-01-22", "days": 138, "label": "2026-2027-1 学期（2026-09-07 至 2027-01-22）"}]
    out = io.StringIO()
    call_command("window", "2026Q4", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines() == ["window,kind,kind_name,first_day,last_day,days,label",
                                           "2026Q4,quarter,季度,2026-10-01,2026-12-31,92,2026Q4 季度（2026-10-01 至 2026-12-31）"]
    with pytest.raises(CommandError, match="可用格式"):
        call_command("window", "2026-13")


def test_consecutive_academic_years_are_one_window_for_a_multi_year_cycle(college):
    """A specialty's three years: 1 September 2024 (no earlier term in the table) to the day before
    the academic year 2027-2028 starts; the step goes by whole spans; `zhengai window` names it."""
    import io
    import json

    from django.core.management import call_command

    window = parse("2024-2025..2026-2027")
    assert (window.start, window.end, window.kind) == (date(2024, 9, 1), date(2027, 8, 31), "academic_years")
    assert window.next().code == "2027-2028..2029-2030" and window.previous().code == "2021-2022..2023-2024"
    assert windows.kind_of("2024-2025..2026-2027") == "academic_years"
    assert windows.label(window) == "2024-2025..2026-2027 多学年（2024-09-01 至 2027-08-31）"
    out = io.StringIO()
    call_command("window", "2024-2025..2026-2027", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())[0]["days"] == (date(2027, 8, 31) - date(2024, 9, 1)).days + 1
    for bad in ("2024-2026..2026-2027", "2026-2027..2024-2025"):
        with pytest.raises(WindowError, match="可用格式"):
            parse(bad)
