"""The demo college's self-diagnosis evidence (自诊材料): for the previous term nearly every subject
has submitted and been reviewed; for the current term (the demo date's) about six in ten have
submitted and two in three of those are reviewed, so the overview and the heads' review queue are
not empty on first sign-in. Text only (no files on disk). Each submission is held by the subject's
cycle whose period contains its window, where one is open (``selfdiag.attach_to_cycles``), so the
cycles' drafted reports bring it in. Deterministic: choices come from ``random.Random`` seeded with
the demo seed; times from the demo date. Idempotent."""

import logging
import random
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from zhengai.core.windows import WindowError
from zhengai.datacenter.choices import Level
from zhengai.datacenter.demo.calendar import DEMO_DATE

from . import selfdiag
from .choices import EventKind, EvidenceStatus
from .models import CycleEvent, PointEvidence

log = logging.getLogger(__name__)

CONDUCT = ["优秀", "良好", "良好", "合格"]
MORE_COMMENTS = ["缺少年度完成情况总结，请补充。", "请补充佐证材料的原件扫描件。", "材料未体现改进措施的落实情况，请补充。"]
FAILED_COMMENTS = ["材料与证据要求不符，请按要求重新整理提交。", "所附规划已过期，未按新一轮标准修订。"]


def _text(subject, point, window_code: str, rng: random.Random) -> str:
    if subject.level == Level.STUDENT:
        return f"{window_code} 学期操行评定：{rng.choice(CONDUCT)}。辅导员评语：遵守校纪校规，积极参加集体活动。"
    return f"{subject.name} {window_code}「{point.name}」：{point.evidence}，已按标准整理并经本单位审议。"


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60))))


def _owners() -> dict:
    """(level, coordinate id) → an account that owns such subjects, from the demo's role assignments."""
    from zhengai.datacenter.models import Staff
    from zhengai.org.models import RoleAssignment

    owners = {}
    for role, user, dept, spec, course, klass in RoleAssignment.objects.values_list(
            "role", "user_id", "department_id", "specialty_id", "course_id", "admin_class_id"):
        key = {"quality_office": ("school", None), "department_head": ("department", dept), "specialty_leader": ("specialty", spec),
               "course_leader": ("course", course), "counsellor": ("student", klass)}.get(role)
        if key:
            owners.setdefault(key, user)
    for staff, user in Staff.objects.filter(user__isnull=False).values_list("pk", "user_id"):
        owners[("teacher", staff)] = user
    return owners


def _owner(owners, subject):
    coordinate = {"school": None, "department": subject.department_id, "specialty": subject.specialty_id,
                  "course": subject.course_id, "teacher": subject.staff_id, "student": subject.admin_class_id}.get(subject.level)
    return owners.get((subject.level, coordinate))


def install_demo_evidence(demo_date=None, seed=1) -> int:
    from zhengai.datacenter.models import Subject

    if PointEvidence.objects.exists():
        return 0
    today = demo_date if isinstance(demo_date, date) else date.fromisoformat(str(demo_date or DEMO_DATE.isoformat()))
    current = selfdiag.current_window(today)
    try:
        previous = current.previous()
    except WindowError:  # a term table that starts with the current term
        previous = None
    owners = _owners()
    reviewer = owners.get(("school", None))
    rng = random.Random(f"{seed}-self-diagnosis")
    rows, steps = [], []
    for window, share, reviewed_share in ((previous, 0.95, 1.0), (current, 0.6, 0.67)):
        if window is None:
            continue
        points = selfdiag.evidence_points(window)
        levels = {p.version.standard.level for p in points}
        owed = selfdiag.applicable(Subject.objects.filter(active=True, level__in=levels).order_by(), points)
        subjects = Subject.objects.in_bulk(list(owed))
        end = min(window.end, today)
        for subject_id in sorted(owed, key=lambda pk: (subjects[pk].level, subjects[pk].key)):
            subject = subjects[subject_id]
            for point in owed[subject_id]:
                if rng.random() >= share:
                    continue
                submitted_at = _at(max(window.start, end - timedelta(days=rng.randrange(10, 40))), rng)
                evidence = PointEvidence(subject=subject, point=point, window=window.code, text=_text(subject, point, window.code, rng),
                                         submitted_by_id=_owner(owners, subject), submitted_at=submitted_at)
                history = [(EventKind.EVIDENCE_SUBMITTED, evidence.submitted_by_id, submitted_at,
                            {"window": window.code, "files": [], "text": True})]
                if rng.random() < reviewed_share:
                    draw = rng.random()
                    status = EvidenceStatus.PASSED if draw < 0.8 else EvidenceStatus.MORE if draw < 0.93 else EvidenceStatus.FAILED
                    comment = "" if status == EvidenceStatus.PASSED else rng.choice(MORE_COMMENTS if status == EvidenceStatus.MORE else FAILED_COMMENTS)
                    reviewed_at = submitted_at + timedelta(days=rng.randrange(1, 7), hours=rng.randrange(6))
                    evidence.status, evidence.reviewed_by_id, evidence.reviewed_at, evidence.review_comment = status, reviewer, reviewed_at, comment
                    history.append((EventKind.EVIDENCE_REVIEWED, reviewer, reviewed_at,
                                    {"result": status, "comment": comment, "window": window.code}))
                rows.append(evidence)
                steps.append(history)
    PointEvidence.objects.bulk_create(rows, batch_size=2000)
    selfdiag.attach_to_cycles()
    cycle_of = dict(PointEvidence.objects.filter(cycle__isnull=False).values_list("pk", "cycle_id"))
    CycleEvent.objects.bulk_create(
        [CycleEvent(actor_id=user, kind=kind, evidence=evidence, cycle_id=cycle_of.get(evidence.pk), detail=detail)
         for evidence, history in zip(rows, steps) for kind, user, _when, detail in history], batch_size=2000)
    # ``at`` is stamped on creation; the demo's history happened when its submissions say (two
    # set-based updates: nothing but the demo has evidence events yet).
    demo_events = CycleEvent.objects.filter(evidence__isnull=False)
    demo_events.filter(kind=EventKind.EVIDENCE_SUBMITTED).update(
        at=Subquery(PointEvidence.objects.filter(pk=OuterRef("evidence_id")).values("submitted_at")))
    demo_events.filter(kind=EventKind.EVIDENCE_REVIEWED).update(
        at=Subquery(PointEvidence.objects.filter(pk=OuterRef("evidence_id")).values("reviewed_at")))
    log.info("demo self-diagnosis evidence: %s submissions", len(rows))
    return len(rows)
