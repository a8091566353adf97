"""Single sign-on (统一身份认证): the campus identity system says who signed in; the data center's
master data says which account that is.

CAS 2.0/3.0 (django-cas-ng) and OpenID Connect (mozilla-django-oidc) are switched on by settings
(``ZHENGAI_CAS_SERVER_URL``, ``ZHENGAI_OIDC_*``; README "Security"). Which returned attribute or
claim carries the 学号 / 工号 differs by college, so an ordered list says where to look
(``ZHENGAI_CAS_ID_ATTRIBUTES``, ``ZHENGAI_OIDC_ID_CLAIMS``): the first value that names a staff
member or a student, in that order, decides. The account is that person's (``Staff.user`` /
``Student.user``), or an account whose username is that number. Nobody is ever created: a person
who matches no record, or whose record has no account yet, gets a Chinese page saying so and whom
to ask (``no_match``), and the attempt is audited.

Two-factor sign-in applies as after a password (``zhengai.core.twofactor``); signing out of the
platform signs out of the identity system too, and the identity system's single sign-out (CAS
back-channel logoutRequest) ends the platform session.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render

from zhengai.core.audit import FAILURE_DETAIL

from .models import Staff, Student

UNMATCHED = "_zhengai_sso_unmatched"


@dataclass
class Match:
    """What the identity system said, and what it matched here."""

    values: list = field(default_factory=list)  # (attribute, value) in the configured order
    user: object = None
    person: object = None  # a Staff or Student without an account


def candidates(attributes: dict, names: list[str], subject: str = "") -> list[tuple[str, str]]:
    """The (name, value) pairs to try, in the configured order; ``subject`` (CAS user, OIDC sub)
    last, under the name "user"/"sub" when the list names it."""
    found = []
    for name in names:
        raw = subject if name in ("user", "cas:user", "sub") and subject and name not in attributes else attributes.get(name)
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        for value in values:
            text = str(value).strip() if value is not None else ""
            if text and (name, text) not in found:
                found.append((name, text[:64]))
    return found


def match(pairs: list[tuple[str, str]]) -> Match:
    """The account of the first value naming a person or an account (two queries, any list length)."""
    numbers = [value for _name, value in pairs]
    result = Match(values=pairs)
    if not numbers:
        return result
    staff = {s.staff_no: s for s in Staff.objects.filter(staff_no__in=numbers).select_related("user")}
    students = {s.student_no: s for s in Student.objects.filter(student_no__in=numbers).select_related("user")}
    accounts = {u.username: u for u in get_user_model().objects.filter(username__in=numbers)}
    for number in numbers:
        person = staff.get(number) or students.get(number)
        if person is not None and person.user_id:
            result.user = person.user
            return result
        if number in accounts:
            result.user = accounts[number]
            return result
        if person is not None and result.person is None:
            result.person = person
    return result


def resolve(request, protocol: str, attributes: dict, names: list[str], subject: str = ""):
    """The active account the identity system's answer names, or None (the reason kept on ``request``
    for ``no_match`` and in the audit trail)."""
    found = match(candidates(attributes, names, subject))
    user = found.user
    if user is not None and user.is_active:
        return user
    reason = "inactive" if user is not None else ("no_account" if found.person is not None else "no_record")
    failed(request, protocol, reason, username=found.values[0][1] if found.values else subject,
           tried=[f"{n}={v}" for n, v in found.values][:10])
    if request is not None:
        setattr(request, UNMATCHED, {"reason": reason, "values": found.values, "person": found.person,
                                     "protocol": protocol})
    return None


def failed(request, protocol: str, reason: str, username: str = "", **detail) -> None:
    """What the failed sign-in's audit event (written on Django's ``user_login_failed``) says."""
    if request is not None:
        setattr(request, FAILURE_DETAIL, {"username": (username or "")[:150], "protocol": protocol,
                                          "reason": reason, **detail})


def no_match(request, protocol: str):
    """The page for a person the identity system knows and the platform does not (403)."""
    info = getattr(request, UNMATCHED, None) or {"reason": "failed", "values": [], "person": None,
                                                 "protocol": protocol}
    context = {**info, "office": getattr(settings, "ZHENGAI_SSO_HELP", "")}
    return render(request, "datacenter/sso_no_match.html", context, status=403)


# CAS (django-cas-ng) -----------------------------------------------------------------------------

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.http import Http404  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_cas_ng import views as cas_views  # noqa: E402
from django_cas_ng.backends import CASBackend as _CASBackend  # noqa: E402
from django_cas_ng.utils import get_cas_client  # noqa: E402

from zhengai.core import signin  # noqa: E402


def cas_enabled() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", ""))


class CASBackend(_CASBackend):
    """Checks a CAS service ticket with the CAS server, then matches the person (never creates one)."""

    def authenticate(self, request, ticket, service):
        if not cas_enabled():
            return None
        client = get_cas_client(service_url=service, request=request)
        subject, attributes, _pgtiou = client.verify_ticket(ticket)
        if not subject:
            failed(request, "cas", "ticket_refused")
            return None
        return resolve(request, "cas", attributes or {}, settings.ZHENGAI_CAS_ID_ATTRIBUTES, subject=subject)


class CASLoginView(cas_views.LoginView):
    """统一身份认证 (CAS): to the CAS server and back with a ticket; the CAS server's single sign-out
    (a POSTed logoutRequest) ends the platform session too."""

    def get(self, request):
        if not cas_enabled():
            raise Http404
        self.fresh = not request.user.is_authenticated
        try:
            return super().get(request)
        except PermissionDenied:
            return no_match(request, "cas")

    def post(self, request):
        if not cas_enabled():
            return redirect("login")
        return super().post(request)

    def successful_login(self, request, next_page):
        if not getattr(self, "fresh", False):
            return super().successful_login(request, next_page)
        client = get_cas_client(service_url=request.build_absolute_uri(reverse("sso_cas_login")), request=request)
        request.session[signin.SSO_LOGOUT] = client.get_logout_url(
            redirect_url=request.build_absolute_uri(reverse("login")))
        return signin.after_sign_in(request, request.user, next_page)


# OpenID Connect (mozilla-django-oidc) ------------------------------------------------------------

from urllib.parse import urlencode  # noqa: E402

from mozilla_django_oidc import views as oidc_views  # noqa: E402
from mozilla_django_oidc.auth import OIDCAuthenticationBackend as _OIDCBackend  # noqa: E402


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", "") and getattr(settings, "OIDC_OP_TOKEN_ENDPOINT", ""))


class OIDCBackend(_OIDCBackend):
    """Checks the provider's signed ID token, reads the userinfo, then matches the person by the
    configured claims (never creates one)."""

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **(self.get_userinfo(access_token, id_token, payload) or {})}
        return resolve(self.request, "oidc", claims, settings.ZHENGAI_OIDC_ID_CLAIMS, subject=str(claims.get("sub", "")))


class OIDCLoginView(oidc_views.OIDCAuthenticationRequestView):
    def get(self, request):
        if not oidc_enabled():
            raise Http404
        return super().get(request)


class OIDCCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request):
        if not oidc_enabled():
            raise Http404
        return super().get(request)

    def login_failure(self):
        return no_match(self.request, "oidc")

    def login_success(self):
        fresh = not self.request.user.is_authenticated
        next_url = self.success_url
        response = super().login_success()
        if not fresh:
            return response
        logout_url = getattr(settings, "ZHENGAI_OIDC_LOGOUT_URL", "")
        if logout_url:
            query = {"post_logout_redirect_uri": self.request.build_absolute_uri(reverse("login")),
                     "client_id": settings.OIDC_RP_CLIENT_ID}
            if self.request.session.get("oidc_id_token"):
                query["id_token_hint"] = self.request.session["oidc_id_token"]
            self.request.session[signin.SSO_LOGOUT] = f"{logout_url}?{urlencode(query)}"
        return signin.after_sign_in(self.request, self.user, next_url)
