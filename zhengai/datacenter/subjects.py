"""Keeping the subject registry (质量主体) in step with master data, set-based.

``sync_subjects()`` reads each master table once, compares it with the registry in memory and
writes the difference in bulk: a handful of queries per level whatever the number of rows. Imports
call it after they change master data; it is idempotent.
"""

from django.conf import settings
from django.db import transaction

from .choices import Level, StudentStatus
from .models import Course, Department, Offering, Specialty, Staff, Student, Subject

SCHOOL_KEY = "school"

_COORDINATES = ("department_id", "specialty_id", "course_id", "offering_id", "admin_class_id", "staff_id", "student_id")


def _desired_rows(level: str) -> dict[str, dict]:
    """The registry rows each master row of ``level`` should have, keyed by natural key."""
    rows: dict[str, dict] = {}
    if level == Level.DEPARTMENT:
        for pk, code, name in Department.objects.values_list("pk", "code", "name"):
            rows[code] = {"name": name, "department_id": pk, "active": True}
    elif level == Level.SPECIALTY:
        for pk, code, name, dept in Specialty.objects.values_list("pk", "code", "name", "department_id"):
            rows[code] = {"name": name, "department_id": dept, "specialty_id": pk, "active": True}
    elif level == Level.COURSE:
        for pk, code, name, dept, spec in Course.objects.values_list("pk", "code", "name", "department_id", "specialty_id"):
            rows[code] = {"name": name, "department_id": dept, "specialty_id": spec, "course_id": pk, "active": True}
    elif level == Level.OFFERING:
        qs = Offering.objects.values_list(
            "pk", "code", "course__name", "course_id", "course__department_id", "course__specialty_id",
            "admin_class_id", "teacher_id",
        )
        for pk, code, course_name, course, dept, spec, klass, teacher in qs:
            rows[code] = {
                "name": f"{course_name}（{code}）", "department_id": dept, "specialty_id": spec, "course_id": course,
                "offering_id": pk, "admin_class_id": klass, "staff_id": teacher, "active": True,
            }
    elif level == Level.TEACHER:
        for pk, no, name, dept in Staff.objects.filter(is_teacher=True).values_list("pk", "staff_no", "name", "department_id"):
            rows[no] = {"name": name, "department_id": dept, "staff_id": pk, "active": True}
    elif level == Level.STUDENT:
        qs = Student.objects.values_list("pk", "student_no", "name", "specialty__department_id", "specialty_id", "admin_class_id", "status")
        for pk, no, name, dept, spec, klass, status in qs:
            rows[no] = {
                "name": name, "department_id": dept, "specialty_id": spec, "admin_class_id": klass, "student_id": pk,
                "active": status in (StudentStatus.ENROLLED, StudentStatus.SUSPENDED),
            }
    return rows


_PARENT = {
    Level.DEPARTMENT: (Level.SCHOOL, None),
    Level.SPECIALTY: (Level.DEPARTMENT, "department_id"),
    Level.COURSE: (Level.DEPARTMENT, "department_id"),
    Level.TEACHER: (Level.DEPARTMENT, "department_id"),
    Level.OFFERING: (Level.COURSE, "course_id"),
    Level.STUDENT: (Level.SPECIALTY, "specialty_id"),
}


@transaction.atomic
def sync_subjects(levels=None) -> dict[str, int]:
    """Create, update and deactivate registry rows so they match master data. Returns changed counts."""
    school, _ = Subject.objects.get_or_create(
        level=Level.SCHOOL, key=SCHOOL_KEY, defaults={"name": getattr(settings, "ZHENGAI_SCHOOL_NAME", "学校")}
    )
    changed = {}
    order = [Level.DEPARTMENT, Level.SPECIALTY, Level.COURSE, Level.TEACHER, Level.OFFERING, Level.STUDENT]
    for level in order:
        if levels and level not in levels:
            continue
        desired = _desired_rows(level)
        parent_level, parent_column = _PARENT[level]
        if parent_column is None:
            parent_ids = None
        else:
            own = f"{parent_column}"
            parent_ids = dict(Subject.objects.filter(level=parent_level).values_list(own, "pk"))
        existing = {s.key: s for s in Subject.objects.filter(level=level)}
        to_create, to_update = [], []
        fields = ["name", "active", "parent_id", *_COORDINATES]
        for key, row in desired.items():
            values = {c: row.get(c) for c in _COORDINATES}
            values["name"] = row["name"]
            values["active"] = row["active"]
            values["parent_id"] = school.pk if parent_ids is None else parent_ids.get(row.get(parent_column))
            subject = existing.pop(key, None)
            if subject is None:
                to_create.append(Subject(level=level, key=key, **values))
            elif any(getattr(subject, f) != values[f] for f in fields):
                for f in fields:
                    setattr(subject, f, values[f])
                to_update.append(subject)
        # Rows whose master row is gone stay (history refers to them) but no longer count.
        for subject in existing.values():
            if subject.active:
                subject.active = False
                to_update.append(subject)
        Subject.objects.bulk_create(to_create, batch_size=2000)
        Subject.objects.bulk_update(to_update, fields, batch_size=2000)
        changed[level] = len(to_create) + len(to_update)
    return changed


def subject_ids(level: str) -> dict[int, int]:
    """Master-row id → subject id for one level, in one query: how evaluators key their results."""
    from .models.subjects import LEVEL_COLUMN

    column = LEVEL_COLUMN[level]
    if column is None:
        return dict(Subject.objects.filter(level=level).values_list("pk", "pk"))
    return dict(Subject.objects.filter(level=level).values_list(f"{column}_id", "pk"))
