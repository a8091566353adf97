"""``format=canonical`` (xAPI 1.0.3, Part Three, 2.1.3): statements with each Activity's
definition as the LRS holds it (``activities``, merged from every statement) and every language
map cut to one language, chosen by the request's Accept-Language (quality order; ``zh`` matches
``zh-CN``; otherwise ``und``, otherwise the map's first entry). Agents stay as received. The
definitions of a page's activities are read with one query.
"""

import orjson

from . import activities

MAX_HEADER = 1000


def languages(header: str | None) -> list[str]:
    """Accept-Language as tags in preference order (malformed parts are skipped)."""
    ranked = []
    for i, part in enumerate((header or "")[:MAX_HEADER].split(",")):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, i, tag))
    return [tag for _q, _i, tag in sorted(ranked)]


def pick(language_map: dict, langs: list[str]) -> dict:
    if len(language_map) <= 1:
        return language_map
    lower = {key.lower(): key for key in language_map}
    for tag in langs:
        if tag == "*":
            break
        if tag in lower:
            key = lower[tag]
            return {key: language_map[key]}
        for low, key in lower.items():
            if low.startswith(tag + "-") or tag.startswith(low + "-"):
                return {key: language_map[key]}
    key = lower.get("und") or next(iter(language_map))
    return {key: language_map[key]}


def _definition(definition: dict, langs) -> dict:
    out = dict(definition)
    for name in ("name", "description"):
        if type(out.get(name)) is dict:
            out[name] = pick(out[name], langs)
    for name in ("choices", "scale", "source", "target", "steps"):
        if type(out.get(name)) is list:
            out[name] = [{**c, "description": pick(c["description"], langs)} if "description" in c else c
                         for c in out[name]]
    return out


def _activity(obj: dict, defs: dict, langs) -> dict:
    definition = defs.get(obj["id"], obj.get("definition"))
    out = {k: v for k, v in obj.items() if k != "definition"}
    if definition:
        out["definition"] = _definition(definition, langs)
    return out


def _activity_ids(st: dict):
    obj = st.get("object") or {}
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        yield obj["id"]
    elif kind == "SubStatement":
        yield from _activity_ids(obj)
    for items in ((st.get("context") or {}).get("contextActivities") or {}).values():
        for item in items if type(items) is list else [items]:
            yield item["id"]


def _statement(st: dict, defs: dict, langs) -> dict:
    out = dict(st)
    verb = out["verb"]
    if "display" in verb:
        out["verb"] = {**verb, "display": pick(verb["display"], langs)}
    obj = out["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _activity(obj, defs, langs)
    elif kind == "SubStatement":
        out["object"] = _statement(obj, defs, langs)
    ctx = out.get("context")
    if ctx and "contextActivities" in ctx:
        out["context"] = {**ctx, "contextActivities": {
            key: [_activity(a, defs, langs) for a in (items if type(items) is list else [items])]
            for key, items in ctx["contextActivities"].items()}}
    if "attachments" in out:
        out["attachments"] = [
            {**a, **{k: pick(a[k], langs) for k in ("display", "description") if k in a}} for a in out["attachments"]]
    return out


def bodies(source, texts: list[str], langs: list[str]) -> list[str]:
    statements = [orjson.loads(t) for t in texts]
    defs = activities.canonical(source, {aid for st in statements for aid in _activity_ids(st)})
    return [orjson.dumps(_statement(st, defs, langs)).decode() for st in statements]
