"""The pipeline behind every channel: validation before writing, upsert by natural key, lineage,
partial mode, rejects and undo. Rows here are dicts, as the push API and database pulls give them."""

from datetime import date
from decimal import Decimal

import pytest

from zhengai.datacenter.choices import BatchStatus, Gender
from zhengai.datacenter.models import Attendance, Grade, ImportBatch, Student, Subject
from zhengai.intake.errors import IntakeError
from zhengai.intake.models import BatchEvent, Mapping
from zhengai.intake.pipeline import do_undo_batch, import_rows

OFF = "2026-2027-1-C001-01"


def students(*rows):
    return [{"学号": no, "姓名": name, "性别": gender, "班级代码": klass} for no, name, gender, klass in rows]


def test_it_inserts_updates_and_counts_unchanged_rows_by_natural_key(college):
    rows = students(("2024003", "王五", "男", "CNC2401"), ("2024001", "张三丰", "男", "CNC2401"))
    assert Student.objects.count() == 3

    batch = import_rows(college.source, "students", rows)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert (batch.rows_read, batch.rows_inserted, batch.rows_updated, batch.rows_unchanged) == (2, 1, 1, 0)
    assert Student.objects.count() == 4
    new = Student.objects.get(student_no="2024003")
    # The specialty and cohort follow from the class; lineage names the batch and source.
    assert (new.specialty_id, new.cohort, new.gender) == (college.cnc.pk, 2024, Gender.MALE)
    assert (new.batch_id, new.source_id) == (batch.pk, college.source.pk)
    assert Student.objects.get(student_no="2024001").name == "张三丰"
    # Master data: the subject registry follows.
    assert Subject.objects.filter(level="student", key="2024003", active=True).exists()


def test_it_says_when_a_reimport_changes_nothing(college):
    rows = students(("2024003", "王五", "男", "CNC2401"))
    first = import_rows(college.source, "students", rows)

    again = import_rows(college.source, "students", rows)

    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 1)
    assert "全部 1 行未变化" in again.log
    # Unchanged rows keep the batch that wrote them.
    assert Student.objects.get(student_no="2024003").batch_id == first.pk


def test_it_refuses_the_whole_batch_when_one_row_is_bad(college):
    rows = students(("2024003", "王五", "男", "CNC2401"), ("2024004", "赵六", "男", "NOPE"))

    batch = import_rows(college.source, "students", rows)

    assert batch.status == BatchStatus.REFUSED
    assert not Student.objects.filter(student_no="2024003").exists()
    assert batch.rows_rejected == 1 and batch.rows_inserted == 0
    reject = batch.rejected_rows.get()
    assert reject.row_number == 2
    assert reject.reason == "列“班级代码”：值“NOPE”在行政班表中不存在"
    assert "第 2 行，列“班级代码”：值“NOPE”在行政班表中不存在" in batch.error
    assert reject.data == [["学号", "2024004"], ["姓名", "赵六"], ["性别", "男"], ["班级代码", "NOPE"]]


def test_partial_mode_loads_the_valid_rows_and_keeps_the_rejects(college):
    rows = students(("2024003", "王五", "男", "CNC2401"), ("2024004", "赵六", "X", "CNC2401"))

    batch = import_rows(college.source, "students", rows, partial=True)

    assert batch.status == BatchStatus.SUCCEEDED
    assert (batch.rows_inserted, batch.rows_rejected) == (1, 1)
    assert Student.objects.filter(student_no="2024003").exists()
    assert not Student.objects.filter(student_no="2024004").exists()
    assert batch.rejected_rows.get().reason == "列“性别”：值“X”不是可用的代码（可用：男、女）"


def test_it_checks_composite_references_and_duplicates_in_the_file(college):
    rows = [
        {"学号": "2024001", "教学班代码": OFF, "日期": "2026-10-08", "节次": 1, "考勤状态": "出勤"},
        # No 节次: the only session of that day is meant.
        {"学号": "2024002", "教学班代码": OFF, "日期": "2026/10/15", "考勤状态": "迟到"},
        {"学号": "2024002", "教学班代码": OFF, "日期": "2026-10-16", "考勤状态": "迟到"},
        {"学号": "2024002", "教学班代码": OFF, "日期": "2026-10-15", "节次": "1", "考勤状态": "缺勤"},
    ]

    batch = import_rows(college.source, "attendance", rows, partial=True)

    assert (batch.rows_inserted, batch.rows_rejected) == (2, 2)
    reasons = dict(batch.rejected_rows.values_list("row_number", "reason"))
    assert reasons[3] == "列“教学班代码、日期、节次”：“2026-2027-1-C001-01 / 2026-10-16 / 空”：该教学班在这一天这一节没有课次（请先导入课次 sessions）"
    assert reasons[4].endswith("与第 2 行重复（教学班代码、日期、节次、学号相同）")
    stored = Attendance.objects.get(student=college.s_chen)
    assert (stored.session_id, stored.offering_id, stored.status) == (college.sessions_cnc[1].pk, college.off_cnc.pk, "late")


