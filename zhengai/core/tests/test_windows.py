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
