"""The correction loop (纠偏闭环): state changes of a warning, each ``do_<verb>_<noun>(…, *, acting_user)``
in one transaction with its ``WarningEvent`` row. The event is also the notifier's queue: the
scheduled job ``zhengai.notifications.send_digests`` batches the steps people take (acknowledged,
correcting, resolved, closed …) into one digest per person; monitoring itself sends nothing.

Who may act is decided by ``zhengai.org.access``, one named act each: acknowledging, correcting,
resolving and closing are staff acts (every role but 校领导 and 学生) whose scope reaches the
subject; the person the warning is about (a student, a teacher) adds their own account
(``do_add_self_report``: a self-report or a plan, kept in the history); raising a flag is a staff
act on a subject in scope, or on a student enrolled in an offering in scope.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.datacenter.models import Subject
from zhengai.org import access

from .choices import ACTIVE_STATUSES, EventKind, MeasureKind, WarningSource, WarningStatus
from .models import Warning, WarningEvent


def _locked(warning, user, act) -> Warning:
    """The warning re-read under a row lock: 404 if the user cannot see it, 403 if they may not do
    ``act`` on it."""
    from django.http import Http404

    from .queries import visible

    pk = getattr(warning, "pk", warning)
    found = visible(user, act, Warning.objects.select_for_update()).filter(pk=pk).first()
    if found is None:
        if visible(user).filter(pk=pk).exists():
            raise PermissionDenied(_("您不能对该预警执行“%(act)s”。") % {"act": ACT_LABELS[act]})
        raise Http404
    return found


ACT_LABELS = {
    access.ACKNOWLEDGE_WARNING: EventKind.ACKNOWLEDGED.label, access.CORRECT_WARNING: EventKind.CORRECTING.label,
    access.RESOLVE_WARNING: EventKind.RESOLVED.label, access.CLOSE_WARNING: EventKind.CLOSED.label,
    access.SELF_REPORT_WARNING: EventKind.SELF_REPORTED.label,
}


def _subject_for_flag(subject, user) -> Subject:
    """A subject the user may flag: inside their change scope, or — for a student — enrolled in an
    offering inside it (a teacher flags the students they teach)."""
    from django.http import Http404

    from zhengai.datacenter.models import Enrolment
    from zhengai.org.access import restrict

    pk = getattr(subject, "pk", subject)
    found = restrict(Subject.objects.filter(pk=pk), user, access.RAISE_FLAG).first()
    if found is None:
        candidate = Subject.objects.filter(pk=pk, level="student", student__isnull=False).first()
        if candidate and restrict(Enrolment.objects.filter(student_id=candidate.student_id), user, access.RAISE_FLAG).exists():
            found = candidate
    if found is None:
        raise Http404
    return found


def _move(warning: Warning, to_status: str, kind: str, user, allowed_from, note: str = "") -> WarningEvent:
    if warning.status not in allowed_from:
        raise ValidationError(
            _("预警当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": warning.get_status_display(), "action": EventKind(kind).label}
        )
    event = WarningEvent.objects.create(
        warning=warning, kind=kind, actor=user, from_status=warning.status, to_status=to_status,
        window_code=warning.last_window, value=warning.value, note=note,
    )
    warning.status = to_status
    return event


@transaction.atomic
def do_acknowledge_warning(warning, *, acting_user) -> Warning:
    warning = _locked(warning, acting_user, access.ACKNOWLEDGE_WARNING)
    _move(warning, WarningStatus.ACKNOWLEDGED, EventKind.ACKNOWLEDGED, acting_user, (WarningStatus.OPEN,))
    warning.save(update_fields=["status", "updated_at"])
    return warning


@transaction.atomic
def do_start_correction(warning, cause: str, measure_kind: str, text: str, *, acting_user) -> Warning:
    """Record the cause and the correction measure (纠偏措施); the warning moves to correcting."""
    cause, text = (cause or "").strip(), (text or "").strip()
    if not cause:
        raise ValidationError(_("请填写原因分析。"))
    if measure_kind not in MeasureKind.values:
        raise ValidationError(_("纠偏措施类别“%(kind)s”无效，可选：%(choices)s")
                              % {"kind": measure_kind, "choices": "、".join(str(label) for label in MeasureKind.labels)})
    if not text:
        raise ValidationError(_("请填写纠偏措施。"))
    warning = _locked(warning, acting_user, access.CORRECT_WARNING)
    _move(warning, WarningStatus.CORRECTING, EventKind.CORRECTING, acting_user,
                  (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED), note=f"{MeasureKind(measure_kind).label}：{text}")
    warning.cause, warning.measure_kind, warning.measure_text = cause, measure_kind, text
    warning.correction_started_at = clock.now()
    warning.save(update_fields=["status", "cause", "measure_kind", "measure_text", "correction_started_at", "updated_at"])
    return warning


@transaction.atomic
def do_resolve_warning(warning, note: str = "", *, acting_user) -> Warning:
    """Resolve by hand (e.g. a manual flag whose concern is settled)."""
    warning = _locked(warning, acting_user, access.RESOLVE_WARNING)
    _move(warning, WarningStatus.RESOLVED, EventKind.RESOLVED, acting_user, ACTIVE_STATUSES, note=note)
    warning.resolved_at = clock.now()
    warning.resolved_window, warning.resolved_window_end = warning.last_window, warning.last_window_end
    warning.save(update_fields=["status", "resolved_at", "resolved_window", "resolved_window_end", "updated_at"])
    return warning


@transaction.atomic
def do_close_warning(warning, reason: str, *, acting_user) -> Warning:
    """Close with a reason (a false alarm, a student who left …). Closing a manual flag tells
    whoever raised it (close the loop)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("关闭预警须填写原因。"))
    warning = _locked(warning, acting_user, access.CLOSE_WARNING)
    _move(warning, WarningStatus.CLOSED, EventKind.CLOSED, acting_user, ACTIVE_STATUSES, note=reason)
    warning.closed_at = clock.now()
    if warning.source != WarningSource.MANUAL:
        warning.reason = reason
    warning.save(update_fields=["status", "closed_at", "reason", "updated_at"])
    return warning


