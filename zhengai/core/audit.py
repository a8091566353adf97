"""The audit trail.

Sign-ins: every sign-in, sign-out, failed sign-in and lockout becomes an ``AuditEvent``, through
Django's auth signals and django-axes' lockout signal, so no view has to remember to record them.

Configuration: every configuration write (monitoring policies, field mappings, draft standards,
source-database connections and pulls, notification channels) goes through a ``do_*`` action of its
app, atomic, that records one ``config_changed`` event with who, when and what changed —
``{field: [before, after]}`` (``record_change``, or ``save_form`` for a validated ``ModelForm``). A
secret (a password, a signing key, a webhook carrying its token) is never written to the trail: only
that it changed (``secrets_changed``)."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import update_session_auth_hash
from django.db import transaction

from .choices import AuditKind
from .models import AuditEvent


def _address(text: str):
    import ipaddress

    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, for the audit trail and the sign-in limits (django-axes calls it too).

    ``REMOTE_ADDR`` is the peer. Only when the peer is a trusted proxy (``ZHENGAI_TRUSTED_PROXIES``)
    is ``X-Forwarded-For`` read, from the right: the first hop that is not itself a trusted proxy is
    the client. A header from any other peer is ignored, so nobody can pose as another address (and
    lock that address out) by sending one."""
    from django.conf import settings

    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    trusted = getattr(settings, "ZHENGAI_TRUSTED_PROXIES", [])

    def is_trusted(address) -> bool:
        return any(address.version == net.version and address in net for net in trusted)

    client = peer
    if is_trusted(peer):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            address = _address(hop)
            if address is None:
                break  # a malformed hop: trust nothing to its left
            client = address
            if not is_trusted(address):
                break
    return str(client)


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


