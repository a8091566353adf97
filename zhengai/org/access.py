"""The one gate: what a user may see, and — asked apart — what they may do.

**May see.** ``restrict(queryset, user)`` keeps the rows inside the scopes of the user's role
assignments; ``access_object(queryset, user, **lookup)`` is one of them, or 404 (the same answer
whether it exists or not, so nobody probes outside their scope). A model says how its rows lie
inside scopes with ``scope_lookups`` (scope kind → lookup to that scope's id): ``department``,
``specialty``, ``course``, ``admin_class``, ``self_staff`` (rows of the staff member signed in),
``self_student``, and ``author`` (rows the user wrote themself — a flag they raised — seen while
they hold any role). A model about one quality subject also declares ``subject_level_lookup``, so
its owner (责任人), the heads over it and the person it is can be told apart.

**May do.** Every state change names its act. ``restrict(queryset, user, ACT)`` keeps the rows the
user may do it on (lists, set-based); ``may(user, ACT, obj)`` answers for one loaded object (one
query at most), ``may(user, ACT)`` whether the user may do it anywhere (no query); ``require`` raises
``PermissionDenied``. An act counts only the grants of its roles, over its reach:

- ``school``: a school-wide grant — the act is the college's own;
- ``department``: the school, or a department;
- ``scope``: any grant reaching the row;
- ``owner``: the row's subject is owned by the user (``OWNER_SCOPE``);
- ``head``: a head over the row's subject (``HEAD_SCOPES`` or the school), not its owner;
- ``self``: the row's subject is the person signed in (their student or teacher subject);
- ``over``: inside the scope and not the user's own subject (reviewing someone else's plan).

=========================  ==========================================  ===============
act                        roles                                       reach
=========================  ==========================================  ===============
acknowledge_warning        staff (all roles but 校领导 and 学生)        scope
correct_warning            staff                                       scope
resolve_warning            staff                                       scope
close_warning              staff                                       scope
self_report_warning        学生, 教师 (the subject themself)            self
raise_flag                 staff                                       scope
edit_monitoring_policy     系统管理员, 质管办                            school
edit_standard              系统管理员, 质管办                            school
edit_goal                  staff (unit goals: school … course)         scope
write_own_goal             学生, 教师; 系统管理员, 质管办               self, school
submit_goal                学生, 教师                                   self
approve_goal               staff                                       over
delete_reviewed_goal       系统管理员, 质管办                            school
import_tasks               系统管理员, 质管办                            school
submit_evidence            staff                                       owner
review_evidence            staff                                       head
import_data                系统管理员, 质管办                            school
manage_pulls               系统管理员, 质管办                            school
manage_sources             系统管理员, 质管办                            school
define_indicator           系统管理员, 质管办                            school
edit_report_template       系统管理员, 质管办                            school
fill_state_data            系统管理员, 质管办                            school
enter_state_data           系统管理员, 质管办, 部门负责人                scope
review_state_data          系统管理员, 质管办, 部门负责人                scope
sign_state_table           系统管理员, 质管办                            school
manage_cycles              系统管理员, 质管办                            school
advance_cycle_phase        staff                                       owner, school
submit_report              staff (rates, writes, submits the report)    owner
review_report              staff (the next level up)                   head
approve_school_report      校领导 (the school's own report)              school
reset_two_factor           系统管理员 (a lost phone's authenticator)      school
=========================  ==========================================  ===============

Named "see" rules for pages over many subjects: ``see_others`` (indicator library, data
dictionary, correction effectiveness: every role but 学生), ``see_task_table`` and
``see_evidence_overview`` (department reach), ``see_batches`` and ``see_pulls`` (school reach, 校领导
included), ``see_data_quality`` (系统管理员, 质管办, 校领导, 部门负责人, 专业负责人), ``see_audit``
(系统管理员, 质管办), ``see_technical_pages`` (the menu's technical entries: staff, never 校领导),
``see_state_data`` (状态数据与质量年报: 系统管理员, 质管办, 校领导, 部门负责人; department reach),
and the workspaces of one's own: ``see_own_teaching`` (教师, self: the smart classroom and the teacher
development platform) and ``see_own_growth`` (学生, self: the student growth platform). ``SIGNED_IN``
and ``PUBLIC`` are rules for views that touch only the user's own
rows, or nothing stored.

**Declaring a view's rule.** Every view that accepts POST states its rule with ``@gate(RULE)``
(or ``@gate(RULE, on=...)`` when the rule is about one object): the decorator refuses, before the
view runs, a user who may do the act nowhere (403, or sign-in for anonymous visitors); the view then
checks the object itself (``access_object`` for seeing, ``require``/``may`` for the act). The POST
matrix test (``zhengai/core/tests/test_post_matrix.py``) walks every URL pattern for every role of
the cast and fails on a view without a rule, or one that does not answer to it.
"""

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .choices import ROLE_SCOPE, Role, ScopeKind

