"""The account page, the audit trail and the health check (the home page lives in ``zhengai.portraits``)."""

import base64
import textwrap
from datetime import timedelta

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.org import access
from zhengai.org.access import restrict

from . import params, signin, twofactor
from .audit import do_change_password
from .choices import AuditKind
from .models import AuditEvent


def person_of(user, attname):
    """The staff or student row of an account (``attname`` "staff" or "student"), or None."""
    try:
        return getattr(user, attname)
    except Exception:  # the reverse one-to-one raises when the account has no such person
        return None


@access.gate(access.SIGNED_IN)  # a person's own password: nobody else's
def account(request):
    """我的账号: who I am, the roles I hold, and a password change."""
    user = request.user
    if request.method == "POST":
        form = PasswordChangeForm(user, request.POST)
        if form.is_valid():
            owed = request.session.get(signin.MUST_CHANGE_PASSWORD)
            do_change_password(form, request, acting_user=user)
            messages.success(request, _("密码已修改。"))
            if owed:
                return redirect(signin.password_changed(request) or "home")
            return redirect("account")
    else:
        form = PasswordChangeForm(user)
    context = {
        "form": form,
        "must_change": request.session.get(signin.MUST_CHANGE_PASSWORD, ""),
        "two_factor": twofactor.confirmed_device(user) is not None,
        "may_reset_two_factor": access.may(user, access.RESET_TWO_FACTOR),
        "roles": list(user.roles.select_related("department", "specialty", "course", "admin_class")),
        "staff": person_of(user, "staff"),
        "student": person_of(user, "student"),
        "recent": list(AuditEvent.objects.filter(user=user).order_by("-at", "-pk")[:10]),
        "breadcrumbs": [(_("我的账号"), None)],
    }
    return render(request, "core/account.html", context)


@access.gate(access.SIGNED_IN)  # one's own sessions only
@require_POST
def sign_out_everywhere(request):
    """退出所有会话: end every session of this account, on every device, this one included."""
    signin.do_sign_out_everywhere(request, acting_user=request.user)
    messages.success(request, _("已退出该账号的所有会话，请重新登录。"))
    return redirect("login")


AUDIT_TABS = ("signins", "config", "exports", "changes")


@login_required
@require_safe
def audit(request):
    """The audit trail for the quality office and admins: sign-ins, configuration changes, exports
    (who downloaded what, with which filters, how many rows) and changes to important rows —
    filtered by who, action, date range and object; downloadable as JSON lines (``?format=jsonl``)."""
    access.require(request.user, access.SEE_AUDIT)
    tab = request.GET.get("tab", "signins")
    tab = tab if tab in AUDIT_TABS else "signins"
    q = params.text_param(request, "q", max_length=150)
    target = params.text_param(request, "object", max_length=150)
    since, until = params.date_param(request, "since"), params.date_param(request, "until")
    kinds = [(v, label) for v, label in AuditKind.choices if v not in (AuditKind.CONFIG_CHANGED, AuditKind.EXPORTED)]
    kind = ""
    if tab == "changes":
        entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
        if q:
            entries = entries.filter(actor__username__icontains=q)
        if target:
            entries = entries.filter(object_repr__icontains=target)
        if since:
            entries = entries.filter(timestamp__gte=_day_start(since))
        if until:
            entries = entries.filter(timestamp__lt=_day_start(until + timedelta(days=1)))
    else:
        entries = restrict(AuditEvent.objects.select_related("user"), request.user)
        if tab == "config":
            entries = entries.filter(kind=AuditKind.CONFIG_CHANGED)
        elif tab == "exports":
            entries = entries.filter(kind=AuditKind.EXPORTED)
        else:
            entries = entries.exclude(kind__in=(AuditKind.CONFIG_CHANGED, AuditKind.EXPORTED))
            kind = params.choice_param(request, "kind", [v for v, _label in kinds])
            if kind:
                entries = entries.filter(kind=kind)
        if q:
            entries = entries.filter(username__icontains=q)
        if target:
            entries = entries.filter(Q(detail__name__icontains=target) | Q(detail__file__icontains=target)
                                     | Q(detail__view__icontains=target) | Q(detail__model__icontains=target))
        if since:
            entries = entries.filter(at__gte=_day_start(since))
        if until:
            entries = entries.filter(at__lt=_day_start(until + timedelta(days=1)))
        if request.GET.get("format") == "jsonl":
            return _audit_jsonl(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tab": tab, "page": page, "kinds": kinds, "kind": kind, "q": q, "object": target,
        "since": since.isoformat() if since else "", "until": until.isoformat() if until else "",
        "query": query.urlencode(), "retention_days": settings.ZHENGAI_AUDIT_RETENTION_DAYS,
        "breadcrumbs": [(_("审计日志"), None)],
    }
    return render(request, "core/audit.html", context)


def _day_start(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min))


def _audit_jsonl(entries):
    import io

    from django.http import HttpResponse

    from .retention import export_lines

    out = io.StringIO()
    rows = export_lines(out, events=entries)
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.jsonl"'
    response.export_rows = rows
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: a Chinese page saying when to try again (429)."""
    return signin.locked_out_page(request, per_client=False)


@require_safe
def healthz(request):
    """For the load balancer and ``make demo``: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@access.gate(access.SIGNED_IN)  # one's own device, during one's own sign-in
def two_factor(request):
    """两步验证: enrol an authenticator app (QR code) or enter its code, as the sign-in requires."""
    step = request.session.get(twofactor.PENDING) or ""
    if not step:
        return redirect(signin.next_step(request))
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        if step == twofactor.ENROL:
            ok = twofactor.do_confirm_device(request, twofactor.enrolment_device(request.user), code)
        else:
            ok = twofactor.do_verify_code(request, code)
        if ok:
            return redirect(signin.next_step(request))
        if twofactor.too_many_failures(request):
            logout(request)
            messages.error(request, _("验证码连续输错次数过多，请重新登录。"))
            return redirect("login")
        error = _("验证码不正确或已过期，请输入手机验证器上当前显示的 6 位数字。")
    context = {"step": step, "error": error, "breadcrumbs": [(_("两步验证"), None)]}
    if step == twofactor.ENROL:
        device = twofactor.enrolment_device(request.user)
        context.update(qr=twofactor.qr_svg(device.config_url),
                       secret=" ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4)))
    return render(request, "registration/two_factor.html", context, status=200 if not error else 400)


@access.gate(access.RESET_TWO_FACTOR)
def two_factor_reset(request):
    """重置两步验证: a system administrator clears the device of someone who lost their phone."""
    User = get_user_model()
    username = (request.POST.get("username") if request.method == "POST" else request.GET.get("username", "")) or ""
    username = username.strip()[:150]
    if request.method == "POST":
        account = User.objects.filter(username=username).first()
        if account is None:
            messages.error(request, _("没有用户名为“%(u)s”的账号。") % {"u": username})
        else:
            twofactor.do_reset_two_factor(account, acting_user=request.user, request=request)
            messages.success(request, _("已重置“%(u)s”的两步验证：其所有会话已结束，下次登录时须重新绑定验证器。")
                             % {"u": account.username})
        return redirect("two_factor_reset")
    enrolled = (User.objects.filter(totpdevice__confirmed=True).distinct().order_by("username")
                .values_list("username", "display_name"))
    context = {"enrolled": list(enrolled), "username": username, "breadcrumbs": [(_("重置两步验证"), None)]}
    return render(request, "core/two_factor_reset.html", context)
