"""The demo college generator (``zhengai seed_demo``), on the hidden ``tiny`` size (~150 students in
school) so each build takes a few seconds. Expected values are computed here from the stored rows,
never taken from the generator's own bookkeeping."""

import io
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.db.models import Avg, Count, Q, Sum

from zhengai.core import clock
from zhengai.datacenter import models as dc
from zhengai.datacenter.choices import Level
from zhengai.datacenter.demo import DEMO_PASSWORD, demo_sign_ins, planted_patterns
from zhengai.datacenter.demo.digest import generated_digests, generated_models, table_digests
from zhengai.datacenter.signals import demo_seeded
from zhengai.org.choices import Role
from zhengai.org.models import RoleAssignment, User


def seed(*args, manifest=None):
    out = io.StringIO()
    extra = ["--manifest", str(manifest)] if manifest else []
    call_command("seed_demo", "--size", "tiny", *args, *extra, stdout=out)
    return out.getvalue()


def pg_schema():
    with connection.cursor() as c:
        c.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'datacenter_%' ORDER BY 1, 2")
        constraints = c.fetchall()
        c.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'datacenter_%' ORDER BY 1, 2")
        return constraints, c.fetchall()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One tiny demo college (seed 1) for the whole module, built outside the tests' transactions
    (each test's own changes are rolled back) and removed at the end."""
    from django.apps import apps

    from zhengai.datacenter.demo.accounts import delete_demo_accounts
    from zhengai.datacenter.demo.loaders import reset

    manifest = tmp_path_factory.mktemp("demo") / "manifest.json"
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["size"], kwargs["seed"], kwargs["demo_date"].isoformat(), dc.Student.objects.exists()))

    with django_db_blocker.unblock():
        state = {"sign_ins_before": demo_sign_ins(), "schema_before": pg_schema() if connection.vendor == "postgresql" else None}
        # Only this module's receiver: the other stages' demo set-up would outlive the module's data.
        others = demo_seeded.receivers
        demo_seeded.receivers = []
        demo_seeded.sender_receivers_cache.clear()
        demo_seeded.connect(receiver)
        try:
            # The tests' hasher (see conftest), so the accounts made here sign in inside the tests.
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                state["output"] = seed("--seed", "1", manifest=manifest)
        finally:
            demo_seeded.receivers = others
            demo_seeded.sender_receivers_cache.clear()
        state.update(received=received, manifest=json.loads(manifest.read_text(encoding="utf-8")))
        yield state
        with transaction.atomic():
            delete_demo_accounts()
            # demo_seeded's receivers (the chains' default standards and task table) made rows too.
            reset(list(apps.get_app_config("datacenter").get_models()) + list(apps.get_app_config("chains").get_models()))
            clock.forget_demo_date()  # the database holds no demo college any more


@pytest.fixture(scope="module")
def digests_of(demo):
    cache = {}

    def digests(seed_):
        if seed_ not in cache:
            cache[seed_] = generated_digests("tiny", seed_)
        return cache[seed_]

    return digests


@pytest.mark.django_db
def test_it_stores_exactly_the_generated_rows_and_another_seed_gives_another_college(demo, digests_of):
    stored = table_digests()

    assert stored == digests_of(1)
    assert stored["datacenter_attendance"][0] > 50_000
    changed = [t for t in stored if stored[t] != digests_of(2)[t]]
    assert "datacenter_student" in changed and "datacenter_attendance" in changed


@pytest.mark.django_db
def test_it_records_in_the_database_that_it_holds_the_demo_college_and_its_date(demo):
    from zhengai.core.models import FixedDate

    row = FixedDate.objects.get()
    assert row.day.isoformat() == "2026-11-20" and "seed_demo" in row.note


def test_it_says_the_data_is_there_and_changes_nothing_without_reset(demo, digests_of, tmp_path):
    users = User.objects.count()
    batches = list(dc.ImportBatch.objects.values_list("pk", "log"))

    output = seed("--seed", "2", manifest=tmp_path / "again.json")

    assert "已有数据" in output and "--reset" in output
    # The manifest of the college that is there, for whoever asks again.
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8")) == demo["manifest"]
    assert table_digests() == digests_of(1)  # what the module's seed-1 build stored, unchanged
    assert list(dc.ImportBatch.objects.values_list("pk", "log")) == batches
    assert User.objects.count() == users