VIEW = "view"

NOTHING = Q(pk__in=[])
ALL_ROLES = frozenset(Role)
# Everyone who looks after others' quality and may act on it: all roles but school leaders (who read)
# and students (who read their own records and give their own account).
STAFF = frozenset(ALL_ROLES - {Role.LEADER, Role.STUDENT})
COLLEGE_OFFICE = frozenset({Role.ADMIN, Role.QUALITY_OFFICE})
PEOPLE = frozenset({Role.STUDENT, Role.TEACHER})

SCHOOL, DEPARTMENT, SCOPE, OWNER, HEAD, SELF, OVER = "school", "department", "scope", "owner", "head", "self", "over"


@dataclass(frozen=True)
class Act:
    """A named act (or a named "see" rule): the roles whose grants count, and how far they reach."""

    name: str
    roles: frozenset
    reach: tuple = (SCOPE,)
    sees: bool = False  # a "see" rule: what a page over many subjects shows, not a change

    def __str__(self) -> str:
        return self.name


ACTS: dict[str, Act] = {}


def _act(name, roles, *reach, sees=False) -> Act:
    act = Act(name, frozenset(roles), tuple(reach) or (SCOPE,), sees)
    ACTS[name] = act
    return act


# Monitoring: the correction loop.
ACKNOWLEDGE_WARNING = _act("acknowledge_warning", STAFF, SCOPE)
CORRECT_WARNING = _act("correct_warning", STAFF, SCOPE)
RESOLVE_WARNING = _act("resolve_warning", STAFF, SCOPE)
CLOSE_WARNING = _act("close_warning", STAFF, SCOPE)
SELF_REPORT_WARNING = _act("self_report_warning", PEOPLE, SELF)
RAISE_FLAG = _act("raise_flag", STAFF, SCOPE)
EDIT_MONITORING_POLICY = _act("edit_monitoring_policy", COLLEGE_OFFICE, SCHOOL)
# Chains: standards, goals, the task table, self-diagnosis evidence.
EDIT_STANDARD = _act("edit_standard", COLLEGE_OFFICE, SCHOOL)
EDIT_GOAL = _act("edit_goal", STAFF, SCOPE)
WRITE_OWN_GOAL = _act("write_own_goal", PEOPLE | COLLEGE_OFFICE, SELF, SCHOOL)
SUBMIT_GOAL = _act("submit_goal", PEOPLE, SELF)
APPROVE_GOAL = _act("approve_goal", STAFF, OVER)
DELETE_REVIEWED_GOAL = _act("delete_reviewed_goal", COLLEGE_OFFICE, SCHOOL)
IMPORT_TASKS = _act("import_tasks", COLLEGE_OFFICE, SCHOOL)
SUBMIT_EVIDENCE = _act("submit_evidence", STAFF, OWNER)
REVIEW_EVIDENCE = _act("review_evidence", STAFF, HEAD)
# Intake and the indicator library: the college's data and vocabulary.
IMPORT_DATA = _act("import_data", COLLEGE_OFFICE, SCHOOL)
MANAGE_PULLS = _act("manage_pulls", COLLEGE_OFFICE, SCHOOL)
MANAGE_SOURCES = _act("manage_sources", COLLEGE_OFFICE, SCHOOL)
DEFINE_INDICATOR = _act("define_indicator", COLLEGE_OFFICE, SCHOOL)
# State data and the annual quality report: the templates and their filling are the college's own.
EDIT_REPORT_TEMPLATE = _act("edit_report_template", COLLEGE_OFFICE, SCHOOL)
FILL_STATE_DATA = _act("fill_state_data", COLLEGE_OFFICE, SCHOOL)
# A figure the platform cannot compute is entered by its department and approved by the head
# (department heads over their department's cells, the quality office over all); signing a
# table off, which locks it, is the quality office's.
ENTER_STATE_DATA = _act("enter_state_data", COLLEGE_OFFICE | {Role.DEPARTMENT_HEAD}, SCOPE)
REVIEW_STATE_DATA = _act("review_state_data", COLLEGE_OFFICE | {Role.DEPARTMENT_HEAD}, SCOPE)
SIGN_STATE_TABLE = _act("sign_state_table", COLLEGE_OFFICE, SCHOOL)
# Cycles: the big loop. The quality office opens cycles and sets their periods; a cycle's owner
# (or the quality office) moves it on or back.
MANAGE_CYCLES = _act("manage_cycles", COLLEGE_OFFICE, SCHOOL)
ADVANCE_CYCLE_PHASE = _act("advance_cycle_phase", STAFF, OWNER, SCHOOL)
# The diagnosis report: its owner drafts, rates and submits it; a head over the subject (the next
# level up, or the quality office) approves or returns it; the school's own report goes to the
# school leaders — the one act they do.
SUBMIT_REPORT = _act("submit_report", STAFF, OWNER)
REVIEW_REPORT = _act("review_report", STAFF, HEAD)
APPROVE_SCHOOL_REPORT = _act("approve_school_report", {Role.LEADER}, SCHOOL)

