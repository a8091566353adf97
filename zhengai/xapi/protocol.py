"""The HTTP side of every xAPI resource: one request shape, limits, the version header,
authentication and the alternate request syntax (xAPI 1.0.3, Part Three, 1.3 and 2.1–2.2).

``read(request)`` turns a Django request into an ``XRequest`` — method, parameters, the headers
the resources read, content type and body — whether it came as an ordinary request or in the
alternate syntax (a POST with ``?method=GET|PUT|POST|DELETE|HEAD`` whose form fields carry the
headers, the parameters and the body as ``content``), so every resource handles both alike.

Limits (settings, each answered with 413 and a message): the request body is at most
``ZHENGAI_XAPI_MAX_BODY_BYTES`` (default 20 MB) and a POST holds at most
``ZHENGAI_XAPI_MAX_STATEMENTS`` statements (default 10,000, a few seconds of one worker's time).
"""

import base64
import binascii
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

from zhengai.intake.sources import source_for_basic

from .store import XapiError

VERSION = "1.0.3"
VERSIONS = ["1.0.3", "1.0.2", "1.0.1", "1.0.0"]
VERSION_HEADER_RE = re.compile(r"^1\.0(?:\.\d+)?$")
METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
# Form fields of the alternate syntax that are headers, not parameters (matched case-insensitively).
FORM_HEADERS = ("authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
                "if-none-match", "accept-language")
_META = {"authorization": "HTTP_AUTHORIZATION", "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
         "if-match": "HTTP_IF_MATCH", "if-none-match": "HTTP_IF_NONE_MATCH",
         "accept-language": "HTTP_ACCEPT_LANGUAGE", "content-type": "CONTENT_TYPE"}


def max_body() -> int:
    """The body limit: ours, or Django's DATA_UPLOAD_MAX_MEMORY_SIZE when that is lower."""
    limit = getattr(settings, "ZHENGAI_XAPI_MAX_BODY_BYTES", 20 * 1024 * 1024)
    django_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit if django_limit is None else min(limit, django_limit)


def max_statements() -> int:
    return getattr(settings, "ZHENGAI_XAPI_MAX_STATEMENTS", 10_000)


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    path: str
    alternate: bool = False
    content_type_full: str = field(default="")

    @property
    def content_type(self) -> str:
        return self.content_type_full.split(";")[0].strip().lower()


def _too_big(size: int | None = None) -> XapiError:
    limit = max_body()
    size_text = f" {size:,} 字节" if size is not None else ""
    return XapiError(413, f"请求体{size_text}超过上限 {limit:,} 字节；请分成更小的批次发送")


def _single_values(querydict, what: str) -> dict[str, str]:
    out = {}
    for key in querydict:
        values = querydict.getlist(key)
        if len(values) > 1:
            raise XapiError(400, f"{what} {key} 出现了 {len(values)} 次，只能给一次", key)
        out[key] = values[0]
    return out


def _no_nul(params: dict, headers: dict) -> None:
    """Parameters and headers end up in text columns, which cannot hold NUL on PostgreSQL."""
    for name, value in (*params.items(), *headers.items()):
        if "\x00" in name or "\x00" in value:
            raise XapiError(400, f"{name.strip(chr(0))} 含 NUL 字符", name.strip(chr(0)))


def read(request) -> XRequest:
    """The request as the resources see it; raises ``XapiError`` (400, 413)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > max_body():
        raise _too_big(int(length))
    if request.method == "POST" and "method" in request.GET:
        return _alternate(request)
    if request.method not in METHODS:
        raise XapiError(405, f"不支持 {request.method} 方法")
    headers = {name: request.META[meta] for name, meta in _META.items() if meta in request.META}
    body = b""
    if request.method in ("PUT", "POST"):
        try:
            body = request.body
        except RequestDataTooBig:
            raise _too_big() from None
        if len(body) > max_body():
            raise _too_big(len(body))
    params = _single_values(request.GET, "参数")
    _no_nul(params, headers)
    return XRequest(request.method, params, headers, body, request.path,
                    content_type_full=headers.get("content-type", ""))


def _alternate(request) -> XRequest:
    """The alternate request syntax: only ``method`` in the query string; headers, parameters and
    the body (``content``) as application/x-www-form-urlencoded fields."""
    others = sorted(set(request.GET) - {"method"})
    if others:
        raise XapiError(400, f"替代请求语法中，查询串只能有 method，参数 {others[0]} 应放在表单字段里", others[0])
    method = request.GET["method"].upper()
    if method not in METHODS:
        raise XapiError(400, f"method 应为 GET、HEAD、PUT、POST 或 DELETE，不是 {request.GET['method']!r}", "method")
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise XapiError(400, f"替代请求语法的 Content-Type 应为 application/x-www-form-urlencoded，不是 {content_type or '空'}",
                        "Content-Type")
    try:
        form = _single_values(request.POST, "表单字段")
    except RequestDataTooBig:
        raise _too_big() from None
    except TooManyFieldsSent:
        raise XapiError(400, "表单字段过多") from None
    headers = {name: request.META[meta] for name, meta in _META.items() if meta in request.META and meta != "CONTENT_TYPE"}
    params = {}
    content = None
    for key, value in form.items():
        lower = key.lower()
        if lower in FORM_HEADERS:
            headers[lower] = value
        elif key == "content":
            content = value
        else:
            params[key] = value
    body = content.encode("utf-8") if content is not None else b""
    if method in ("PUT", "POST") and content is not None and "content-type" not in headers:
        headers["content-type"] = "application/json"
    _no_nul(params, headers)
    return XRequest(method, params, headers, body, request.path, alternate=True,
                    content_type_full=headers.get("content-type", "") if method in ("PUT", "POST") else "")


def check_version(xreq: XRequest) -> None:
    version = xreq.headers.get("x-experience-api-version")
    if version is None:
        raise XapiError(400, "缺少请求头 X-Experience-API-Version（应为 1.0.3）", "X-Experience-API-Version")
    if not VERSION_HEADER_RE.match(version.strip()):
        raise XapiError(400, f"不支持的 xAPI 版本 {version!r}，本 LRS 支持 1.0.x", "X-Experience-API-Version")


def authenticate(xreq: XRequest):
    """The source system whose HTTP Basic key and secret the request carries; 401 otherwise."""
    header = xreq.headers.get("authorization", "")
    scheme, _sp, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise XapiError(401, "需要 HTTP Basic 认证（来源系统的 key 与 secret）")
    try:
        key, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise XapiError(401, "Authorization 头无法解码") from None
    source = source_for_basic(key, secret) if sep and "\x00" not in key + secret else None
    if source is None:
        raise XapiError(401, "key 或 secret 不正确，或凭据已被吊销")
    return source
