"""The self-diagnosis and its report: rating 诊断点, writing the analysis, improvement actions,
submitting, reviewing, publishing, correcting — each ``do_<verb>_<noun>(…, *, acting_user)`` in one
transaction with a ``CycleEvent``.

- The owner (``access.SUBMIT_REPORT``) drafts, rates the points no indicator measures (status,
  evidence, judgement), writes the analysis and adds improvement actions, while the report is a
  draft or returned.
- Submitting needs every point rated, an improvement action on every point not met (不合格), and
  an outcome for every improvement action of the cycle before.
- The next level up reviews (``access.REVIEW_REPORT``; the school's own report: the school leaders,
  ``access.APPROVE_SCHOOL_REPORT``): approve — the report is published and frozen — or return with
  comments. A published report never changes; ``do_correct_report`` starts a new version.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.choices import Level
from zhengai.org import access

from .choices import ActionStatus, EventKind, RatingStatus, ReportStatus
from .drafting import recount
from .models import Cycle, CycleEvent, FrozenError, ImprovementAction, PointRating, Report


def review_act(report_or_cycle) -> access.Act:
    cycle = getattr(report_or_cycle, "cycle", report_or_cycle)
    return access.APPROVE_SCHOOL_REPORT if cycle.level == Level.SCHOOL else access.REVIEW_REPORT


def may_review(user, report) -> bool:
    return access.may(user, review_act(report), report)


def may_write(user, report) -> bool:
    return access.may(user, access.SUBMIT_REPORT, report)


def _locked(report, user, act) -> Report:
    pk = getattr(report, "pk", report)
    found = access.restrict(Report.objects.select_for_update(), user, act).filter(pk=pk).first()
    if found is None:
        if access.restrict(Report.objects.all(), user).filter(pk=pk).exists():
            raise PermissionDenied(_("您不能对该诊改报告执行此操作。"))
        raise Http404
    return found


def _editable(report: Report) -> None:
    if report.is_published:
        raise FrozenError(_("已发布的诊改报告不能修改；如需更正，请发起新版本。"))
    if not report.editable:
        raise ValidationError(_("诊改报告已提交审核，审核结果出来前不能修改。"))


def _event(report, kind, user, note="", **detail):
    CycleEvent.objects.create(cycle_id=report.cycle_id, kind=kind, actor=user, note=note,
                              detail={"report": report.pk, "version": report.version, **detail})


def do_draft_report(cycle, *, acting_user) -> Report:
    """Draft (or refresh) the report of one cycle the user owns."""
    from .drafting import draft_reports

    pk = getattr(cycle, "pk", cycle)
    found = access.restrict(Cycle.objects.all(), acting_user, access.SUBMIT_REPORT).filter(pk=pk).first()
    if found is None:
        if access.restrict(Cycle.objects.all(), acting_user).filter(pk=pk).exists():
            raise PermissionDenied(_("您不能起草该诊改报告。"))
        raise Http404
    latest = found.reports.order_by("-version").first()
    if latest is not None and not latest.editable:
        raise ValidationError(_("该周期的诊改报告已提交或已发布，不能重新起草。"))
    with transaction.atomic():
        [report] = draft_reports([found], acting_user=acting_user)
    return report


def do_rate_point(rating, *, status: str, evidence: str = "", judgement: str = "", acting_user) -> PointRating:
    """The owner's judgement of a point no indicator measured (or whose value is missing)."""
    pk = getattr(rating, "pk", rating)
    with transaction.atomic():
        rating = PointRating.objects.select_related("report").get(pk=pk)
        report = _locked(rating.report, acting_user, access.SUBMIT_REPORT)
        _editable(report)
        if rating.drafted:
            raise ValidationError(_("该诊断点由指标数据评定，不能手工修改；如数据有误，请更正数据后重新起草。"))
        if status not in (RatingStatus.QUALIFIED, RatingStatus.WARNING, RatingStatus.FAIL):
            raise ValidationError(_("评定应为合格、预警或不合格。"))
        if not (evidence or "").strip() or not (judgement or "").strip():
            raise ValidationError(_("无指标的诊断点须填写佐证与判断说明。"))
        rating.status, rating.evidence, rating.judgement = status, evidence.strip()[:5000], judgement.strip()[:5000]
        rating.save(update_fields=["status", "evidence", "judgement"])
        recount(report)
        report.save(update_fields=["data"])
        _event(report, EventKind.RATED, acting_user, point=rating.point_id, status=status)
    return rating


ANALYSIS_FIELDS = ("achievements", "problems", "causes", "measures")


def do_write_analysis(report, *, acting_user, **texts) -> Report:
    """The owner's analysis beside the data: achievements, problems, causes, measures."""
    with transaction.atomic():
        report = _locked(report, acting_user, access.SUBMIT_REPORT)
        _editable(report)
        for name in ANALYSIS_FIELDS:
            if name in texts:
                setattr(report, name, (texts[name] or "").strip()[:20000])
        report.save(update_fields=list(ANALYSIS_FIELDS))
        _event(report, EventKind.WROTE, acting_user)
    return report


