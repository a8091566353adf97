import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast's nine accounts are hashed with PBKDF2 by default: seconds per test on a shared
    machine. These tests are about chains, not password strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
