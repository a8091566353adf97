"""Source systems (来源系统) and their credentials: register, rotate, revoke, authenticate.

A source system is registered once with a kind (file, database, api, xapi). ``api`` sources get a
bearer token for the push API, ``xapi`` sources an xAPI key and secret for HTTP Basic. The secret is
shown once, when it is made; only a salted SHA-256 digest of it is kept.

Why SHA-256 and not Django's password hashers: a password hasher is deliberately slow (PBKDF2 with a
million iterations ≈ 0.5 s) because passwords are guessable; these secrets are 256 random bits made
here, so nobody can guess them whatever the hash costs, and a slow hash would only cap the xAPI
endpoint, which must authenticate thousands of statements a second, at a few requests a second. A
per-credential salt keeps equal digests from ever revealing equal secrets. The public part (the
xAPI key, or a token's prefix) is stored in clear in a unique column, so authentication is one
indexed query followed by a constant-time comparison of digests.

Public API for the other parts of intake::

    source_for_token(token) -> SourceSystem | None
    source_for_basic(key, secret) -> SourceSystem | None
    do_add_source(code, kind, *, title="", cadence_days=None, acting_user=None) -> (SourceSystem, Issued | None)
    do_rotate_credentials(source, *, acting_user=None) -> Issued
    do_revoke_credentials(source, *, acting_user=None) -> int
    can_manage_sources(user) -> bool
"""

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import SourceKind
from zhengai.datacenter.models import SourceSystem
from zhengai.org import access

from .choices import CredentialKind
from .models import SourceCredential

log = logging.getLogger(__name__)

TOKEN_PREFIX = "zg_"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CREDENTIAL_KIND = {SourceKind.API: CredentialKind.TOKEN, SourceKind.XAPI: CredentialKind.BASIC}