def do_add_action(report, *, text: str, due: date, rating=None, warning_id=None, owner=None, acting_user) -> ImprovementAction:
    """An improvement action answering a point (or a warning) of the report's cycle."""
    text = (text or "").strip()
    with transaction.atomic():
        report = _locked(report, acting_user, access.SUBMIT_REPORT)
        _editable(report)
        if not text:
            raise ValidationError(_("请填写改进措施。"))
        if due is None:
            raise ValidationError(_("请填写完成期限（如 2027-03-31）。"))
        if rating is not None:
            rating = PointRating.objects.filter(pk=getattr(rating, "pk", rating), report=report).first()
            if rating is None:
                raise ValidationError(_("该诊断点不属于这份报告。"))
        action = ImprovementAction.objects.create(
            cycle_id=report.cycle_id, rating=rating, point_id=rating.point_id if rating else None, warning_id=warning_id,
            text=text[:5000], due=due, owner=owner or acting_user, created_by=acting_user)
        _event(report, EventKind.ACTION, acting_user, action=action.pk)
    return action


def blockers(report: Report) -> list[str]:
    """Why the report cannot be submitted yet (empty: it can). Three queries."""
    from .drafting import previous_cycles

    problems = []
    unrated = [r.point.name for r in report.ratings.select_related("point").filter(status=RatingStatus.UNRATED)]
    if unrated:
        problems.append(_("以下诊断点尚未评定：%(names)s") % {"names": "、".join(unrated[:10])})
    # Matched by point, not by rating row: redrafting replaces the rows, the actions stay.
    answered = set(ImprovementAction.objects.filter(cycle_id=report.cycle_id, point__isnull=False).values_list("point_id", flat=True))
    unanswered = [r for r in report.ratings.filter(status=RatingStatus.FAIL).select_related("point") if r.point_id not in answered]
    if unanswered:
        problems.append(_("以下不合格的诊断点须有改进措施：%(names)s") % {"names": "、".join(r.point.name for r in unanswered[:10])})
    prev = previous_cycles([report.cycle]).get(report.cycle_id)
    if prev is not None:
        still = list(prev.actions.filter(status=ActionStatus.OPEN).values_list("text", flat=True)[:10])
        if still:
            problems.append(_("上一周期的改进措施尚无结果：%(names)s。请先在本周期页面的“改进措施”处登记每项措施的结果。") % {"names": "、".join(t[:30] for t in still)})
    return problems


def do_submit_report(report, *, acting_user) -> Report:
    with transaction.atomic():
        report = _locked(report, acting_user, access.SUBMIT_REPORT)
        _editable(report)
        problems = blockers(report)
        if problems:
            raise ValidationError(problems)
        recount(report)
        report.status, report.submitted_by, report.submitted_at = ReportStatus.SUBMITTED, acting_user, clock.now()
        report.save(update_fields=["status", "submitted_by", "submitted_at", "data"])
        _event(report, EventKind.SUBMITTED, acting_user)
    return report


def do_review_report(report, decision: str, comment: str = "", *, acting_user) -> Report:
    """Approve (publish and freeze) or return with comments."""
    comment = (comment or "").strip()
    pk = getattr(report, "pk", report)
    with transaction.atomic():
        target = Report.objects.select_related("cycle").filter(pk=pk).first()
        if target is None:
            raise Http404
        report = _locked(target, acting_user, review_act(target))
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("只有待审核的诊改报告可以审核。"))
        if decision == "approve":
            report.status, report.published_at = ReportStatus.PUBLISHED, clock.now()
            kind = EventKind.APPROVED
        elif decision == "return":
            if not comment:
                raise ValidationError(_("退回须填写审核意见。"))
            report.status = ReportStatus.RETURNED
            kind = EventKind.RETURNED
        else:
            raise ValidationError(_("审核结论应为通过或退回。"))
        report.reviewed_by, report.reviewed_at, report.review_comment = acting_user, clock.now(), comment[:5000]
        report.save(update_fields=["status", "published_at", "reviewed_by", "reviewed_at", "review_comment"])
        _event(report, kind, acting_user, note=comment)
    return report


def do_correct_report(report, *, acting_user, reason: str) -> Report:
    """A published report is corrected by a new version (a draft copying its analysis and owner's
    ratings), which supersedes it once published; the old version stays as it was."""
    reason = (reason or "").strip()
    with transaction.atomic():
        old = _locked(report, acting_user, access.SUBMIT_REPORT)
        if not reason:
            raise ValidationError(_("发起更正须说明原因。"))
        if not old.is_published:
            raise ValidationError(_("只有已发布的诊改报告才需要以新版本更正。"))
        if old.cycle.reports.filter(version__gt=old.version).exists():
            raise ValidationError(_("该报告已有更正中的新版本。"))
        new = Report.objects.create(cycle_id=old.cycle_id, version=old.version + 1, status=ReportStatus.DRAFT,
                                    data=old.data, drafted_at=clock.now(), supersedes=old,
                                    **{f: getattr(old, f) for f in ANALYSIS_FIELDS})
        PointRating.objects.bulk_create([
            PointRating(report=new, **{f.attname: getattr(r, f.attname) for f in PointRating._meta.concrete_fields
                                       if f.attname not in ("id", "report_id")})
            for r in old.ratings.all()])
        _event(new, EventKind.CORRECTED, acting_user, note=reason, supersedes=old.pk)
    return new
