"""The sign-in audit trail: every sign-in, sign-out, failed sign-in and lockout becomes an
``AuditEvent``, through Django's auth signals and django-axes' lockout signal, so no view has to
remember to record them."""

from django.contrib.auth import update_session_auth_hash
from django.db import transaction

from .choices import AuditKind
from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind a proxy the site sets USE_X_FORWARDED_PROTO; REMOTE_ADDR is what we can trust here.
    return request.META.get("REMOTE_ADDR") or None


def record(kind: str, *, request=None, user=None, username: str = "", **detail) -> AuditEvent:
    if user is not None and not getattr(user, "pk", None):
        user = None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or getattr(user, "username", "") or "")[:150],
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=detail,
    )


def on_logged_in(sender, request, user, **kwargs):
    record(AuditKind.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditKind.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    record(AuditKind.LOGIN_FAILED, request=request, username=username)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(AuditKind.LOCKED_OUT, request=request, username=username or "")


def do_change_password(form, request, *, acting_user) -> None:
    """Save a validated ``PasswordChangeForm``, keep the user signed in, and audit it — together."""
    with transaction.atomic():
        form.save()
        record(AuditKind.PASSWORD_CHANGED, request=request, user=acting_user)
    update_session_auth_hash(request, form.user)


def connect():
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(on_logged_in, dispatch_uid="zhengai_audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="zhengai_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="zhengai_audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="zhengai_audit_locked_out")


def register_model_history(*models):
    """Model changes on the rows that decide who may see what, through django-auditlog: accounts and
    role assignments here; the apps above add theirs (the data center its staff and students)."""
    from auditlog.registry import auditlog
    from django.contrib.auth import get_user_model

    from zhengai.org.models import RoleAssignment

    User = get_user_model()
    if not auditlog.contains(User):
        auditlog.register(User, exclude_fields=["password", "last_login"])
    for model in (RoleAssignment, *models):
        if not auditlog.contains(model):
            auditlog.register(model)
