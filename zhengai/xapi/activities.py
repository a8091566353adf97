"""Activity definitions: merged at ingest, answered by the Activities resource (GET
/xapi/activities?activityId=…) and used by ``format=canonical``.

At ingest, ``record_definitions`` takes every Activity of a request's statements that carries a
definition — the object, the context activities, and those of a SubStatement — merges them (later
wins; language maps and extensions key by key), compares with the stored definitions (one query)
and writes only what changed (one upsert, in IRI order so concurrent requests lock rows in the same
order). A request whose definitions are already known costs one indexed read.
"""

import orjson
from django.db.models import Q
from django.utils import timezone

from . import rawsql
from .models import Activity

MERGED_MAPS = ("name", "description", "extensions")


def merge(old: dict, new: dict) -> dict:
    out = dict(old)
    for key, value in new.items():
        if key in MERGED_MAPS and type(out.get(key)) is dict and type(value) is dict:
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _activities_of(data: dict):
    obj = data.get("object") or {}
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        yield obj
    elif kind == "SubStatement":
        yield from _activities_of(obj)
    for items in ((data.get("context") or {}).get("contextActivities") or {}).values():
        yield from (items if type(items) is list else [items])


def definitions_in(statements) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for data in statements:
        for activity in _activities_of(data):
            definition = activity.get("definition")
            if definition:
                aid = activity["id"]
                found[aid] = merge(found[aid], definition) if aid in found else definition
    return found


def record_definitions(source, statements) -> None:
    found = definitions_in(statements)
    if not found:
        return
    ids = sorted(found)
    if rawsql.enabled():
        stored = dict(rawsql.fetch(
            f"SELECT activity_id, definition FROM {Activity._meta.db_table} "
            "WHERE source_id = %s AND activity_id = ANY(%s)", (source.pk, ids)))
    else:
        stored = dict(Activity.objects.filter(source=source, activity_id__in=ids).values_list("activity_id", "definition"))
    now = timezone.now()
    changed = []
    for aid in ids:
        old = orjson.loads(stored[aid]) if aid in stored else {}
        merged = merge(old, found[aid])
        if aid not in stored or merged != old:
            changed.append(Activity(source=source, activity_id=aid, definition=orjson.dumps(merged).decode(), updated=now))
    if changed:
        Activity.objects.bulk_create(changed, update_conflicts=True, unique_fields=["source", "activity_id"],
                                     update_fields=["definition", "updated"])


def canonical(source, activity_ids) -> dict[str, dict]:
    """{activity id: stored definition} for these ids (one query)."""
    ids = sorted(set(activity_ids))
    if not ids:
        return {}
    return {aid: orjson.loads(text) for aid, text in
            Activity.objects.filter(Q(activity_id__in=ids), source=source).values_list("activity_id", "definition")}


def activity_object(source, activity_id: str) -> dict:
    """The Activity object the LRS holds: with its merged definition, or only the id when no
    statement defined it (the specification asks for an Activity object still)."""
    definition = canonical(source, [activity_id]).get(activity_id)
    out = {"objectType": "Activity", "id": activity_id}
    if definition:
        out["definition"] = definition
    return out
