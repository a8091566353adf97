"""Self-diagnosis evidence (自诊材料): what a subject submits for the 诊断点 that ask for evidence
(files, text) where no indicator fits, who owes it, submitting it and reviewing it — part of the
cycle's self-diagnosis (自诊).

- Which points ask for evidence and which subjects owe them is the standard's business
  (``zhengai.chains.evidence_points``).
- Evidence is given per window: a term (``2026-2027-1``), an academic year (``2026-2027``) or a
  calendar year (``2026``). It belongs to the subject's cycle whose period contains the window
  (``PointEvidence.cycle``), set on submission, or when that cycle is opened later
  (``attach_to_cycles``); the cycle's report drafts its points' evidence from it and its evidence
  package (复核材料包) carries the files.
- The owner of the subject (``zhengai.org.access.OWNER_SCOPE``: a department's head, a specialty's
  leader, a course's leader, the teacher themself …) submits; a head over the subject or the
  quality office reviews it (``access.REVIEW_EVIDENCE``): 达标, 不达标 or 需补充 with a comment. Until it is
  达标 the owner may submit again (text replaced, files added). Every step is a ``CycleEvent``.
- Once the cycle's report is published the cycle's evidence is frozen (``FrozenError``): nothing is
  submitted, reviewed or removed, so the published report and its evidence package stay as filed.

Reading functions run a fixed number of queries whatever the number of subjects.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from zhengai.chains import applicability
from zhengai.chains.evidence_points import applicable, due_in, evidence_points, evidence_points_q, standards_with_evidence
from zhengai.chains.models import StandardNode
from zhengai.chains.models.standards import in_force_q
from zhengai.core import clock, windows
from zhengai.org import access
from zhengai.org.access import restrict

from .choices import EVIDENCE_REVIEW_RESULTS, EventKind, EvidenceStatus, ReportStatus
from .models import Cycle, CycleEvent, FrozenError, PointEvidence, PointEvidenceFile, Report

__all__ = ["applicable", "evidence_points", "standards_with_evidence"]  # read here by the pages and the demo

# Kinds of window evidence is given over.
WINDOW_KINDS = ("term", "academic_year", "year")
MISSING = "missing"  # a subject that owes evidence and has submitted none: a status for pages only

# Upload limits: policy a college may change in settings.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "txt", "md", "csv",
                      "jpg", "jpeg", "png", "gif", "zip", "rar", "7z", "mp4")
MAX_FILES = 10


def max_bytes() -> int:
    return int(getattr(settings, "ZHENGAI_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def allowed_extensions() -> tuple[str, ...]:
    return tuple(getattr(settings, "ZHENGAI_EVIDENCE_EXTENSIONS", DEFAULT_EXTENSIONS))


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------------------------ windows and points

def parse_window(text: str) -> windows.Window:
    """A term, academic year or year code; anything else is refused with a Chinese message."""
    try:
        window = windows.parse(text)
    except windows.WindowError as exc:
        raise ValidationError(str(exc)) from None
    if window.kind not in WINDOW_KINDS:
        raise ValidationError(_("自诊材料按学期、学年或年度提交：“%(text)s”不是学期（如 2026-2027-1）、学年（如 2026-2027）或年份（如 2026）。") % {"text": text})
    return window


def current_window(today: date) -> windows.Window:
    """The term containing ``today``, else its calendar year (a college without a term table)."""
    try:
        return windows.containing("term", today)
    except windows.WindowError:
        return windows.year(today.year)


# ------------------------------------------------------------------------------------ permission

def may_submit(user, subject) -> bool:
    return access.may(user, access.SUBMIT_EVIDENCE, subject)


def may_review(user, evidence: PointEvidence) -> bool:
    return access.may(user, access.REVIEW_EVIDENCE, evidence)


def may_see_overview(user) -> bool:
    """The overview is for the school and department scopes (the quality office, leaders, heads)."""
    return access.may(user, access.SEE_EVIDENCE_OVERVIEW)


# ------------------------------------------------------------------------------------ uploads

def check_files(files) -> None:
    """Refuse, before anything is written, a file that is empty, too large or of a type not taken."""
    files = list(files)
    problems = []
    if len(files) > MAX_FILES:
        problems.append(_("一次最多上传 %(n)s 个文件，本次选择了 %(got)s 个。") % {"n": MAX_FILES, "got": len(files)})
    extensions = allowed_extensions()
    for upload in files:
        name = upload.name or ""
        suffix = PurePath(name).suffix.lower().lstrip(".")
        if suffix not in extensions:
            problems.append(_("文件“%(name)s”的类型不允许，仅接受：%(types)s。") % {"name": name, "types": "、".join(extensions)})
        elif upload.size == 0:
            problems.append(_("文件“%(name)s”是空文件。") % {"name": name})
        elif upload.size > max_bytes():
            problems.append(_("文件“%(name)s”大小为 %(size)s MB，超过上限 %(limit)s MB。") % {
                "name": name, "size": _megabytes(upload.size), "limit": _megabytes(max_bytes())})
    if problems:
        raise ValidationError(problems)


# ------------------------------------------------------------------------------------ the cycle it belongs to

def _holding_cycles(window):
    """The cycles of the outer row's subject whose period contains ``window``."""
    return Cycle.objects.filter(subject_id=OuterRef("subject_id"), start__lte=window.start, end__gte=window.end)