@pytest.mark.django_db
def test_reset_regenerates_the_college_and_its_accounts(demo, digests_of):
    old_student = RoleAssignment.objects.get(role=Role.STUDENT).user.username
    users = User.objects.count()

    seed("--seed", "2", "--reset")

    assert table_digests() == digests_of(2)
    assert User.objects.count() == users  # the old demo accounts went, the new ones came
    assert RoleAssignment.objects.filter(role=Role.STUDENT).count() == 1
    new_student = RoleAssignment.objects.get(role=Role.STUDENT).user.username
    assert User.objects.filter(username=old_student).exists() == (old_student == new_student)


@pytest.mark.django_db
def test_every_row_has_lineage_and_no_foreign_key_points_nowhere(demo):
    batches = {b.table: b for b in dc.ImportBatch.objects.select_related("source")}
    for model in generated_models():
        table = model._meta.db_table
        count = model.objects.count()
        assert count > 0, table
        assert not model.objects.filter(Q(source__isnull=True) | Q(batch__isnull=True)).exists(), table
        batch = batches[table]
        assert (batch.status, batch.rows_inserted) == ("succeeded", count), table
        assert not model.objects.exclude(batch=batch).exists(), table
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            parent_ids = field.related_model.objects.values("pk")
            orphans = model.objects.filter(**{f"{field.attname}__isnull": False}).exclude(**{f"{field.attname}__in": parent_ids})
            assert not orphans.exists(), f"{table}.{field.attname}"
    assert {b.source.code for b in batches.values()} >= {"jw", "xg", "rs", "ky", "ykt", "zs", "jy", "tc"}


@pytest.mark.django_db
def test_the_subject_registry_has_one_subject_per_master_row(demo):
    per_level = dict(dc.Subject.objects.values_list("level").annotate(n=Count("pk")))

    assert per_level == {
        Level.SCHOOL: 1,
        Level.DEPARTMENT: dc.Department.objects.count(),
        Level.SPECIALTY: dc.Specialty.objects.count(),
        Level.COURSE: dc.Course.objects.count(),
        Level.OFFERING: dc.Offering.objects.count(),
        Level.TEACHER: dc.Staff.objects.filter(is_teacher=True).count(),
        Level.STUDENT: dc.Student.objects.count(),
    }
    assert dc.Subject.objects.filter(level=Level.STUDENT, active=True).count() == dc.Student.objects.filter(
        status__in=["enrolled", "suspended"]).count()


def _monthly_attendance(**filters):
    """{(key, month): rate} with rate = (present + late) / all, computed from the attendance rows."""
    totals = defaultdict(lambda: [0, 0])
    rows = dc.Attendance.objects.filter(**filters).values_list("student__student_no", "offering__code", "date", "status")
    for student_no, offering_code, day, status in rows.iterator(chunk_size=10000):
        for key in (("student", student_no, day.isoformat()[:7]), ("offering", offering_code, "all")):
            totals[key][0] += status in ("present", "late")
            totals[key][1] += 1
    return {key: ok / n for key, (ok, n) in totals.items()}


