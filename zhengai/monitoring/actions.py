"""The correction loop (纠偏闭环): state changes of a warning, each ``do_<verb>_<noun>(…, *, acting_user)``
in one transaction with its ``WarningEvent`` row; notifications go out after commit.

Who may act is decided by ``zhengai.org.access``: a warning can be changed by whoever's scope
reaches its subject with the "change" action (the owners by role and scope, the quality office).
Closing without recovery, and raising a flag by hand, also need a role other than student.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengai.datacenter.models import Subject
from zhengai.org.access import CHANGE, has_role
from zhengai.org.choices import Role

from .choices import ACTIVE_STATUSES, EventKind, MeasureKind, WarningSource, WarningStatus
from .models import Warning, WarningEvent
from .owners import owners_for, subject_rows

# Roles that may close a warning without recovery or raise a flag by hand (关注).
STAFF_ROLES = (Role.ADMIN, Role.QUALITY_OFFICE, Role.DEPARTMENT_HEAD, Role.SPECIALTY_LEADER, Role.COURSE_LEADER,
               Role.TEACHER, Role.COUNSELLOR)


def _locked(warning, user) -> Warning:
    """The warning re-read under a row lock, if the user may change it (404 otherwise)."""
    from django.http import Http404

    from .queries import visible

    found = visible(user, CHANGE, Warning.objects.select_for_update()).filter(pk=getattr(warning, "pk", warning)).first()
    if found is None:
        raise Http404
    return found


def _subject_for_flag(subject, user) -> Subject:
    """A subject the user may flag: inside their change scope, or — for a student — enrolled in an
    offering inside it (a teacher flags the students they teach)."""
    from django.http import Http404

    from zhengai.datacenter.models import Enrolment
    from zhengai.org.access import restrict

    pk = getattr(subject, "pk", subject)
    found = restrict(Subject.objects.filter(pk=pk), user, CHANGE).first()
    if found is None:
        candidate = Subject.objects.filter(pk=pk, level="student", student__isnull=False).first()
        if candidate and restrict(Enrolment.objects.filter(student_id=candidate.student_id), user, CHANGE).exists():
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


def _after_commit(event: WarningEvent) -> None:
    def send():
        try:
            from zhengai.notifications.digest import send_event_notifications
        except ImportError:
            return
        send_event_notifications([event.pk])

    transaction.on_commit(send)


@transaction.atomic
def do_acknowledge_warning(warning, *, acting_user) -> Warning:
    warning = _locked(warning, acting_user)
    event = _move(warning, WarningStatus.ACKNOWLEDGED, EventKind.ACKNOWLEDGED, acting_user, (WarningStatus.OPEN,))
    warning.save(update_fields=["status", "updated_at"])
    _after_commit(event)
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
    warning = _locked(warning, acting_user)
    event = _move(warning, WarningStatus.CORRECTING, EventKind.CORRECTING, acting_user,
                  (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED), note=f"{MeasureKind(measure_kind).label}：{text}")
    warning.cause, warning.measure_kind, warning.measure_text = cause, measure_kind, text
    warning.correction_started_at = timezone.now()
    warning.save(update_fields=["status", "cause", "measure_kind", "measure_text", "correction_started_at", "updated_at"])
    _after_commit(event)
    return warning


@transaction.atomic
def do_resolve_warning(warning, note: str = "", *, acting_user) -> Warning:
    """Resolve by hand (e.g. a manual flag whose concern is settled)."""
    warning = _locked(warning, acting_user)
    event = _move(warning, WarningStatus.RESOLVED, EventKind.RESOLVED, acting_user, ACTIVE_STATUSES, note=note)
    warning.resolved_at = timezone.now()
    warning.resolved_window, warning.resolved_window_end = warning.last_window, warning.last_window_end
    warning.save(update_fields=["status", "resolved_at", "resolved_window", "resolved_window_end", "updated_at"])
    _after_commit(event)
    return warning


@transaction.atomic
def do_close_warning(warning, reason: str, *, acting_user) -> Warning:
    """Close with a reason (a false alarm, a student who left …). Closing a manual flag tells
    whoever raised it (close the loop)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("关闭预警须填写原因。"))
    if not has_role(acting_user, *STAFF_ROLES):
        raise PermissionDenied(_("只有教职工可以关闭预警。"))
    warning = _locked(warning, acting_user)
    event = _move(warning, WarningStatus.CLOSED, EventKind.CLOSED, acting_user, ACTIVE_STATUSES, note=reason)
    warning.closed_at = timezone.now()
    if warning.source != WarningSource.MANUAL:
        warning.reason = reason
    warning.save(update_fields=["status", "closed_at", "reason", "updated_at"])
    _after_commit(event)
    return warning


@transaction.atomic
def do_raise_manual_flag(subject, reason: str, *, acting_user, grade: str = "yellow") -> Warning:
    """A person raises a concern (关注) on a subject in their scope; it follows the same lifecycle."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写关注原因。"))
    if not has_role(acting_user, *STAFF_ROLES):
        raise PermissionDenied(_("只有教师、辅导员、课程负责人等教职工可以发起关注。"))
    subject = _subject_for_flag(subject, acting_user)
    from zhengai.core.home import demo_today
    from zhengai.core.windows import containing

    from .policies import policy_for

    today = demo_today()
    window = containing(policy_for(subject.level).cadence, today)
    warning = Warning.objects.create(
        subject=subject, level=subject.level, indicator_code="", source=WarningSource.MANUAL, grade=grade,
        opened_window=window.code, opened_window_end=window.end, last_window=window.code, last_window_end=window.end,
        raised_by=acting_user, reason=reason,
    )
    owners = owners_for(subject.level, subject_rows(subject.level, [subject.pk])).get(subject.pk, set())
    warning.owners.add(*owners, acting_user.pk)
    event = WarningEvent.objects.create(
        warning=warning, kind=EventKind.FLAGGED, actor=acting_user, to_status=WarningStatus.OPEN, to_grade=grade,
        window_code=window.code, note=reason,
    )
    _after_commit(event)
    return warning
