"""Time every built-in indicator against the same aggregate written by hand in SQL (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhengai_large python bench/indicators.py [--window 2025-2026-2] [--repeat 3]

For each indicator: the evaluator (``Indicator.evaluate``: its aggregate query plus the map from
master ids to subject ids, and the Python that keys the result) and a hand-written SQL query that
returns the same (subject id, value) pairs, each timed as the best of ``--repeat`` runs after a
warm-up, interleaved so both see the same load. The script also checks that both give the same
values. Target: every ratio within 1.5x.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhengai_large")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from zhengai.core import windows  # noqa: E402
from zhengai.core.windows import parse  # noqa: E402
from zhengai.indicators.builtin.base import today  # noqa: E402
from zhengai.indicators import registry  # noqa: E402

# --- hand-written SQL --------------------------------------------------------------------------
# Each query returns (subject id, value). Group keys per path from a fact row ``f`` to a level:
COLUMN = {"student": "student_id", "teacher": "staff_id", "offering": "offering_id", "course": "course_id",
          "specialty": "specialty_id", "department": "department_id"}
VIA_STUDENT = {
    "student": ("f.student_id", ""),
    "specialty": ("st.specialty_id", "JOIN datacenter_student st ON st.id = f.student_id"),
    "department": ("sp.department_id", "JOIN datacenter_student st ON st.id = f.student_id "
                                       "JOIN datacenter_specialty sp ON sp.id = st.specialty_id"),
    "school": (None, ""),
}
VIA_OFFERING = {
    "offering": ("f.offering_id", ""),
    "course": ("o.course_id", "JOIN datacenter_offering o ON o.id = f.offering_id"),
    "teacher": ("o.teacher_id", "JOIN datacenter_offering o ON o.id = f.offering_id"),
    "specialty": ("c.specialty_id", "JOIN datacenter_offering o ON o.id = f.offering_id JOIN datacenter_course c ON c.id = o.course_id"),
    "department": ("c.department_id", "JOIN datacenter_offering o ON o.id = f.offering_id JOIN datacenter_course c ON c.id = o.course_id"),
    "school": (None, ""),
}
VIA_STAFF = {
    "teacher": ("f.staff_id", ""),
    "department": ("sf.department_id", "JOIN datacenter_staff sf ON sf.id = f.staff_id"),
    "school": (None, ""),
}
VIA_SPECIALTY = {  # rows with f.specialty_id
    "specialty": ("f.specialty_id", ""),
    "department": ("sp.department_id", "JOIN datacenter_specialty sp ON sp.id = f.specialty_id"),
    "school": (None, ""),
}
STUDENT_ROLL = {  # the student table itself as f
    "student": ("f.id", ""),
    "specialty": ("f.specialty_id", ""),
    "department": ("sp.department_id", "JOIN datacenter_specialty sp ON sp.id = f.specialty_id"),
    "school": (None, ""),
}
OVERLAP = "t.start_date <= %(end)s AND t.end_date >= %(start)s"
# 在籍 on the window's first day (the census): entered by then, and 在读/休学 or left after it.
ON_ROLL = ("(f.enrolled_on <= %(census)s OR (f.enrolled_on IS NULL AND f.cohort <= %(entered)s)) "
           "AND (f.status IN ('enrolled', 'suspended') OR f.left_on > %(census)s)")
# Sessions held: recorded as held, or without a status and not after today.
HELD = "f.date BETWEEN %(start)s AND %(end)s AND (f.status = 'held' OR (f.status = '' AND f.date <= %(today)s))"


def roster(table, value, day):
    """Every teacher's total of ``table`` in the window, 0 for a teacher without rows — nothing when
    the window has no rows at all."""
    in_window = f"{day} BETWEEN %(start)s AND %(end)s"
    return (f"SELECT s.id, coalesce(t.v, 0) FROM datacenter_staff f "
            f"JOIN datacenter_subject s ON s.level = 'teacher' AND s.staff_id = f.id "
            f"LEFT JOIN (SELECT staff_id AS k, {value} AS v FROM {table} WHERE {in_window} GROUP BY staff_id) t "
            f"ON t.k = f.id WHERE f.is_teacher AND EXISTS (SELECT 1 FROM {table} WHERE {in_window} AND staff_id IS NOT NULL)")


def grouped(level, via, table, value, where, joins=""):
    """A GROUP BY over ``table f`` to the level's key, joined to the subject registry."""
    key, path = via[level]
    if key is None:
        return (f"SELECT (SELECT id FROM datacenter_subject WHERE level = 'school'), {value} "
                f"FROM {table} f {path} {joins} WHERE {where} HAVING count(*) > 0")
    return (f"SELECT s.id, g.v FROM (SELECT {key} AS k, {value} AS v FROM {table} f {path} {joins} "
            f"WHERE {where} GROUP BY {key}) g JOIN datacenter_subject s ON s.level = '{level}' AND s.{COLUMN[level]} = g.k")


