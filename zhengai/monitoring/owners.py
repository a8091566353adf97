"""Who owns a warning, by role and scope, for many subjects at once (a fixed number of queries).

- student → the student and the counsellor(s) of their class
- offering → its teacher and the course leader(s)
- course → the course leader(s); teacher → the teacher; specialty → its leader(s) and the
  department head(s); department → its head(s); school → the quality office
Escalation goes one level up: student → specialty leader(s); offering, course, teacher → department
head(s); specialty, department → quality office; school → school leaders.

People are found both through the master data (``Specialty.leader``, ``Course.leader``,
``AdminClass.counsellor``, ``Offering.teacher`` and the person's account) and through role
assignments over the same scope, so a college that records one and not the other still works.
"""

from collections import defaultdict

from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import AdminClass, Course, Offering, Specialty, Staff, Student, Subject
from zhengai.org.choices import Role
from zhengai.org.models import RoleAssignment

ESCALATION_LEVEL = {
    Level.STUDENT: Level.SPECIALTY,
    Level.OFFERING: Level.DEPARTMENT,
    Level.COURSE: Level.DEPARTMENT,
    Level.TEACHER: Level.DEPARTMENT,
    Level.SPECIALTY: Level.SCHOOL,
    Level.DEPARTMENT: Level.SCHOOL,
    Level.SCHOOL: Level.SCHOOL,
}


def _role_users(role: str, column: str | None, ids) -> dict:
    """scope id → user ids holding ``role`` over it (one query)."""
    qs = RoleAssignment.objects.filter(role=role, user__is_active=True)
    if column is None:
        return {None: set(qs.values_list("user_id", flat=True))}
    out = defaultdict(set)
    for scope_id, user_id in qs.filter(**{f"{column}__in": list(ids)}).values_list(column, "user_id"):
        out[scope_id].add(user_id)
    return out


def _merge(*maps) -> dict:
    out = defaultdict(set)
    for m in maps:
        for k, v in m.items():
            out[k] |= set(v)
    return out


def _by_master(model, ids, path) -> dict:
    """master id → {user id} following ``path`` to a person's account (one query)."""
    out = defaultdict(set)
    for pk, user_id in model.objects.filter(pk__in=list(ids), **{f"{path}__isnull": False}).values_list("pk", path):
        out[pk].add(user_id)
    return out


def _department_heads(dept_ids):
    return _role_users(Role.DEPARTMENT_HEAD, "department_id", dept_ids)


def _specialty_leaders(spec_ids):
    return _merge(_by_master(Specialty, spec_ids, "leader__user"), _role_users(Role.SPECIALTY_LEADER, "specialty_id", spec_ids))


def _course_leaders(course_ids):
    return _merge(_by_master(Course, course_ids, "leader__user"), _role_users(Role.COURSE_LEADER, "course_id", course_ids))


def owners_for(level: str, subjects: dict[int, dict]) -> dict[int, set[int]]:
    """subject id → owner user ids. ``subjects`` maps subject id → its coordinates
    (``student_id``, ``staff_id``, ``offering_id``, ``course_id``, ``specialty_id``, ``department_id``,
    ``admin_class_id``)."""
    out: dict[int, set[int]] = {sid: set() for sid in subjects}

    def col(name):
        return {s[name] for s in subjects.values() if s.get(name)}

    def spread(mapping, name):
        for sid, s in subjects.items():
            out[sid] |= mapping.get(s.get(name), set())

    if level == Level.STUDENT:
        spread(_by_master(Student, col("student_id"), "user"), "student_id")
        classes = col("admin_class_id")
        spread(_merge(_by_master(AdminClass, classes, "counsellor__user"),
                      _role_users(Role.COUNSELLOR, "admin_class_id", classes)), "admin_class_id")
    elif level == Level.OFFERING:
        spread(_by_master(Offering, col("offering_id"), "teacher__user"), "offering_id")
        spread(_course_leaders(col("course_id")), "course_id")
    elif level == Level.COURSE:
        spread(_course_leaders(col("course_id")), "course_id")
    elif level == Level.TEACHER:
        spread(_by_master(Staff, col("staff_id"), "user"), "staff_id")
    elif level == Level.SPECIALTY:
        spread(_specialty_leaders(col("specialty_id")), "specialty_id")
        spread(_department_heads(col("department_id")), "department_id")
    elif level == Level.DEPARTMENT:
        spread(_department_heads(col("department_id")), "department_id")
    else:
        quality = _role_users(Role.QUALITY_OFFICE, None, None)[None]
        for sid in out:
            out[sid] |= quality
    return out


def escalation_owners(level: str, subjects: dict[int, dict]) -> tuple[str, dict[int, set[int]]]:
    """(the level escalated to, subject id → user ids one level up)."""
    up = ESCALATION_LEVEL[level]
    out: dict[int, set[int]] = {sid: set() for sid in subjects}

    def spread(mapping, name):
        for sid, s in subjects.items():
            out[sid] |= mapping.get(s.get(name), set())

    if up == Level.SPECIALTY:
        spread(_specialty_leaders({s["specialty_id"] for s in subjects.values() if s.get("specialty_id")}), "specialty_id")
    elif up == Level.DEPARTMENT:
        spread(_department_heads({s["department_id"] for s in subjects.values() if s.get("department_id")}), "department_id")
    else:
        role = Role.LEADER if level == Level.SCHOOL else Role.QUALITY_OFFICE
        users = _role_users(role, None, None)[None]
        for sid in out:
            out[sid] |= users
    return up, out


SUBJECT_COLUMNS = ("pk", "key", "name", "student_id", "staff_id", "offering_id", "course_id", "specialty_id",
                   "department_id", "admin_class_id")


def active_subject_ids(level: str) -> set[int]:
    """The ids of the active subjects of ``level`` (one query)."""
    return set(Subject.objects.filter(level=level, active=True).values_list("pk", flat=True))


def subject_rows(level: str, ids=None) -> dict[int, dict]:
    """subject id → its coordinates, for the active subjects of ``level`` (one query)."""
    qs = Subject.objects.filter(level=level)
    qs = qs.filter(pk__in=list(ids)) if ids is not None else qs.filter(active=True)
    return {row["pk"]: row for row in qs.values(*SUBJECT_COLUMNS)}