@transaction.atomic
def do_raise_manual_flag(subject, reason: str, *, acting_user, grade: str = "yellow") -> Warning:
    """A person raises a concern (关注) on a subject in their scope; it follows the same lifecycle."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写关注原因。"))
    if not access.may(acting_user, access.RAISE_FLAG):
        raise PermissionDenied(_("只有教师、辅导员、课程负责人等教职工可以发起关注。"))
    subject = _subject_for_flag(subject, acting_user)
    from zhengai.core.windows import containing

    from .policies import policy_for

    today = clock.today()
    window = containing(policy_for(subject.level).cadence, today)
    warning = Warning.objects.create(
        subject=subject, level=subject.level, indicator_code="", source=WarningSource.MANUAL, grade=grade,
        opened_window=window.code, opened_window_end=window.end, last_window=window.code, last_window_end=window.end,
        raised_by=acting_user, reason=reason,
    )
    WarningEvent.objects.create(
        warning=warning, kind=EventKind.FLAGGED, actor=acting_user, to_status=WarningStatus.OPEN, to_grade=grade,
        window_code=window.code, note=reason,
    )
    return warning


@transaction.atomic
def do_add_self_report(warning, text: str, *, acting_user) -> WarningEvent:
    """The person the warning is about gives their own account (本人说明): what happened, or what they
    will do. It changes no status; it is kept in the warning's history and told to its owners."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写说明。"))
    if len(text) > 2000:
        raise ValidationError(_("说明最多 2000 字，当前 %(n)s 字。") % {"n": len(text)})
    warning = _locked(warning, acting_user, access.SELF_REPORT_WARNING)
    return WarningEvent.objects.create(
        warning=warning, kind=EventKind.SELF_REPORTED, actor=acting_user, window_code=warning.last_window,
        value=warning.value, note=text,
    )