@pytest.mark.django_db
def test_the_manifest_lists_exactly_the_planted_subjects_and_their_rows_show_the_pattern(demo):
    manifest = demo["manifest"]["patterns"]
    assert manifest == planted_patterns()
    planted = defaultdict(dict)
    for entry in manifest:
        planted[entry["pattern"]][entry["subject"]] = entry
    assert set(planted) == {"declining_attendance", "low_course_attendance", "low_evaluation",
                            "teacher_training_shortfall", "weak_employment"}

    # Students: the only ones under 80 % in a month of the last two terms are the planted ones; each is
    # ≥ 95 % in every month before its "from" and under 80 % in every month from it.
    rates = _monthly_attendance(date__gte="2026-03-01")
    months = sorted({m for (kind, _k, m) in rates if kind == "student"})
    low_students = {k for (kind, k, m), r in rates.items() if kind == "student" and r < 0.80}
    declining = planted["declining_attendance"]
    assert low_students == set(declining)
    assert len(declining) >= 6 and sum(e["from"] == "2026-10" for e in declining.values()) >= len(declining) / 2
    for no, entry in declining.items():
        for month in months:
            rate = rates.get(("student", no, month))
            if rate is None:
                continue
            if month < entry["from"]:
                assert rate >= 0.95, (no, month, rate)
            else:
                assert rate < 0.80, (no, month, rate)
    healthy = [r for (kind, k, m), r in rates.items() if kind == "student" and k not in declining]
    assert min(healthy) >= 0.85

    # Offerings over the whole of their term.
    offering_rates = _monthly_attendance(date__gte="2026-03-01", offering__term__code__in=["2025-2026-2", "2026-2027-1"])
    low_offerings = {k for (kind, k, _m), r in offering_rates.items() if kind == "offering" and r < 0.75}
    assert low_offerings == set(planted["low_course_attendance"])
    assert min(r for (kind, k, _m), r in offering_rates.items() if kind == "offering" and k not in low_offerings) >= 0.9

    evaluations = dc.TeachingEvaluation.objects.values("offering__code").annotate(avg=Avg("score"))
    assert {e["offering__code"] for e in evaluations if e["avg"] < 80} == set(planted["low_evaluation"])

    hours = dc.TrainingRecord.objects.filter(staff__is_teacher=True, attended_on__year=2026).values("staff__staff_no").annotate(
        h=Sum("hours"))
    hours = {h["staff__staff_no"]: h["h"] for h in hours}
    teachers = dc.Staff.objects.filter(is_teacher=True).values_list("staff_no", flat=True)
    short = {no for no in teachers if hours.get(no, Decimal(0)) < 40}
    assert short == set(planted["teacher_training_shortfall"])

    employment = dc.Employment.objects.filter(graduation_year=2026).values("student__specialty__code").annotate(
        placed=Count("pk", filter=~Q(status="unemployed")), all=Count("pk"))
    weak = {e["student__specialty__code"] for e in employment if e["placed"] / e["all"] < 0.85}
    assert weak == set(planted["weak_employment"])


@pytest.mark.django_db
def test_there_is_a_demo_sign_in_for_every_role_linked_to_its_person(demo, client):
    sign_ins = demo_sign_ins()

    assert demo["sign_ins_before"] == []
    assert "demo1234" in demo["output"] and all(password == DEMO_PASSWORD for _l, _u, password in sign_ins)
    assert len(sign_ins) == len(Role) == len({u for _l, u, _p in sign_ins})  # one account per role
    roles = set(RoleAssignment.objects.filter(user__username__in=[u for _l, u, _p in sign_ins]).values_list("role", flat=True))
    assert roles == set(Role.values)
    for role in Role:
        assignment = RoleAssignment.objects.select_related("user").filter(role=role).get()
        assignment.clean()  # the scope object the role needs, and only it
        user = assignment.user
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        client.logout()
        if role == Role.STUDENT:
            assert user.student.student_no == user.username
        elif role != Role.ADMIN:
            assert user.staff is not None
    assert User.objects.get(username="admin").is_superuser
    counsellor = RoleAssignment.objects.get(role=Role.COUNSELLOR)
    student = RoleAssignment.objects.get(role=Role.STUDENT).user.student
    assert student.admin_class_id == counsellor.admin_class_id  # the counsellor sees the demo student


def test_it_announces_the_seeded_college_once_the_data_is_in(demo):
    assert demo["received"] == [("tiny", 1, "2026-11-20", True)]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_copy_path_restores_every_index_and_constraint_and_stores_the_generated_rows(demo, digests_of):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    assert pg_schema() == demo["schema_before"]
    assert table_digests() == digests_of(1)


@pytest.mark.django_db
def test_the_weak_employment_specialties_read_their_signal_over_the_academic_year(demo):
    """The generator places 66–75 % of the planted specialties' 2026 graduates and 92–98 % of every
    other specialty-year. The academic year 2025-2026 holds the class of 2026 alone, so the indicator
    reads exactly those lines — not a blend with the well-placed class of 2025 (about 83 %)."""
    from zhengai.core.windows import parse
    from zhengai.indicators import registry

    keys = dict(dc.Subject.objects.filter(level=Level.SPECIALTY).values_list("pk", "key"))
    rates = {keys[s]: v for s, v in registry.get("specialty.employment_rate").evaluate(parse("2025-2026")).items()}
    planted = {e["subject"] for e in demo["manifest"]["patterns"] if e["pattern"] == "weak_employment"}
    assert planted and {k: 66 <= rates[k] <= 75 for k in planted} == dict.fromkeys(planted, True), rates
    assert min(v for k, v in rates.items() if k not in planted) >= 92
