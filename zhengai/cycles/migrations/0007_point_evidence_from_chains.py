"""Self-diagnosis evidence (自诊材料) moves from the chains app to the cycles app, every row and file
kept: the models change app in the migration state only (their tables are renamed by 0009, after
the chains app lets go of them), and the cycles app gains the columns that hold a submission's
cycle and its history; 0008 moves the rows' data. (Schema and data are separate migrations: on
PostgreSQL an index cannot be built in the transaction that queued foreign-key checks by writing
rows.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cycles", "0006_bulk_jobs"),
        ("chains", "0005_point_evidence"),
        ("datacenter", "0005_cohort_and_roll_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="PointEvidence",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("window", models.CharField(help_text="学期（如 2026-2027-1）、学年（如 2026-2027）或年份（如 2026）", max_length=32, verbose_name="时间窗口")),
                    ("text", models.TextField(blank=True, verbose_name="文字说明")),
                    ("status", models.CharField(choices=[("submitted", "待审核"), ("passed", "达标"), ("failed", "不达标"), ("more", "需补充")], default="submitted", max_length=16, verbose_name="状态")),
                    ("submitted_at", models.DateTimeField(verbose_name="提交时间")),
                    ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="审核时间")),
                    ("review_comment", models.TextField(blank=True, verbose_name="审核意见")),
                    ("point", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="chains.standardnode", verbose_name="诊断点")),
                    ("reviewed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="审核人")),
                    ("subject", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="datacenter.subject", verbose_name="主体")),
                    ("submitted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="提交人")),
                ],
                options={
                    "verbose_name": "自诊材料",
                    "verbose_name_plural": "自诊材料",
                    "ordering": ["subject", "point", "window"],
                    "db_table": "chains_pointevidence",
                    "indexes": [models.Index(fields=["point", "window"], name="point_evidence_point_window")],
                    "constraints": [models.UniqueConstraint(fields=("subject", "point", "window"), name="point_evidence_unique")],
                },
            ),
            migrations.CreateModel(
                name="PointEvidenceFile",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("file", models.FileField(upload_to="cycles/self_diagnosis/%Y/%m/", verbose_name="文件")),
                    ("name", models.CharField(max_length=255, verbose_name="文件名")),
                    ("size", models.PositiveBigIntegerField(default=0, verbose_name="大小（字节）")),
                    ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                    ("evidence", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="files", to="cycles.pointevidence", verbose_name="自诊材料")),
                    ("uploaded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="上传人")),
                ],
                options={
                    "verbose_name": "佐证文件",
                    "verbose_name_plural": "佐证文件",
                    "ordering": ["evidence", "uploaded_at", "pk"],
                    "db_table": "chains_pointevidencefile",
                },
            ),
        ]),
        migrations.AddField(
            model_name="pointevidence",
            name="cycle",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="evidence", to="cycles.cycle", verbose_name="诊改周期"),
        ),
        migrations.AlterField(
            model_name="cycleevent",
            name="kind",
            field=models.CharField(choices=[("opened", "开启周期"), ("advanced", "进入下一阶段"), ("moved_back", "退回上一阶段"), ("closed", "结束周期"), ("policy", "修改周期设置"), ("drafted", "起草报告"), ("rated", "评定诊断点"), ("wrote", "撰写分析"), ("action", "添加改进措施"), ("submitted", "提交审核"), ("approved", "审核通过并发布"), ("returned", "退回修改"), ("corrected", "发起更正（新版本）"), ("outcome", "登记改进措施结果"), ("goals", "采纳建议目标"), ("marked", "任务考核评审打分"), ("evidence_submitted", "提交自诊材料"), ("evidence_resubmitted", "重新提交自诊材料"), ("evidence_reviewed", "审核自诊材料"), ("evidence_file_removed", "删除自诊材料文件")], max_length=24, verbose_name="操作"),
        ),
        migrations.AddField(
            model_name="cycleevent",
            name="evidence",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="events", to="cycles.pointevidence", verbose_name="自诊材料"),
        ),
    ]
