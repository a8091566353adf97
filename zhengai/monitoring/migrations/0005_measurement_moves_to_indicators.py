# Stored indicator values move from monitoring to the indicators app (issue 10 §3).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_measurements'),
        ('monitoring', '0004_owners_from_role_scopes'),
    ]

    operations = [
        # The model now lives in indicators (same table); the warnings' foreign keys point there.
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.AlterField(
                    model_name='warning',
                    name='measurement',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='indicators.measurement', verbose_name='触发监测值'),
                ),
                migrations.AlterField(
                    model_name='warning',
                    name='resolved_by_measurement',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='indicators.measurement', verbose_name='解除监测值'),
                ),
                migrations.DeleteModel(
                    name='Measurement',
                ),
        ]),
    ]