def cycle_for(subject, window):
    """The cycle of ``subject`` that holds evidence over ``window``, or None (one query)."""
    return (Cycle.objects.filter(subject_id=subject.pk, start__lte=window.start, end__gte=window.end)
            .order_by("-start", "-pk").first())


def attach_to_cycles(subject_ids=None) -> int:
    """Give the evidence no cycle holds yet (of ``subject_ids``, else all) the cycle its window lies
    in, for the cycles opened since. Set-based: one read of the windows waiting, then one update per
    distinct window (a handful: terms, years) and one for their events, whatever the number of
    subjects. Returns how many submissions were attached."""
    waiting = PointEvidence.objects.filter(cycle__isnull=True)
    if subject_ids is not None:
        waiting = waiting.filter(subject_id__in=list(subject_ids))
    terms = windows.term_dates()
    attached = 0
    for code in sorted(set(waiting.order_by().values_list("window", flat=True).distinct())):
        try:
            window = windows.parse(code, terms)
        except windows.WindowError:
            continue
        holding = _holding_cycles(window)
        attached += waiting.filter(Exists(holding), window=code).update(
            cycle_id=Subquery(holding.order_by("-start", "-pk").values("pk")[:1]))  # the latest starting, should two
    if attached:
        # Their history so far becomes the cycle's too (one update).
        CycleEvent.objects.filter(evidence__isnull=False, evidence__cycle__isnull=False, cycle__isnull=True).update(
            cycle_id=Subquery(PointEvidence.objects.filter(pk=OuterRef("evidence_id")).values("cycle_id")[:1]))
    return attached


def frozen_cycle_ids(cycle_ids) -> set[int]:
    """The cycles (of ``cycle_ids``) whose report is published: their evidence is frozen (one query)."""
    ids = [pk for pk in cycle_ids if pk]
    if not ids:
        return set()
    return set(Report.objects.filter(cycle_id__in=ids, status=ReportStatus.PUBLISHED).values_list("cycle_id", flat=True))


def check_not_frozen(cycle_id) -> None:
    if cycle_id and frozen_cycle_ids([cycle_id]):
        raise FrozenError(_("该周期的诊改报告已发布，自诊材料随报告冻结，不能再提交、审核或删除；如需更正，请发起报告新版本。"))


# ------------------------------------------------------------------------------------ state changes

def _check_owed(subject, point: StandardNode, window) -> None:
    from zhengai.datacenter.models import Subject

    in_force = StandardNode.objects.filter(evidence_points_q(), in_force_q(window.end, "version__"), pk=point.pk)
    version = point.version
    if not in_force.exists() or not due_in(point, window) or version.standard.level != subject.level:
        raise ValidationError(_("诊断点“%(point)s”在 %(window)s 不要求提交材料。") % {"point": point, "window": window.code})
    if not Subject.objects.filter(applicability.rule_q(subject.level, version.applies_to or {}), pk=subject.pk).exists():
        raise ValidationError(_("诊断点“%(point)s”不适用于“%(subject)s”。") % {"point": point, "subject": subject.name})


