"""The xAPI 1.0.3 Statement resource at /xapi/statements (and /xapi/about).

Thin: checks the version header, authenticates the source once per request (HTTP Basic with the
source's key and secret), parses the body with orjson and hands over to ``store`` and ``query``.
Every response carries ``X-Experience-API-Version``; statement responses also carry
``X-Experience-API-Consistent-Through``.
"""

import base64
import binascii
import logging
import re
from datetime import timedelta

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from zhengai.intake.sources import source_for_basic
from zhengai.org import access

from . import query
from .store import XapiError, store_statements
from .validation import StatementError, uuid

log = logging.getLogger(__name__)

VERSION = "1.0.3"
VERSION_HEADER_RE = re.compile(r"^1\.0(?:\.\d+)?$")
JSON = "application/json"
# A statement is visible once its request's transaction commits, a few tens of milliseconds after
# its "stored" time; a second of margin makes the header a promise the LRS keeps.
CONSISTENCY_MARGIN = timedelta(seconds=1)


def _json_response(content, status=200) -> HttpResponse:
    if not isinstance(content, (str, bytes)):
        content = orjson.dumps(content)
    return HttpResponse(content, status=status, content_type=JSON)


def _error(exc: XapiError) -> HttpResponse:
    payload = {"error": True, "message": exc.message}
    if exc.path:
        payload["property"] = exc.path
    response = _json_response(payload, exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="ZhenGai xAPI"'
    return response


def _authenticate(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sp, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise XapiError(401, "需要 HTTP Basic 认证（来源系统的 key 与 secret）")
    try:
        key, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise XapiError(401, "Authorization 头无法解码") from None
    source = source_for_basic(key, secret) if sep else None
    if source is None:
        raise XapiError(401, "key 或 secret 不正确，或凭据已被吊销")
    return source


def _check_version(request) -> None:
    version = request.META.get("HTTP_X_EXPERIENCE_API_VERSION")
    if version is None:
        raise XapiError(400, "缺少请求头 X-Experience-API-Version（应为 1.0.3）", "X-Experience-API-Version")
    if not VERSION_HEADER_RE.match(version.strip()):
        raise XapiError(400, f"不支持的 xAPI 版本 {version!r}，本 LRS 支持 1.0.x", "X-Experience-API-Version")


def _body(request):
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length.isdigit() and limit is not None and int(length) > limit:
        raise XapiError(413, f"请求体 {int(length):,} 字节，超过上限 {limit:,} 字节；请分成更小的批次发送")
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type.startswith("multipart/"):
        raise XapiError(400, "本 LRS 不接收 multipart 附件原文；附件请给出 fileUrl", "Content-Type")
    if content_type != JSON:
        raise XapiError(400, f"Content-Type 应为 application/json，不是 {content_type or '空'}", "Content-Type")
    try:
        raw = request.body
    except RequestDataTooBig:
        raise XapiError(413, f"请求体超过上限 {limit:,} 字节；请分成更小的批次发送") from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise XapiError(400, f"请求体不是有效的 JSON：{exc}") from None


def _dispatch(request) -> HttpResponse:
    _check_version(request)
    source = _authenticate(request)
    method = request.method
    if method in ("GET", "HEAD"):
        params = request.GET.dict()
        if "statementId" in params or "voidedStatementId" in params:
            body, stored = query.single(source, params)
            response = _json_response(body)
            response["Last-Modified"] = http_date(stored.timestamp())
        else:
            response = _json_response(query.statement_list(source, params, request.path))
        if method == "HEAD":
            response.content = b""
        return response
    if method == "POST":
        if request.GET:
            raise XapiError(400, "POST 语句时不能带查询参数（本 LRS 不支持替代请求语法）", sorted(request.GET)[0])
        payload = _body(request)
        if isinstance(payload, list):
            return _json_response(store_statements(source, payload))
        if not isinstance(payload, dict):
            raise XapiError(400, "请求体应为一条语句（JSON 对象）或语句数组")
        return _json_response(store_statements(source, [payload], single=True))
    if method == "PUT":
        statement_id = request.GET.get("statementId")
        if not statement_id:
            raise XapiError(400, "PUT 语句须带参数 statementId", "statementId")
        if set(request.GET) != {"statementId"}:
            raise XapiError(400, "PUT 语句只接受参数 statementId", "statementId")
        try:
            uuid(statement_id, "statementId")
        except StatementError as exc:
            raise XapiError(400, f"参数 {exc.path}: {exc.message}", "statementId") from None
        payload = _body(request)
        if not isinstance(payload, dict):
            raise XapiError(400, "PUT 的请求体应为一条语句（JSON 对象）")
        store_statements(source, [payload], single=True, put_id=statement_id)
        return HttpResponse(status=204)
    raise XapiError(405, f"不支持 {method} 方法")


@csrf_exempt
@access.gate(access.SOURCE_CREDENTIALS)  # a source system's key and secret, never a person's session
def statements(request):
    try:
        response = _dispatch(request)
    except XapiError as exc:
        response = _error(exc)
    except Exception:
        # Logged with its traceback; the client still gets JSON and the version header, as on
        # every response of this resource.
        log.exception("xAPI request failed: %s %s", request.method, request.path)
        response = _error(XapiError(500, "服务器内部错误，请求未被处理（已记入日志），可稍后重试"))
    response["X-Experience-API-Version"] = VERSION
    response["X-Experience-API-Consistent-Through"] = (timezone.now() - CONSISTENCY_MARGIN).isoformat().replace("+00:00", "Z")
    return response


@require_safe
def about(request):
    response = _json_response({"version": ["1.0.3", "1.0.2", "1.0.1", "1.0.0"]})
    response["X-Experience-API-Version"] = VERSION
    return response
