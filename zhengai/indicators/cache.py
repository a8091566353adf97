"""Indicator values kept between page views (指标值缓存).

A page over a whole level — the level overviews, the cockpit, the school's and a department's
portraits, an indicator's page — needs an indicator for every subject of the level. On a large
college one such evaluation reads millions of fact rows (the school's attendance this term: 11.6 M
rows, a third of a second in PostgreSQL), and every leader, department head and member of the quality
office asks for the same figures all day, while the data under them changes only when something is
imported. So the values of a whole level are kept in Django's cache (``CACHES["default"]``: Redis in
production, a file cache in the embedded deployment — both shared by the server's processes) and
computed again only when what they are computed from has changed.

The key of ``(indicator, window)`` names everything the values depend on:

- the indicator (and, for a custom indicator, a digest of its definition) and the window's kind and
  dates;
- the platform's today (``core.clock``), since a window that reaches today holds more as days pass;
- for each data-center table the indicator reads (its ``sources``) and each master-data table every
  indicator reads through the subject registry, a fingerprint of the import batches that wrote it
  (newest batch, last finish, how many succeeded and how many were undone) — intake, pulls, the push
  API, xAPI and the demo all write through batches (``datacenter.ImportBatch``), so a new import or an
  undo changes the key; xAPI statements arriving all day change only the indicators of learning
  activity;
- a token renewed after every commit that saved or deleted a data-center row one at a time (an edit
  in the admin), since such a save writes no batch.

The fingerprints cost one grouped query per request (kept for the request, ``request_started``).
Only indicators computed from the data center are kept: those another app provides (task
completion, the quality-culture shares) read the platform's own tables, which change with every
action, and are computed each time. Values kept expire after ``ZHENGAI_INDICATOR_CACHE_SECONDS``
(3600 by default; 0 keeps nothing, as in the tests unless a test turns it on).
"""

import hashlib
import json
import threading
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save

from zhengai.core import clock
from zhengai.core.windows import Window

from . import registry
from .registry import CUSTOM, Indicator

PREFIX = "zhengai:indicator-values:v1"
EDITS_KEY = "zhengai:datacenter-edits"
# Read by every indicator through the subject registry and the organisation: a new student, class or
# offering changes every level's values.
MASTER_MODELS = ("datacenter.term", "datacenter.department", "datacenter.specialty", "datacenter.staff",
                 "datacenter.adminclass", "datacenter.student", "datacenter.course", "datacenter.offering")

_request = threading.local()


def enabled() -> bool:
    return _seconds() > 0


def _seconds() -> int:
    return int(getattr(settings, "ZHENGAI_INDICATOR_CACHE_SECONDS", 0) or 0)


def cacheable(indicator: Indicator) -> bool:
    """Computed from the data center alone (not another app's tables)."""
    return enabled() and not indicator.keyed_by_subject


def values(indicator: Indicator, window: Window, *, only: Iterable[int] | None = None) -> dict[int, int | float]:
    """``indicator.evaluate(window)`` — every subject of the level, or with ``only`` (or inside
    ``registry.only``) the subjects of those master ids — from the cache when the data under it has
    not changed since it was kept. The whole level's values, when kept, serve any restriction (so a
    restricted answer may hold more subjects than asked, as an evaluator that cannot be restricted
    gives anyway)."""
    if only is None:
        only = registry.restricted_to()
    only = None if only is None else sorted(set(only))
    if not cacheable(indicator):
        return _evaluate(indicator, window, only)
    prints = _fingerprints()
    whole = _key(indicator, window, prints)
    if whole is None:
        return _evaluate(indicator, window, only)
    key = whole if only is None else _key(indicator, window, prints, only)
    kept_now = cache.get_many([whole, key])
    found = kept_now.get(whole, kept_now.get(key))
    if found is None:
        found = _evaluate(indicator, window, only)
        cache.set(key, found, _seconds())
    return found


def _evaluate(indicator: Indicator, window: Window, only: list[int] | None) -> dict[int, int | float]:
    if only is None:
        return indicator.evaluate(window)
    with registry.only(only):
        return indicator.evaluate(window)


def kept(indicators: list[Indicator], window: Window) -> dict[str, dict[int, int | float]]:
    """{code: values of the whole level} of the indicators whose values over ``window`` are kept;
    the others are left out (one cache read for all)."""
    keys = {}
    prints = None
    for indicator in indicators:
        if not cacheable(indicator):
            continue
        prints = _fingerprints() if prints is None else prints
        key = _key(indicator, window, prints)
        if key is not None:
            keys[key] = indicator.code
    if not keys:
        return {}
    return {keys[key]: found for key, found in cache.get_many(list(keys)).items()}


def derived(name: str, indicators: list[Indicator], window: Window, signature: str, compute):
    """``compute()`` — a figure derived from the indicators' values of whole levels over ``window``
    (a level overview's scores of every subject) — kept under a key made of the indicators' keys and
    ``signature`` (what else it depends on, such as the standard's lines), so it is computed again
    exactly when one of those values would be. Computed each time if one of them is not kept."""
    if not indicators or not all(cacheable(i) for i in indicators):
        return compute()
    prints = _fingerprints()
    parts = [_key(indicator, window, prints) for indicator in indicators]
    if None in parts:
        return compute()
    digest = hashlib.blake2b("|".join([name, signature, *parts]).encode(), digest_size=16).hexdigest()
    return cache.get_or_set(f"{PREFIX}:derived:{name}:{digest}", compute, _seconds())


