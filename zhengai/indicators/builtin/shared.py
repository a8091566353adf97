"""Evaluator families that several levels share (attendance, pass rate, evaluation, roll, staff …).

Each factory takes a level and returns an evaluator running ONE grouped query; the level only
changes the lookup the rows are grouped by (``paths.py``).
"""

from django.db.models import Avg, Count, Exists, OuterRef, Q

from zhengai.core import windows
from zhengai.datacenter.choices import (
    AttendanceStatus,
    AwardKind,
    EmploymentStatus,
    EvaluatorKind,
    SessionStatus,
    StudentStatus,
)
from zhengai.datacenter.models import (
    Enrolment,
    Staff,
    Student,
    Submission,
    TrainingRecord,
)

from ..paths import group_lookup
from .base import aggregate, facts, per_master, rate, ratio, rows_of, scalar, today

PRESENT = Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])
FIRST_SITTING = Q(attempt=1)
EMPLOYED = [EmploymentStatus.EMPLOYED, EmploymentStatus.FLEXIBLE, EmploymentStatus.SELF_EMPLOYED]
CERTIFICATES = [AwardKind.CERTIFICATE, AwardKind.ONE_PLUS_X]


def teachers():
    """The teachers (专任教师) among the staff: the roster of the teacher level."""
    return Staff.objects.filter(is_teacher=True)


def attendance_rate(level):
    return rate("attendance", level, PRESENT)


def pass_rate(level):
    return rate("grades", level, Q(passed=True), filter=FIRST_SITTING)


def average_score(level):
    return aggregate("grades", level, Avg("score"), filter=FIRST_SITTING)


def evaluation(level, kind=EvaluatorKind.STUDENT):
    """Average of the evaluation scores (评教) of ``kind`` given in the window to the offerings."""
    return aggregate("evaluations", level, Avg("score"), filter=Q(evaluator_kind=kind))


def submission_rate(level):
    """Assignments due in the window × students enrolled in their offerings, and how many of those
    were submitted: one query over enrolments × assignments; each submission looked up through its
    unique (assignment, student) index."""

    def evaluate(window):
        qs = Enrolment.objects.filter(offering__assignments__due_date__range=(window.start, window.end))
        submitted = Exists(Submission.objects.filter(assignment=OuterRef("offering__assignments"), student=OuterRef("student_id")))
        for key, row in rows_of(qs, group_lookup("enrolments", level),
                                due=Count("offering__assignments"), done=Count("offering__assignments", filter=submitted)):
            yield key, ratio(row["done"], row["due"])

    return evaluate


# 在籍, the registrar's rule: a student holds 学籍 while their status is 在读 or 休学 (a suspended
# student keeps it); a graduate or a student who withdrew held it until the day they left. The status
# decides whether a student is still on the roll, the dates only when: a stale 离校日期 on a student
# who is 在读 does not take them off it, and a 退学 without a date is not counted as on it. The roll
# is a count on one day — the window's first, as a registrar counts at the start of a term — never
# everyone who was on it at some time in the window (a calendar year would count four cohorts).
ON_ROLL = ("在籍（学籍管理口径）：某日在籍的学生，是入学日期（未填时按入学年份的 9 月 1 日）不晚于该日，且学籍状态为"
           "在读或休学、或离校日期晚于该日（已毕业、退学的学生离校前在籍；无离校日期的不计）；窗口的在籍学生以窗口首日为准，"
           "首日晚于今天的窗口无数据。")
HOLDS_STATUS = [StudentStatus.ENROLLED, StudentStatus.SUSPENDED]


def census_day(window):
    """The day a window's roll is counted on (its first), or None when that day is still to come."""
    return window.start if window.start <= today() else None


def on_roll(day) -> Q:
    """Students on the roll (在籍) on ``day`` (``ON_ROLL``)."""
    entered = windows.intake_cohort(windows.days(day, day))
    return ((Q(enrolled_on__lte=day) | Q(enrolled_on__isnull=True, cohort__lte=entered))
            & (Q(status__in=HOLDS_STATUS) | Q(left_on__gt=day)))


def students(level):
    """Students on the roll on the window's first day."""

    def evaluate(window):
        day = census_day(window)
        if day is None:
            return
        for key, row in rows_of(Student.objects.filter(on_roll(day)), group_lookup("students", level), n=Count("pk")):
            yield key, row["n"]

    return evaluate


def attrition_rate(level):
    """Of the students on the roll on the window's first day, the share who withdrew (退学) in the window."""

    def evaluate(window):
        day = census_day(window)
        if day is None:
            return
        left = Q(status=StudentStatus.WITHDRAWN, left_on__range=(window.start, window.end))
        for key, row in rows_of(Student.objects.filter(on_roll(day)), group_lookup("students", level),
                                num=Count("pk", filter=left), den=Count("pk")):
            yield key, ratio(row["num"], row["den"])

    return evaluate


def certificate_rate(level):
    """Students on the roll on the window's first day holding a certificate (职业资格或 1+X) awarded
    in the window ÷ those students: the roll left-joined to its awards, holders counted distinct
    (one query)."""

    def evaluate(window):
        day = census_day(window)
        if day is None:
            return
        holds = Q(awards__kind__in=CERTIFICATES, awards__awarded_on__range=(window.start, window.end))
        for key, row in rows_of(Student.objects.filter(on_roll(day)), group_lookup("students", level),
                                num=Count("pk", distinct=True, filter=holds), den=Count("pk", distinct=True)):
            yield key, ratio(row["num"], row["den"])

    return evaluate


