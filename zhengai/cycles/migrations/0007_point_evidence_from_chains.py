"""Self-diagnosis evidence (自诊材料) moves from the chains app to the cycles app, every row and file
kept: the models change app in the migration state only (their tables are renamed by 0008, after
the chains app lets go of them), each submission is given the subject's cycle whose period holds
its window, and the evidence's history moves from ``chains.ChainEvent`` to ``cycles.CycleEvent``
(who, when and what, as it was)."""

import django.db.models.deletion
from django.conf import settings
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
        migrations.RunPython(attach, migrations.RunPython.noop),
        migrations.RunPython(move_events, move_events_back),
    ]
