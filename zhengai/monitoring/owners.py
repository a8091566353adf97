"""Who owns a warning (责任人): derived from role scopes when asked, never stored — so a counsellor
whose role over a class is removed no longer owns (or hears of) that class's warnings.

- student → the student (their own 学生 role) and the counsellor(s) of their class
- offering → its teacher (their 教师 role) and the course leader(s)
- course → the course leader(s); teacher → the teacher; specialty → its leader(s) and the
  department head(s); department → its head(s); school → the quality office

Escalation adds one level up: student → specialty leader(s); offering, course, teacher → department
head(s); specialty, department → quality office; school → school leaders. Whoever raised a flag
(关注) follows it too. Seeing and acting remain ``zhengai.org.access``'s: an owner sees a warning
because their scope reaches it, not because they own it.

A fixed number of queries whatever the number of warnings: one for the warnings, one per (role,
scope column) the levels involved name.
"""

from collections import defaultdict

from django.db.models import Q

from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.org.access import roles_of
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

# (role, the subject's coordinate its scope is matched on; None: school-wide). A 学生 or 教师 role
# is matched on the person linked to the account.
OWNERS = {
    Level.STUDENT: [(Role.STUDENT, "student_id"), (Role.COUNSELLOR, "admin_class_id")],
    Level.OFFERING: [(Role.TEACHER, "staff_id"), (Role.COURSE_LEADER, "course_id")],
    Level.COURSE: [(Role.COURSE_LEADER, "course_id")],
    Level.TEACHER: [(Role.TEACHER, "staff_id")],
    Level.SPECIALTY: [(Role.SPECIALTY_LEADER, "specialty_id"), (Role.DEPARTMENT_HEAD, "department_id")],
    Level.DEPARTMENT: [(Role.DEPARTMENT_HEAD, "department_id")],
    Level.SCHOOL: [(Role.QUALITY_OFFICE, None)],
}


def escalation_owners_of(level: str) -> list[tuple[str, str | None]]:
    up = ESCALATION_LEVEL[level]
    if level == Level.SCHOOL:
        return [(Role.LEADER, None)]
    if up == Level.SPECIALTY:
        return [(Role.SPECIALTY_LEADER, "specialty_id")]
    if up == Level.DEPARTMENT:
        return [(Role.DEPARTMENT_HEAD, "department_id")]
    return [(Role.QUALITY_OFFICE, None)]


# The assignment column a role's scope is held on, and for the self roles the person behind the account.
_ROLE_COLUMN = {
    "student_id": "user__student__id", "staff_id": "user__staff__id", "admin_class_id": "admin_class_id",
    "course_id": "course_id", "specialty_id": "specialty_id", "department_id": "department_id",
}


def _holders(role: str, column: str | None, ids) -> dict:
    """scope id → user ids holding ``role`` over it (None → every holder); one query."""
    qs = RoleAssignment.objects.filter(role=role, user__is_active=True)
    if column is None:
        return {None: set(qs.values_list("user_id", flat=True))}
    path = _ROLE_COLUMN[column]
    out = defaultdict(set)
    for scope_id, user_id in qs.filter(**{f"{path}__in": sorted(ids)}).values_list(path, "user_id"):
        out[scope_id].add(user_id)
    return out


def _spread(rows: dict[int, dict], specs_of) -> dict[int, set[int]]:
    """key → user ids, for ``rows`` (key → subject coordinates) and ``specs_of(key) → [(role, column)]``."""
    wanted = defaultdict(set)
    for key, row in rows.items():
        for role, column in specs_of(key):
            if column is None or row.get(column):
                wanted[(role, column)].add(row.get(column) if column else None)
    found = {spec: _holders(*spec, ids) for spec, ids in wanted.items()}
    out = {key: set() for key in rows}
    for key, row in rows.items():
        for role, column in specs_of(key):
            out[key] |= found.get((role, column), {}).get(row.get(column) if column else None, set())
    return out


def owners_for(level: str, subjects: dict[int, dict]) -> dict[int, set[int]]:
    """subject id → its owners' user ids. ``subjects`` maps subject id → its coordinates
    (``student_id``, ``staff_id``, ``offering_id``, ``course_id``, ``specialty_id``,
    ``department_id``, ``admin_class_id``)."""
    return _spread(subjects, lambda _sid: OWNERS[level])


WARNING_COLUMNS = ("pk", "level", "escalated_level", "source", "raised_by_id") + tuple(
    f"subject__{c}" for c in ("student_id", "staff_id", "course_id", "specialty_id", "department_id", "admin_class_id"))


def owners_of(warning_ids) -> dict[int, set[int]]:
    """warning id → the user ids who own it now: the owners of its level, those one level up once
    it is escalated, and whoever raised it by hand."""
    from .models import Warning

    rows = {}
    for row in Warning.objects.filter(pk__in=list(warning_ids)).values(*WARNING_COLUMNS):
        rows[row["pk"]] = {**{k.removeprefix("subject__"): v for k, v in row.items()}}

    def specs(wid):
        row = rows[wid]
        return OWNERS[row["level"]] + (escalation_owners_of(row["level"]) if row["escalated_level"] else [])

    out = _spread(rows, specs)
    for wid, row in rows.items():
        if row["raised_by_id"]:
            out[wid].add(row["raised_by_id"])
    return out


def owned_q(user) -> Q:
    """The warnings ``user`` owns (the list's "mine" and the home page's to-do), from their role
    assignments (cached per request): no query of its own beyond the person behind the account."""
    from zhengai.org.access import grants_for

    grants = grants_for(user)
    if grants.is_empty():
        return Q(pk__in=[])
    held = defaultdict(set)  # (role, column) → scope ids
    for role, department, specialty, course, admin_class in roles_of(user):
        for column, value in (("department_id", department), ("specialty_id", specialty), ("course_id", course),
                              ("admin_class_id", admin_class)):
            if value:
                held[(role, column)].add(value)
        if role == Role.STUDENT:
            held[(role, "student_id")] |= grants.self_student
        elif role == Role.TEACHER:
            held[(role, "staff_id")] |= grants.self_staff
        held[(role, None)].add(None)
    q = Q(raised_by_id=user.pk)
    for level, specs in OWNERS.items():
        for role, column in specs:
            q |= _q_for(held, role, column, Q(level=level))
        for role, column in escalation_owners_of(level):
            q |= _q_for(held, role, column, Q(level=level) & ~Q(escalated_level=""))
    return q


def _q_for(held, role, column, base: Q) -> Q:
    ids = held.get((role, column))
    if not ids:
        return Q(pk__in=[])
    if column is None:
        return base
    return base & Q(**{f"subject__{column}__in": sorted(ids)})


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
