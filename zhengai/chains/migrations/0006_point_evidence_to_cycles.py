"""Self-diagnosis evidence (自诊材料) now belongs to the cycles app (``cycles.0007`` took the models,
``cycles.0008`` moved their history to ``cycles.CycleEvent``): the chains app lets go of the models — state
only, the tables and their rows stay — and of ``ChainEvent.point_evidence``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("chains", "0005_point_evidence"),
        ("cycles", "0008_point_evidence_history"),
    ]

    operations = [
        migrations.RemoveField(model_name="chainevent", name="point_evidence"),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="PointEvidenceFile"),
            migrations.DeleteModel(name="PointEvidence"),
        ]),
    ]
