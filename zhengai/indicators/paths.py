"""How each data-dictionary table reaches a window and each level (指标取数路径).

Built-in and custom indicators read facts the same way: filter a table's rows to a window by its
date column, then group them by the lookup that leads from a row to the master row of a level
(attendance → student → specialty → department …). Declaring these paths once keeps custom
indicators safe — a user picks a table and a level, never a lookup — and keeps every evaluator a
single ``GROUP BY`` query.

``window`` kinds:
  ``("date", field)``      rows whose date ``field`` lies in the window
  ``("datetime", field)``  the same for a timestamp (compared by its date)
  ``("year", field)``      rows whose integer year ``field`` lies in the window's years
  ``("graduates", field)`` rows of the graduation cohort (毕业届别) the window holds
                           (``windows.graduating_cohort``: one cohort, never two added together)
  ``("intake", field)``    rows of the intake (招生年级) the window holds (``windows.intake_cohort``)
  ``("term", prefix)``     rows whose term (``prefix`` + ``start_date``/``end_date``) overlaps the window
  ``None``                 a state table (students, teachers): no window filter
"""

from dataclasses import dataclass

from django.db.models import Q

from zhengai.core.windows import graduating_cohort, intake_cohort
from zhengai.datacenter.choices import Level

_STUDENT = {
    Level.STUDENT: "student_id",
    Level.SPECIALTY: "student__specialty_id",
    Level.DEPARTMENT: "student__specialty__department_id",
    Level.SCHOOL: "",
}


_OFFERING_FK = {
    Level.OFFERING: "offering_id",
    Level.COURSE: "offering__course_id",
    Level.TEACHER: "offering__teacher_id",
}


@dataclass(frozen=True)
class TablePath:
    window: tuple[str, str] | None
    levels: dict  # level → lookup to the master id of that level ("" = the whole school)


PATHS: dict[str, TablePath] = {
    "attendance": TablePath(("date", "date"), {**_STUDENT, **_OFFERING_FK}),
    "grades": TablePath(("date", "recorded_on"), {**_STUDENT, **_OFFERING_FK}),
    "learning_activity": TablePath(("date", "date"), {**_STUDENT, **_OFFERING_FK}),
    "submissions": TablePath(("datetime", "submitted_at"), {**_STUDENT, Level.OFFERING: "assignment__offering_id",
                                                            Level.COURSE: "assignment__offering__course_id",
                                                            Level.TEACHER: "assignment__offering__teacher_id"}),
    "enrolments": TablePath(("term", "offering__term__"), {**_STUDENT, **_OFFERING_FK}),
    "sessions": TablePath(("date", "date"), {Level.OFFERING: "offering_id", Level.COURSE: "offering__course_id",
                                             Level.TEACHER: "offering__teacher_id",
                                             Level.SPECIALTY: "offering__course__specialty_id",
                                             Level.DEPARTMENT: "offering__course__department_id", Level.SCHOOL: ""}),
    "assignments": TablePath(("date", "due_date"), {Level.OFFERING: "offering_id", Level.COURSE: "offering__course_id",
                                                    Level.TEACHER: "offering__teacher_id",
                                                    Level.SPECIALTY: "offering__course__specialty_id",
                                                    Level.DEPARTMENT: "offering__course__department_id", Level.SCHOOL: ""}),
    "evaluations": TablePath(("date", "evaluated_on"), {Level.OFFERING: "offering_id", Level.COURSE: "offering__course_id",
                                                        Level.TEACHER: "offering__teacher_id",
                                                        Level.SPECIALTY: "offering__course__specialty_id",
                                                        Level.DEPARTMENT: "offering__course__department_id", Level.SCHOOL: ""}),
    "offerings": TablePath(("term", "term__"), {Level.OFFERING: "id", Level.COURSE: "course_id", Level.TEACHER: "teacher_id",
                                                Level.SPECIALTY: "course__specialty_id",
                                                Level.DEPARTMENT: "course__department_id", Level.SCHOOL: ""}),
    "research": TablePath(("date", "achieved_on"), {Level.TEACHER: "staff_id", Level.DEPARTMENT: "staff__department_id", Level.SCHOOL: ""}),
    "training": TablePath(("date", "attended_on"), {Level.TEACHER: "staff_id", Level.DEPARTMENT: "staff__department_id", Level.SCHOOL: ""}),
    "enterprise_practice": TablePath(("date", "start_date"), {Level.TEACHER: "staff_id", Level.DEPARTMENT: "staff__department_id",
                                                              Level.SCHOOL: ""}),
    # Awards of students reach specialties and departments through the student; a teacher's through staff.
    "awards": TablePath(("date", "awarded_on"), {**_STUDENT, Level.TEACHER: "staff_id"}),
    "fitness_tests": TablePath(("date", "tested_on"), dict(_STUDENT)),
    "activities": TablePath(("date", "occurred_on"), dict(_STUDENT)),
    "employment": TablePath(("graduates", "graduation_year"), dict(_STUDENT)),
    "admissions": TablePath(("intake", "year"), {Level.SPECIALTY: "specialty_id", Level.DEPARTMENT: "specialty__department_id",
                                               Level.SCHOOL: ""}),
    "enrolment_plans": TablePath(("intake", "year"), {Level.SPECIALTY: "specialty_id", Level.DEPARTMENT: "specialty__department_id",
                                                    Level.SCHOOL: ""}),
    "students": TablePath(None, {Level.STUDENT: "id", Level.SPECIALTY: "specialty_id",
                                 Level.DEPARTMENT: "specialty__department_id", Level.SCHOOL: ""}),
    "teachers": TablePath(None, {Level.TEACHER: "id", Level.DEPARTMENT: "department_id", Level.SCHOOL: ""}),
}


def window_q(table: str, window) -> Q:
    """The filter that keeps the rows of ``table`` inside ``window``."""
    spec = PATHS[table].window
    if spec is None:
        return Q()
    kind, field = spec
    if kind == "date":
        return Q(**{f"{field}__range": (window.start, window.end)})
    if kind == "datetime":
        return Q(**{f"{field}__date__range": (window.start, window.end)})
    if kind == "year":
        return Q(**{f"{field}__range": (window.start.year, window.end.year)})
    if kind == "graduates":
        return Q(**{field: graduating_cohort(window)})
    if kind == "intake":
        return Q(**{field: intake_cohort(window)})
    if kind == "term":
        return Q(**{f"{field}start_date__lte": window.end, f"{field}end_date__gte": window.start})
    raise ValueError(kind)


def group_lookup(table: str, level: str) -> str:
    """The lookup from a row of ``table`` to the master id of ``level`` ("" for the school)."""
    try:
        return PATHS[table].levels[level]
    except KeyError:
        raise LookupError(f"{table} → {level}") from None


def levels_of(table: str) -> list[str]:
    return [lv for lv in Level.values if lv in PATHS[table].levels]
