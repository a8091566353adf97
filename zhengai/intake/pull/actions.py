"""Configuration writes of database pulls, each an action: atomic and audited with who, when and
what changed (``zhengai.core.audit``). A connection's password is kept encrypted and never written
to the audit trail — only that it changed."""

from django.core.exceptions import PermissionDenied

from zhengai.core import audit
from zhengai.org import access

from .models import SavedPull

CONNECTION_SECRETS = ("password_encrypted",)


def _require(user):
    if not access.may(user, access.MANAGE_PULLS):
        raise PermissionDenied


def do_save_connection(form, *, acting_user):
    """Save a validated ``ConnectionForm`` (a new connection or a change, its password included)."""
    _require(acting_user)
    return audit.save_form(form, acting_user=acting_user, secret=CONNECTION_SECRETS)


def do_save_pull(form, *, acting_user) -> SavedPull:
    """Save a validated ``PullForm``; a new pull records who made it."""
    _require(acting_user)

    def creator(pull):
        if pull.created_by_id is None:
            pull.created_by = acting_user

    return audit.save_form(form, acting_user=acting_user, prepare=creator)