def attendance(level, value):
    via = VIA_STUDENT if level in VIA_STUDENT and level != "school" else VIA_OFFERING
    return grouped(level, via, "datacenter_attendance", value, "f.date BETWEEN %(start)s AND %(end)s")


ATTENDED = "100.0 * count(*) FILTER (WHERE f.status IN ('present', 'late')) / count(*)"
PASSED = "100.0 * count(*) FILTER (WHERE f.passed) / count(*)"
FIRST_GRADES = "f.recorded_on BETWEEN %(start)s AND %(end)s AND f.attempt = 1"
GRADE_VIA = {**VIA_STUDENT, **{k: v for k, v in VIA_OFFERING.items() if k in ("offering", "course", "teacher")}}


def grades(level, value, where=FIRST_GRADES, joins=""):
    return grouped(level, GRADE_VIA, "datacenter_grade", value, where, joins)


def evaluation(level, kind="student"):
    return grouped(level, VIA_OFFERING, "datacenter_teachingevaluation", "avg(f.score)",
                   f"f.evaluator_kind = '{kind}' AND f.evaluated_on BETWEEN %(start)s AND %(end)s")


def submissions(level):
    key = {"student": "f.student_id", "offering": "f.offering_id", "course": "o.course_id"}[level]
    path = "JOIN datacenter_offering o ON o.id = f.offering_id" if level == "course" else ""
    return (f"SELECT s.id, g.v FROM (SELECT {key} AS k, 100.0 * count(sub.id) / count(*) AS v "
            f"FROM datacenter_enrolment f JOIN datacenter_assignment a ON a.offering_id = f.offering_id {path} "
            f"LEFT JOIN datacenter_submission sub ON sub.assignment_id = a.id AND sub.student_id = f.student_id "
            f"WHERE a.due_date BETWEEN %(start)s AND %(end)s GROUP BY {key}) g "
            f"JOIN datacenter_subject s ON s.level = '{level}' AND s.{COLUMN[level]} = g.k")


def learning(level, value, where="f.date BETWEEN %(start)s AND %(end)s"):
    via = {**VIA_STUDENT, "course": VIA_OFFERING["course"]}
    return grouped(level, via, "datacenter_learningactivity", value, where)


def roll(level, value):
    return grouped(level, STUDENT_ROLL, "datacenter_student", value, ON_ROLL)


def employment(level, value, where=""):
    return grouped(level, VIA_STUDENT, "datacenter_employment", value,
                   "f.graduation_year = %(graduates)s" + where)


def plan_completion(level):
    key, path = VIA_SPECIALTY[level]
    k = key or "0"
    plans = f"SELECT {k} AS k, sum(f.planned) AS n FROM datacenter_enrolmentplan f {path} WHERE f.year = %(intake)s GROUP BY 1"
    admitted = f"SELECT {k} AS k, count(*) AS n FROM datacenter_admission f {path} WHERE f.year = %(intake)s GROUP BY 1"
    value = "100.0 * coalesce(a.n, 0) / p.n"
    if key is None:
        return f"SELECT (SELECT id FROM datacenter_subject WHERE level = 'school'), {value} FROM ({plans}) p LEFT JOIN ({admitted}) a USING (k)"
    return (f"SELECT s.id, {value} FROM ({plans}) p LEFT JOIN ({admitted}) a USING (k) "
            f"JOIN datacenter_subject s ON s.level = '{level}' AND s.{COLUMN[level]} = p.k")


