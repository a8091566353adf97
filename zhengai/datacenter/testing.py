"""A tiny, hand-made college for tests: small enough that every expected value can be worked out
by hand, shaped like the real one (two colleges, two specialties, classes, staff, students, a
term with offerings, enrolments and class sessions).

``build_college()`` returns a namespace of the rows it made; tests add facts to it and compute
expectations from those facts, never from the code under test.
"""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from .choices import DepartmentKind, Gender, SourceKind, SpecialtyTier, Title
from .models import (
    AdminClass,
    ClassSession,
    Course,
    Department,
    Enrolment,
    Offering,
    SourceSystem,
    Specialty,
    Staff,
    Student,
    Term,
)
from .subjects import sync_subjects


def build_college() -> SimpleNamespace:
    c = SimpleNamespace()
    c.source = SourceSystem.objects.create(code="jw", name="教务系统", kind=SourceKind.FILE)
    c.term_prev = Term.objects.create(code="2025-2026-2", start_date=date(2026, 3, 2), end_date=date(2026, 7, 10))
    c.term = Term.objects.create(code="2026-2027-1", start_date=date(2026, 9, 7), end_date=date(2027, 1, 22))
    c.mech = Department.objects.create(code="D01", name="机械工程学院", kind=DepartmentKind.COLLEGE)
    c.info = Department.objects.create(code="D02", name="信息工程学院", kind=DepartmentKind.COLLEGE)
    c.office = Department.objects.create(code="F01", name="质量管理办公室", kind=DepartmentKind.FUNCTIONAL)
    c.cnc = Specialty.objects.create(code="460103", name="数控技术", department=c.mech, tier=SpecialtyTier.BRAND)
    c.soft = Specialty.objects.create(code="510203", name="软件技术", department=c.info, tier=SpecialtyTier.BACKBONE)

    def staff(no, name, dept, **kw):
        return Staff.objects.create(staff_no=no, name=name, gender=Gender.FEMALE, department=dept, **kw)

    c.t_wang = staff("T001", "王老师", c.mech, title=Title.LECTURER, is_dual_qualified=True)
    c.t_li = staff("T002", "李老师", c.info, title=Title.ASSOCIATE)
    c.t_zhao = staff("T003", "赵辅导员", c.mech, is_teacher=False)
    c.t_qian = staff("T004", "钱辅导员", c.info, is_teacher=False)
    c.cnc.leader = c.t_wang
    c.cnc.save()
    c.class_cnc = AdminClass.objects.create(code="CNC2401", name="数控2401", specialty=c.cnc, cohort=2024, counsellor=c.t_zhao)
    c.class_soft = AdminClass.objects.create(code="SW2401", name="软件2401", specialty=c.soft, cohort=2024, counsellor=c.t_qian)

    def student(no, name, klass):
        return Student.objects.create(
            student_no=no, name=name, gender=Gender.MALE, admin_class=klass, specialty=klass.specialty, cohort=klass.cohort
        )

    c.s_zhang = student("2024001", "张三", c.class_cnc)
    c.s_chen = student("2024002", "陈四", c.class_cnc)
    c.s_liu = student("2024101", "刘五", c.class_soft)
    c.course_cnc = Course.objects.create(
        code="C001", name="数控编程", department=c.mech, specialty=c.cnc, category="core",
        credits=Decimal("4.0"), hours=64, leader=c.t_wang,
    )
    c.course_py = Course.objects.create(
        code="C002", name="Python程序设计", department=c.info, specialty=c.soft, category="core",
        credits=Decimal("3.0"), hours=48, leader=c.t_li,
    )
    c.off_cnc = Offering.objects.create(code="2026-2027-1-C001-01", course=c.course_cnc, term=c.term, teacher=c.t_wang, admin_class=c.class_cnc)
    c.off_py = Offering.objects.create(code="2026-2027-1-C002-01", course=c.course_py, term=c.term, teacher=c.t_li, admin_class=c.class_soft)
    for s in (c.s_zhang, c.s_chen):
        Enrolment.objects.create(offering=c.off_cnc, student=s)
    Enrolment.objects.create(offering=c.off_py, student=c.s_liu)
    c.sessions_cnc = [
        ClassSession.objects.create(offering=c.off_cnc, date=d, period=1)
        for d in (date(2026, 10, 8), date(2026, 10, 15), date(2026, 10, 22), date(2026, 11, 5))
    ]
    sync_subjects()
    return c


# Apps whose rows the demo adds beside the data center (custom indicators, the measured windows,
# the state-data templates); rows that were there before the demo — installed by migrations — stay.
DEMO_EXTRA_APPS = ("indicators", "statedata")
DEMO_APPS = ("datacenter", "chains", "monitoring", "notifications", "cycles")


@contextmanager
def seeded_demo(size: str = "tiny", seed: int = 1, manifest=None):
    """The demo college seeded by ``seed_demo`` (outside any test transaction: call it inside
    ``django_db_blocker.unblock()``), and everything it made removed on leaving — so a module-scoped
    fixture leaves the database as it found it for the modules after it on the same worker."""
    import io

    from django.apps import apps
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Max
    from django.test import override_settings

    from zhengai.core import clock

    from .demo.accounts import delete_demo_accounts
    from .demo.loaders import reset

    extra = [m for app in DEMO_EXTRA_APPS for m in apps.get_app_config(app).get_models()]
    before = {m: m.objects.aggregate(top=Max("pk"))["top"] or 0 for m in extra}
    options = ["--manifest", str(manifest)] if manifest else []
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("seed_demo", "--size", size, "--seed", str(seed), *options, stdout=io.StringIO())
    try:
        yield
    finally:
        with transaction.atomic():
            delete_demo_accounts()
            reset([m for app in DEMO_APPS for m in apps.get_app_config(app).get_models()])
            for model in extra:
                model.objects.filter(pk__gt=before[model]).delete()
            clock.forget_demo_date()
