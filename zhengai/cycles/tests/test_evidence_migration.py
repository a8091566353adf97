"""The move of self-diagnosis evidence (自诊材料) from the chains app to the cycles app keeps every
row, its file path and its history: migrated forward from the chains' tables (cycles 0006, chains
0005) to the cycles' (cycles 0009), each submission gets the cycle whose period holds its window,
and its ChainEvent history becomes CycleEvents with who and when; back again restores the chains'."""

from datetime import date, datetime, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cycles", "0006_bulk_jobs"), ("chains", "0005_point_evidence")]
AFTER = [("cycles", "0009_point_evidence_tables"), ("chains", "0006_point_evidence_to_cycles")]
AT = datetime(2026, 10, 9, 2, 30, tzinfo=timezone.utc)


def migrate(targets):
    """Migrate the two apps to ``targets``; the state of every app as it now stands (the others at
    their latest: their tables have every column)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    moved = {app for app, _name in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved]
    return executor.loader.project_state(list(targets) + others).apps


@pytest.fixture
def old_rows():
    """Two submissions in the chains' tables, one with a file and a reviewed history; a cycle for one."""
    apps = migrate(BEFORE)
    try:
        Subject = apps.get_model("datacenter", "Subject")
        Term = apps.get_model("datacenter", "Term")
        Standard, Version, Node = (apps.get_model("chains", m) for m in ("Standard", "StandardVersion", "StandardNode"))
        Evidence, File, ChainEvent = (apps.get_model("chains", m) for m in ("PointEvidence", "PointEvidenceFile", "ChainEvent"))
        Cycle = apps.get_model("cycles", "Cycle")
        User = apps.get_model("org", "User")
        Term.objects.create(code="2026-2027-1", start_date=date(2026, 9, 1), end_date=date(2027, 1, 20))
        user = User.objects.create(username="mig-owner")
        offering = Subject.objects.create(level="offering", key="MIG-O1", name="迁移课")
        other = Subject.objects.create(level="offering", key="MIG-O2", name="无周期课")
        version = Version.objects.create(standard=Standard.objects.create(code="MIG", name="迁移标准", level="offering",
                                                                          standard_class="course_teaching"),
                                         label="v1", status="published", effective_from=date(2026, 1, 1))
        point = Node.objects.create(version=version, kind="point", code="1.1.1", name="教案", evidence="教案")
        cycle = Cycle.objects.create(subject=offering, level="offering", period="2026-2027-1", start=date(2026, 9, 1),
                                     end=date(2027, 1, 20), phase_since=date(2026, 9, 1))
        held = Evidence.objects.create(subject=offering, point=point, window="2026-2027-1", text="教案十六份",
                                       status="passed", submitted_by=user, submitted_at=AT, reviewed_by=user, reviewed_at=AT)
        waiting = Evidence.objects.create(subject=other, point=point, window="2026-2027-1", text="待开周期",
                                          submitted_at=AT)
        f = File.objects.create(evidence=held, file="chains/self_diagnosis/2026/10/教案.pdf", name="教案.pdf", size=9)
        ChainEvent.objects.create(user=user, action="submit_evidence", point_evidence=held, version=version,
                                  detail={"window": "2026-2027-1"})
        ChainEvent.objects.create(user=user, action="review_evidence_passed", point_evidence=held, detail={"comment": ""})
        ChainEvent.objects.create(user=user, action="publish", version=version)  # not evidence: stays
        ChainEvent.objects.filter(point_evidence=held).update(at=AT)
        yield {"held": held.pk, "waiting": waiting.pk, "file": f.pk, "cycle": cycle.pk, "user": user.pk, "version": version.pk}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_evidence_rows_files_and_history_move_to_the_cycles_app_and_back(old_rows):
    apps = migrate(AFTER)
    Evidence, File, CycleEvent = (apps.get_model("cycles", m) for m in ("PointEvidence", "PointEvidenceFile", "CycleEvent"))
    ChainEvent = apps.get_model("chains", "ChainEvent")
    assert Evidence._meta.db_table == "cycles_pointevidence"
    held = Evidence.objects.get(pk=old_rows["held"])
    assert (held.text, held.status, held.submitted_by_id, held.reviewed_at, held.cycle_id) == (
        "教案十六份", "passed", old_rows["user"], AT, old_rows["cycle"])
    assert Evidence.objects.get(pk=old_rows["waiting"]).cycle_id is None  # no cycle holds it yet
    f = File.objects.get(pk=old_rows["file"])
    assert (f.evidence_id, f.file.name, f.name) == (held.pk, "chains/self_diagnosis/2026/10/教案.pdf", "教案.pdf")
    history = list(CycleEvent.objects.filter(evidence_id=held.pk).order_by("pk").values_list(
        "kind", "detail__result", "actor_id", "at", "cycle_id", "detail__version"))
    assert history == [("evidence_submitted", None, old_rows["user"], AT, old_rows["cycle"], old_rows["version"]),
                       ("evidence_reviewed", "passed", old_rows["user"], AT, old_rows["cycle"], None)]
    assert list(ChainEvent.objects.values_list("action", flat=True)) == ["publish"]

    apps = migrate(BEFORE)
    ChainEvent = apps.get_model("chains", "ChainEvent")
    assert apps.get_model("chains", "PointEvidence").objects.filter(pk=old_rows["held"], text="教案十六份").exists()
    assert sorted(ChainEvent.objects.values_list("action", "point_evidence_id", "at")) == [
        ("publish", None, ChainEvent.objects.get(action="publish").at),
        ("review_evidence_passed", old_rows["held"], AT), ("submit_evidence", old_rows["held"], AT)]
