"""What the home page shows each role, computed from data-center data only.

Each function returns the figures of one home-page section for one user, always through
``zhengai.org.access.restrict`` and always in a fixed number of queries (grouped aggregates, never
a query per class, offering or month), so the home page costs the same for a college of 300
students as for one of 20,000. Which sections a user gets follows the roles they hold
(``sections_for``); what is inside a section follows their scopes.

The attendance rate of a student or an offering is the indicator library's (``student.attendance_rate``,
``offering.attendance_rate``, read through ``values``), never computed here a second time: attended
(出勤 + 迟到) over all attendance records of the window; excused absence (请假) counts as not attended,
as the college's plan counts it. An administrative class is no level of the library, so a
counsellor's class rate is counted here by the same rule (``ATTENDED``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhengai.core import windows
from zhengai.datacenter.choices import AttendanceStatus, Level, StudentStatus
from zhengai.datacenter.models import (
    AdminClass,
    Attendance,
    Department,
    Enrolment,
    Offering,
    Specialty,
    Staff,
    Student,
    Term,
)
from zhengai.org.access import grants_for, restrict, roles_of
from zhengai.org.choices import Role

from . import values

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
STUDENT_RATE = "student.attendance_rate"
OFFERING_RATE = "offering.attendance_rate"
SCHOOL_ROLES = (Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER)


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(start, following - timedelta(days=1))


def current_term(today: date) -> Term | None:
    """The term that has started most recently by ``today`` (one query)."""
    return Term.objects.filter(start_date__lte=today).order_by("-start_date").first()


def rate(attended: int, total: int) -> float | None:
    return round(100.0 * attended / total, 1) if total else None


def shown(value: float | None) -> float | None:
    """An indicator's rate as the home page shows it: one decimal."""
    return None if value is None else round(value, 1)


def _attendance_totals():
    return {"total": Count("pk"), "attended": Count("pk", filter=Q(status__in=ATTENDED))}


def held_roles(user) -> set[str]:
    if getattr(user, "is_superuser", False):
        return {Role.ADMIN}
    return {row[0] for row in roles_of(user)}


def _role_scope_ids(user, role: str, column: int) -> list[int]:
    # roles_of rows: (role, department_id, specialty_id, course_id, admin_class_id)
    return sorted({row[column] for row in roles_of(user) if row[0] == role and row[column]})


# --- the whole school or a department / specialty: figures and one chart ----------------------------


def overview(user, term: Term | None) -> dict:
    """Counts of what the user's scope holds (4 queries) and students grouped for a chart (1 query).

    School-wide users get the chart by department; a department head by specialty; a specialty
    leader by administrative class — always the next level down from their scope.
    """
    grants = grants_for(user)
    if grants.school:
        # The whole school's counts are the same for every school-wide user and change only with
        # an import: kept (indicators.cache.by_tables), five queries over the registers saved.
        from django.utils.translation import get_language

        from zhengai.indicators import cache

        return cache.by_tables("school-overview", OVERVIEW_TABLES, f"{term.pk if term else '-'}:{get_language()}",
                               lambda: _overview(user, term, grants))
    return _overview(user, term, grants)


# What the overview counts.
OVERVIEW_TABLES = ("datacenter.student", "datacenter.staff", "datacenter.specialty", "datacenter.offering",
                   "datacenter.department", "datacenter.term")


def _overview(user, term: Term | None, grants) -> dict:
    students = restrict(Student.objects.filter(status=StudentStatus.ENROLLED), user)
    if grants.school:
        group, title = "specialty__department__name", _("各部门在读学生")
    elif grants.department:
        group, title = "specialty__name", _("各专业在读学生")
    else:
        group, title = "admin_class__name", _("各班级在读学生")
    grouped = list(students.values(group).annotate(n=Count("pk")).order_by("-n", group))
    offerings = restrict(Offering.objects.filter(term=term), user) if term else Offering.objects.none()
    return {
        "counts": [
            (_("在读学生"), students.count()),
            (_("专任教师"), restrict(Staff.objects.filter(is_teacher=True), user).count()),
            (pgettext("首页统计", "专业"), restrict(Specialty.objects.all(), user).count()),
            (_("本学期开课"), offerings.count()),
        ],
        "chart_title": title,
        "chart": {"labels": [row[group] for row in grouped], "values": [row["n"] for row in grouped]},
        "departments": restrict(Department.objects.all(), user).count() if grants.school else None,
    }


# --- counsellor: their classes ------------------------------------------------------------------------


def counsellor_classes(user, today: date) -> list[dict]:
    """The counsellor's classes with enrolled students and this month's attendance rate (2 queries)."""
    class_ids = _role_scope_ids(user, Role.COUNSELLOR, 4)
    if not class_ids:
        return []
    classes = list(
        restrict(AdminClass.objects.filter(pk__in=class_ids), user)
        .select_related("specialty")
        .annotate(students_n=Count("students", filter=Q(students__status=StudentStatus.ENROLLED)))
        .order_by("code")
    )
    month = month_of(today)
    attendance = {
        row["student__admin_class_id"]: row
        for row in restrict(Attendance.objects.filter(date__range=(month.start, month.end)), user)
        .filter(student__admin_class_id__in=[c.pk for c in classes])
        .values("student__admin_class_id")
        .annotate(**_attendance_totals())
        .order_by()
    }
    rows = []
    for klass in classes:
        a = attendance.get(klass.pk, {"total": 0, "attended": 0})
        rows.append({
            "class": klass,
            "students": klass.students_n,
            "records": a["total"],
            "rate": rate(a["attended"], a["total"]),
        })
    return rows