# Sessions that took place (已上课): a timetable is imported ahead, so a session dated after today
# is only scheduled; a session the timetable system marks as held counts, one it marks cancelled never.
HELD = ("已上课的课次：课次状态为“已上课”，或未记录状态且上课日期不晚于今天（今天以后的课次只是排定）；"
        "状态为“停课”的不计。")


def held_sessions(level, expression):
    """An evaluator: ``expression`` over the class sessions in the window that were held (``HELD``)."""

    def evaluate(window):
        held = Q(status=SessionStatus.HELD) | Q(status="", date__lte=today())
        for key, row in rows_of(facts("sessions", window, held), group_lookup("sessions", level), v=expression):
            yield key, row["v"]

    return evaluate


# Figures of a cohort: the graduates and the intake a window holds (one cohort each, ``core.windows``).
GRADUATES = windows.GRADUATES_HELD
INTAKE = windows.INTAKE_HELD


def employment_rate(level):
    return rate("employment", level, ~Q(status=EmploymentStatus.UNEMPLOYED))


def employment_relevance(level):
    return rate("employment", level, Q(relevant=True), filter=Q(status__in=EMPLOYED))


def enrolment_plan_completion(level):
    """Candidates admitted ÷ places planned, for the intake the window holds (``windows.intake_cohort``):
    per master row (specialty, department, the school) a correlated sum of plans and count of
    admissions (one query)."""
    plans_to = group_lookup("enrolment_plans", level)
    admissions_to = group_lookup("admissions", level)

    def evaluate(window):
        for key, row in per_master(
            level,
            planned=scalar(facts("enrolment_plans", window), "SUM", "planned", inner=plans_to),
            admitted=scalar(facts("admissions", window), "COUNT", inner=admissions_to),
        ):
            if row["planned"]:
                yield key, ratio(row["admitted"], row["planned"])

    return evaluate


def teachers_of_offerings(level, dual_share: bool):
    """Distinct teachers of the offerings whose term overlaps the window (or the share of them who
    are 双师型), grouped by the offerings' course's specialty or department."""

    def evaluate(window):
        qs = facts("offerings", window)
        dual = Q(teacher__is_dual_qualified=True)
        for key, row in rows_of(qs, group_lookup("offerings", level),
                                all=Count("teacher_id", distinct=True), dual=Count("teacher_id", distinct=True, filter=dual)):
            yield key, ratio(row["dual"], row["all"]) if dual_share else row["all"]

    return evaluate


def student_teacher_ratio(level):
    """Students on the roll ÷ distinct teachers teaching the level's courses in the window: the
    offerings of the window grouped (distinct teachers), the students a correlated count per group
    — in the select list, so it runs once per group through the student table's specialty index."""
    offerings_to = group_lookup("offerings", level)
    students_to = group_lookup("students", level)

    def evaluate(window):
        day = census_day(window)
        if day is None:
            return
        students = scalar(Student.objects.filter(on_roll(day)), "COUNT", inner=students_to, outer=offerings_to)
        for key, row in rows_of(facts("offerings", window), offerings_to,
                                teachers=Count("teacher_id", distinct=True), students=students):
            if row["students"]:
                yield key, ratio(row["students"], row["teachers"], scale=1)

    return evaluate


def dual_qualified_share(level):
    """Share of 双师型 among the teachers (专任教师) of the level, as they stand now."""

    def evaluate(window):
        qs = teachers()
        for key, row in rows_of(qs, group_lookup("teachers", level),
                                num=Count("pk", filter=Q(is_dual_qualified=True)), den=Count("pk")):
            yield key, ratio(row["num"], row["den"])

    return evaluate


def training_hours_per_teacher(level):
    """Training hours of the level's teachers in the window ÷ the number of its teachers: per master
    row (department, the school) a correlated count of teachers and sum of hours (one query)."""
    lookup = group_lookup("teachers", level)

    def evaluate(window):
        records = TrainingRecord.objects.filter(staff__is_teacher=True, attended_on__range=(window.start, window.end))
        for key, row in per_master(
            level,
            teachers=scalar(teachers(), "COUNT", inner=lookup),
            hours=scalar(records, "SUM", "hours", inner=f"staff__{lookup}" if lookup else ""),
        ):
            if row["hours"] is not None and row["teachers"]:  # no training in the window: no data, no entry
                yield key, ratio(row["hours"], row["teachers"], scale=1)

    return evaluate


TASK_COMPLETION = ("窗口内到期的年度工作任务与部门任务的平均完成度（%）：每项任务取截至窗口末最近一次填报的完成度，"
                   "未填报计 0；每年重复的任务只计当年一轮的填报。")


def task_completion(window):
    """Annual task completion from the goal chain, keyed by subject already: the school over all
    tasks due, each department over the tasks it leads. The chains app provides it
    (``registry.provide("task_completion", chains.progress.task_completion_by_subject)``)."""
    from ..registry import provided

    return provided("task_completion", window).items()
