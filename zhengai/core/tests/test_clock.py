"""One clock: a real college runs on the real date; the demo college's fixed date holds only in a
database that holds the demo college (a row written by ``seed_demo``) or when ZHENGAI_TODAY asks."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhengai.core import clock
from zhengai.core.models import FixedDate


@pytest.fixture
def real_calendar(db, settings):
    """The suite runs on ZHENGAI_TODAY=2026-11-20; these tests take it away (and any demo college's
    date another module's seeding left in this database, inside the test's transaction)."""
    settings.ZHENGAI_TODAY = ""
    FixedDate.objects.all().delete()
    clock.invalidate()
    yield
    clock.invalidate()


def _previous_month(day: date) -> str:
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


def test_a_fresh_database_without_the_demo_college_runs_on_the_real_date(db, real_calendar):
    assert clock.fixed() is None
    assert clock.today() == timezone.localdate()
    assert abs((clock.now() - timezone.now()).total_seconds()) < 5


def test_monitor_due_on_a_fresh_non_demo_database_runs_the_real_month(db, real_calendar):
    from zhengai.datacenter.models import Term
    from zhengai.datacenter.subjects import sync_subjects
    from zhengai.monitoring.models import Run

    real = timezone.localdate()
    # A college whose terms surround the real date (as a real college's do).
    Term.objects.create(code="T-prev", start_date=real - timedelta(days=200), end_date=real - timedelta(days=90))
    Term.objects.create(code="T-now", start_date=real - timedelta(days=60), end_date=real + timedelta(days=60))
    sync_subjects()
    out = io.StringIO()
    call_command("monitor", "--due", stdout=out)

    assert f"（截至 {real}）" in out.getvalue()
    school_months = set(Run.objects.filter(level="school").values_list("window_code", flat=True))
    assert _previous_month(real) in school_months  # the month that ended last, really
    # Nothing was judged on the demo college's calendar (its windows stop in 2026-10).
    if real > date(2026, 12, 1):
        assert school_months - {"2026-09", "2026-10"}


def test_the_demo_date_holds_only_where_seed_demo_recorded_it(db, real_calendar):
    assert clock.today() == timezone.localdate()
    clock.record_demo_date(date(2026, 11, 20), "seed_demo --size tiny --seed 1")
    fixed = clock.fixed()
    assert (fixed.day, fixed.reason) == (date(2026, 11, 20), clock.DEMO)
    assert clock.today() == date(2026, 11, 20) and clock.now().date() == date(2026, 11, 20)
    assert str(fixed.label) == "演示日期 2026-11-20"
    clock.forget_demo_date()
    assert clock.today() == timezone.localdate() and not FixedDate.objects.exists()


def test_an_explicit_setting_fixes_the_date_without_the_demo_college(db, settings):
    settings.ZHENGAI_TODAY = "2025-03-01"
    assert clock.today() == date(2025, 3, 1) and clock.fixed().reason == clock.SETTING
    settings.ZHENGAI_TODAY = "soon"
    with pytest.raises(ValueError, match="ZHENGAI_TODAY"):
        clock.today()


def test_asking_the_clock_costs_no_query_once_the_row_is_read(db, real_calendar):
    clock.record_demo_date(date(2026, 11, 20))
    clock.today()
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(50):
            clock.today()
            clock.now()
            clock.fixed()
    assert len(ctx.captured_queries) == 0


def test_every_page_says_which_date_is_in_force_when_it_is_not_the_real_one(client, cast, real_calendar):
    client.force_login(cast.alice)
    assert "data-testid=\"fixed-date\"" not in client.get(reverse("home")).content.decode()
    clock.record_demo_date(date(2026, 11, 20))
    page = client.get(reverse("home")).content.decode()
    assert "data-testid=\"fixed-date\"" in page and "演示日期 2026-11-20" in page
    # The sign-in page too: a visitor knows before signing in.
    client.logout()
    assert "演示日期 2026-11-20" in client.get(reverse("login")).content.decode()


def test_serve_says_which_date_is_in_force(db, real_calendar):
    from zhengai.core.management.commands.serve import Command

    out = io.StringIO()
    command = Command(stdout=out)
    command._print_date()
    assert out.getvalue() == ""
    clock.record_demo_date(date(2026, 11, 20))
    command._print_date()
    assert "演示日期 2026-11-20" in out.getvalue() and "而非真实日期" in out.getvalue()
