import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast signs in with passwords; hashing them the production way costs seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