# Accounts: clearing the authenticator of someone who lost their phone is the administrators'.
RESET_TWO_FACTOR = _act("reset_two_factor", {Role.ADMIN}, SCHOOL)

# "See" rules of pages over many subjects.
SEE_OTHERS = _act("see_others", ALL_ROLES - {Role.STUDENT}, SCOPE, sees=True)
SEE_TASK_TABLE = _act("see_task_table", ALL_ROLES, DEPARTMENT, sees=True)
SEE_EVIDENCE_OVERVIEW = _act("see_evidence_overview", ALL_ROLES, DEPARTMENT, sees=True)
SEE_BATCHES = _act("see_batches", ALL_ROLES, SCHOOL, sees=True)
SEE_PULLS = _act("see_pulls", ALL_ROLES, SCHOOL, sees=True)
SEE_DATA_QUALITY = _act("see_data_quality", {Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER, Role.DEPARTMENT_HEAD,
                                             Role.SPECIALTY_LEADER}, SCOPE, sees=True)
SEE_AUDIT = _act("see_audit", COLLEGE_OFFICE, SCHOOL, sees=True)
SEE_STATE_DATA = _act("see_state_data", {Role.ADMIN, Role.QUALITY_OFFICE, Role.LEADER, Role.DEPARTMENT_HEAD},
                      DEPARTMENT, sees=True)
# The menu's technical pages (imports, pulls, mappings, the data dictionary, the audit log): staff,
# never a school leader (their menu is the school's figures; the pages they may read stay reachable).
SEE_TECHNICAL_PAGES = _act("see_technical_pages", STAFF, SCOPE, sees=True)
SEE_OWN_TEACHING = _act("see_own_teaching", {Role.TEACHER}, SELF, sees=True)
SEE_OWN_GROWTH = _act("see_own_growth", {Role.STUDENT}, SELF, sees=True)


@dataclass
class Grants:
    """The scopes a user's roles reach (for one act: the roles it counts)."""

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

    def leads(self) -> bool:
        """Whether the roles reach a unit to lead — the school, a department, a specialty or a course
        (校领导, 质管办, 系部主任, 专业带头人, 课程负责人) — rather than only a class or oneself."""
        return bool(self.school or self.department or self.specialty or self.course)


SCOPE_KINDS = ("department", "specialty", "course", "admin_class", "self_staff", "self_student")


def roles_of(user) -> list[tuple]:
    """(role, department_id, specialty_id, course_id, admin_class_id) of each assignment; one query,
    cached on the user object (so once per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_zhengai_roles", None)
    if cached is None:
        cached = list(user.roles.values_list("role", "department_id", "specialty_id", "course_id", "admin_class_id"))
        user._zhengai_roles = cached
    return cached


def _roles_for(act) -> frozenset:
    if act is None or act == VIEW:
        return ALL_ROLES
    return _lookup(act).roles


def _lookup(act) -> Act:
    if isinstance(act, Act):
        return act
    try:
        return ACTS[act]
    except KeyError:
        raise ValueError(f"unknown act {act!r}; acts are declared in zhengai.org.access") from None


def grants_for(user, act=VIEW) -> Grants:
    """The union of the scopes of the user's assignments whose role counts for ``act`` (``VIEW``: all
    roles). One query per request, cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grants()
    roles = _roles_for(act)
    held = roles_of(user)
    # Cached beside the roles it was computed from: forgetting the roles forgets the grants too.
    cached = user.__dict__.get("_zhengai_grants")
    if cached is None or cached[0] is not held:
        cached = user._zhengai_grants = (held, {})
    cache = cached[1]
    if roles in cache:
        return cache[roles]
    grants = Grants()
    if user.is_superuser:
        grants.school = True
    else:
        staff_id, student_id = _person_id(user, "staff"), _person_id(user, "student")
        for role, department, specialty, course, admin_class in held:
            if role not in roles:
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
                elif role != Role.STUDENT and staff_id:
                    grants.self_staff.add(staff_id)
    cache[roles] = grants
    return grants


