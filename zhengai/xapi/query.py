"""GET /xapi/statements: one statement by id, or a filtered, paged list.

A source reads only the statements it sent (the specification lets an LRS narrow queries by the
credentials used). Lists are in ``stored`` order (the insertion sequence ``seq``), newest first
unless ``ascending=true``. The ``more`` link carries a signed cursor: the filters, the last ``seq``
returned and the highest ``seq`` that existed when the first page was read, so following it gives
the same pages however many statements arrive meanwhile.

Statements that target a matching statement through a StatementRef (voiding statements among
them) match the agent/verb/activity/registration filters too, one level deep.
"""

from datetime import datetime

import orjson
from django.core import signing
from django.db.models import Max, Q

from . import canonical
from .identity import agent_key
from .models import Relation, RelationRole, Statement
from .store import XapiError, authority_for
from .validation import StatementError, actor, iri, parse_timestamp, uuid

MAX_LIMIT = 500
LIST_PARAMS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents", "since",
               "until", "limit", "format", "attachments", "ascending"}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
FORMATS = ("exact", "ids", "canonical")
_SALT = "zhengai.xapi.more"


def _bool(params, name) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise XapiError(400, f"参数 {name} 应为 true 或 false，不是 {value!r}", name)
    return value == "true"


def _timestamp(value: str, name: str) -> datetime:
    # Some clients write a space for the "T" of ISO 8601 (Python's str(datetime)); accept it.
    if len(value) > 10 and value[10] == " ":
        value = value[:10] + "T" + value[11:]
    try:
        return parse_timestamp(value, name)
    except StatementError as exc:
        raise XapiError(400, f"参数 {exc.path}: {exc.message}", name) from None


def _common(params) -> str:
    fmt = params.get("format", "exact")
    if fmt not in FORMATS:
        raise XapiError(400, f"参数 format 应为 exact、ids 或 canonical，不是 {fmt!r}", "format")
    _bool(params, "attachments")  # checked here; answered by the view (multipart/mixed)
    return fmt


def wants_attachments(params) -> bool:
    """Whether a GET asked for ``attachments=true`` (a ``more`` link carries it in its filters)."""
    if "more" in params:
        try:
            return bool(signing.loads(params["more"], salt=_SALT, max_age=7 * 86400)["f"].get("attachments"))
        except (signing.BadSignature, KeyError, TypeError):
            return False
    return params.get("attachments") == "true"


def _formatted(source, fmt: str, texts: list[str], langs) -> list[str]:
    if fmt == "ids":
        return [_ids_format(t) for t in texts]
    if fmt == "canonical":
        return canonical.bodies(source, texts, langs)
    return texts


def single(source, params, langs=()) -> tuple[str, datetime]:
    """The body and stored time of one statement by ``statementId`` or ``voidedStatementId``."""
    unknown = set(params) - SINGLE_PARAMS
    if unknown:
        raise XapiError(400, f"按 ID 取语句时不能再带参数 {', '.join(sorted(unknown))}", sorted(unknown)[0])
    if "statementId" in params and "voidedStatementId" in params:
        raise XapiError(400, "statementId 与 voidedStatementId 不能同时给出", "voidedStatementId")
    fmt = _common(params)
    name = "statementId" if "statementId" in params else "voidedStatementId"
    try:
        sid = uuid(params[name], name)
    except StatementError as exc:
        raise XapiError(400, f"参数 {exc.path}: {exc.message}", name) from None
    row = (Statement.objects.filter(source=source, statement_id=sid, voided=(name == "voidedStatementId"))
           .values_list("body", "stored").first())
    if row is None:
        raise XapiError(404, f"没有 ID 为 {sid} 的{'已作废' if name == 'voidedStatementId' else ''}语句", name)
    body, stored = row
    return _formatted(source, fmt, [body], list(langs))[0], stored


def _filters(params) -> dict:
    """The list filters, checked, in a form that fits in the cursor."""
    unknown = set(params) - LIST_PARAMS
    if unknown:
        name = sorted(unknown)[0]
        raise XapiError(400, f"未知参数 {name}", name)
    f: dict = {"format": _common(params), "ascending": _bool(params, "ascending"),
               "attachments": _bool(params, "attachments")}
    f["related_agents"] = _bool(params, "related_agents")
    f["related_activities"] = _bool(params, "related_activities")
    if "agent" in params:
        try:
            value = orjson.loads(params["agent"])
            f["agent"] = agent_key(actor(value, "agent"))
        except orjson.JSONDecodeError:
            raise XapiError(400, "参数 agent 应为 Agent 或 Group 的 JSON", "agent") from None
        except StatementError as exc:
            raise XapiError(400, f"参数 {exc.path}: {exc.message}", "agent") from None
        if not f["agent"]:
            raise XapiError(400, "参数 agent 须是带身份标识的 Agent 或 Group", "agent")
    try:
        if "verb" in params:
            f["verb"] = iri(params["verb"], "verb")
        if "activity" in params:
            f["activity"] = iri(params["activity"], "activity")
        if "registration" in params:
            f["registration"] = uuid(params["registration"], "registration").lower()
    except StatementError as exc:
        raise XapiError(400, f"参数 {exc.path}: {exc.message}", exc.path) from None
    for name in ("since", "until"):
        if name in params:
            f[name] = _timestamp(params[name], name).isoformat()
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise XapiError(400, f"参数 limit 应为非负整数，不是 {limit!r}", "limit")
    f["limit"] = min(int(limit), MAX_LIMIT) or MAX_LIMIT
    return f


