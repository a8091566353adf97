"""Agent keys and statement equivalence.

An agent's key is its inverse functional identifier as one string, so "same agent" is one string
comparison and an indexed column (``Statement.actor_key``). Equivalence follows the statement
comparison rules of xAPI 1.0.3 (Part Two, 2.3.1): what the LRS assigns (id, stored, authority,
version, a missing timestamp), activity definitions, verb displays, the serialisation of
timestamps, the order of group members, attachments and the case of case-insensitive values
(UUIDs, the domain of an e-mail address) do not count; everything else does.
"""

from .validation import parse_timestamp


def canonical_mbox(mbox: str) -> str:
    local, _at, domain = mbox.partition("@")
    return f"{local}@{domain.lower()}"


def agent_key(obj: dict | None) -> str:
    """``mbox:…``, ``sha1:…``, ``openid:…`` or ``account:<homePage> <name>``; "" for anonymous groups."""
    if not obj:
        return ""
    if "mbox" in obj:
        return "mbox:" + canonical_mbox(obj["mbox"])
    if "mbox_sha1sum" in obj:
        return "sha1:" + obj["mbox_sha1sum"].lower()
    if "openid" in obj:
        return "openid:" + obj["openid"]
    if "account" in obj:
        account = obj["account"]
        # A space cannot occur in an IRI, so it separates the home page from the name unambiguously.
        return f"account:{account['homePage']} {account['name']}"
    return ""


def _agent(obj: dict) -> dict:
    out = {k: v for k, v in obj.items() if k != "member"}
    out.setdefault("objectType", "Agent")
    if "mbox" in out:
        out["mbox"] = canonical_mbox(out["mbox"])
    if "mbox_sha1sum" in out:
        out["mbox_sha1sum"] = out["mbox_sha1sum"].lower()
    if "member" in obj:
        out["member"] = sorted((_agent(m) for m in obj["member"]), key=repr)
    return out


def _activity(obj: dict) -> dict:
    return {"objectType": "Activity", "id": obj["id"]}


def _object(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity(obj)
    if kind in ("Agent", "Group"):
        return _agent(obj)
    if kind == "StatementRef":
        return {"objectType": "StatementRef", "id": obj["id"].lower()}
    return _core(obj, sub=True)


def _context(ctx: dict) -> dict:
    out = dict(ctx)
    if "registration" in out:
        out["registration"] = out["registration"].lower()
    if "instructor" in out:
        out["instructor"] = _agent(out["instructor"])
    if "team" in out:
        out["team"] = _agent(out["team"])
    if "statement" in out:
        out["statement"] = {"objectType": "StatementRef", "id": out["statement"]["id"].lower()}
    if "contextActivities" in out:
        out["contextActivities"] = {
            key: [_activity(a) for a in (value if type(value) is list else [value])]
            for key, value in out["contextActivities"].items()
        }
    return out


def _core(statement: dict, *, sub: bool = False) -> dict:
    out = {
        "actor": _agent(statement["actor"]),
        "verb": statement["verb"]["id"],
        "object": _object(statement["object"]),
    }
    if sub:
        out["objectType"] = "SubStatement"
    if "result" in statement:
        out["result"] = statement["result"]
    if "context" in statement:
        out["context"] = _context(statement["context"])
    if "timestamp" in statement:
        out["timestamp"] = parse_timestamp(statement["timestamp"], "timestamp")
    return out


def equivalent(incoming: dict, stored: dict) -> bool:
    """Whether ``incoming`` (as sent) is the statement already ``stored`` (as the LRS keeps it)."""
    a, b = _core(incoming), _core(stored)
    if "timestamp" not in a:
        # The LRS filled in a missing timestamp when it stored the first copy: not a difference.
        b.pop("timestamp", None)
    return a == b