def _person_id(user, attname: str) -> int | None:
    # The reverse one-to-one raises when the account has no such person; cached after the first look.
    try:
        person = getattr(user, attname)
    except ObjectDoesNotExist:
        return None
    return person.pk


# ------------------------------------------------------------------------------------ reaches

def _lookups(model) -> dict:
    lookups = getattr(model, "scope_lookups", None)
    if lookups is None:
        raise TypeError(f"{model.__name__} declares no scope_lookups; it cannot be shown to users with a limited scope")
    return lookups


def _level_lookup(model) -> str:
    lookup = getattr(model, "subject_level_lookup", None)
    if lookup is None:
        raise TypeError(f"{model.__name__} declares no subject_level_lookup; it is not about one subject")
    return lookup


def _inside(model, grants: Grants, kinds=SCOPE_KINDS) -> Q | None:
    """Rows inside the grants' scopes of ``kinds``; None means all rows (a school-wide grant)."""
    if grants.school:
        return None
    lookups = _lookups(model)
    q = NOTHING
    for kind in kinds:
        ids = getattr(grants, kind)
        if ids and kind in lookups:
            q |= Q(**{f"{lookups[kind]}__in": sorted(ids)})
    return q


def scope_q(model, user, act=VIEW) -> Q | None:
    """The filter keeping the rows of ``model`` the user may see (``VIEW``) or do ``act`` on;
    None means "all rows"."""
    if act == VIEW:
        grants = grants_for(user)
        q = _inside(model, grants)
        author = _lookups(model).get("author") if q is not None else None
        if author and not grants.is_empty():
            q |= Q(**{author: user.pk})
        return q
    act = _lookup(act)
    grants = grants_for(user, act)
    parts = [_reach_q(model, user, grants, reach) for reach in act.reach]
    if any(p is None for p in parts):
        return None
    q = NOTHING
    for p in parts:
        q |= p
    return q


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
# The subject that is the person signed in: a student's own subject, a teacher's own.
SELF_SCOPE = {"student": "self_student", "teacher": "self_staff"}


def _owner_q(model, grants: Grants) -> Q:
    level, lookups = _level_lookup(model), _lookups(model)
    q = NOTHING
    for subject_level, kind in OWNER_SCOPE.items():
        if kind == "school":
            if grants.school:
                q |= Q(**{level: subject_level})
            continue
        ids = getattr(grants, kind)
        if ids and kind in lookups:
            q |= Q(**{level: subject_level, f"{lookups[kind]}__in": sorted(ids)})
    return q


def _self_q(model, grants: Grants) -> Q:
    level, lookups = _level_lookup(model), _lookups(model)
    q = NOTHING
    for subject_level, kind in SELF_SCOPE.items():
        ids = getattr(grants, kind)
        if ids and kind in lookups:
            q |= Q(**{level: subject_level, f"{lookups[kind]}__in": sorted(ids)})
    return q


def _reach_q(model, user, grants: Grants, reach: str) -> Q | None:
    if reach == SCHOOL:
        return None if grants.school else NOTHING
    if reach == DEPARTMENT:
        return _inside(model, grants, ("department",))
    if reach == SCOPE:
        return _inside(model, grants)
    if reach == OWNER:
        return _owner_q(model, grants)
    if reach == SELF:
        return _self_q(model, grants)
    if reach == HEAD:
        inside = _inside(model, grants, HEAD_SCOPES)
        return (Q() if inside is None else inside) & ~_owner_q(model, grants)
    if reach == OVER:
        inside = _inside(model, grants)
        return (Q() if inside is None else inside) & ~_self_q(model, grants_for(user))
    raise ValueError(f"unknown reach {reach!r}")


def _reaches_anything(grants: Grants, reach: str) -> bool:
    if reach == SCHOOL:
        return grants.school
    if reach == DEPARTMENT:
        return grants.school or bool(grants.department)
    if reach == SELF:
        return bool(grants.self_staff or grants.self_student)
    if reach == OWNER:
        return grants.school or bool(grants.department or grants.specialty or grants.course or grants.admin_class
                                     or grants.self_staff)
    if reach == HEAD:
        return grants.school or bool(grants.department or grants.specialty or grants.course)
    return not grants.is_empty()


