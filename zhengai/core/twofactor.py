"""Two-factor sign-in (两步验证): a time-based one-time code (TOTP, RFC 6238) after the password.

Who must: superusers, system administrators and the quality office (质管办) — the accounts that see
everybody's records and change the rules (``ZHENGAI_TOTP_REQUIRED=false`` turns the requirement
off, e.g. for a laptop demo) — and anyone who enrolled a device of their own accord.

How: a sign-in (password, CAS or OIDC) of such an account leaves the session owing a step
(``PENDING``: "verify", or "enrol" when the account has no confirmed device yet), and
``signin.SessionPolicyMiddleware`` sends every request to that step's page until it is done. The
devices and the code check are django-otp's (``TOTPDevice``: drift window, replay refusal,
back-off after wrong codes); the QR code is drawn by segno as inline SVG, no image service.
``AXES_FAILURE_LIMIT`` wrong codes in a row end the session. A person who lost their phone is
reset by a system administrator (``do_reset_two_factor``; ``zhengai reset_two_factor USERNAME``
for the last one), and enrols again at the next sign-in.
"""

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengai.org.choices import Role

from .audit import record
from .choices import AuditKind

PENDING = "zhengai_two_factor"
FAILURES = "zhengai_two_factor_failures"
VERIFY = "verify"
ENROL = "enrol"
REQUIRED_ROLES = (Role.ADMIN, Role.QUALITY_OFFICE)


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required_for(user) -> bool:
    """Whether ``user`` must pass a second factor at sign-in (one query, none for a superuser)."""
    if not getattr(settings, "ZHENGAI_TOTP_REQUIRED", True):
        return False
    return user.is_superuser or user.roles.filter(role__in=REQUIRED_ROLES).exists()


def step_owed(user) -> str:
    """The step a fresh sign-in of ``user`` owes: VERIFY, ENROL or "" (none)."""
    if confirmed_device(user) is not None:
        return VERIFY
    return ENROL if required_for(user) else ""


def start(request, user) -> str:
    """Called by every sign-in view right after ``login()``: the step the session now owes."""
    step = step_owed(user)
    if step:
        request.session[PENDING] = step
        request.session[FAILURES] = 0
    return step


def enrolment_device(user) -> TOTPDevice:
    """The account's unconfirmed device (made once, so reloading the page keeps its QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    return device


def clean_code(text: str) -> str:
    return "".join(ch for ch in (text or "") if not ch.isspace())[:12]


def do_confirm_device(request, device, code: str) -> bool:
    """Confirm an enrolment with its first code; the session is verified with it. Audited."""
    if not device.verify_token(clean_code(code)):
        _failed(request, "enrol")
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One device per account: an older one (from before a reset) goes.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        record(AuditKind.TWO_FACTOR_ENROLLED, request=request, user=request.user)
    _passed(request, device)
    return True


def do_verify_code(request, code: str) -> bool:
    device = confirmed_device(request.user)
    if device is None or not device.verify_token(clean_code(code)):
        _failed(request, "verify")
        return False
    record(AuditKind.TWO_FACTOR_PASSED, request=request, user=request.user)
    _passed(request, device)
    return True


def _passed(request, device) -> None:
    otp_login(request, device)
    request.session.pop(PENDING, None)
    request.session.pop(FAILURES, None)


def _failed(request, step: str) -> None:
    record(AuditKind.TWO_FACTOR_FAILED, request=request, user=request.user, step=step)
    request.session[FAILURES] = request.session.get(FAILURES, 0) + 1


def too_many_failures(request) -> bool:
    return request.session.get(FAILURES, 0) >= settings.AXES_FAILURE_LIMIT


def do_reset_two_factor(user, *, acting_user, request=None) -> int:
    """Remove every device of ``user`` (a lost phone): they enrol again at their next sign-in.
    Their sessions end too. Audited with who did it."""
    from django.contrib.auth import get_user_model
    from django.db.models import F

    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        record(AuditKind.TWO_FACTOR_RESET, request=request, user=acting_user,
               username="" if acting_user is not None else "(command)", account=user.username, devices=removed)
    return removed


def qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG QR code (segno; no external service, no script)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")
