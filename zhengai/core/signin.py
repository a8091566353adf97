"""Signing in with a local account, and the rules every session keeps.

- The sign-in page (``SignInView``): django-axes locks a (username, address) pair after
  ``AXES_FAILURE_LIMIT`` wrong passwords; on top of it, ``ZHENGAI_SIGNIN_CLIENT_LIMIT`` failed
  sign-ins from one address, whatever the usernames, lock that address out for the same cool-off. The
  address is ``audit.client_ip`` (the trusted-proxy rule).
- A password that has expired (``ZHENGAI_PASSWORD_MAX_AGE_DAYS``) or no longer meets the password
  rules must be changed before anything else: the session carries the step it still owes, and
  ``SessionPolicyMiddleware`` sends every other request to the account page until it is done. The
  demo college's database (``core.FixedDate``) keeps its public demo passwords.
- Sessions end after ``ZHENGAI_SESSION_IDLE_MINUTES`` without a request and
  ``ZHENGAI_SESSION_MAX_HOURS`` after sign-in. "Sign out everywhere" raises the account's session
  epoch (part of Django's session hash), which ends every session of it at once, on any session
  back end; ``ZHENGAI_ONE_SESSION_PER_ACCOUNT`` does the same at each sign-in, for the others.

Every sign-in, failed sign-in, lockout, timeout and "sign out everywhere" is in the audit trail.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from . import clock
from .audit import client_ip, record
from .choices import AuditKind
from .models import AuditEvent

SIGNED_IN_AT = "zhengai_signed_in_at"
SEEN_AT = "zhengai_seen_at"
# The step a signed-in session still owes before it may go anywhere: "expired" or "weak".
MUST_CHANGE_PASSWORD = "zhengai_must_change_password"
NEXT_AFTER_STEP = "zhengai_next"
# How often the idle clock is written to the session (seconds): often enough, not every request.
SEEN_RESOLUTION = 15


def client_failures(ip: str | None) -> int:
    """Failed sign-ins from ``ip`` within the cool-off, over all usernames (one query)."""
    if not ip:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED, ip=ip, at__gte=since).count()


def client_locked_out(ip: str | None) -> bool:
    limit = settings.ZHENGAI_SIGNIN_CLIENT_LIMIT
    return limit > 0 and client_failures(ip) >= limit


def password_change_due(user, password: str) -> str:
    """Why ``user`` must change ``password`` now ("expired", "weak"), or "" when it may stay."""
    max_days = settings.ZHENGAI_PASSWORD_MAX_AGE_DAYS
    if max_days > 0:
        since = user.password_changed_at or user.date_joined
        if since is None or timezone.now() - since > timedelta(days=max_days):
            return "expired"
    if not clock.holds_demo_college():
        try:
            validate_password(password, user)
        except ValidationError:
            return "weak"
    return ""


def locked_out_page(request, *, per_client: bool):
    context = {
        "failure_limit": settings.ZHENGAI_SIGNIN_CLIENT_LIMIT if per_client else settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "per_client": per_client,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return ""


class SignInView(auth_views.LoginView):
    """The sign-in page: username (工号 or 学号) and password, then whatever step is still owed."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_cas": bool(getattr(settings, "CAS_SERVER_URL", "")),
                "sso_oidc": bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))}

    def post(self, request, *args, **kwargs):
        ip = client_ip(request)
        if client_locked_out(ip):
            record(AuditKind.LOCKED_OUT, request=request, username=request.POST.get("username", "")[:150],
                   scope="client")
            return locked_out_page(request, per_client=True)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        super().form_valid(form)  # signs in (and the audit records it)
        reason = password_change_due(form.get_user(), form.cleaned_data.get("password", ""))
        if reason:
            self.request.session[MUST_CHANGE_PASSWORD] = reason
        return after_sign_in(self.request, form.get_user(), self.get_redirect_url())