def _plain(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def values(obj, fields) -> dict:
    """The stored values of ``fields`` of ``obj`` (a relation by its id), as JSON can keep them."""
    return {name: _plain(getattr(obj, obj._meta.get_field(name).attname)) for name in fields}


def changes(before: dict, after: dict, secret=()) -> tuple[dict, list]:
    """``({field: [before, after]}, [secret fields that changed])`` between two ``values``."""
    diff, secrets = {}, []
    for name in {**before, **after}:
        if before.get(name) != after.get(name):
            if name in secret:
                secrets.append(name)
            else:
                diff[name] = [before.get(name), after.get(name)]
    return diff, secrets


def record_change(obj, before: dict, after: dict, *, acting_user, action: str = "changed", secret=(),
                  name: str | None = None) -> AuditEvent | None:
    """One ``config_changed`` event for ``obj`` (``action``: created, changed, deleted); nothing
    when a change changed nothing. Call it inside the action's transaction."""
    diff, secrets = changes(before, after, secret)
    if action == "changed" and not diff and not secrets:
        return None
    return record(AuditKind.CONFIG_CHANGED, user=acting_user, model=obj._meta.label, object=obj.pk,
                  name=str(name if name is not None else obj), action=action, changes=diff, secrets_changed=secrets)


def editable_fields(model, secret=()) -> list[str]:
    return [f.name for f in model._meta.concrete_fields
            if not f.primary_key and (f.editable or f.name in secret) and not getattr(f, "auto_now", False)]


def save_form(form, *, acting_user, secret=(), prepare=None):
    """Save a validated ``ModelForm`` and audit what it changed, together (the caller's ``do_*``
    action; ``prepare(obj)`` fills what the form does not). The values before are read from the
    row itself, locked, since validation already changed ``form.instance``."""
    with transaction.atomic():
        model = form._meta.model
        fields = editable_fields(model, secret)
        created = form.instance.pk is None
        before = {} if created else values(model.objects.select_for_update().get(pk=form.instance.pk), fields)
        obj = form.save(commit=False)
        if prepare is not None:
            prepare(obj)
        obj.save()
        form.save_m2m()
        record_change(obj, before, values(obj, fields), acting_user=acting_user,
                      action="created" if created else "changed", secret=secret)
    return obj


def save_object(obj, *, acting_user, secret=()):
    """Save ``obj`` (built by a form elsewhere, e.g. the admin) and audit what it changed, together."""
    with transaction.atomic():
        model = type(obj)
        fields = editable_fields(model, secret)
        created = obj.pk is None or not model.objects.filter(pk=obj.pk).exists()
        before = {} if created else values(model.objects.select_for_update().get(pk=obj.pk), fields)
        obj.save()
        record_change(obj, before, values(obj, fields), acting_user=acting_user,
                      action="created" if created else "changed", secret=secret)
    return obj


def delete_audited(obj, *, acting_user, secret=()) -> None:
    """Delete ``obj`` and audit what it held (secrets named, never shown), together."""
    with transaction.atomic():
        fields = editable_fields(type(obj), secret)
        before = values(obj, fields)
        label, pk = str(obj), obj.pk
        obj.delete()
        obj.pk = pk
        record_change(obj, before, {}, acting_user=acting_user, action="deleted", secret=secret, name=label)
        obj.pk = None


def on_logged_in(sender, request, user, **kwargs):
    record(AuditKind.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditKind.LOGOUT, request=request, user=user)


# A sign-in view may say more about a failure than the credentials do (the single sign-on: which
# protocol, why no account matched); it leaves a dict on the request under this name.
FAILURE_DETAIL = "_zhengai_signin_failure"


def on_login_failed(sender, credentials, request=None, **kwargs):
    detail = dict(getattr(request, FAILURE_DETAIL, None) or {})
    username = str(detail.pop("username", "") or credentials.get("username", ""))
    record(AuditKind.LOGIN_FAILED, request=request, username=username, **detail)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    record(AuditKind.LOCKED_OUT, request=request, username=username or "")


def do_change_password(form, request, *, acting_user) -> None:
    """Save a validated ``PasswordChangeForm``, keep the user signed in, and audit it — together.
    The account's other sessions end (their session hash no longer matches)."""
    owed = request.session.get("zhengai_must_change_password", "")
    with transaction.atomic():
        form.save()
        record(AuditKind.PASSWORD_CHANGED, request=request, user=acting_user, **({"owed": owed} if owed else {}))
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
        auditlog.register(User, exclude_fields=["password", "last_login", "password_changed_at", "session_epoch"])
    for model in (RoleAssignment, *models):
        if not auditlog.contains(model):
            auditlog.register(model)


def _file_name(disposition: str) -> str:
    from urllib.parse import unquote

    for part in disposition.split(";"):
        part = part.strip()
        if part.lower().startswith("filename*="):
            return unquote(part.split("''", 1)[-1])
    for part in disposition.split(";"):
        part = part.strip()
        if part.lower().startswith("filename="):
            return part[9:].strip('"')
    return ""


def count_rows(response, file_name: str = "") -> int | None:
    """The data rows of a download the view did not count: an .xlsx's rows below each sheet's first
    (its header), a CSV's records below the header, a JSON array's items, JSON lines' lines. None for
    a file that is not a table (a report, an archive, an evidence file) or a streamed one."""
    import csv
    import io
    import json
    import re
    import zipfile

    if getattr(response, "streaming", False):
        return None
    content = response.content
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    name = file_name.lower()
    try:
        if name.endswith(".xlsx") or "spreadsheetml" in kind:
            rows, row_tag = 0, re.compile(rb"<(?:\w+:)?row[\s>/]")
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for entry in archive.infolist():
                    if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                        found = len(row_tag.findall(archive.read(entry)))
                        rows += max(found - 1, 0)
            return rows
        text = content.decode("utf-8-sig")
        if name.endswith(".csv") or kind == "text/csv":
            return max(sum(1 for _row in csv.reader(io.StringIO(text))) - 1, 0)
        if name.endswith(".jsonl") or kind == "application/x-ndjson":
            return sum(1 for line in text.splitlines() if line.strip())
        if name.endswith(".json") or kind == "application/json":
            data = json.loads(text)
            return len(data) if isinstance(data, list) else 1
    except (zipfile.BadZipFile, UnicodeDecodeError, ValueError, csv.Error):
        return None
    return None


def record_export(request, response, disposition: str = "") -> AuditEvent:
    """One ``exported`` event for a download: who, the page (URL name), the file, the query
    string's filters and the number of rows — ``response.export_rows`` when the view counted them
    (every list table does), else counted from the file (``count_rows``); null only for a file that
    is not a table."""
    match = getattr(request, "resolver_match", None)
    filters = {k: (v if len(v) <= 200 else v[:200] + "…") for k, v in request.GET.items() if k != "page"}
    file_name = _file_name(disposition or response.get("Content-Disposition", ""))[:200]
    rows = getattr(response, "export_rows", None)
    if rows is None:
        rows = count_rows(response, file_name)
    return record(AuditKind.EXPORTED, request=request, user=request.user,
                  view=match.view_name if match else "", path=request.path[:300],
                  file=file_name, filters=filters, rows=rows)