def student_teacher(level):
    k_students = "f.specialty_id" if level == "specialty" else "0"
    k_teachers = "c.specialty_id" if level == "specialty" else "0"
    students = f"SELECT {k_students} AS k, count(*) AS n FROM datacenter_student f WHERE {ON_ROLL} GROUP BY 1"
    teachers = (f"SELECT {k_teachers} AS k, count(DISTINCT o.teacher_id) AS n FROM datacenter_offering o "
                f"JOIN datacenter_term t ON t.id = o.term_id JOIN datacenter_course c ON c.id = o.course_id WHERE {OVERLAP} GROUP BY 1")
    if level == "school":
        return f"SELECT (SELECT id FROM datacenter_subject WHERE level = 'school'), st.n::float / te.n FROM ({students}) st JOIN ({teachers}) te USING (k)"
    return (f"SELECT s.id, st.n::float / te.n FROM ({students}) st JOIN ({teachers}) te USING (k) "
            f"JOIN datacenter_subject s ON s.level = 'specialty' AND s.specialty_id = st.k")


def offering_teachers(level, value):
    key = "c.specialty_id"
    return (f"SELECT s.id, g.v FROM (SELECT {key} AS k, {value} AS v FROM datacenter_offering o "
            f"JOIN datacenter_term t ON t.id = o.term_id JOIN datacenter_course c ON c.id = o.course_id "
            f"JOIN datacenter_staff sf ON sf.id = o.teacher_id WHERE {OVERLAP} AND c.specialty_id IS NOT NULL GROUP BY {key}) g "
            f"JOIN datacenter_subject s ON s.level = '{level}' AND s.specialty_id = g.k")


def training_per_teacher(level):
    if level == "school":
        return ("SELECT (SELECT id FROM datacenter_subject WHERE level = 'school'), sum(tr.hours)::float / "
                "(SELECT count(*) FROM datacenter_staff WHERE is_teacher) FROM datacenter_trainingrecord tr "
                "JOIN datacenter_staff sf ON sf.id = tr.staff_id WHERE sf.is_teacher AND tr.attended_on BETWEEN %(start)s AND %(end)s "
                "HAVING count(*) > 0")
    return ("SELECT s.id, h.h::float / n.n FROM (SELECT sf.department_id AS k, sum(tr.hours) AS h FROM datacenter_trainingrecord tr "
            "JOIN datacenter_staff sf ON sf.id = tr.staff_id WHERE sf.is_teacher AND tr.attended_on BETWEEN %(start)s AND %(end)s GROUP BY 1) h "
            "JOIN (SELECT department_id AS k, count(*) AS n FROM datacenter_staff WHERE is_teacher GROUP BY 1) n USING (k) "
            "JOIN datacenter_subject s ON s.level = 'department' AND s.department_id = h.k")


def dual_share(level):
    key = None if level == "school" else "f.department_id"
    via = {level: (key, "")}
    return grouped(level, via, "datacenter_staff", "100.0 * count(*) FILTER (WHERE f.is_dual_qualified) / count(*)", "f.is_teacher")


GPA = ("sum(CASE WHEN f.score >= 90 THEN 4.0 WHEN f.score >= 60 THEN (f.score - 50) / 10.0 ELSE 0 END * c.credits) "
       "/ sum(c.credits)")
ASPECTS = ("moral", "intellectual", "physical", "aesthetic", "labour")
CREDITS = """
SELECT s.id, 100.0 * coalesce(g.earned, 0) / g.plan FROM (
  SELECT f.student_id AS k, sum(c.credits) AS plan,
         sum((SELECT sum(gr.credits_earned) FROM datacenter_grade gr
              WHERE gr.student_id = f.student_id AND gr.offering_id = f.offering_id AND gr.recorded_on <= %(end)s)) AS earned
  FROM datacenter_enrolment f JOIN datacenter_offering o ON o.id = f.offering_id
  JOIN datacenter_term t ON t.id = o.term_id JOIN datacenter_course c ON c.id = o.course_id
  WHERE t.start_date <= %(end)s AND t.end_date >= %(start)s GROUP BY 1) g
JOIN datacenter_subject s ON s.level = 'student' AND s.student_id = g.k WHERE g.plan > 0"""
INTERACTION = """
SELECT s.id, l.n::float / e.n FROM (
  SELECT f.offering_id AS k, count(*) AS n FROM datacenter_learningactivity f
  JOIN datacenter_offering o ON o.id = f.offering_id JOIN datacenter_term t ON t.id = o.term_id
  WHERE f.date BETWEEN %(start)s AND %(end)s AND t.start_date <= %(end)s AND t.end_date >= %(start)s GROUP BY 1) l
JOIN (SELECT offering_id AS k, count(*) AS n FROM datacenter_enrolment GROUP BY 1) e USING (k)
JOIN datacenter_subject s ON s.level = 'offering' AND s.offering_id = l.k"""
CERTIFICATE = ("100.0 * count(h.student_id) / count(*)",
               "LEFT JOIN (SELECT DISTINCT student_id FROM datacenter_award WHERE kind IN ('certificate', '1+x') "
               "AND awarded_on BETWEEN %(start)s AND %(end)s) h ON h.student_id = f.id")