def after_sign_in(request, user, next_url: str = ""):
    """Every sign-in view's answer once ``login()`` is done (password, CAS, OIDC): the second
    factor if the account owes one, then an owed password change, then where it was going."""
    from . import twofactor

    twofactor.start(request, user)
    request.session[NEXT_AFTER_STEP] = safe_next(request, next_url)
    return redirect(next_step(request))


def next_step(request) -> str:
    """Where a session goes next: the step it still owes, or where the sign-in was going."""
    from . import twofactor

    if request.session.get(twofactor.PENDING):
        return reverse("two_factor")
    if request.session.get(MUST_CHANGE_PASSWORD):
        return reverse("account")
    return request.session.pop(NEXT_AFTER_STEP, "") or resolve_url(settings.LOGIN_REDIRECT_URL)


def on_signed_in(sender, request, user, **kwargs):
    """Start the session's clocks; with one session per account, end the account's others."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    if getattr(settings, "ZHENGAI_ONE_SESSION_PER_ACCOUNT", False):
        get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()


def do_sign_out_everywhere(request, *, acting_user) -> None:
    """End every session of ``acting_user``, this one included, and audit it — together."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=acting_user.pk).update(session_epoch=F("session_epoch") + 1)
        record(AuditKind.SIGNED_OUT_EVERYWHERE, request=request, user=acting_user)
    logout(request)


def password_changed(request) -> str:
    """The owed password change is done: where the sign-in was going ("" for the home page)."""
    request.session.pop(MUST_CHANGE_PASSWORD, None)
    return request.session.pop(NEXT_AFTER_STEP, "")


# Where a session that still owes a step may go: the step's own page, signing out, the language.
def _allowed_paths(step_url: str) -> tuple[str, ...]:
    return (step_url, reverse("logout"), reverse("set_language"), settings.STATIC_URL)


class SessionPolicyMiddleware:
    """Idle and absolute timeouts, and the password change a sign-in still owes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            answer = self.check(request, user)
            if answer is not None:
                return answer
        return self.get_response(request)

    def check(self, request, user):
        session = request.session
        now = time.time()
        started = session.get(SIGNED_IN_AT)
        seen = session.get(SEEN_AT)
        idle = settings.ZHENGAI_SESSION_IDLE_MINUTES
        longest = settings.ZHENGAI_SESSION_MAX_HOURS
        why = ""
        if longest > 0 and started is not None and now - started > longest * 3600:
            why = "absolute"
        elif idle > 0 and seen is not None and now - seen > idle * 60:
            why = "idle"
        if why:
            record(AuditKind.SESSION_EXPIRED, request=request, user=user, reason=why)
            logout(request)
            if why == "idle":
                messages.info(request, _("您已 %(n)s 分钟没有操作，请重新登录。") % {"n": idle})
            else:
                messages.info(request, _("登录已超过 %(n)s 小时，请重新登录。") % {"n": longest})
            if request.method == "GET":
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            return redirect("login")
        if started is None:  # a session from before these rules: its clocks start now
            session[SIGNED_IN_AT] = now
        if seen is None or now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        from . import twofactor

        for key, url_name in ((twofactor.PENDING, "two_factor"), (MUST_CHANGE_PASSWORD, "account")):
            if session.get(key):
                if not request.path.startswith(_allowed_paths(reverse(url_name))):
                    return redirect(url_name)
                break
        return None


# Set by an SSO sign-in: the identity system's sign-out URL, where signing out here goes next.
SSO_LOGOUT = "zhengai_sso_logout"


class SignOutView(auth_views.LogoutView):
    """Signing out (POST). After a CAS or OIDC sign-in it goes on to the identity system's own sign-out,
    so the campus session ends too (single sign-out)."""

    def post(self, request, *args, **kwargs):
        onward = request.session.get(SSO_LOGOUT, "")
        response = super().post(request, *args, **kwargs)
        if onward:
            return redirect(onward)
        return response
