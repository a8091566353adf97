"""The xAPI 1.0.3 resources under /xapi/: statements, about (and, in ``documents``, state,
activity and agent profiles, activities and agents).

Thin: ``protocol.read`` gives every resource the same request (ordinary or alternate syntax), the
version header is checked and the source authenticated once per request (HTTP Basic with the
source's key and secret), and the handlers hand over to ``store``, ``query`` and ``documents``.
Every response — errors and HEAD included — carries ``X-Experience-API-Version``; statement
responses also carry ``X-Experience-API-Consistent-Through``. HEAD answers what GET would, without
the body.
"""

import logging
from datetime import timedelta
from functools import wraps

import orjson
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from zhengai.org import access

from . import activities, attachments, canonical, documents, people, protocol, query
from .protocol import VERSION, VERSIONS, XRequest
from .store import XapiError, store_statements
from .validation import StatementError, iri, uuid

log = logging.getLogger(__name__)

JSON = "application/json"
# A statement is visible once its request's transaction commits, a few tens of milliseconds after
# its "stored" time; a second of margin makes the header a promise the LRS keeps.
CONSISTENCY_MARGIN = timedelta(seconds=1)


def json_response(content, status=200) -> HttpResponse:
    if not isinstance(content, (str, bytes)):
        content = orjson.dumps(content)
    return HttpResponse(content, status=status, content_type=JSON)


