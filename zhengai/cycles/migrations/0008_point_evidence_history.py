"""Self-diagnosis evidence's data moves to the cycles app (the columns came in 0007): each submission
is given the subject's cycle whose period holds its window, and its history moves from
``chains.ChainEvent`` to ``cycles.CycleEvent`` (who, when and what, as it was)."""

from django.db import migrations, models

# ChainEvent.action → CycleEvent.kind (a review's result goes into the detail).
KINDS = {"submit_evidence": "evidence_submitted", "resubmit_evidence": "evidence_resubmitted",
         "remove_evidence_file": "evidence_file_removed"}
REVIEW = "review_evidence_"


def _terms(apps):
    Term = apps.get_model("datacenter", "Term")
    return {code: (start, end) for code, start, end in Term.objects.values_list("code", "start_date", "end_date")}


def attach(apps, schema_editor):
    """Each submission's cycle: the subject's cycle whose period contains its window (one update per
    distinct window)."""
    from zhengai.core import windows

    PointEvidence = apps.get_model("cycles", "PointEvidence")
    Cycle = apps.get_model("cycles", "Cycle")
    terms = _terms(apps)
    for code in sorted(set(PointEvidence.objects.order_by().values_list("window", flat=True).distinct())):
        try:
            window = windows.parse(code, terms)
        except windows.WindowError:
            continue  # a window the term table does not name: the submission waits for its cycle
        holding = Cycle.objects.filter(subject_id=models.OuterRef("subject_id"), start__lte=window.start, end__gte=window.end)
        PointEvidence.objects.filter(models.Exists(holding), window=code, cycle__isnull=True).update(
            cycle_id=models.Subquery(holding.order_by("-start", "-pk").values("pk")[:1]))


def move_events(apps, schema_editor):
    ChainEvent = apps.get_model("chains", "ChainEvent")
    CycleEvent = apps.get_model("cycles", "CycleEvent")
    PointEvidence = apps.get_model("cycles", "PointEvidence")
    # ``at`` is the time the step happened, not the time of this migration.
    CycleEvent._meta.get_field("at").auto_now_add = False
    cycle_of = dict(PointEvidence.objects.filter(cycle__isnull=False).values_list("pk", "cycle_id"))
    old = ChainEvent.objects.filter(point_evidence__isnull=False)
    rows = []
    for e in old.order_by("pk").iterator(chunk_size=2000):
        detail = dict(e.detail or {})
        if e.action.startswith(REVIEW):
            kind, detail["result"] = "evidence_reviewed", e.action[len(REVIEW):]
        else:
            kind = KINDS.get(e.action, e.action[:24])
        if e.version_id:
            detail.setdefault("version", e.version_id)
        rows.append(CycleEvent(evidence_id=e.point_evidence_id, cycle_id=cycle_of.get(e.point_evidence_id), kind=kind,
                               actor_id=e.user_id, at=e.at, detail=detail))
    CycleEvent.objects.bulk_create(rows, batch_size=2000)
    old.delete()


def move_events_back(apps, schema_editor):
    ChainEvent = apps.get_model("chains", "ChainEvent")
    CycleEvent = apps.get_model("cycles", "CycleEvent")
    ChainEvent._meta.get_field("at").auto_now_add = False
    back = {v: k for k, v in KINDS.items()}
    moved = CycleEvent.objects.filter(evidence__isnull=False)
    rows = []
    for e in moved.order_by("pk").iterator(chunk_size=2000):
        detail = dict(e.detail or {})
        action = REVIEW + detail.pop("result", "passed") if e.kind == "evidence_reviewed" else back.get(e.kind, e.kind)
        rows.append(ChainEvent(point_evidence_id=e.evidence_id, version_id=detail.pop("version", None), action=action,
                               user_id=e.actor_id, at=e.at, detail=detail))
    ChainEvent.objects.bulk_create(rows, batch_size=2000)
    moved.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cycles", "0007_point_evidence_from_chains"),
    ]

    operations = [
        migrations.RunPython(attach, migrations.RunPython.noop),
        migrations.RunPython(move_events, move_events_back),
    ]