@transaction.atomic
def do_submit_evidence(subject, point: StandardNode, window_text: str, *, text: str = "", files=(), acting_user) -> PointEvidence:
    """Submit (or submit again) a subject's evidence for a point over a window: the text replaces
    the previous text when given, files are added. Only the subject's owner submits; evidence
    judged 达标 is final."""
    if not may_submit(acting_user, subject):
        raise PermissionDenied(_("只有该主体的责任人可以提交自诊材料。"))
    window = parse_window(window_text)
    point = StandardNode.objects.select_related("version__standard").get(pk=point.pk)
    _check_owed(subject, point, window)
    files = list(files)
    check_files(files)
    text = (text or "").strip()
    evidence = PointEvidence.objects.select_for_update().filter(subject=subject, point=point, window=window.code).first()
    cycle = evidence.cycle if evidence is not None and evidence.cycle_id else cycle_for(subject, window)
    check_not_frozen(cycle.pk if cycle else None)
    if evidence is not None and evidence.status == EvidenceStatus.PASSED:
        raise ValidationError(_("该材料已审核达标，不能再修改。"))
    if not text and not files and (evidence is None or (not evidence.text and not evidence.files.exists())):
        raise ValidationError(_("请填写文字说明或上传至少一个文件。"))
    now = clock.now()
    again = evidence is not None
    if evidence is None:
        evidence = PointEvidence(subject=subject, point=point, window=window.code)
    evidence.cycle = cycle
    if text:
        evidence.text = text
    evidence.status, evidence.submitted_by, evidence.submitted_at = EvidenceStatus.SUBMITTED, acting_user, now
    evidence.save()
    for upload in files:
        PointEvidenceFile.objects.create(evidence=evidence, file=upload, name=PurePath(upload.name).name[:255],
                                         size=upload.size, uploaded_by=acting_user)
    CycleEvent.objects.create(actor=acting_user, kind=EventKind.EVIDENCE_RESUBMITTED if again else EventKind.EVIDENCE_SUBMITTED,
                              evidence=evidence, cycle=cycle,
                              detail={"window": window.code, "files": [PurePath(f.name).name for f in files], "text": bool(text),
                                      "point": point.pk, "version": point.version_id})
    return evidence


@transaction.atomic
def do_review_evidence(evidence: PointEvidence, result: str, comment: str = "", *, acting_user) -> PointEvidence:
    """Judge submitted evidence 达标 / 不达标 / 需补充; anything but 达标 needs a comment saying why."""
    evidence = PointEvidence.objects.select_for_update().get(pk=evidence.pk)
    if not may_review(acting_user, evidence):
        raise PermissionDenied(_("您不能审核该材料：审核由主体上级负责人或质管办进行。"))
    if result not in EVIDENCE_REVIEW_RESULTS:
        raise ValidationError(_("审核结果“%(value)s”无效，可选：达标、不达标、需补充。") % {"value": result})
    check_not_frozen(evidence.cycle_id)
    if evidence.status != EvidenceStatus.SUBMITTED:
        raise ValidationError(_("该材料不在待审核状态。"))
    comment = (comment or "").strip()
    if result != EvidenceStatus.PASSED and not comment:
        raise ValidationError(_("判定为不达标或需补充时，请写明审核意见。"))
    evidence.status, evidence.reviewed_by, evidence.reviewed_at, evidence.review_comment = result, acting_user, clock.now(), comment
    evidence.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    CycleEvent.objects.create(actor=acting_user, kind=EventKind.EVIDENCE_REVIEWED, evidence=evidence, cycle_id=evidence.cycle_id,
                              detail={"result": result, "comment": comment, "window": evidence.window})
    return evidence


@transaction.atomic
def do_remove_evidence_file(evidence_file: PointEvidenceFile, *, acting_user) -> None:
    """Take a wrongly uploaded file off a submission not yet judged 达标 (the owner only)."""
    evidence = PointEvidence.objects.select_for_update().select_related("subject").get(pk=evidence_file.evidence_id)
    if not may_submit(acting_user, evidence.subject):
        raise PermissionDenied(_("只有该主体的责任人可以删除材料文件。"))
    check_not_frozen(evidence.cycle_id)
    if evidence.status == EvidenceStatus.PASSED:
        raise ValidationError(_("该材料已审核达标，不能再修改。"))
    name = evidence_file.name
    evidence_file.delete()
    transaction.on_commit(lambda: evidence_file.file.delete(save=False))
    CycleEvent.objects.create(actor=acting_user, kind=EventKind.EVIDENCE_FILE_REMOVED, evidence=evidence, cycle_id=evidence.cycle_id,
                              detail={"file": name})


# ------------------------------------------------------------------------------------ reading