class SourceError(ValueError):
    """A request about sources that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class Issued:
    """Credentials just made, in clear: shown once, never stored."""

    kind: str
    token: str = ""
    key: str = ""
    secret: str = ""

    def as_json(self, source_code: str) -> dict:
        if self.kind == CredentialKind.TOKEN:
            return {"source": source_code, "token": self.token}
        return {"source": source_code, "key": self.key, "secret": self.secret}


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def _new_credential(source: SourceSystem, acting_user) -> Issued:
    kind = CREDENTIAL_KIND[SourceKind(source.kind)]
    lookup = secrets.token_hex(10)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(8)
    SourceCredential.objects.create(
        source=source, kind=kind, lookup=lookup, salt=salt, secret_hash=_digest(salt, secret), created_by=acting_user,
    )
    if kind == CredentialKind.TOKEN:
        return Issued(kind=kind, token=f"{TOKEN_PREFIX}{lookup}.{secret}")
    return Issued(kind=kind, key=lookup, secret=secret)


def can_manage_sources(user) -> bool:
    """Registering sources and handing out credentials is the quality office's and admins' job."""
    return access.may(user, access.MANAGE_SOURCES)


def do_add_source(code: str, kind: str, *, title: str = "", cadence_days: int | None = None,
                  description: str = "", acting_user=None) -> tuple[SourceSystem, Issued | None]:
    """Register a source system; for ``api`` and ``xapi`` also make its first credentials."""
    if not CODE_RE.match(code or ""):
        raise SourceError(_("来源系统代码“%(code)s”无效：只能用字母、数字、下划线和连字符，最长 64 个字符。") % {"code": code})
    if kind not in SourceKind.values:
        raise SourceError(_("接入方式“%(kind)s”无效，应为 %(kinds)s 之一。") % {"kind": kind, "kinds": ", ".join(SourceKind.values)})
    if cadence_days is not None and cadence_days < 1:
        raise SourceError(_("预期更新周期须为正整数天，不是 %(days)s。") % {"days": cadence_days})
    with transaction.atomic():
        if SourceSystem.objects.filter(code=code).exists():
            raise SourceError(_("来源系统“%(code)s”已经登记过了。") % {"code": code})
        fields = {"code": code, "name": title or code, "kind": kind, "description": description}
        if cadence_days is not None:
            fields["expected_cadence_days"] = cadence_days
        source = SourceSystem.objects.create(**fields)
        issued = _new_credential(source, acting_user) if kind in CREDENTIAL_KIND else None
    log.info("source %s (%s) registered by %s", code, kind, acting_user)
    return source, issued


def get_source(code: str) -> SourceSystem:
    try:
        return SourceSystem.objects.get(code=code)
    except SourceSystem.DoesNotExist:
        raise SourceError(_("没有代码为“%(code)s”的来源系统。") % {"code": code}) from None


def do_rotate_credentials(source: SourceSystem, *, acting_user=None) -> Issued:
    """Revoke the source's credentials and make new ones, in one transaction: from the commit on,
    only the new ones work."""
    if source.kind not in CREDENTIAL_KIND:
        raise SourceError(_("来源系统“%(code)s”的接入方式是%(kind)s，不使用凭据。")
                          % {"code": source.code, "kind": source.get_kind_display()})
    with transaction.atomic():
        _revoke(source, acting_user)
        issued = _new_credential(source, acting_user)
    log.info("credentials of source %s rotated by %s", source.code, acting_user)
    return issued


def do_revoke_credentials(source: SourceSystem, *, acting_user=None) -> int:
    """Revoke every active credential of the source; returns how many were active."""
    with transaction.atomic():
        count = _revoke(source, acting_user)
    log.info("%d credentials of source %s revoked by %s", count, source.code, acting_user)
    return count


def _revoke(source, acting_user) -> int:
    return SourceCredential.objects.filter(source=source, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=acting_user
    )


def _verify(kind: str, lookup: str, secret: str) -> SourceSystem | None:
    if not lookup or not secret or len(lookup) > 32:
        return None
    # One indexed query (unique lookup), the source joined in.
    row = (SourceCredential.objects.select_related("source")
           .filter(lookup=lookup, kind=kind, revoked_at__isnull=True).first())
    if row is None:
        # Spend the same hashing time as a hit, so timing does not tell which keys exist.
        hmac.compare_digest(_digest("0" * 16, secret), "0" * 64)
        return None
    if hmac.compare_digest(_digest(row.salt, secret), row.secret_hash):
        return row.source
    return None


def source_for_token(token: str | None) -> SourceSystem | None:
    """The source system a push-API bearer token belongs to, or None (unknown, wrong or revoked)."""
    if not token or not token.startswith(TOKEN_PREFIX) or "." not in token:
        return None
    lookup, _sep, secret = token[len(TOKEN_PREFIX):].partition(".")
    return _verify(CredentialKind.TOKEN, lookup, secret)


def source_for_basic(key: str | None, secret: str | None) -> SourceSystem | None:
    """The xAPI source system an HTTP Basic key and secret belong to, or None."""
    return _verify(CredentialKind.BASIC, key or "", secret or "")


def source_rows() -> list[tuple]:
    """Every source with its credential state, for the list command and page (two queries)."""
    active = {}
    for cred in SourceCredential.objects.filter(revoked_at__isnull=True).order_by("created_at"):
        active[cred.source_id] = cred
    has_any = set(SourceCredential.objects.values_list("source_id", flat=True).distinct())
    rows = []
    for source in SourceSystem.objects.order_by("code"):
        cred = active.get(source.pk)
        if source.kind not in CREDENTIAL_KIND:
            state = ""
        elif cred is not None:
            state = "active"
        else:
            state = "revoked" if source.pk in has_any else "none"
        rows.append((source.code, source.name, source.kind, source.expected_cadence_days, state,
                     cred.lookup if cred else "", cred.created_at if cred else None, source))
    return rows


LIST_COLUMNS = ("code", "name", "kind", "cadence_days", "credential", "key", "issued_at")