def test_it_refuses_attendance_outside_the_term_and_scores_out_of_range(college):
    att = [{"学号": "2024001", "教学班代码": OFF, "日期": "2026-02-01", "节次": 1, "考勤状态": "出勤"}]
    grades = [{"学号": "2024001", "教学班代码": OFF, "成绩": "101", "登记日期": "2027-01-20"}]

    a = import_rows(college.source, "attendance", att)
    g = import_rows(college.source, "grades", grades)

    assert a.rejected_rows.get().reason == (
        "列“日期”：值“2026-02-01”不在该教学班所在学期（2026-2027-1：2026-09-07 至 2027-01-22）内"
    )
    assert g.rejected_rows.get().reason == "列“成绩”：值“101”超出范围（应在 0–100 之间）"
    assert Attendance.objects.count() == 0 and Grade.objects.count() == 0


def test_grades_given_as_five_levels_are_converted_and_pass_follows_the_score(college):
    rows = [
        {"学号": "2024001", "教学班代码": OFF, "成绩": "良", "登记日期": "2027-01-20"},
        {"学号": "2024002", "教学班代码": OFF, "成绩": "不及格", "登记日期": "2027-01-20"},
    ]

    batch = import_rows(college.source, "grades", rows)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    assert Grade.objects.get(student=college.s_zhang).score == Decimal("85.0")
    assert Grade.objects.get(student=college.s_zhang).passed is True
    assert Grade.objects.get(student=college.s_chen).passed is False


def test_a_saved_mapping_renames_columns_maps_values_and_reads_dates(college):
    Mapping.objects.create(
        source=college.source, table="grades",
        columns={"XH": "学号", "JXBDM": "offering", "CJ": "score", "DJRQ": "登记日期"},
        value_maps={"score": {"A": "90", "B": "80"}},
        date_formats={"recorded_on": "%Y%m%d"},
    )
    rows = [{"XH": "2024001", "JXBDM": OFF, "CJ": "A", "DJRQ": "20270120", "BZ": "备注"}]

    batch = import_rows(college.source, "grades", rows)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    grade = Grade.objects.get()
    assert (grade.score, grade.recorded_on) == (Decimal("90.0"), date(2027, 1, 20))
    assert "已忽略未识别的列：BZ" in batch.log


def test_missing_required_columns_refuse_before_reading_rows(college):
    batch = import_rows(college.source, "students", [{"学号": "2024003", "姓名": "王五"}])

    assert batch.status == BatchStatus.REFUSED
    assert batch.error.startswith("缺少必填列：性别、班级代码。")


def test_an_unknown_table_is_an_error_before_any_batch(college):
    with pytest.raises(IntakeError, match="没有名为“pupils”的数据表"):
        import_rows(college.source, "pupils", [])
    assert ImportBatch.objects.count() == 0


def test_undo_restores_updated_rows_exactly_and_removes_inserted_ones(college, cast):
    before = list(Student.objects.order_by("pk").values())
    rows = students(("2024003", "王五", "男", "CNC2401"), ("2024001", "张三丰", "女", "CNC2401"))
    batch = import_rows(college.source, "students", rows)
    assert Student.objects.count() == 4

    do_undo_batch(batch, acting_user=cast.alice)

    assert list(Student.objects.order_by("pk").values()) == before
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDONE
    assert BatchEvent.objects.filter(batch=batch, action="undone", actor=cast.alice).exists()
    assert not Subject.objects.filter(level="student", key="2024003", active=True).exists()


def test_undo_waits_for_later_batches_that_changed_the_same_rows(college, cast):
    first = import_rows(college.source, "students", students(("2024003", "王五", "男", "CNC2401")))
    second = import_rows(college.source, "students", students(("2024003", "王五五", "男", "CNC2401")))

    with pytest.raises(IntakeError, match=f"请先撤销批次 #{second.pk}"):
        do_undo_batch(first, acting_user=cast.alice)
    do_undo_batch(second, acting_user=cast.alice)
    assert Student.objects.get(student_no="2024003").name == "王五"
    do_undo_batch(first, acting_user=cast.alice)
    assert not Student.objects.filter(student_no="2024003").exists()


