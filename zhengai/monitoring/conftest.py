import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast's nine accounts hash passwords; a fast hasher keeps these tests quick on a busy machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


from zhengai.monitoring.testing import injected_sources  # noqa: E402,F401  (a fixture for these tests)


@pytest.fixture(autouse=True)
def _no_runs_left_by_other_modules(db):
    # A module elsewhere that seeds the demo college (demo_seeded → the history is monitored) leaves
    # runs and policies behind: its reset empties only the tables hanging off the data center.
    from zhengai.monitoring.models import MonitoringPolicy, Run

    Run.objects.all().delete()
    MonitoringPolicy.objects.all().delete()
