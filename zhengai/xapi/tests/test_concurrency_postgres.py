"""Two requests storing the same new statement at the same moment, on PostgreSQL: both succeed and
the statement is stored once (the second sees the first's row through the unique index, runs
again and finds it equivalent) — or, with different content, the second gets 409."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from zhengai.datacenter.models import LearningActivity
from zhengai.intake.sources import do_add_source
from zhengai.xapi import store
from zhengai.xapi.models import Statement
from zhengai.xapi.store import XapiError, store_statements

from .conftest import ADL, statement

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(monkeypatch, first: dict, second: dict) -> dict:
    """Store ``first`` and ``second`` from two threads that both pass the existence check before
    either writes (a barrier in front of the statements' COPY)."""
    source, _issued = do_add_source("lms", "xapi")
    # The day's batch exists beforehand: creating it locks the source row, which would serialise
    # the two requests before the point this test is about.
    with transaction.atomic():
        store._day_batch(source, timezone.now())
    barrier = threading.Barrier(2, timeout=20)
    seen = set()
    real_write = store.write_rows

    def write_after_both_checked(model, columns, rows):
        if model is Statement and threading.get_ident() not in seen:
            seen.add(threading.get_ident())
            barrier.wait()
        return real_write(model, columns, rows)

    monkeypatch.setattr(store, "write_rows", write_after_both_checked)
    outcome = {}

    def run(name, st):
        try:
            outcome[name] = store_statements(source, [st])
        except XapiError as exc:
            outcome[name] = exc.status
        except Exception as exc:  # reported by the assertion on the outcome
            outcome[name] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=("a", first)), threading.Thread(target=run, args=("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcome


def test_the_same_statement_at_once_is_stored_once(college, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (two connections, COPY)")
    st = statement()

    outcome = race(monkeypatch, st, dict(st))

    assert outcome == {"a": [st["id"]], "b": [st["id"]]}
    assert Statement.objects.count() == 1
    assert LearningActivity.objects.count() == 1


def test_different_content_under_one_id_at_once_is_a_conflict(college, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (two connections, COPY)")
    st = statement()

    outcome = race(monkeypatch, st, {**st, "verb": {"id": ADL + "passed"}})

    assert sorted(map(str, outcome.values())) == sorted([str([st["id"]]), "409"])
    assert Statement.objects.count() == 1
