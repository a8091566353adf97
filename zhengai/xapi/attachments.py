"""Attachments (xAPI 1.0.3, Part Three, 1.5.2; Part Two, 2.4.11 and 2.6): ``multipart/mixed``
statement requests, their SHA-2 matching, signed statements, and ``attachments=true`` answers.

A request with attachment data is ``multipart/mixed``: the first part is the statements
(``application/json``), each further part one attachment's raw content with
``X-Experience-API-Hash`` (its SHA-2, hex) and ``Content-Transfer-Encoding: binary``. Refused with
400, naming what is wrong: a part without a hash or whose content does not hash to it, a part no
statement names, an attachment without ``fileUrl`` that has no part, attachment data in a plain
``application/json`` request, and a signature attachment
(``http://adlnet.gov/expapi/attachments/signature``, ``application/octet-stream``) that is not a
JWS compact serialisation signed RS256/RS384/RS512, whose payload is not the statement itself
(compared as statements are, attachments aside), or whose ``x5c`` certificate does not verify it.

Contents are stored once per source and hash (``Attachment``), with one query per request; each
statement's attachment hashes are indexed (``Relation``, role ``attachment``), so contents no
statement carries any more are found and deleted in one query (``collect_garbage``, daily).
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
import orjson
from cryptography import x509
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .identity import equivalent
from .models import Attachment, Relation, RelationRole
from .store import XapiError

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ["RS256", "RS384", "RS512"]
_HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


@dataclass
class Part:
    content_type: str
    sha2: str
    content: bytes


def _boundary(content_type_full: str) -> str:
    for param in content_type_full.split(";")[1:]:
        name, _eq, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value.strip().strip('"'):
            return value.strip().strip('"')
    raise XapiError(400, "multipart/mixed 请求的 Content-Type 缺少 boundary", "Content-Type")


def _split(body: bytes, boundary: str) -> list[tuple[dict, bytes]]:
    delimiter = b"--" + boundary.encode("latin-1")
    start = body.find(delimiter)
    if start < 0:
        raise XapiError(400, "multipart 请求体中找不到 boundary 分隔行", "Content-Type")
    rest = body[start + len(delimiter):]
    parts = []
    while True:
        if rest.startswith(b"--"):
            return parts
        if not rest.startswith(b"\r\n"):
            raise XapiError(400, "multipart 分隔行后应为 CRLF")
        end = rest.find(b"\r\n" + delimiter, 2)
        if end < 0:
            raise XapiError(400, "multipart 请求体没有结束分隔行")
        raw, rest = rest[2:end], rest[end + 2 + len(delimiter):]
        head, sep, content = raw.partition(b"\r\n\r\n")
        if not sep:
            head, content = (b"", raw[2:]) if raw.startswith(b"\r\n") else (raw, b"")
        headers = {}
        for line in head.split(b"\r\n"):
            if line.strip():
                name, _colon, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))


def parse(content_type_full: str, body: bytes) -> tuple[bytes, dict[str, Part]]:
    """The statements' JSON text and the attachment parts by hash."""
    parts = _split(body, _boundary(content_type_full))
    if not parts:
        raise XapiError(400, "multipart 请求体没有任何部分")
    first_headers, statements = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise XapiError(400, "multipart 的第一部分应为 application/json 的语句", "Content-Type")
    found: dict[str, Part] = {}
    for i, (headers, content) in enumerate(parts[1:], start=1):
        sha2 = headers.get("x-experience-api-hash", "").lower()
        if not sha2:
            raise XapiError(400, f"multipart 第 {i + 1} 部分缺少 X-Experience-API-Hash 头", "X-Experience-API-Hash")
        encoding = headers.get("content-transfer-encoding")
        if encoding is not None and encoding.lower() != "binary":
            raise XapiError(400, f"multipart 第 {i + 1} 部分的 Content-Transfer-Encoding 应为 binary，不是 {encoding!r}",
                            "Content-Transfer-Encoding")
        digest = _HASHES.get(len(sha2))
        if digest is None or digest(content).hexdigest() != sha2:
            raise XapiError(400, f"multipart 第 {i + 1} 部分的内容与 X-Experience-API-Hash（{sha2[:16]}…）不符",
                            "X-Experience-API-Hash")
        part_type = headers.get("content-type", "application/octet-stream")
        if "\x00" in part_type:
            raise XapiError(400, f"multipart 第 {i + 1} 部分的 Content-Type 含 NUL 字符", "Content-Type")
        found[sha2] = Part(part_type[:255], sha2, content)
    return statements, found


