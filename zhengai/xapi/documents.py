"""The Document resources of xAPI 1.0.3 (Part Three, 2.3–2.7): State, Activity Profile and Agent
Profile.

A document is named by its kind, its scope (activity and/or agent, and for State a registration)
and its id (``stateId`` / ``profileId``); a source reads and writes only its own documents, as it
reads only its own statements. ``get`` answers one document or the ids of a set (``since``
filters by last change); ``put`` stores or replaces; ``post`` stores, or merges a JSON object into
the stored JSON object (top-level properties of the new one win); ``delete`` removes one document,
or for State every document of the scope.

Concurrency (Part Three, 3.1): the ETag is the quoted SHA-1 of the contents. ``If-Match`` (an ETag
list or ``*``) and ``If-None-Match`` are honoured on PUT, POST and DELETE and answered 412 when they
fail; a PUT to a profile document with neither header is answered 409 when the document exists
and 400 when it does not (a client MUST send one; State is exempt, as the specification says).

Every operation is a fixed number of queries, whatever the number of documents in the scope, and
every write (PUT, POST, DELETE) records one audit event with it (``_record``).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .identity import agent_key
from .models import Document, DocumentKind
from .store import XapiError
from .validation import StatementError, actor, iri, parse_timestamp, uuid

JSON = "application/json"
MAX_DOC_ID = 1000


@dataclass(frozen=True)
class Spec:
    kind: str
    id_param: str
    needs_activity: bool
    needs_agent: bool
    with_registration: bool
    concurrency_required: bool


STATE = Spec(DocumentKind.STATE, "stateId", True, True, True, False)
ACTIVITY_PROFILE = Spec(DocumentKind.ACTIVITY_PROFILE, "profileId", True, False, False, True)
AGENT_PROFILE = Spec(DocumentKind.AGENT_PROFILE, "profileId", False, True, False, True)


@dataclass
class Target:
    """Which document (or set of documents) a request is about."""

    scope: str
    activity_id: str
    agent_key: str
    registration: str | None  # None: not given (a State list or delete spans every registration)
    doc_id: str | None
    since: datetime | None


def max_bytes() -> int:
    return getattr(settings, "ZHENGAI_XAPI_MAX_DOCUMENT_BYTES", 1024 * 1024)


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()


def _param_error(exc: StatementError, name: str) -> XapiError:
    return XapiError(400, f"参数 {exc.path}: {exc.message}", name)


def target(spec: Spec, method: str, params: dict) -> Target:
    """The checked parameters; 400 for a missing, malformed or unknown one."""
    allowed = {spec.id_param}
    if spec.needs_activity:
        allowed.add("activityId")
    if spec.needs_agent:
        allowed.add("agent")
    if spec.with_registration:
        allowed.add("registration")
    if method in ("GET", "HEAD") and spec.id_param not in params:
        allowed.add("since")
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise XapiError(400, f"此资源不接受参数 {unknown[0]}", unknown[0])
    activity = key = ""
    if spec.needs_activity:
        if "activityId" not in params:
            raise XapiError(400, "缺少参数 activityId", "activityId")
        try:
            activity = iri(params["activityId"], "activityId")
        except StatementError as exc:
            raise _param_error(exc, "activityId") from None
    if spec.needs_agent:
        if "agent" not in params:
            raise XapiError(400, "缺少参数 agent", "agent")
        key = agent_param(params["agent"])
    registration = None
    if "registration" in params:
        try:
            registration = uuid(params["registration"], "registration").lower()
        except StatementError as exc:
            raise _param_error(exc, "registration") from None
    doc_id = params.get(spec.id_param)
    if doc_id is None and (method in ("PUT", "POST") or (method == "DELETE" and spec.kind != DocumentKind.STATE)):
        raise XapiError(400, f"缺少参数 {spec.id_param}", spec.id_param)
    if doc_id is not None and not 0 < len(doc_id) <= MAX_DOC_ID:
        raise XapiError(400, f"参数 {spec.id_param} 应为 1–{MAX_DOC_ID} 个字符", spec.id_param)
    since = None
    if "since" in params:
        try:
            since = parse_timestamp(params["since"], "since")
        except StatementError as exc:
            raise _param_error(exc, "since") from None
    scope = hashlib.sha1(f"{spec.kind}\n{activity}\n{key}".encode()).hexdigest()
    return Target(scope, activity, key, registration, doc_id, since)


def agent_param(text: str) -> str:
    """The key of the Agent (or identified Group) in an ``agent`` parameter."""
    try:
        value = orjson.loads(text)
        key = agent_key(actor(value, "agent"))
    except orjson.JSONDecodeError:
        raise XapiError(400, "参数 agent 应为 Agent 的 JSON", "agent") from None
    except StatementError as exc:
        raise _param_error(exc, "agent") from None
    if not key:
        raise XapiError(400, "参数 agent 须是带身份标识的 Agent", "agent")
    return key


def _single(source, t: Target):
    return Document.objects.filter(source=source, scope=t.scope, registration=t.registration or "", doc_id=t.doc_id)


def get(source, spec: Spec, t: Target):
    """(content, content type, etag, updated) of one document, or (ids JSON, JSON, None, latest)."""
    if t.doc_id is not None:
        row = _single(source, t).values_list("content", "content_type", "etag", "updated").first()
        if row is None:
            raise XapiError(404, f"没有 {spec.id_param} 为 {t.doc_id!r} 的文档", spec.id_param)
        content, content_type, etag, updated = row
        return bytes(content), content_type, etag, updated
    qs = Document.objects.filter(source=source, scope=t.scope)
    if t.registration is not None:
        qs = qs.filter(registration=t.registration)
    if t.since is not None:
        qs = qs.filter(updated__gt=t.since)
    rows = list(qs.order_by("doc_id").values_list("doc_id", "updated"))
    ids = sorted({doc_id for doc_id, _u in rows})
    return orjson.dumps(ids), JSON, None, max((u for _d, u in rows), default=None)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/").strip('"') for part in header.split(",") if part.strip()}


def check_preconditions(spec: Spec, method: str, headers: dict, existing_etag: str | None) -> None:
    """412 when If-Match / If-None-Match fail; 409 for a PUT to an existing profile document with neither."""
    if_match, if_none_match = headers.get("if-match"), headers.get("if-none-match")
    if if_match is not None:
        tags = _etags(if_match)
        if existing_etag is None or not ("*" in tags or existing_etag in tags):
            raise XapiError(412, "If-Match 不满足：文档不存在，或已被他人修改（请先 GET 取得当前 ETag）", "If-Match")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        if existing_etag is not None and ("*" in tags or existing_etag in tags):
            raise XapiError(412, "If-None-Match 不满足：文档已存在", "If-None-Match")
    if method == "PUT" and spec.concurrency_required and if_match is None and if_none_match is None:
        if existing_etag is not None:
            raise XapiError(409, "文档已存在：请先 GET 取得当前 ETag，再以 If-Match 头覆盖（或以 If-None-Match: * 只在不存在时写入）",
                            "If-Match")
        # A client MUST send one of them on a profile PUT (Part Three, 3.1, client requirements);
        # the LRS enforces it, as the ADL conformance suite checks (XAPI-00273).
        raise XapiError(400, "PUT 档案文档须带 If-Match（覆盖已知版本）或 If-None-Match: *（只在不存在时创建）请求头",
                        "If-None-Match")


def _json_object(content: bytes, what: str) -> dict:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise XapiError(400, f"{what}不是有效的 JSON") from None
    if type(value) is not dict:
        raise XapiError(400, f"{what}应为 JSON 对象才能合并")
    return value


def do_write_document(source, spec: Spec, t: Target, method: str, headers: dict, content: bytes,
                      content_type: str) -> str:
    """PUT (store or replace) or POST (store, or merge JSON objects); returns the new ETag."""
    if len(content) > max_bytes():
        raise XapiError(413, f"文档 {len(content):,} 字节，超过上限 {max_bytes():,} 字节")
    content_type = (content_type or "application/octet-stream")[:255]
    is_json = content_type.split(";")[0].strip().lower() == JSON
    if method == "POST" and is_json:
        _json_object(content, "请求体")
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                row = _single(source, t).select_for_update().values_list("pk", "etag", "content", "content_type").first()
                check_preconditions(spec, method, headers, row[1] if row else None)
                if method == "POST" and row is not None:
                    stored_json = row[3].split(";")[0].strip().lower() == JSON
                    if not (is_json and stored_json):
                        raise XapiError(400, "POST 合并要求已存文档与新文档都是 application/json 的 JSON 对象；"
                                             "否则请用 PUT 覆盖", "Content-Type")
                    merged = _json_object(bytes(row[2]), "已存的文档")
                    merged.update(_json_object(content, "请求体"))
                    content = orjson.dumps(merged)
                    if len(content) > max_bytes():
                        raise XapiError(413, f"合并后的文档 {len(content):,} 字节，超过上限 {max_bytes():,} 字节")
                etag = etag_of(content)
                now = timezone.now()
                if row is not None:
                    Document.objects.filter(pk=row[0]).update(content=content, content_type=content_type, etag=etag,
                                                              updated=now)
                    pk, before = row[0], _audited(row[1], row[3], len(row[2]))
                else:
                    pk = Document.objects.create(
                        source=source, kind=spec.kind, scope=t.scope, activity_id=t.activity_id,
                        agent_key=t.agent_key, registration=t.registration or "", doc_id=t.doc_id, content=content,
                        content_type=content_type, etag=etag, updated=now).pk
                    before = {}
                _record(source, spec, t, "changed" if row else "created", pk, t.doc_id, before,
                        _audited(etag, content_type, len(content)), method=method)
                return etag
        except IntegrityError:
            # Another request created the document between our read and our insert: once more,
            # now seeing it (and judging the preconditions against it).
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def do_delete_documents(source, spec: Spec, t: Target, headers: dict) -> int:
    """Delete one document (If-Match honoured) or, for State without ``stateId``, the scope's set;
    one audit event for what was deleted (none when nothing was)."""
    with transaction.atomic():
        if t.doc_id is not None:
            row = _single(source, t).select_for_update().values_list("pk", "etag", "content_type").first()
            if headers.get("if-match") is not None or headers.get("if-none-match") is not None:
                check_preconditions(spec, "DELETE", headers, row[1] if row else None)
            if row is None:
                return 0
            deleted = Document.objects.filter(pk=row[0]).delete()[0]
            _record(source, spec, t, "deleted", row[0], t.doc_id, {"etag": row[1], "content_type": row[2]}, {})
            return deleted
        qs = Document.objects.filter(source=source, scope=t.scope)
        if t.registration is not None:
            qs = qs.filter(registration=t.registration)
        doc_ids = sorted(qs.values_list("doc_id", flat=True))
        deleted = qs.delete()[0] if doc_ids else 0
        if deleted:
            shown = doc_ids[:AUDITED_IDS]
            _record(source, spec, t, "deleted", None, ", ".join(shown) + ("…" if len(doc_ids) > len(shown) else ""),
                    {"documents": len(doc_ids)}, {})
        return deleted


# A State set deleted at once is named in its audit event by at most this many ids (and counted).
AUDITED_IDS = 20


def _audited(etag: str, content_type: str, size: int) -> dict:
    """What the audit trail keeps of a document's version: never its contents (a learner's
    answers, progress), only what identifies the version."""
    return {"etag": etag, "content_type": content_type, "bytes": size}


def _record(source, spec: Spec, t: Target, action: str, pk, name: str, before: dict, after: dict, method=""):
    """One audit event per document write, inside the write's transaction, as every write through
    a ``do_*`` action records one (``core.audit``): who (the source system), the document (kind,
    activity, agent, registration, id), the action and what changed."""
    from zhengai.core import audit
    from zhengai.core.choices import AuditKind

    diff, _secrets = audit.changes(before, after)
    audit.record(AuditKind.CONFIG_CHANGED, username=f"xapi:{source.code}", model=Document._meta.label, object=pk,
                 name=name[:200], action=action, changes=diff, secrets_changed=[], document=spec.kind,
                 method=method, activity=t.activity_id[:300], agent=t.agent_key[:300],
                 registration=t.registration or "")
