"""The one gate: what a user may see and change.

Every list, export, page and API reuses ``restrict(queryset, user, action)``; single objects go
through ``access_object``. A model says how its rows lie inside scopes with a ``scope_lookups``
mapping (scope kind → lookup to that scope's id); this module turns a user's role assignments
into one ``Q`` over those lookups. Views never filter by role on their own.

Scope kinds in ``scope_lookups``: ``department``, ``specialty``, ``course``, ``admin_class``,
``self_staff`` (rows belonging to the staff member signed in) and ``self_student``.

Some rows are about one quality subject, and there it matters whose the subject *is*: its owner
(责任人) writes for it, a head over it reviews. Such a model also declares ``subject_level_lookup``
(the lookup to its subject's level); ``owner_q`` and ``head_q`` read it with ``scope_lookups``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404

from .choices import ROLE_SCOPE, Role, ScopeKind

VIEW = "view"
CHANGE = "change"

# School leaders read everything and change nothing; every other role may change what it can see
# (what a change means — approving, acknowledging, editing one's own goals — is each app's rule).
READ_ONLY_ROLES = {Role.LEADER}


@dataclass
class Grants:
    """The scopes a user's roles reach, per action."""

    school: bool = False
    department: set[int] = field(default_factory=set)
    specialty: set[int] = field(default_factory=set)
    course: set[int] = field(default_factory=set)
    admin_class: set[int] = field(default_factory=set)
    self_staff: set[int] = field(default_factory=set)
    self_student: set[int] = field(default_factory=set)

    def is_empty(self) -> bool:
        return not (self.school or self.department or self.specialty or self.course or self.admin_class
                    or self.self_staff or self.self_student)


def roles_of(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_zhengai_roles", None)
    if cached is None:
        cached = list(user.roles.values_list("role", "department_id", "specialty_id", "course_id", "admin_class_id"))
        user._zhengai_roles = cached
    return cached


def grants_for(user, action: str = VIEW) -> Grants:
    """The union of the scopes of a user's role assignments (one query, cached on the user)."""
    grants = Grants()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return grants
    if user.is_superuser:
        grants.school = True
        return grants
    staff_id = _person_id(user, "staff")
    student_id = _person_id(user, "student")
    for role, department, specialty, course, admin_class in roles_of(user):
        if action == CHANGE and role in READ_ONLY_ROLES:
            continue
        scope = ROLE_SCOPE[Role(role)]
        if scope == ScopeKind.SCHOOL:
            grants.school = True
        elif scope == ScopeKind.DEPARTMENT and department:
            grants.department.add(department)
        elif scope == ScopeKind.SPECIALTY and specialty:
            grants.specialty.add(specialty)
        elif scope == ScopeKind.COURSE and course:
            grants.course.add(course)
        elif scope == ScopeKind.ADMIN_CLASS and admin_class:
            grants.admin_class.add(admin_class)
        elif scope == ScopeKind.SELF:
            if role == Role.STUDENT and student_id:
                grants.self_student.add(student_id)
            elif staff_id:
                grants.self_staff.add(staff_id)
    return grants


def _person_id(user, attname: str) -> int | None:
    # The reverse one-to-one raises when the account has no such person; cached after the first look.
    try:
        person = getattr(user, attname)
    except ObjectDoesNotExist:
        return None
    return person.pk


def scope_q(model, user, action: str = VIEW) -> Q | None:
    """The filter that keeps the rows of ``model`` the user may act on; None means "all rows"."""
    grants = grants_for(user, action)
    if grants.school:
        return None
    lookups = getattr(model, "scope_lookups", None)
    if lookups is None:
        raise TypeError(f"{model.__name__} declares no scope_lookups; it cannot be shown to users with a limited scope")
    q = Q(pk__in=[])
    for kind in ("department", "specialty", "course", "admin_class", "self_staff", "self_student"):
        ids = getattr(grants, kind)
        if ids and kind in lookups:
            q |= Q(**{f"{lookups[kind]}__in": sorted(ids)})
    return q


def restrict(queryset: QuerySet, user, action: str = VIEW) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may ``action`` (view or change)."""
    q = scope_q(queryset.model, user, action)
    return queryset if q is None else queryset.filter(q)


def access_object(queryset_or_model, user, action: str = VIEW, **lookup):
    """One object inside the user's scope, or 404 — the same answer whether it exists or not, so a
    user cannot probe for records outside their scope."""
    queryset = queryset_or_model if isinstance(queryset_or_model, QuerySet) else queryset_or_model._default_manager.all()
    try:
        return restrict(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def can(user, action: str, obj) -> bool:
    """Whether ``user`` may ``action`` on one already-loaded object (one query)."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


# The scope that makes a user the owner (责任人) of a subject of each level, rather than someone
# over it: the quality office for the school, a department's head, a specialty's leader, a course's
# leader, the teacher themself (and the offerings they teach), a student's counsellor (who writes
# the 操行评定 a student's standard asks for).
OWNER_SCOPE = {
    "school": "school", "department": "department", "specialty": "specialty", "course": "course",
    "offering": "self_staff", "teacher": "self_staff", "student": "admin_class",
}
# The scopes of heads (部门负责人, 专业负责人, 课程负责人) and the school: who may review what
# the owners under them submit. A counsellor's class or a teacher's self is not a head's scope.
HEAD_SCOPES = ("department", "specialty", "course")


def _level_lookup(model) -> str:
    lookup = getattr(model, "subject_level_lookup", None)
    if lookup is None:
        raise TypeError(f"{model.__name__} declares no subject_level_lookup; it is not about one subject")
    return lookup


def owner_q(model, user) -> Q:
    """The rows of ``model`` whose subject the user owns (``OWNER_SCOPE``), with a change grant."""
    grants = grants_for(user, CHANGE)
    level, lookups = _level_lookup(model), model.scope_lookups
    q = Q(pk__in=[])
    for subject_level, kind in OWNER_SCOPE.items():
        if kind == "school":
            if grants.school:
                q |= Q(**{level: subject_level})
            continue
        ids = getattr(grants, kind)
        if ids and kind in lookups:
            q |= Q(**{level: subject_level, f"{lookups[kind]}__in": sorted(ids)})
    return q


def owned(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the rows whose subject ``user`` owns."""
    return queryset.filter(owner_q(queryset.model, user))


def head_q(model, user) -> Q:
    """The rows of ``model`` a head over their subject may review: inside the user's school,
    department, specialty or course change scope, and not the user's own subject."""
    grants = grants_for(user, CHANGE)
    if grants.school:
        inside = Q()
    else:
        lookups = model.scope_lookups
        inside = Q(pk__in=[])
        for kind in HEAD_SCOPES:
            ids = getattr(grants, kind)
            if ids and kind in lookups:
                inside |= Q(**{f"{lookups[kind]}__in": sorted(ids)})
    return inside & ~owner_q(model, user)


def headed(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the rows ``user`` may review as a head over their subject."""
    return queryset.filter(head_q(queryset.model, user))


ROLE_PRIORITY = [
    Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER, Role.DEPARTMENT_HEAD, Role.SPECIALTY_LEADER,
    Role.COURSE_LEADER, Role.COUNSELLOR, Role.TEACHER, Role.STUDENT,
]


def primary_role(user) -> str | None:
    """The role a home page and navigation are shaped for: the broadest one the user holds."""
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    held = {r[0] for r in roles_of(user)}
    for role in ROLE_PRIORITY:
        if role in held:
            return role
    return None


def has_role(user, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    held = {r[0] for r in roles_of(user)}
    return bool(held.intersection(roles))