# ------------------------------------------------------------------------------------ the questions

def restrict(queryset: QuerySet, user, act=VIEW) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see (``VIEW``) or do ``act`` on."""
    q = scope_q(queryset.model, user, act)
    return queryset if q is None else queryset.filter(q)


def access_object(queryset_or_model, user, act=VIEW, **lookup):
    """One object the user may see (or do ``act`` on), or 404 — the same answer whether it exists or
    not, so a user cannot probe for records outside their scope."""
    queryset = queryset_or_model if isinstance(queryset_or_model, QuerySet) else queryset_or_model._default_manager.all()
    try:
        return restrict(queryset, user, act).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def may(user, act, obj=None) -> bool:
    """Whether ``user`` may do ``act`` on ``obj`` (one query at most), or — without ``obj`` — anywhere
    (no query beyond the user's roles)."""
    act = _lookup(act)
    grants = grants_for(user, act)
    if obj is None:
        return any(_reaches_anything(grants, reach) for reach in act.reach)
    if not any(_reaches_anything(grants, reach) for reach in act.reach):
        return False
    q = scope_q(type(obj), user, act)
    return q is None or type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def require(user, act, obj=None) -> None:
    """``PermissionDenied`` unless ``may(user, act, obj)``."""
    if not may(user, act, obj):
        raise PermissionDenied


def can(user, act, obj) -> bool:
    """Whether ``user`` may see (``VIEW``) or do ``act`` on one already-loaded object (one query)."""
    if act == VIEW:
        return restrict(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
    return may(user, act, obj)


def owned(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the rows whose subject ``user`` owns (as for ``submit_evidence``)."""
    return restrict(queryset, user, SUBMIT_EVIDENCE)


def headed(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the rows ``user`` may review as a head over their subject."""
    return restrict(queryset, user, REVIEW_EVIDENCE)


def own_subjects_q(model, user) -> Q:
    """Rows of ``model`` whose subject is the person signed in (their student or teacher subject)."""
    return _self_q(model, grants_for(user))


# ------------------------------------------------------------------------------------ declaring rules

@dataclass(frozen=True)
class Rule:
    """What a view answers to: an act (or see rule), ``SIGNED_IN`` or ``PUBLIC``; ``on`` says which
    object the act is about (a model whose ``pk`` is the URL's ``pk``, or a callable
    ``(url kwargs, POST data) → object``), ``check`` replaces ``may`` where an app composes acts
    (``check(user, obj) → bool``)."""

    act: object
    on: object = None
    check: object = None

    def target(self, kwargs, data):
        if self.on is None:
            return None
        if isinstance(self.on, type):
            return self.on._default_manager.filter(pk=kwargs.get("pk")).first()
        return self.on(kwargs, data)

    def allows(self, user, obj=None) -> bool:
        if self.act == PUBLIC:
            return True
        if self.act == SOURCE_CREDENTIALS:
            return False
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if self.check is not None:
            return bool(self.check(user, obj))
        if self.act == SIGNED_IN:
            return True
        return may(user, self.act, obj)


SIGNED_IN = "signed_in"
PUBLIC = "public"
# Machine clients (a source system's API token, an LRS key and secret) authenticate themselves in
# the view; a person's session counts for nothing there (401).
SOURCE_CREDENTIALS = "source_credentials"
NO_ACT = (PUBLIC, SIGNED_IN, SOURCE_CREDENTIALS)


def gate(act, *, on=None, check=None):
    """Declare (and enforce the object-free part of) a view's rule: anonymous visitors are sent to
    sign in, and a user who may do ``act`` nowhere (or fails ``check`` when the rule is about no
    object) is refused (403) before the view runs. The view checks the object itself."""
    rule = Rule(act, on, check)
    if act not in NO_ACT:
        _lookup(act)

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if act in (PUBLIC, SOURCE_CREDENTIALS):
                return view(request, *args, **kwargs)
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if act != SIGNED_IN and not may(user, act):
                raise PermissionDenied
            if check is not None and on is None and not check(user, None):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate


def rule_of(view) -> Rule | None:
    """The rule a view declared with ``gate`` (None: none declared)."""
    return getattr(view, "access_rule", None)


# ------------------------------------------------------------------------------------ roles

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
    """Whether the user holds one of ``roles`` (for shaping pages, not for permission: use ``may``)."""
    if getattr(user, "is_superuser", False):
        return True
    held = {r[0] for r in roles_of(user)}
    return bool(held.intersection(roles))