def check(statements: list, parts: dict[str, Part], single: bool) -> None:
    """Every attachment without fileUrl has its part, every part is named, signatures verify."""
    named = set()
    for i, st in enumerate(statements):
        path = "statement" if single else f"statements[{i}]"
        for j, att in enumerate(st.get("attachments") or ()):
            sha2 = att["sha2"].lower()
            named.add(sha2)
            where = f"{path}.attachments[{j}]"
            if att["usageType"] == SIGNATURE:
                if att["contentType"].split(";")[0].strip().lower() != "application/octet-stream":
                    raise XapiError(400, "签名附件的 contentType 应为 application/octet-stream", f"{where}.contentType")
                if sha2 not in parts:
                    raise XapiError(400, "签名附件须随请求以 multipart 部分发送", f"{where}.sha2")
                verify_signature(st, parts[sha2].content, where)
            elif "fileUrl" not in att and sha2 not in parts:
                raise XapiError(400, "附件没有 fileUrl，请求中也没有 X-Experience-API-Hash 与其 sha2 相同的部分", f"{where}.sha2")
    extra = sorted(set(parts) - named)
    if extra:
        raise XapiError(400, f"multipart 部分 {extra[0][:16]}… 不属于任何语句的附件", "X-Experience-API-Hash")


def verify_signature(statement: dict, token: bytes, where: str) -> None:
    try:
        text = token.decode("ascii").strip()
        header = jwt.get_unverified_header(text)
    except (UnicodeDecodeError, jwt.InvalidTokenError):
        raise XapiError(400, "签名附件不是 JWS（紧凑序列化）", where) from None
    if header.get("alg") not in ALGORITHMS:
        raise XapiError(400, f"签名算法应为 RS256、RS384 或 RS512，不是 {header.get('alg')!r}", where)
    jws = jwt.PyJWS()
    try:
        if header.get("x5c"):
            certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            decoded = jws.decode_complete(text, key=certificate.public_key(), algorithms=ALGORITHMS)
        else:
            decoded = jws.decode_complete(text, options={"verify_signature": False}, algorithms=ALGORITHMS)
        payload = orjson.loads(decoded["payload"])
    except (jwt.InvalidTokenError, ValueError, TypeError, IndexError, orjson.JSONDecodeError) as exc:
        raise XapiError(400, f"签名无法验证：{type(exc).__name__}", where) from None
    if type(payload) is not dict:
        raise XapiError(400, "签名的载荷不是语句", where)
    try:
        same = equivalent(payload, statement)
    except (KeyError, TypeError, AttributeError, ValueError):
        same = False
    if not same:
        raise XapiError(400, "签名的载荷与语句不一致（语句在签名后被改动？）", where)


def save(source, parts: dict[str, Part]) -> None:
    """Store the parts' contents (once per source and hash). Content already held has its
    ``stored`` moved to now: that row lock, held until the request commits, makes a collection
    running meanwhile wait and then see the content as fresh, so it never deletes content a
    statement is just taking up again."""
    if parts:
        now = timezone.now()
        Attachment.objects.bulk_create(
            [Attachment(source=source, sha2=p.sha2, content_type=p.content_type, content=p.content, stored=now)
             for p in parts.values()],
            update_conflicts=True, unique_fields=["source", "sha2"], update_fields=["stored"])


# Content received within this time is never collected: its request may still be committing.
COLLECT_GRACE = timedelta(hours=1)


def collect_garbage(*, now=None, dry_run: bool = False) -> int:
    """Delete the attachment contents (``Attachment``) that no statement of their source carries
    (no ``Relation`` with role ``attachment`` and their SHA-2) and that arrived over
    ``COLLECT_GRACE`` ago — content sent with a statement the LRS already held (a repeat is not
    stored again, and equivalence ignores attachments), or left by any other path. One query;
    returns how many were (with ``dry_run``: would be) deleted. Run daily by the schedule
    (``zhengai.xapi.collect_attachments``) and by ``zhengai xapi collect-attachments``."""
    cutoff = (now or timezone.now()) - COLLECT_GRACE
    carried = Relation.objects.filter(source=OuterRef("source"), key=OuterRef("sha2"), is_agent=False,
                                      role=RelationRole.ATTACHMENT)
    orphans = Attachment.objects.filter(stored__lt=cutoff).exclude(Exists(carried))
    if dry_run:
        return orphans.count()
    return orphans.delete()[0]


def multipart_response(source, json_text: str) -> tuple[bytes, str]:
    """(body, content type) of an ``attachments=true`` answer: the JSON, then the content of every
    attachment its statements carry that the LRS holds (one query)."""
    document = orjson.loads(json_text)
    statements = document["statements"] if "statements" in document else [document]
    # Every attachment whose content the LRS holds, those with a fileUrl too when the client sent
    # the content as well (the LRS MUST include the attachments it has; the ADL suite checks).
    wanted = sorted({a["sha2"].lower() for st in statements for a in st.get("attachments") or ()})
    rows = Attachment.objects.filter(source=source, sha2__in=wanted).values_list("sha2", "content_type", "content")
    boundary = secrets.token_hex(16)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json_text.encode()]
    for sha2, content_type, content in rows:
        chunks.append(f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                      f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode())
        chunks.append(bytes(content))
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"