TERM_OFFERINGS = "JOIN datacenter_term t ON t.id = f.term_id"

SQL = {
    # school
    "school.students": roll("school", "count(*)"),
    "school.attendance_rate": attendance("school", ATTENDED),
    "school.pass_rate": grades("school", PASSED),
    "school.evaluation_average": evaluation("school"),
    "school.enrolment_plan_completion": plan_completion("school"),
    "school.student_teacher_ratio": student_teacher("school"),
    "school.dual_qualified_share": dual_share("school"),
    "school.teacher_training_hours": training_per_teacher("school"),
    "school.research_outputs": grouped("school", VIA_STAFF, "datacenter_researchoutput", "count(*)", "f.achieved_on BETWEEN %(start)s AND %(end)s"),
    "school.attrition_rate": roll("school", "100.0 * count(*) FILTER (WHERE f.status = 'withdrawn' AND f.left_on BETWEEN %(start)s AND %(end)s) / count(*)"),
    "school.employment_rate": employment("school", "100.0 * count(*) FILTER (WHERE f.status <> 'unemployed') / count(*)"),
    # department
    "department.students": roll("department", "count(*)"),
    "department.attendance_rate": attendance("department", ATTENDED),
    "department.pass_rate": grades("department", PASSED),
    "department.evaluation_average": evaluation("department"),
    "department.teacher_training_hours": training_per_teacher("department"),
    "department.research_outputs": grouped("department", VIA_STAFF, "datacenter_researchoutput", "count(*)", "f.achieved_on BETWEEN %(start)s AND %(end)s"),
    "department.dual_qualified_share": dual_share("department"),
    "department.employment_rate": employment("department", "100.0 * count(*) FILTER (WHERE f.status <> 'unemployed') / count(*)"),
    # specialty
    "specialty.enrolment_plan_completion": plan_completion("specialty"),
    "specialty.registration_rate": grouped("specialty", VIA_SPECIALTY, "datacenter_admission",
                                           "100.0 * count(*) FILTER (WHERE f.registered) / count(*)", "f.year = %(intake)s"),
    "specialty.students": roll("specialty", "count(*)"),
    "specialty.student_teacher_ratio": student_teacher("specialty"),
    "specialty.dual_qualified_share": offering_teachers("specialty", "100.0 * count(DISTINCT o.teacher_id) FILTER (WHERE sf.is_dual_qualified) / count(DISTINCT o.teacher_id)"),
    "specialty.teachers": offering_teachers("specialty", "count(DISTINCT o.teacher_id)"),
    "specialty.attrition_rate": roll("specialty", "100.0 * count(*) FILTER (WHERE f.status = 'withdrawn' AND f.left_on BETWEEN %(start)s AND %(end)s) / count(*)"),
    "specialty.pass_rate": grades("specialty", PASSED),
    "specialty.attendance_rate": attendance("specialty", ATTENDED),
    "specialty.certificate_rate": grouped("specialty", STUDENT_ROLL, "datacenter_student", CERTIFICATE[0], ON_ROLL, CERTIFICATE[1]),
    "specialty.employment_rate": employment("specialty", "100.0 * count(*) FILTER (WHERE f.status <> 'unemployed') / count(*)"),
    "specialty.employment_relevance": employment("specialty", "100.0 * count(*) FILTER (WHERE f.relevant) / count(*)",
                                                 " AND f.status IN ('employed', 'flexible', 'self_employed')"),
    "specialty.average_salary": employment("specialty", "avg(f.monthly_salary)",
                                           " AND f.status IN ('employed', 'flexible', 'self_employed') AND f.monthly_salary IS NOT NULL"),
    # course
    "course.pass_rate": grades("course", PASSED),
    "course.average_score": grades("course", "avg(f.score)"),
    "course.evaluation_average": evaluation("course"),
    "course.attendance_rate": attendance("course", ATTENDED),
    "course.submission_rate": submissions("course"),
    "course.offerings": grouped("course", {"course": ("f.course_id", TERM_OFFERINGS)}, "datacenter_offering", "count(*)", OVERLAP),
    "course.students": grouped("course", {"course": ("o.course_id", "JOIN datacenter_offering o ON o.id = f.offering_id JOIN datacenter_term t ON t.id = o.term_id")},
                               "datacenter_enrolment", "count(DISTINCT f.student_id)", OVERLAP),
    "course.online_resources": learning("course", "count(DISTINCT f.activity)", "f.date BETWEEN %(start)s AND %(end)s AND f.activity <> ''"),
    "course.online_activity": learning("course", "count(*)"),
    # offering
    "offering.attendance_rate": attendance("offering", ATTENDED),
    "offering.absence_rate": attendance("offering", "100.0 * count(*) FILTER (WHERE f.status = 'absent') / count(*)"),
    "offering.submission_rate": submissions("offering"),
    "offering.interaction": INTERACTION,
    "offering.evaluation_score": evaluation("offering"),
    "offering.supervisor_score": evaluation("offering", "supervisor"),
    "offering.pass_rate": grades("offering", PASSED),
    "offering.average_score": grades("offering", "avg(f.score)"),
    "offering.sessions_held": grouped("offering", VIA_OFFERING, "datacenter_classsession", "count(*)", HELD),
    # teacher
    "teacher.teaching_hours": grouped("teacher", VIA_OFFERING, "datacenter_classsession", "sum(f.periods)", HELD),
    "teacher.courses_taught": grouped("teacher", {"teacher": ("f.teacher_id", TERM_OFFERINGS)}, "datacenter_offering", "count(DISTINCT f.course_id)", OVERLAP),
    "teacher.evaluation_average": evaluation("teacher"),
    "teacher.pass_rate": grades("teacher", PASSED),
    "teacher.attendance_rate": attendance("teacher", ATTENDED),
    # What a teacher did, over the roster: 0 for a teacher without a record (the window has records).
    "teacher.research_outputs": roster("datacenter_researchoutput", "count(*)", "achieved_on"),
    "teacher.training_hours": roster("datacenter_trainingrecord", "sum(hours)", "attended_on"),
    "teacher.enterprise_practice_days": roster("datacenter_enterprisepractice", "sum(days)", "start_date"),
    "teacher.awards": roster("datacenter_award", "count(*)", "awarded_on"),
    "teacher.dual_qualified": ("SELECT s.id, CASE WHEN f.is_dual_qualified THEN 1 ELSE 0 END FROM datacenter_staff f "
                               "JOIN datacenter_subject s ON s.level = 'teacher' AND s.staff_id = f.id WHERE f.is_teacher"),
    # student
    "student.attendance_rate": attendance("student", ATTENDED),
    "student.absent_periods": attendance("student", "coalesce(sum(f.periods) FILTER (WHERE f.status = 'absent'), 0)"),
    "student.late_count": attendance("student", "count(*) FILTER (WHERE f.status = 'late')"),
    "student.leave_periods": attendance("student", "coalesce(sum(f.periods) FILTER (WHERE f.status = 'leave'), 0)"),
    "student.assignment_submission_rate": submissions("student"),
    "student.gpa": grades("student", GPA, joins="JOIN datacenter_offering o ON o.id = f.offering_id JOIN datacenter_course c ON c.id = o.course_id"),
    "student.average_score": grades("student", "avg(f.score)"),
    "student.failed_courses": grades("student", "count(*) FILTER (WHERE NOT f.passed)"),
    "student.credits_earned_ratio": CREDITS,
    "student.online_activity": learning("student", "count(*)"),
    "student.online_minutes": learning("student", "sum(f.duration_seconds) / 60.0"),
    "student.fitness_score": grouped("student", VIA_STUDENT, "datacenter_fitnesstest", "avg(f.score)", "f.tested_on BETWEEN %(start)s AND %(end)s"),
    **{f"student.activity_hours_{a}": grouped("student", VIA_STUDENT, "datacenter_activityrecord",
                                               f"coalesce(sum(f.hours) FILTER (WHERE f.aspect = '{a}'), 0)",
                                               "f.occurred_on BETWEEN %(start)s AND %(end)s") for a in ASPECTS},
    "student.awards": grouped("student", VIA_STUDENT, "datacenter_award", "count(*)",
                              "f.kind IN ('competition', 'honour') AND f.awarded_on BETWEEN %(start)s AND %(end)s"),
    "student.certificates": grouped("student", VIA_STUDENT, "datacenter_award", "count(*)",
                                    "f.kind IN ('certificate', '1+x') AND f.awarded_on BETWEEN %(start)s AND %(end)s"),
}


