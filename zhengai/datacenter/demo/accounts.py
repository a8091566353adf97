"""Demo sign-ins: one account per role, linked to the person it belongs to, with its role over the right
scope. People sign in with their 工号 or 学号; the school-wide roles have readable names.

Which accounts are the demo's is recorded in the demo import batch (source ``demo``, table
``org_user``), so ``demo_sign_ins()`` reads them from the database and ``--reset`` removes exactly them.
"""

import json

from django.contrib.auth.hashers import make_password

DEMO_PASSWORD = "demo1234"
DEMO_SOURCE = "demo"
ACCOUNTS_TABLE = "org_user"


def demo_batch():
    from zhengai.datacenter.models import ImportBatch

    return ImportBatch.objects.filter(source__code=DEMO_SOURCE, table=ACCOUNTS_TABLE).order_by("-pk").first()


def demo_record() -> dict:
    batch = demo_batch()
    if batch is None or not batch.log:
        return {}
    try:
        return json.loads(batch.log)
    except ValueError:
        return {}


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(role label, username, password) of every demo account still present; [] without a demo college."""
    from django.db import DatabaseError

    from zhengai.org.models import User

    try:
        record = demo_record()
        accounts = record.get("accounts", [])
        present = set(User.objects.filter(username__in=[a[1] for a in accounts]).values_list("username", flat=True))
    except DatabaseError:  # not migrated yet
        return []
    return [(label, username, DEMO_PASSWORD) for label, username in accounts if username in present]


def choose_people(plan) -> dict:
    """The people behind the demo accounts, chosen so the demo shows something: the head of the first
    college, the leader of its first specialty and of that specialty's first core course, a teacher of
    that course this term, the counsellor of a class with a declining student, and that student."""
    college = plan.colleges[0]
    specialty = next(s for s in plan.specialties if s["department_id"] == college["id"])
    core = [c for c in plan.courses if c.specialty_id == specialty["id"] and c.category == "core"]
    # Four different people: specialty leader, course leader, teacher and department head.
    course = next((c for c in core if c.leader_id != specialty["leader_id"]), core[0])
    taken = {specialty["leader_id"], course.leader_id}
    current = plan.terms[-1]
    mine = [s for s in plan.declining if s.specialty_id == specialty["id"] and s.pattern_from == "2026-10"]
    student = (mine or [s for s in plan.declining if s.pattern_from == "2026-10"] or plan.declining)[0]
    klass = next(c for c in plan.classes if c.id == student.class_id)
    teachers = plan.teachers_by_dept[college["id"]]
    offering_teachers = [o.teacher_id for o in plan.offerings_by_term[current.id]
                         if o.course.specialty_id == specialty["id"] and o.teacher_id not in taken]
    teacher_id = offering_teachers[0] if offering_teachers else next(t.id for t in teachers if t.id not in taken)
    taken.add(teacher_id)
    head = next((t for t in teachers if t.id not in taken), teachers[0])
    quality = next(s for s in plan.staff if s.department_id == plan.quality_office_id)
    leader = next(s for s in plan.staff if s.department_id == plan.office_id)
    return {
        "college": college, "specialty": specialty, "course": course, "class": klass, "student": student,
        "teacher_id": teacher_id, "head_id": head.id, "quality_id": quality.id, "leader_id": leader.id,
    }


def create_accounts(plan, batch_id: int) -> list[tuple[str, str]]:
    """Create the demo accounts and their role assignments; returns (role label, username) pairs."""
    from zhengai.datacenter.models import ImportBatch, Staff, Student
    from zhengai.org.choices import Role
    from zhengai.org.models import RoleAssignment, User

    people = choose_people(plan)
    staff_by_id = {s.id: s for s in plan.staff}
    # One fixed salt: the same password hash on every run and backend (a demo account is public anyway).
    password = make_password(DEMO_PASSWORD, salt="zhengaidemo")
    specs = [
        (Role.ADMIN, "admin", None, None, {}),
        (Role.QUALITY_OFFICE, "zhiguan", people["quality_id"], None, {}),
        (Role.LEADER, "leader", people["leader_id"], None, {}),
        (Role.DEPARTMENT_HEAD, staff_by_id[people["head_id"]].staff_no, people["head_id"], None,
         {"department_id": people["college"]["id"]}),
        (Role.SPECIALTY_LEADER, staff_by_id[people["specialty"]["leader_id"]].staff_no, people["specialty"]["leader_id"],
         None, {"specialty_id": people["specialty"]["id"]}),
        (Role.COURSE_LEADER, staff_by_id[people["course"].leader_id].staff_no, people["course"].leader_id, None,
         {"course_id": people["course"].id}),
        (Role.TEACHER, staff_by_id[people["teacher_id"]].staff_no, people["teacher_id"], None, {}),
        (Role.COUNSELLOR, staff_by_id[people["class"].counsellor_id].staff_no, people["class"].counsellor_id, None,
         {"admin_class_id": people["class"].id}),
        (Role.STUDENT, people["student"].student_no, None, people["student"].id, {}),
    ]
    accounts = []
    seen = {}
    for role, username, staff_id, student_id, scope in specs:
        if username in seen:
            # One person may hold two demo roles (a tiny college has few teachers): the first account
            # keeps both grants.
            user = seen[username]
        else:
            name = (staff_by_id[staff_id].name if staff_id else (people["student"].name if student_id else "系统管理员"))
            user = User.objects.create(
                username=username, password=password, display_name=name, is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            seen[username] = user
            if staff_id:
                Staff.objects.filter(pk=staff_id).update(user=user)
            if student_id:
                Student.objects.filter(pk=student_id).update(user=user)
            accounts.append((str(role.label), username))
        RoleAssignment.objects.create(user=user, role=role, **scope)
    record = {"size": plan.size.name, "seed": plan.seed, "demo_date": plan.demo_date.isoformat(),
              "accounts": accounts, "patterns": plan.manifest["patterns"]}
    ImportBatch.objects.filter(pk=batch_id).update(log=json.dumps(record, ensure_ascii=False), rows_read=len(accounts),
                                                   rows_inserted=len(accounts))
    return accounts


def delete_demo_accounts() -> int:
    from zhengai.org.models import User

    usernames = [username for _label, username in demo_record().get("accounts", [])]
    deleted, _ = User.objects.filter(username__in=usernames).delete()
    return deleted