def class_roster(user, klass: AdminClass, term: Term | None, today: date) -> list[dict]:
    """A class's enrolled students with their attendance rate this month and this term, from the
    indicator, and their records this term (5 queries)."""
    students = list(
        restrict(Student.objects.filter(admin_class=klass, status=StudentStatus.ENROLLED), user).order_by("student_no")
    )
    month = month_of(today)
    subjects = values.subjects_of(Level.STUDENT, [s.pk for s in students])
    in_month = values.evaluate(Level.STUDENT, [STUDENT_RATE], windows.days(month.start, month.end), subjects)[STUDENT_RATE]
    month_rate = {subjects[sid]: v for sid, v in in_month.items()}
    term_rate, records = {}, {}
    if term is not None:
        so_far = windows.days(term.start_date, max(term.start_date, today))
        in_term = values.evaluate(Level.STUDENT, [STUDENT_RATE], so_far, subjects)[STUDENT_RATE]
        term_rate = {subjects[sid]: v for sid, v in in_term.items()}
        records = dict(
            restrict(Attendance.objects.filter(student__admin_class=klass, date__range=(so_far.start, so_far.end)), user)
            .values("student_id").annotate(n=Count("pk")).order_by().values_list("student_id", "n")
        )
    return [
        {
            "student": student,
            "month_rate": shown(month_rate.get(student.pk)),
            "term_rate": shown(term_rate.get(student.pk)),
            "term_records": records.get(student.pk, 0),
        }
        for student in students
    ]


# --- teacher and course leader: offerings of the current term ------------------------------------------


def offerings_table(user, term: Term | None, today: date, *, own: bool) -> list[dict]:
    """Offerings of the current term with enrolment and the attendance rate so far (4 queries).

    ``own`` keeps the offerings the user teaches (a teacher's view); otherwise those of the courses
    they lead (a course leader's view).
    """
    if term is None:
        return []
    offerings = restrict(Offering.objects.filter(term=term), user)
    if own:
        offerings = offerings.filter(teacher__user=user)
    else:
        course_ids = _role_scope_ids(user, Role.COURSE_LEADER, 3)
        if not course_ids:
            return []
        offerings = offerings.filter(course_id__in=course_ids)
    offerings = list(offerings.select_related("course", "admin_class", "teacher").order_by("code"))
    if not offerings:
        return []
    ids = [o.pk for o in offerings]
    enrolled = dict(
        restrict(Enrolment.objects.filter(offering_id__in=ids), user).values("offering_id").annotate(n=Count("pk"))
        .order_by().values_list("offering_id", "n")
    )
    so_far = windows.days(term.start_date, max(term.start_date, today))
    rates = values.by_master(Level.OFFERING, OFFERING_RATE, so_far, ids)
    return [
        {"offering": offering, "enrolled": enrolled.get(offering.pk, 0), "rate": shown(rates.get(offering.pk))}
        for offering in offerings
    ]


# --- student: their courses and attendance by month ---------------------------------------------------


def student_courses(user, student: Student, term: Term | None) -> list[Enrolment]:
    """The student's enrolments this term with course and teacher (1 query)."""
    if term is None:
        return []
    return list(
        restrict(Enrolment.objects.filter(student=student, offering__term=term), user)
        .select_related("offering__course", "offering__teacher")
        .order_by("offering__course__code")
    )


def student_attendance_by_month(user, student: Student, term: Term | None, today: date) -> dict:
    """The student's attendance rate (the indicator) for each month of the term up to today, for a
    line chart: a month without records has no point (1 query, then 1 a month of the term)."""
    if term is None:
        return {"labels": [], "series": [], "min": 0, "max": 100}
    last = min(today, term.end_date)
    subjects = values.subjects_of(Level.STUDENT, [student.pk])
    labels, points = [], []
    for month in windows.between("month", term.start_date, last) if last >= term.start_date else []:
        part = windows.days(max(month.start, term.start_date), min(month.end, last))
        found = values.evaluate(Level.STUDENT, [STUDENT_RATE], part, subjects)[STUDENT_RATE]
        if found:
            labels.append(month.start.strftime("%Y-%m"))
            points.append(shown(next(iter(found.values()))))
    return {"labels": labels, "series": [{"name": _("出勤率（%）"), "values": points}], "min": 0, "max": 100}


def sections_for(user) -> set[str]:
    """Which home sections a user gets, from the roles they hold (a teacher who is also a counsellor
    gets both)."""
    held = held_roles(user)
    sections = set()
    if held & set(SCHOOL_ROLES) or held & {Role.DEPARTMENT_HEAD, Role.SPECIALTY_LEADER}:
        sections.add("overview")
    if Role.COUNSELLOR in held:
        sections.add("classes")
    if Role.TEACHER in held:
        sections.add("teaching")
    if Role.COURSE_LEADER in held:
        sections.add("courses_led")
    if Role.STUDENT in held:
        sections.add("student")
    return sections