def test_undo_is_refused_when_other_data_refers_to_inserted_rows(college, cast):
    batch = import_rows(college.source, "students", students(("2024003", "王五", "男", "CNC2401")))
    att = [{"学号": "2024003", "教学班代码": OFF, "日期": "2026-10-08", "节次": 1, "考勤状态": "出勤"}]
    assert import_rows(college.source, "attendance", att).status == BatchStatus.SUCCEEDED

    with pytest.raises(IntakeError, match="已被其他数据引用"):
        do_undo_batch(batch, acting_user=cast.alice)
    assert Student.objects.filter(student_no="2024003").exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED


def test_the_number_of_queries_does_not_grow_with_rows(college):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Student.objects.bulk_create(
        Student(student_no=f"2025{i:04d}", name=f"学生{i}", gender="F", admin_class=college.class_cnc,
                specialty=college.cnc, cohort=2025)
        for i in range(1500)
    )

    def run(n, day):
        rows = [{"学号": f"2025{i:04d}", "教学班代码": OFF, "日期": day, "考勤状态": "出勤"} for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            batch = import_rows(college.source, "attendance", rows)
        assert batch.rows_inserted == n, batch.error
        return len(ctx.captured_queries)

    # Recovery check, batch row, mapping, one query per referenced table (students, offerings),
    # staging (SQLite: one executemany per 2,000 rows), composite resolution, duplicate check, upsert,
    # and the batch's results: the same for 5 rows as for 1,500.
    assert run(5, "2026-10-08") == run(1500, "2026-10-15")


def test_offerings_name_their_term_as_colleges_write_it_and_their_teacher_by_staff_number(college):
    rows = [{"教学班代码": "2026-2027-1-C002-02", "课程代码": "C002", "学期代码": "2026-2027学年第一学期",
             "任课教师工号": "T002", "上课班级": "SW2401", "计划课次": "32"}]

    batch = import_rows(college.source, "offerings", rows)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    from zhengai.datacenter.models import Offering

    offering = Offering.objects.get(code="2026-2027-1-C002-02")
    assert (offering.term, offering.teacher, offering.admin_class, offering.planned_sessions) == (
        college.term, college.t_li, college.class_soft, 32)
    assert Subject.objects.filter(level="offering", key="2026-2027-1-C002-02").exists()


def test_dates_are_read_in_the_ways_clerks_write_them(college):
    rows = [{"教学班代码": OFF, "上课日期": day, "开始节次": n} for n, day in
            enumerate(["2026-11-12", "2026/11/19", "2026.11.26", "2026年12月3日", "20261210"], start=1)]

    batch = import_rows(college.source, "sessions", rows)

    assert batch.status == BatchStatus.SUCCEEDED, batch.error
    from zhengai.datacenter.models import ClassSession

    days = sorted(ClassSession.objects.filter(offering=college.off_cnc, date__gte=date(2026, 11, 12)).values_list("date", flat=True))
    assert days == [date(2026, 11, 12), date(2026, 11, 19), date(2026, 11, 26), date(2026, 12, 3), date(2026, 12, 10)]


def test_a_bad_value_repeated_is_named_on_every_row_it_is_on(college):
    """The converters remember what they have seen (a value seen before is one lookup): a failure
    remembered must still be reported on each row, with that row's number, and a good value after
    it still pass. Rows 1 and 3 name the same unknown class, row 2 is good, row 4 is outside the term."""
    rows = students(("2024003", "王五", "男", "NOPE"), ("2024004", "赵六", "男", "CNC2401"),
                    ("2024005", "孙七", "女", "NOPE"))
    batch = import_rows(college.source, "students", rows, partial=True)
    assert (batch.rows_inserted, batch.rows_rejected) == (1, 2)
    assert list(batch.rejected_rows.order_by("row_number").values_list("row_number", "reason")) == [
        (1, "列“班级代码”：值“NOPE”在行政班表中不存在"), (3, "列“班级代码”：值“NOPE”在行政班表中不存在")]

    att = [{"学号": "2024001", "教学班代码": OFF, "日期": day, "节次": 1, "考勤状态": "出勤"}
           for day in ("2026-10-08", "2026-02-01", "2026-10-08", "2026-02-01")]
    a = import_rows(college.source, "attendance", att)
    assert a.status == BatchStatus.REFUSED and a.rows_read == 4
    reasons = dict(a.rejected_rows.values_list("row_number", "reason"))
    assert reasons[2] == reasons[4] == "列“日期”：值“2026-02-01”不在该教学班所在学期（2026-2027-1：2026-09-07 至 2027-01-22）内"
    assert 1 not in reasons  # row 3 repeats row 1: a duplicate key, found after staging
