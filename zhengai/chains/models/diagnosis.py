"""Self-diagnosis evidence (自诊材料): what a subject submits for a 诊断点 that asks for evidence
(files, text) rather than binding an indicator, and its review."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengai.datacenter.models.subjects import SUBJECT_SCOPE

from ..choices import EvidenceStatus

# A submission lies inside a scope where its subject does (zhengai.org.access), like a goal.


class PointEvidence(models.Model):
    """Evidence for a 诊断点 (诊断点佐证材料): one subject's submission for one evidence-type point of
    the standard version in force, over one window (a term ``2026-2027-1`` or a year ``2026``).

    The row holds the latest state — text, status, the last submission and the last review; every
    step (submitted, resubmitted, reviewed) is also a ``ChainEvent`` with who and when.
    """

    subject = models.ForeignKey("datacenter.Subject", models.PROTECT, related_name="point_evidence", verbose_name=_("主体"))
    # PROTECT: a published version is never edited, so its points stay while evidence refers to them.
    point = models.ForeignKey("StandardNode", models.PROTECT, related_name="submissions", verbose_name=_("诊断点"))
    window = models.CharField(_("时间窗口"), max_length=32, help_text=_("学期（如 2026-2027-1）、学年（如 2026-2027）或年份（如 2026）"))
    text = models.TextField(_("文字说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=EvidenceStatus.choices, default=EvidenceStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    scope_lookups = SUBJECT_SCOPE
    # Which level the subject is of: owners and heads are told apart by it (the owner and head reaches of zhengai.org.access).
    subject_level_lookup = "subject__level"

    class Meta:
        verbose_name = _("自诊材料")
        verbose_name_plural = _("自诊材料")
        ordering = ["subject", "point", "window"]
        constraints = [models.UniqueConstraint(fields=["subject", "point", "window"], name="point_evidence_unique")]
        # The overview reads one point's window for many subjects.
        indexes = [models.Index(fields=["point", "window"], name="point_evidence_point_window")]

    def __str__(self) -> str:
        return f"{self.subject.name} {self.point} {self.window}"

    @property
    def is_reviewed(self) -> bool:
        return self.status != EvidenceStatus.SUBMITTED


class PointEvidenceFile(models.Model):
    """A file (佐证文件) of a self-diagnosis submission, stored under MEDIA_ROOT like goals'
    evidence, with the name it was uploaded under."""

    evidence = models.ForeignKey(PointEvidence, models.CASCADE, related_name="files", verbose_name=_("自诊材料"))
    file = models.FileField(_("文件"), upload_to="chains/self_diagnosis/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_lookups = {k: f"evidence__{v}" for k, v in SUBJECT_SCOPE.items()}
    subject_level_lookup = "evidence__subject__level"

    class Meta:
        verbose_name = _("佐证文件")
        verbose_name_plural = _("佐证文件")
        ordering = ["evidence", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
