"""The ``zhengai indicators`` command-line contracts."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from zhengai.indicators import registry


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_it_lists_the_library_as_csv_with_the_contract_columns(db):
    rows = list(csv.reader(io.StringIO(run("--format", "csv"))))
    assert rows[0] == ["code", "level", "name_zh", "name_en", "unit", "direction", "kind"]
    by_code = {r[0]: r for r in rows[1:]}
    assert len(by_code) == len(registry.all_indicators()) >= 40
    assert by_code["student.attendance_rate"] == ["student.attendance_rate", "student", "出勤率", "Attendance rate", "%", "higher", "builtin"]
    assert by_code["student.absent_periods"][5] == "lower"


def test_it_lists_the_library_as_a_table_and_as_json(db):
    table = run()
    assert table.splitlines()[0].split() == ["code", "level", "name_zh", "name_en", "unit", "direction", "kind"]
    assert "teacher.training_hours" in table
    items = json.loads(run("--format", "json"))
    assert {"code": "school.pass_rate", "level": "school", "name_zh": "课程及格率", "name_en": "Pass rate",
            "unit": "%", "direction": "higher", "kind": "builtin"} in items


def test_it_prints_a_level_over_a_window_one_subject_a_row(facts):
    rows = list(csv.DictReader(io.StringIO(run("--level", "student", "--window", "2026-10", "--format", "csv"))))
    header = list(rows[0])
    assert header[0] == "subject"
    assert header[1:] == [i.code for i in registry.for_level("student")] + ["window", "window_start", "window_end"]
    by_key = {r["subject"]: r for r in rows}
    # Every row names the window's first and last day, so a reader can recompute it from them.
    assert {(r["window"], r["window_start"], r["window_end"]) for r in rows} == {("2026-10", "2026-10-01", "2026-10-31")}
    # Active students only (the graduates and 钱七, who left, have no October value); see conftest.py.
    assert set(by_key) == {"2024001", "2024002", "2024101"}
    assert by_key["2024001"]["student.absent_periods"] == "2"
    assert by_key["2024001"]["student.attendance_rate"] == "66.6667"
    assert by_key["2024002"]["student.gpa"] == ""  # no grade recorded in October: no data, empty cell


def test_it_prints_the_school_level_as_json(facts):
    items = json.loads(run("--level", "school", "--window", "2026-10", "--format", "json"))
    assert len(items) == 1 and items[0]["subject"] == "school"
    assert items[0]["school.attendance_rate"] == 50.0
    assert items[0]["school.students"] == 4
    assert (items[0]["window_start"], items[0]["window_end"]) == ("2026-10-01", "2026-10-31")


def test_the_table_names_the_window_and_its_dates_above_the_rows(facts):
    """The term 2026-2027-1 of the tiny college runs from 2026-09-07 to 2027-01-22."""
    lines = run("--level", "school", "--window", "2026-2027-1").splitlines()
    assert lines[0] == "2026-2027-1 学期（2026-09-07 至 2027-01-22）"
    assert lines[1].split()[0] == "subject"


def test_it_reads_terms_quarters_half_months_and_ranges(facts):
    for window, expected in (("2026-2027-1", "8"), ("2026Q4", "8"), ("2026-10H1", "4"), ("2026-10-01..2026-10-22", "6")):
        rows = {r["subject"]: r for r in csv.DictReader(io.StringIO(
            run("--level", "teacher", "--window", window, "--format", "csv")))}
        # 王老师's sessions: 10-08, 10-15, 10-22, 11-05, two periods each.
        assert rows["T001"]["teacher.teaching_hours"] == expected, window


@pytest.mark.parametrize("window", ["2026-13", "last month", "2026Q5"])
def test_it_refuses_a_bad_window_showing_the_accepted_forms(db, window):
    with pytest.raises(CommandError) as info:
        run("--level", "student", "--window", window)
    assert "2026Q4" in str(info.value) and "2026-10H1" in str(info.value)


def test_it_needs_level_and_window_together(db):
    with pytest.raises(CommandError, match="--window"):
        run("--level", "student")


def test_it_exits_non_zero_on_a_bad_window_from_the_shell(db, tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run([sys.executable, "-m", "zhengai", "indicators", "--level", "student", "--window", "2026-13"],
                            capture_output=True, text=True, cwd=settings.BASE_DIR,
                            env={**__import__("os").environ, "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.sqlite3")})
    assert result.returncode != 0
    assert "2026Q4" in result.stderr