def _error(exc: XapiError) -> HttpResponse:
    payload = {"error": True, "message": exc.message}
    if exc.path:
        payload["property"] = exc.path
    response = json_response(payload, exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="ZhenGai xAPI"'
    return response


def resource(methods: tuple[str, ...], *, authenticated: bool = True, consistent_through: bool = False):
    """Make ``handler(xreq, source) → HttpResponse`` an xAPI resource view answering ``methods``
    (HEAD with GET)."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(handler):
        @csrf_exempt
        @access.gate(access.SOURCE_CREDENTIALS)  # a source system's key and secret, never a person's session
        @wraps(handler)
        def view(request):
            method = request.method
            try:
                xreq = protocol.read(request)
                method = xreq.method
                if method not in allowed:
                    response = _error(XapiError(405, f"此资源不支持 {method} 方法（支持 {', '.join(sorted(allowed))}）"))
                    response["Allow"] = ", ".join(sorted(allowed))
                else:
                    source = None
                    if authenticated:
                        protocol.check_version(xreq)
                        source = protocol.authenticate(xreq)
                    response = handler(xreq, source)
            except XapiError as exc:
                response = _error(exc)
            except Exception:
                # Logged with its traceback; the client still gets JSON and the version header, as
                # on every response.
                log.exception("xAPI request failed: %s %s", request.method, request.path)
                response = _error(XapiError(500, "服务器内部错误，请求未被处理（已记入日志），可稍后重试"))
            if method == "HEAD":
                response["Content-Length"] = str(len(response.content))
                response.content = b""
            response["X-Experience-API-Version"] = VERSION
            if consistent_through:
                response["X-Experience-API-Consistent-Through"] = (
                    (timezone.now() - CONSISTENCY_MARGIN).isoformat().replace("+00:00", "Z"))
            return response

        # A NUL in the query string is refused by protocol.read in xAPI form (JSON, version
        # header), not by the site-wide guard's HTML page.
        view.refuses_nul_itself = True
        return view

    return decorate


def statement_payload(xreq: XRequest):
    """The JSON body of a statements PUT/POST, and its attachment parts (by SHA-2) when multipart."""
    content_type = xreq.content_type
    parts = None
    body = xreq.body
    if content_type == "multipart/mixed":
        body, parts = attachments.parse(xreq.content_type_full, body)
    elif content_type != JSON:
        raise XapiError(400, f"Content-Type 应为 application/json 或 multipart/mixed，不是 {content_type or '空'}",
                        "Content-Type")
    try:
        return orjson.loads(body), parts
    except orjson.JSONDecodeError as exc:
        raise XapiError(400, f"请求体不是有效的 JSON：{exc}") from None


def _last_modified(response, moment) -> None:
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


@resource(("GET", "PUT", "POST"), consistent_through=True)
def statements(xreq: XRequest, source) -> HttpResponse:
    params = xreq.params
    if xreq.method in ("GET", "HEAD"):
        langs = canonical.languages(xreq.headers.get("accept-language"))
        if "statementId" in params or "voidedStatementId" in params:
            body, stored = query.single(source, params, langs)
        else:
            body, stored = query.statement_list(source, params, xreq.path, langs)
        if query.wants_attachments(params):
            content, content_type = attachments.multipart_response(source, body)
            response = HttpResponse(content, content_type=content_type)
        else:
            response = json_response(body)
        _last_modified(response, stored)
        return response
    if xreq.method == "POST":
        if params:
            raise XapiError(400, f"POST 语句时不能带参数 {sorted(params)[0]}", sorted(params)[0])
        payload, parts = statement_payload(xreq)
        if isinstance(payload, list):
            if len(payload) > protocol.max_statements():
                raise XapiError(413, f"一次最多 {protocol.max_statements():,} 条语句，这里有 {len(payload):,} 条；请分批发送")
            return json_response(store_statements(source, payload, parts=parts))
        if not isinstance(payload, dict):
            raise XapiError(400, "请求体应为一条语句（JSON 对象）或语句数组")
        return json_response(store_statements(source, [payload], single=True, parts=parts))
    statement_id = params.get("statementId")
    if not statement_id:
        raise XapiError(400, "PUT 语句须带参数 statementId", "statementId")
    if set(params) != {"statementId"}:
        raise XapiError(400, "PUT 语句只接受参数 statementId", sorted(set(params) - {"statementId"})[0])
    try:
        uuid(statement_id, "statementId")
    except StatementError as exc:
        raise XapiError(400, f"参数 {exc.path}: {exc.message}", "statementId") from None
    payload, parts = statement_payload(xreq)
    if not isinstance(payload, dict):
        raise XapiError(400, "PUT 的请求体应为一条语句（JSON 对象）")
    store_statements(source, [payload], single=True, put_id=statement_id, parts=parts)
    return HttpResponse(status=204)


@resource(("GET",), authenticated=False)
def about(xreq: XRequest, _source) -> HttpResponse:
    return json_response({"version": VERSIONS, "extensions": {}})


def _document_resource(spec):
    @resource(("GET", "PUT", "POST", "DELETE"))
    def handler(xreq: XRequest, source) -> HttpResponse:
        t = documents.target(spec, xreq.method, xreq.params)
        if xreq.method in ("GET", "HEAD"):
            content, content_type, etag, updated = documents.get(source, spec, t)
            response = HttpResponse(content, content_type=content_type)
            if etag is not None:
                response["ETag"] = f'"{etag}"'
            _last_modified(response, updated)
            return response
        if xreq.method == "DELETE":
            documents.do_delete_documents(source, spec, t, xreq.headers)
            return HttpResponse(status=204)
        etag = documents.do_write_document(source, spec, t, xreq.method, xreq.headers, xreq.body,
                                           xreq.content_type_full)
        response = HttpResponse(status=204)
        response["ETag"] = f'"{etag}"'
        return response

    handler.__name__ = handler.__qualname__ = spec.kind
    return handler


state = _document_resource(documents.STATE)
activity_profile = _document_resource(documents.ACTIVITY_PROFILE)
agent_profile = _document_resource(documents.AGENT_PROFILE)


def _only(params: dict, name: str) -> str:
    unknown = sorted(set(params) - {name})
    if unknown:
        raise XapiError(400, f"此资源不接受参数 {unknown[0]}", unknown[0])
    if name not in params:
        raise XapiError(400, f"缺少参数 {name}", name)
    return params[name]


@resource(("GET",))
def agents(xreq: XRequest, _source) -> HttpResponse:
    text = _only(xreq.params, "agent")
    documents.agent_param(text)  # checked: an Agent with one identifier
    agent = orjson.loads(text)
    if agent.get("objectType") == "Group":
        raise XapiError(400, "Agents 资源只接受 Agent（不是 Group）", "agent")
    return json_response(people.person(_source, agent))


@resource(("GET",))
def activities_resource(xreq: XRequest, source) -> HttpResponse:
    activity_id = _only(xreq.params, "activityId")
    try:
        iri(activity_id, "activityId")
    except StatementError as exc:
        raise XapiError(400, f"参数 {exc.path}: {exc.message}", "activityId") from None
    return json_response(activities.activity_object(source, activity_id))