# Indicators whose value is not one aggregate: no hand-written floor, timed on their own.
NO_FLOOR = {
    "school.task_completion": "chains.progress in Python over two queries",
    "department.task_completion": "chains.progress in Python over two queries",
}
# The quality-culture shares are provided by the cycles app (registry.provide) over two or three
# queries of cycles, warnings and actions; they are timed, not compared with a floor.
for _level in ("school", "department"):
    for _code in ("selfdiag_on_time", "warnings_acknowledged", "corrections_worked", "actions_on_time"):
        NO_FLOOR[f"{_level}.{_code}"] = "provided by the cycles app over two or three queries"


def run_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {sid: value for sid, value in cursor.fetchall() if sid is not None and value is not None}


def same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(abs(float(a[k]) - float(b[k])) <= 1e-3 * max(1.0, abs(float(b[k]))) for k in a)


def best(fn, repeat):
    times = []
    for _i in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--window", default="2025-2026-2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated codes or level prefixes")
    args = parser.parse_args()
    window = parse(args.window)
    params = {"start": window.start, "end": window.end, "today": today(), "census": window.start,
              "entered": windows.intake_cohort(windows.days(window.start, window.start)),
              "graduates": windows.graduating_cohort(window), "intake": windows.intake_cohort(window)}
    indicators = registry.builtin_indicators()
    if args.only:
        wanted = args.only.split(",")
        indicators = [i for i in indicators if any(i.code == w or i.code.startswith(w + ".") for w in wanted)]
    missing = [i.code for i in indicators if i.code not in SQL and i.code not in NO_FLOOR]
    if missing:
        sys.exit(f"no hand-written SQL for: {', '.join(missing)}")
    print(f"database {connection.settings_dict['NAME']} · window {windows.label(window)} · best of {args.repeat}")
    print(f"{'indicator':42s} {'subjects':>8s} {'evaluate ms':>12s} {'SQL ms':>9s} {'ratio':>6s}  same")
    worst, wrong, total_orm, total_sql = 0.0, [], 0.0, 0.0
    for indicator in indicators:
        if indicator.code in NO_FLOOR:
            indicator.evaluate(window)
            orm_time = best(lambda: indicator.evaluate(window), args.repeat)
            print(f"{indicator.code:42s} {len(indicator.evaluate(window)):8d} {orm_time * 1000:12.1f} {'n/a':>9s} {'':6s}  "
                  f"({NO_FLOOR[indicator.code]})", flush=True)
            continue
        sql = SQL[indicator.code]
        orm_values, sql_values = indicator.evaluate(window), run_sql(sql, params)  # warm-up, and the check
        orm_time = sql_time = float("inf")
        for _i in range(args.repeat):  # interleaved: both see the same load
            orm_time = min(orm_time, best(lambda: indicator.evaluate(window), 1))
            sql_time = min(sql_time, best(lambda: run_sql(sql, params), 1))
        ratio = orm_time / sql_time if sql_time else float("nan")
        ok = same(orm_values, sql_values)
        if not ok:
            wrong.append(indicator.code)
        worst = max(worst, ratio)
        total_orm += orm_time
        total_sql += sql_time
        print(f"{indicator.code:42s} {len(orm_values):8d} {orm_time * 1000:12.1f} {sql_time * 1000:9.1f} {ratio:6.2f}  {'yes' if ok else 'NO'}",
              flush=True)
    print(f"{'total':42s} {'':8s} {total_orm * 1000:12.1f} {total_sql * 1000:9.1f} {total_orm / total_sql:6.2f}")
    floored = [i for i in indicators if i.code in SQL]
    print(f"worst ratio {worst:.2f} (target 1.5); {len(floored)} indicators against a floor, {len(indicators) - len(floored)} without; "
          f"values differ: {', '.join(wrong) or 'none'}")


if __name__ == "__main__":
    main()
