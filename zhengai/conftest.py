"""Shared fixtures: the tiny college and a named cast, one account per role.

The cast (as healthchecks' Alice/Bob/Charlie): alice — quality office; grace — school leader;
bob — head of 机械工程学院; heidi — specialty leader of 数控技术; ivan — course leader of 数控编程;
dave — teacher 王老师; carol — counsellor of 数控2401; erin — student 张三 (数控2401);
frank — student 刘五 (软件2401).
"""

import os

import pytest

from zhengai.org.choices import Role


@pytest.fixture(scope="session", autouse=True)
def _require_postgres_when_asked(django_db_setup, django_db_blocker):
    """CI's second pass sets ZHENGAI_REQUIRE_POSTGRES=1: the suite must then really run on
    PostgreSQL, never fall back silently."""
    if os.environ.get("ZHENGAI_REQUIRE_POSTGRES") == "1":
        from django.db import connection

        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", f"expected PostgreSQL, got {connection.vendor}"


@pytest.fixture(scope="session", autouse=True)
def _on_the_demo_calendar():
    """Every test sees the demo college's calendar (ZHENGAI_TODAY=2026-11-20), whatever the real
    date; the tests of the clock itself take the setting away. Indicator values are not kept
    between evaluations (a test's data changes without import batches; the cache's own tests turn
    it on) and Django's cache is the process's memory, not the data directory."""
    from django.test import override_settings

    with override_settings(ZHENGAI_TODAY="2026-11-20", ZHENGAI_INDICATOR_CACHE_SECONDS=0,
                           CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def _fresh_clock():
    from zhengai.core import clock

    clock.invalidate()
    yield
    clock.invalidate()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (zh-hans): a request with another language
    activates it for the thread, and a later test in the same worker (a command writing Chinese sheet
    names, say) would otherwise run in English depending on the order the tests were dealt."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _steady_idle_clock(monkeypatch):
    """The idle clock is written to the session at most every ``SEEN_RESOLUTION`` seconds; on a
    loaded machine a query-count test could straddle that moment and count the session's write as
    the page's. Tests of the idle clock itself put the real resolution back."""
    from zhengai.core import signin

    monkeypatch.setattr(signin, "SEEN_RESOLUTION", 24 * 3600)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Accounts are made in most tests; the real hasher (PBKDF2) costs ~0.1 s a password on this
    machine and proves nothing here. Production keeps Django's default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def college(db):
    from zhengai.datacenter.testing import build_college

    return build_college()


@pytest.fixture
def cast(college):
    from zhengai.org.models import RoleAssignment, User

    def user(username, role, person=None, **scope):
        account = User.objects.create_user(username=username, password=f"pw-{username}-Kz8", display_name=username)
        if person is not None:
            person.user = account
            person.save(update_fields=["user"])
        RoleAssignment.objects.create(user=account, role=role, **scope)
        return account

    c = college
    return type("Cast", (), {
        "alice": user("alice", Role.QUALITY_OFFICE),
        "grace": user("grace", Role.LEADER),
        "bob": user("bob", Role.DEPARTMENT_HEAD, department=c.mech),
        "heidi": user("heidi", Role.SPECIALTY_LEADER, specialty=c.cnc),
        "ivan": user("ivan", Role.COURSE_LEADER, course=c.course_cnc),
        "dave": user("dave", Role.TEACHER, person=c.t_wang),
        "carol": user("carol", Role.COUNSELLOR, person=c.t_zhao, admin_class=c.class_cnc),
        "erin": user("erin", Role.STUDENT, person=c.s_zhang),
        "frank": user("frank", Role.STUDENT, person=c.s_liu),
    })