def by_tables(name: str, models: Iterable[str], signature: str, compute):
    """``compute()`` — a figure read from data-center tables alone (counts of a scope's students,
    teachers, offerings) — kept under a key of the tables' import fingerprints, the clock and the
    edits token, so it is read again exactly when those tables change. ``models``: model labels
    (``datacenter.student``). Computed each time when nothing is kept (the setting is 0)."""
    if not enabled():
        return compute()
    prints = _fingerprints()
    parts = [name, signature, clock.today().isoformat(), _edits_token()] + [
        f"{m}={prints.get(m, '-')}" for m in sorted(set(models))]
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()
    return cache.get_or_set(f"{PREFIX}:tables:{name}:{digest}", compute, _seconds())


def _key(indicator: Indicator, window: Window, prints: dict[str, str], only: list[int] | None = None) -> str | None:
    tables = _tables_of(indicator)
    if tables is None:
        return None
    parts = [indicator.code, window.kind, window.start.isoformat(), window.end.isoformat(), clock.today().isoformat(),
             _edits_token()] + [f"{t}={prints.get(t, '-')}" for t in sorted(tables)]
    if indicator.kind == CUSTOM:
        parts.append(json.dumps(indicator.spec, sort_keys=True, default=str))
    if only is not None:
        parts.append("only=" + ",".join(map(str, only)))
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()
    return f"{PREFIX}:{indicator.code}:{digest}"


def _tables_of(indicator: Indicator) -> set[str] | None:
    """The models (app_label.model) the indicator reads, or None if a source is not a data-center
    table (then it is not kept)."""
    from zhengai.datacenter.dictionary import TABLE_CODES

    models = set(MASTER_MODELS)
    for source in indicator.sources:
        label = TABLE_CODES.get(source)
        if label is None:
            return None
        models.add(label.lower())
    return models


def _fingerprints() -> dict[str, str]:
    """Model label → fingerprint of the import batches that wrote it (one query, kept for the request)."""
    memo = getattr(_request, "fingerprints", None)
    if memo is not None:
        return memo
    from zhengai.datacenter.choices import BatchStatus
    from zhengai.datacenter.models import ImportBatch

    rows = (ImportBatch.objects.values("table").order_by()
            .annotate(last=Max("pk"), finished=Max("finished_at"),
                      succeeded=Count("pk", filter=Q(status=BatchStatus.SUCCEEDED)),
                      undone=Count("pk", filter=Q(status=BatchStatus.UNDONE))))
    labels = _batch_table_labels()
    prints: dict[str, list] = {}
    for row in rows:
        label = labels.get(row["table"])
        if label is not None:
            finished = row["finished"].isoformat() if row["finished"] else ""
            prints.setdefault(label, []).append(f"{row['last']}/{finished}/{row['succeeded']}/{row['undone']}")
    memo = {label: ";".join(sorted(parts)) for label, parts in prints.items()}
    if getattr(_request, "active", False):
        _request.fingerprints = memo
    return memo


def _batch_table_labels() -> dict[str, str]:
    """What ``ImportBatch.table`` holds → model label: intake and the push API write the data
    dictionary's table code (``attendance``), the demo loader the database table
    (``datacenter_attendance``)."""
    from django.apps import apps

    from zhengai.datacenter.dictionary import TABLE_CODES

    labels = {code: label.lower() for code, label in TABLE_CODES.items()}
    for model in apps.get_app_config("datacenter").get_models():
        labels[model._meta.db_table] = model._meta.label_lower
    return labels


def _edits_token() -> str:
    memo = getattr(_request, "edits", None)
    if memo is not None:
        return memo
    token = cache.get(EDITS_KEY) or "0"
    if getattr(_request, "active", False):
        _request.edits = token
    return token


def _renew_edits_token() -> None:
    cache.set(EDITS_KEY, uuid.uuid4().hex, None)


def _on_datacenter_write(sender, **kwargs) -> None:
    if not enabled() or sender._meta.app_label != "datacenter" or sender._meta.model_name == "importbatch":
        return
    # After the commit: a page computing meanwhile reads the rows as they were, under the old token.
    transaction.on_commit(_renew_edits_token)


def _start_request(**kwargs) -> None:
    _request.__dict__.clear()
    _request.active = True


def _end_request(**kwargs) -> None:
    _request.__dict__.clear()


def connect() -> None:
    """Hooked up by the indicators app (``ready``)."""
    post_save.connect(_on_datacenter_write, dispatch_uid="zhengai.indicators.cache.save")
    post_delete.connect(_on_datacenter_write, dispatch_uid="zhengai.indicators.cache.delete")
    request_started.connect(_start_request, dispatch_uid="zhengai.indicators.cache.start")
    request_finished.connect(_end_request, dispatch_uid="zhengai.indicators.cache.end")
