import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast's nine accounts hash passwords; a fast hasher keeps these tests quick on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


from zhengai.monitoring.testing import injected_sources  # noqa: E402,F401  (a fixture for these tests)