@dataclass
class Item:
    """One point a subject owes, with its submission (None: missing)."""

    point: StandardNode
    evidence: PointEvidence | None = None
    frozen: bool = False  # its cycle's report is published

    @property
    def status(self) -> str:
        return self.evidence.status if self.evidence else MISSING


@dataclass
class SubjectItems:
    subject: object
    items: list[Item] = field(default_factory=list)


def my_items(user, window) -> list[SubjectItems]:
    """The evidence the user owes as an owner over ``window``: each owned subject that owes some,
    with its points and submissions (files prefetched). Queries: points, subjects with their
    rules, submissions, files, the frozen cycles — whatever the number of subjects."""
    from zhengai.datacenter.models import Subject

    points = evidence_points(window)
    if not points:
        return []
    levels = {p.version.standard.level for p in points}
    subjects = restrict(Subject.objects.filter(active=True, level__in=levels), user, access.SUBMIT_EVIDENCE)
    owed = applicable(subjects, points)
    if not owed:
        return []
    by_id = {s.pk: s for s in Subject.objects.filter(pk__in=list(owed)).order_by("level", "key")}
    found = {(e.subject_id, e.point_id): e for e in PointEvidence.objects.filter(
        subject_id__in=list(owed), point__in=points, window=window.code).select_related("submitted_by", "reviewed_by").prefetch_related("files")}
    frozen = frozen_cycle_ids({e.cycle_id for e in found.values()})
    out = []
    for subject in by_id.values():
        items = []
        for p in owed[subject.pk]:
            e = found.get((subject.pk, p.pk))
            items.append(Item(p, e, bool(e and e.cycle_id in frozen)))
        out.append(SubjectItems(subject, items))
    return out


@dataclass
class PointCounts:
    point: StandardNode
    owed: int = 0
    submitted: int = 0
    passed: int = 0
    failed: int = 0
    more: int = 0

    @property
    def missing(self) -> int:
        return self.owed - self.submitted

    @property
    def reviewed(self) -> int:
        return self.passed + self.failed + self.more

    @property
    def waiting(self) -> int:
        return self.submitted - self.reviewed


def overview_subjects(user, version, department=None):
    """The subjects (a queryset) that owe a version's evidence, inside the user's scope."""
    from zhengai.datacenter.models import Subject

    level = version.standard.level
    qs = restrict(Subject.objects.filter(applicability.rule_q(level, version.applies_to or {}), active=True), user)
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("department__code", "key")


def overview_counts(subjects, points, window, owed: int | None = None) -> list[PointCounts]:
    """Per point: how many subjects owe it, submitted, and each review result (two queries; one
    when the number of subjects is known)."""
    counts = {p.pk: PointCounts(p) for p in points}
    owed = subjects.count() if owed is None else owed
    for c in counts.values():
        c.owed = owed
    rows = (PointEvidence.objects.filter(point__in=points, window=window.code, subject__in=subjects.values("pk"))
            .order_by().values_list("point_id", "status").annotate(n=Count("pk")))
    for point_id, status, n in rows:
        c = counts[point_id]
        c.submitted += n
        if status in (EvidenceStatus.PASSED, EvidenceStatus.FAILED, EvidenceStatus.MORE):
            setattr(c, status, getattr(c, status) + n)
    return list(counts.values())


def overview_cells(subject_list, points, window) -> dict[tuple[int, int], PointEvidence]:
    """(subject id, point id) → submission, for the subjects given (one query)."""
    return {(e.subject_id, e.point_id): e for e in PointEvidence.objects.filter(
        subject_id__in=[s.pk for s in subject_list], point__in=points, window=window.code).order_by()}


def status_label(status: str) -> str:
    return _("未提交") if status == MISSING else str(EvidenceStatus(status).label)


def overview_rows(subjects, points, window):
    """Rows for the .xlsx export: one per subject, a status column per point (two queries)."""
    subject_list = list(subjects.select_related("department"))
    cells = {}
    for e in PointEvidence.objects.filter(point__in=points, window=window.code, subject__in=subjects.values("pk")).order_by():
        cells[(e.subject_id, e.point_id)] = e.status
    header = [_("标识"), _("名称"), _("所属部门")] + [f"{p.code} {p.name}" for p in points]
    rows = [[s.key, s.name, s.department.name if s.department_id else ""]
            + [status_label(cells.get((s.pk, p.pk), MISSING)) for p in points] for s in subject_list]
    return header, rows