def _related(source, is_agent: bool, key: str, roles) -> Q:
    return Q(statement_id__in=Relation.objects.filter(key=key, source=source, is_agent=is_agent, role__in=roles)
             .values("statement_id"))


def _queryset(source, f):
    qs = Statement.objects.filter(source=source, voided=False)
    match = Q()
    # related_agents: the authority counts too, and the LRS is the authority of every statement
    # a source sent (it records the source system), so asking for it matches them all.
    if "agent" in f and not (f.get("related_agents") and f["agent"] == agent_key(authority_for(source))):
        # The actor or object, or a member of the actor or object Group (Part Three, 2.1.3);
        # related_agents: anywhere else in the statement too, Group members included.
        roles = [RelationRole.MEMBER, RelationRole.RELATED] if f.get("related_agents") else [RelationRole.MEMBER]
        match &= Q(actor_key=f["agent"]) | Q(object_agent_key=f["agent"]) | _related(source, True, f["agent"], roles)
    if "verb" in f:
        match &= Q(verb_id=f["verb"])
    if "activity" in f:
        activity = Q(activity_id=f["activity"])
        if f.get("related_activities"):
            activity |= _related(source, False, f["activity"], [RelationRole.RELATED])
        match &= activity
    if "registration" in f:
        match &= Q(registration=f["registration"])
    if match:
        targeted = Statement.objects.filter(match, source=source).values("statement_id")
        qs = qs.filter(match | Q(ref_id__in=targeted))
    if "since" in f:
        qs = qs.filter(stored__gt=datetime.fromisoformat(f["since"]))
    if "until" in f:
        qs = qs.filter(stored__lte=datetime.fromisoformat(f["until"]))
    return qs


def statement_list(source, params, path: str, langs=()) -> tuple[str, datetime | None]:
    """The StatementResult JSON text for a list query or a ``more`` cursor, and the latest
    ``stored`` among its statements (for Last-Modified; None when the page is empty)."""
    if "more" in params:
        if len(params) > 1:
            raise XapiError(400, "跟随 more 链接时不能再带其他参数", "more")
        try:
            state = signing.loads(params["more"], salt=_SALT, max_age=7 * 86400)
        except signing.BadSignature:
            raise XapiError(400, "more 链接无效或已过期", "more") from None
        if state["source"] != source.pk:
            raise XapiError(400, "more 链接不属于此来源系统", "more")
        f, after, upto = state["f"], state["after"], state["upto"]
    else:
        f = _filters(params)
        after = None
        upto = Statement.objects.filter(source=source).aggregate(m=Max("seq"))["m"] or 0
    qs = _queryset(source, f).filter(seq__lte=upto)
    if after is not None:
        qs = qs.filter(seq__gt=after) if f["ascending"] else qs.filter(seq__lt=after)
    rows = list(qs.order_by("seq" if f["ascending"] else "-seq").values_list("seq", "body", "stored")[: f["limit"] + 1])
    more = ""
    if len(rows) > f["limit"]:
        rows = rows[: f["limit"]]
        token = signing.dumps({"f": f, "after": rows[-1][0], "upto": upto, "source": source.pk}, salt=_SALT, compress=True)
        more = f"{path}?more={token}"
    bodies = _formatted(source, f["format"], [body for _seq, body, _stored in rows], list(langs))
    latest = max((stored for _seq, _body, stored in rows), default=None)
    return '{"statements":[' + ",".join(bodies) + '],"more":' + orjson.dumps(more).decode() + "}", latest


# -- format=ids -------------------------------------------------------------------------------

def _ids_agent(obj: dict) -> dict:
    out = {k: obj[k] for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if k in obj}
    if obj.get("objectType") == "Group" and not any(k in obj for k in ("mbox", "mbox_sha1sum", "openid", "account")):
        out["member"] = [_ids_agent(m) for m in obj.get("member", [])]
    return out


def _ids_object(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        # Only the identifier: objectType is not one (the ADL suite checks an Activity has one key).
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _ids_agent(obj)
    if kind == "SubStatement":
        return _ids_statement(obj)
    return obj


def _ids_statement(st: dict) -> dict:
    out = dict(st)
    out["actor"] = _ids_agent(st["actor"])
    out["verb"] = {"id": st["verb"]["id"]}
    out["object"] = _ids_object(st["object"])
    if "authority" in st:
        out["authority"] = _ids_agent(st["authority"])
    ctx = st.get("context")
    if ctx:
        ctx = dict(ctx)
        for key in ("instructor", "team"):
            if key in ctx:
                ctx[key] = _ids_agent(ctx[key])
        if "contextActivities" in ctx:
            ctx["contextActivities"] = {k: [{"id": a["id"]} for a in v]
                                        for k, v in ctx["contextActivities"].items()}
        out["context"] = ctx
    return out


def _ids_format(body: str) -> str:
    return orjson.dumps(_ids_statement(orjson.loads(body))).decode()
