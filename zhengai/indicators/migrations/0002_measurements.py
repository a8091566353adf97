# Stored indicator values move from monitoring to the indicators app (issue 10 §3).

import django.db.models.deletion
from django.db import migrations, models


def measured_from_runs(apps, schema_editor):
    """The windows monitoring measured completely before this app recorded them: its succeeded runs."""
    Run = apps.get_model("monitoring", "Run")
    MeasuredWindow = apps.get_model("indicators", "MeasuredWindow")
    seen = {}
    for level, code, start, end, at in (Run.objects.filter(status="succeeded").order_by("finished_at")
                                        .values_list("level", "window_code", "window_start", "window_end", "finished_at")):
        seen[(level, code)] = MeasuredWindow(level=level, window_code=code, window_start=start, window_end=end,
                                             measured_at=at or start)
    MeasuredWindow.objects.bulk_create(seen.values(), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('datacenter', '0005_cohort_and_roll_rules'),
        ('indicators', '0001_initial'),
        ('monitoring', '0004_owners_from_role_scopes'),
    ]

    operations = [
        migrations.CreateModel(
            name='MeasuredWindow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('school', '学校'), ('department', '部门'), ('specialty', '专业'), ('course', '课程'), ('offering', '开课'), ('teacher', '教师'), ('student', '学生')], max_length=16, verbose_name='层面')),
                ('window_code', models.CharField(max_length=32, verbose_name='时间窗口')),
                ('window_start', models.DateField(verbose_name='窗口开始')),
                ('window_end', models.DateField(verbose_name='窗口结束')),
                ('measured_at', models.DateTimeField(verbose_name='测量时间')),
            ],
            options={
                'verbose_name': '已测窗口',
                'verbose_name_plural': '已测窗口',
                'indexes': [models.Index(fields=['level', 'window_end'], name='measured_window_level_end')],
                'constraints': [models.UniqueConstraint(fields=('level', 'window_code'), name='measured_window_unique')],
            },
        ),
        migrations.RunPython(measured_from_runs, migrations.RunPython.noop),
        # The table monitoring created stays as it is (name, columns, index, constraint): only the
        # model's home changes. ``run`` was a relation without a database constraint; ``run_id`` is
        # the same column.
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='Measurement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('run_id', models.BigIntegerField(null=True, verbose_name='监测运行')),
                        ('level', models.CharField(choices=[('school', '学校'), ('department', '部门'), ('specialty', '专业'), ('course', '课程'), ('offering', '开课'), ('teacher', '教师'), ('student', '学生')], max_length=16, verbose_name='层面')),
                        ('indicator_code', models.CharField(max_length=64, verbose_name='指标')),
                        ('window_code', models.CharField(max_length=32, verbose_name='时间窗口')),
                        ('window_end', models.DateField(verbose_name='窗口结束')),
                        ('value', models.FloatField(null=True, verbose_name='值')),
                        ('subject', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='datacenter.subject', verbose_name='质量主体')),
                    ],
                    options={
                        'verbose_name': '监测值',
                        'verbose_name_plural': '监测值',
                        'db_table': 'monitoring_measurement',
                        'indexes': [models.Index(fields=['level', 'window_code'], name='measurement_level_window')],
                        'constraints': [models.UniqueConstraint(fields=('subject', 'indicator_code', 'window_code'), name='measurement_unique')],
                    },
                ),
        ]),
    ]
