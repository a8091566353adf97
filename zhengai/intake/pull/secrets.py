"""Encryption of database passwords stored with saved connections.

Passwords are encrypted with Fernet (AES-128-CBC + HMAC) under a key derived from
``ZHENGAI_CONNECTION_KEY`` (environment or settings) or, when that is not set, from ``SECRET_KEY``.
Changing the key makes stored passwords unreadable: the connection then says so in Chinese and asks
for the password again, it never connects with a wrong one. Deployments that keep passwords out of
the database altogether give the name of an environment variable instead (``password_env``).
"""

import base64
import hashlib
import os

from django.conf import settings
from django.utils.translation import gettext as _


class SecretError(Exception):
    """A stored secret cannot be read (wrong key, missing environment variable)."""


def _fernet():
    from cryptography.fernet import Fernet

    material = getattr(settings, "ZHENGAI_CONNECTION_KEY", "") or os.environ.get("ZHENGAI_CONNECTION_KEY", "")
    material = material or settings.SECRET_KEY
    # Derived, not used raw: SECRET_KEY has no Fernet shape and must not be reusable elsewhere.
    digest = hashlib.sha256(b"zhengai.intake.connection-password:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise SecretError(_("无法解密保存的数据库密码（加密密钥已更换？），请重新输入密码")) from None


def from_env(name: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise SecretError(_("环境变量 %(name)s 未设置，无法取得数据库密码") % {"name": name})
    return value
