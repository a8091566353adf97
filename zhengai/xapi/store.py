"""Storing statements: one request in one transaction, a fixed number of queries per request.

``store_statements(source, statements)`` is the whole of a POST/PUT after parsing: validate every
statement (the first error refuses the request and nothing is stored), give ids, compare with
statements already stored under the same ids (equivalent → not stored again; different → 409),
apply voiding, resolve actors and offerings (one query each), then write the statements and the
learning facts with one multi-row insert each. The queries do not depend on the number of
statements in the request.
"""

import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime

import orjson
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from zhengai.datacenter.choices import BatchStatus, SourceKind
from zhengai.datacenter.models import ImportBatch, LearningActivity, SourceSystem

from . import activities, mapping, rawsql
from .identity import agent_key, equivalent
from .models import Relation, RelationRole, Statement
from .validation import VOIDED, StatementError, normalise, parse_timestamp, validate_statement

BATCH_TABLE = "learning_activity"


class XapiError(Exception):
    """A refused request: ``status`` is the HTTP status, ``message`` says why (for the client)."""

    def __init__(self, status: int, message: str, path: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.path = path


@dataclass
class _Row:
    id: str
    data: dict
    timestamp: datetime


def authority_for(source: SourceSystem) -> dict:
    """The Agent the platform records as the authority of a source's statements."""
    return {"objectType": "Agent", "name": source.name,
            "account": {"homePage": settings.SITE_ROOT, "name": source.code}}


def validate_all(statements: list, single: bool) -> None:
    for i, statement in enumerate(statements):
        try:
            validate_statement(statement, "statement" if single else f"statements[{i}]")
        except StatementError as exc:
            raise XapiError(400, f"{exc.path}: {exc.message}", exc.path) from None


def store_statements(source: SourceSystem, statements: list, *, single: bool = False,
                     put_id: str | None = None, parts: dict | None = None) -> list[str]:
    """Validate and store; returns the ids in request order. Raises ``XapiError``. ``parts`` are
    the attachment parts of a multipart request, by SHA-2."""
    if source.kind != SourceKind.XAPI:
        raise XapiError(403, f"来源系统“{source.code}”不是 xAPI 来源")
    validate_all(statements, single)
    if parts or any("attachments" in st for st in statements):
        from . import attachments  # it imports this module's XapiError

        attachments.check(statements, parts or {}, single)
    if put_id is not None:
        given = statements[0].get("id")
        if given is not None and given.lower() != put_id.lower():
            raise XapiError(400, f"statement.id（{given}）与参数 statementId（{put_id}）不一致", "statement.id")
        statements[0]["id"] = put_id
    ids = []
    seen = set()
    for i, statement in enumerate(statements):
        sid = statement.get("id") or str(uuidlib.uuid4())
        key = sid.lower()
        if key in seen:
            raise XapiError(400, f"statements[{i}].id: 同一请求中的语句 ID {sid} 重复", f"statements[{i}].id")
        seen.add(key)
        ids.append(sid)
    try:
        counts = _store(source, statements, ids, parts)
    except IntegrityError:
        # Another request stored one of these ids between our check and our insert (or the
        # cached day batch was deleted): run again, now seeing its rows, so the answer is "same
        # content" or 409 as for any other repeat.
        _batch_cache.clear()
        counts = _store(source, statements, ids, parts)
    if counts is not None:
        _count(source, *counts)
    return ids


def _count(source, batch_id: int, now, read: int, inserted: int, unchanged: int) -> None:
    """Add a request's figures to its day batch, in a transaction of its own after the statements
    committed.

    Why apart: every request of a source updates this one row, and a row lock is held until
    commit. Inside the main transaction the lock would be held through its commit (the WAL flush),
    so concurrent requests would commit one after another; here the transaction is a single
    UPDATE committed asynchronously (PostgreSQL's ``synchronous_commit = off`` for this
    transaction only), so the lock lasts microseconds. The price: a database crash can lose the
    last fraction of a second of these counters — the statements and facts themselves are durable.
    """
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        updated = ImportBatch.objects.filter(
            pk=batch_id, source=source, table=BATCH_TABLE, file_name=batch_name(now), status=BatchStatus.SUCCEEDED,
        ).update(
            rows_read=F("rows_read") + read, rows_inserted=F("rows_inserted") + inserted,
            rows_unchanged=F("rows_unchanged") + unchanged, finished_at=now,
        )
    if not updated:
        # The day batch was undone meanwhile: the next request starts a new one.
        _batch_cache.pop((source.pk, batch_name(now)), None)


def _store(source, statements, ids, parts=None) -> tuple | None:
    """The statements and their facts in one transaction; returns the figures for the day batch."""
    now = timezone.now()
    stored_text = now.isoformat().replace("+00:00", "Z")
    authority = authority_for(source)
    with transaction.atomic():
        if parts:
            from . import attachments

            attachments.save(source, parts)
        # One query: statements already stored under these ids, and voiding statements already
        # stored that point at them (a voiding statement may arrive before its target).
        existing, voided_before = {}, set()
        if rawsql.enabled():
            found = rawsql.stored_or_voiding(Statement._meta.db_table, [i.lower() for i in ids])
        else:
            found = Statement.objects.filter(Q(statement_id__in=ids) | Q(ref_id__in=ids, is_voiding=True)).values_list(
                "statement_id", "body", "ref_id", "is_voiding")
        wanted = {i.lower() for i in ids}
        for sid, body, ref, is_voiding in found:
            if str(sid) in wanted:
                existing[str(sid)] = body
            if is_voiding and ref is not None:
                voided_before.add(str(ref))
        rows: list[_Row] = []
        unchanged = 0
        for sid, statement in zip(ids, statements):
            known = existing.get(sid.lower())
            if known is not None:
                if not equivalent(statement, orjson.loads(known)):
                    raise XapiError(409, f"语句 {sid} 已存在且内容不同（语句不可修改；更正请先作废再以新 ID 发送）", "id")
                unchanged += 1
                continue
            data = normalise(dict(statement))
            data["id"] = sid
            data.setdefault("timestamp", stored_text)
            data["stored"] = stored_text
            data["authority"] = authority
            data.setdefault("version", "1.0.0")
            rows.append(_Row(sid, data, parse_timestamp(data["timestamp"], "timestamp")))
        if not rows:
            return None
        targets = _check_voiding(source, rows)
        # A voiding statement is never voided itself.
        already_voided = {r.id.lower() for r in rows if r.id.lower() in voided_before and not _is_voiding(r.data)}
        facts = _facts(rows, source, targets | already_voided)
        batch_id = _day_batch(source, now)
        write_rows(Statement, STATEMENT_COLUMNS,
                   [_statement_row(r, source, now, already_voided, r.id in facts) for r in rows])
        # After the statements, not before: upserting a new activity's definition locks its row
        # until commit, and taking that lock first would queue a concurrent request about the same
        # activity before it has written (and so before a duplicate id can be detected and retried).
        activities.record_definitions(source, [r.data for r in rows])
        fact_rows = [(*fact, batch_id) for fact in facts.values() if fact is not None]
        write_rows(LearningActivity, FACT_COLUMNS, fact_rows)
        write_rows(Relation, RELATION_COLUMNS,
                   [(r.id, source.pk, *relation) for r in rows for relation in sorted(relations_of(r.data))])
        if targets:
            Statement.objects.filter(statement_id__in=sorted(targets), is_voiding=False).update(voided=True)
            LearningActivity.objects.filter(statement_id__in=sorted(targets)).delete()
    return batch_id, now, len(statements), len(fact_rows), unchanged


STATEMENT_COLUMNS = ("statement_id", "source_id", "body", "actor_key", "object_agent_key", "verb_id", "activity_id",
                     "registration", "ref_id", "is_voiding", "voided", "person_resolved", "stored", "timestamp")
RELATION_COLUMNS = ("statement_id", "source_id", "is_agent", "key", "role")
FACT_COLUMNS = ("student_id", "offering_id", "occurred_at", "date", "verb", "activity", "duration_seconds", "score",
                "statement_id", "source_id", "batch_id")


def write_rows(model, columns, rows: list[tuple]) -> None:
    """One multi-row write: COPY on PostgreSQL (psycopg 3 adapts the values in C, and no SQL text
    of 1,400 parameters is built), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
        sql = f"COPY {table} ({names}) FROM STDIN"
        started = time.monotonic()
        # Django's wrapper turns psycopg's errors into django.db ones (a duplicate id into
        # IntegrityError, which store_statements answers by running the request again).
        with connection.cursor() as cursor, connection.wrap_database_errors:
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        if connection.queries_logged:
            # COPY bypasses Django's cursor wrapper; log it like any query so counts stay honest.
            connection.queries_log.append({"sql": f"{sql} -- {len(rows)} rows",
                                           "time": f"{time.monotonic() - started:.3f}"})
        return
    model.objects.bulk_create([model(**dict(zip(columns, row))) for row in rows])


def _members(obj: dict | None) -> set[str]:
    """The keys of a Group's members (validation made each an Agent with one identifier)."""
    if not obj or obj.get("objectType") != "Group":
        return set()
    return {agent_key(m) for m in obj.get("member") or ()}


def relations_of(data: dict, *, sub: bool = False) -> set[tuple[bool, str, str]]:
    """(is agent, key, role) of what the ``agent`` filter, ``related_agents`` and
    ``related_activities`` match beyond the indexed actor, object agent and object activity, and
    of the attachments the statement carries (``RelationRole``): the members of a Group actor or
    object (the agent filter matches a Group's members: Part Three, 2.1.3), context activities,
    instructor and team and their members, everything of a SubStatement, and each attachment's
    SHA-2. Empty for the usual statement (an Agent did something to an Activity), so ingest writes
    no row for it."""
    # Plain strings for COPY (psycopg could adapt an Enum by its name).
    related, member, attachment = RelationRole.RELATED.value, RelationRole.MEMBER.value, RelationRole.ATTACHMENT.value
    found: set[tuple[bool, str, str]] = set()
    ctx = data.get("context") or {}
    for items in (ctx.get("contextActivities") or {}).values():
        for item in items if type(items) is list else [items]:
            found.add((False, item["id"], related))
    for name in ("instructor", "team"):
        key = agent_key(ctx.get(name))
        if key:
            found.add((True, key, related))
        found |= {(True, k, related) for k in _members(ctx.get(name))}
    obj = data["object"]
    kind = obj.get("objectType", "Activity")
    if sub:
        found.add((True, agent_key(data["actor"]), related))
        if kind == "Activity":
            found.add((False, obj["id"], related))
        elif kind in ("Agent", "Group"):
            found.add((True, agent_key(obj), related))
        found |= {(True, k, related) for k in _members(data["actor"]) | _members(obj)}
    else:
        found |= {(True, k, member) for k in _members(data["actor"]) | _members(obj)}
        if kind == "SubStatement":
            found |= relations_of(obj, sub=True)
        for att in data.get("attachments") or ():
            found.add((False, att["sha2"].lower(), attachment))
    found.discard((True, "", related))
    return found


def _is_voiding(data: dict) -> bool:
    return data["verb"]["id"] == VOIDED


def _check_voiding(source, rows: list[_Row]) -> set[str]:
    """The ids this request voids. Voiding a voiding statement is refused (400), and so is voiding
    another source's statement (403): a source corrects only its own records."""
    targets = {r.data["object"]["id"].lower(): r for r in rows if _is_voiding(r.data)}
    if not targets:
        return set()
    in_request = {r.id.lower(): r for r in rows}
    for target, row in targets.items():
        other = in_request.get(target)
        if other is not None and _is_voiding(other.data):
            raise XapiError(400, f"语句 {row.id} 试图作废另一条作废语句 {other.id}：作废语句不能被作废", "object.id")
    for sid, is_voiding, src in Statement.objects.filter(statement_id__in=sorted(targets)).values_list(
            "statement_id", "is_voiding", "source_id"):
        row = targets[str(sid)]
        if is_voiding:
            raise XapiError(400, f"语句 {row.id} 试图作废另一条作废语句 {sid}：作废语句不能被作废", "object.id")
        if src != source.pk:
            raise XapiError(403, f"语句 {row.id} 试图作废其他来源系统的语句 {sid}", "object.id")
    return set(targets)


def _facts(rows: list[_Row], source, voided: set[str]) -> dict[str, tuple | None]:
    """For each statement id, its learning fact as a row of ``FACT_COLUMNS`` (without the batch),
    or None when its actor is known but makes no fact; ids absent from the result have an
    unresolved actor."""
    hints = {}
    offering_codes = {}
    for r in rows:
        hint = mapping.person_hint(r.data["actor"])
        if hint is not None:
            hints[r.id] = hint
        offering_codes[r.id] = mapping.offering_candidates(r.data)
    wanted = {code for codes in offering_codes.values() for code in codes}
    people, offerings = mapping.resolve(set(hints.values()), wanted)
    facts: dict[str, tuple | None] = {}
    for r in rows:
        person = people.get(hints.get(r.id))
        if person is None:
            continue
        kind, pk = person
        obj = r.data["object"]
        if (kind != "student" or _is_voiding(r.data) or r.id.lower() in voided
                or obj.get("objectType", "Activity") != "Activity"):
            facts[r.id] = None
            continue
        offering = next((offerings[c] for c in offering_codes[r.id] if c in offerings), None)
        result = r.data.get("result")
        facts[r.id] = (
            pk, offering, r.timestamp, mapping.local_date(r.timestamp), mapping.learning_verb(r.data["verb"]["id"]),
            obj["id"][:300], mapping.seconds_of(result), mapping.score_of(result), r.id, source.pk,
        )
    return facts


def _statement_row(r: _Row, source, now, already_voided, resolved: bool) -> tuple:
    data = r.data
    obj = data["object"]
    kind = obj.get("objectType", "Activity")
    return (
        r.id, source.pk, orjson.dumps(data).decode(), agent_key(data["actor"]),
        agent_key(obj) if kind in ("Agent", "Group") else "",
        data["verb"]["id"], obj["id"] if kind == "Activity" else "",
        (data.get("context") or {}).get("registration"), obj["id"] if kind == "StatementRef" else None,
        _is_voiding(data), r.id.lower() in already_voided, resolved, now, r.timestamp,
    )


# (source id, local day) → that day's batch id. A stale entry (batch undone, or rolled back) is
# caught by the final UPDATE matching no row, which makes the request run again without it.
_batch_cache: dict[tuple[int, str], int] = {}


def _day_batch(source, now) -> int:
    """The import batch of the source's statements for the day (one per source and local day), so
    lineage and undo work per day without a batch row per request."""
    name = batch_name(now)
    key = (source.pk, name)
    if key in _batch_cache:
        return _batch_cache[key]
    existing = ImportBatch.objects.filter(source=source, status=BatchStatus.SUCCEEDED, table=BATCH_TABLE,
                                          file_name=name).order_by("pk").values_list("pk", flat=True)
    batch_id = existing.first()
    if batch_id is None:
        # Lock the source row so two workers starting the day at once make one batch, not two.
        # NO KEY UPDATE, so the foreign-key checks of other requests' inserts (KEY SHARE) never
        # wait on it — a plain FOR UPDATE deadlocks with them at commit.
        SourceSystem.objects.select_for_update(no_key=True).filter(pk=source.pk).first()
        batch_id = existing.first() or ImportBatch.objects.create(
            source=source, table=BATCH_TABLE, file_name=name, status=BatchStatus.SUCCEEDED,
            started_at=now, finished_at=now,
        ).pk
    if len(_batch_cache) > 10_000:
        _batch_cache.clear()
    _batch_cache[key] = batch_id
    return batch_id


def batch_name(now) -> str:
    return f"xAPI {mapping.local_date(now).isoformat()}"
