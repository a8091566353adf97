"""The self-diagnosis evidence tables take the cycles app's names, now that the chains app has let
go of them (``chains.0006``): a rename, every row and file path as it was."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cycles", "0008_point_evidence_history"),
        ("chains", "0006_point_evidence_to_cycles"),
    ]

    operations = [
        migrations.AlterModelTable(name="pointevidence", table=None),
        migrations.AlterModelTable(name="pointevidencefile", table=None),
    ]
