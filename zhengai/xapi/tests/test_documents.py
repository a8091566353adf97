"""The State, Activity Profile and Agent Profile resources over HTTP: store, read, list with
``since``, JSON merge, delete, ETag concurrency (409/412), limits and isolation between sources."""

import hashlib
import urllib.parse
from datetime import datetime, timedelta, timezone

import orjson
import pytest
from django.test import override_settings
from django.utils.http import parse_http_date

from zhengai.intake.sources import do_add_source
from zhengai.xapi.models import Document

from .conftest import HOME, LRS

pytestmark = pytest.mark.django_db

ACTIVITY = f"{HOME}/activities/cnc-video-1"
AGENT = orjson.dumps({"objectType": "Agent", "account": {"homePage": HOME, "name": "2024001"}}).decode()
REG = "6fbd600f-d17c-4c74-801a-2ec2e53231c7"


def call(lrs, method, path, params, body=None, content_type="application/json", **headers):
    url = f"/xapi/{path}?{urllib.parse.urlencode(params)}"
    kwargs = {**lrs.headers, **headers}
    if method in ("PUT", "POST"):
        data = body if isinstance(body, bytes) else orjson.dumps(body)
        return getattr(lrs.client, method.lower())(url, data, content_type=content_type, **kwargs)
    return getattr(lrs.client, method.lower())(url, **kwargs)


def state(lrs, method, body=None, **params):
    return call(lrs, method, "activities/state", {"activityId": ACTIVITY, "agent": AGENT, **params}, body)


def etag(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


# -- State --------------------------------------------------------------------------------------

def test_a_state_document_is_stored_and_read_back_with_its_etag_and_last_modified(bare_lrs):
    put = state(bare_lrs, "PUT", {"bookmark": "p3"}, stateId="resume")

    got = state(bare_lrs, "GET", stateId="resume")

    assert put.status_code == 204 and put["X-Experience-API-Version"] == "1.0.3"
    assert got.status_code == 200 and got.json() == {"bookmark": "p3"}
    assert got["Content-Type"] == "application/json"
    assert got["ETag"] == etag(got.content) == put["ETag"]
    modified = parse_http_date(got["Last-Modified"])
    assert abs(modified - datetime.now(timezone.utc).timestamp()) < 60
    head = call(bare_lrs, "HEAD", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "resume"})
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == got["ETag"]


def test_a_state_keeps_any_content_type_and_bytes(bare_lrs):
    blob = bytes(range(256))
    response = call(bare_lrs, "PUT", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bin"},
                    blob, content_type="application/octet-stream")

    got = state(bare_lrs, "GET", stateId="bin")

    assert response.status_code == 204
    assert got.content == blob and got["Content-Type"] == "application/octet-stream"


def test_state_put_overwrites_without_concurrency_headers_but_honours_them_when_given(bare_lrs):
    state(bare_lrs, "PUT", {"a": 1}, stateId="s")
    old = state(bare_lrs, "GET", stateId="s")["ETag"]

    assert state(bare_lrs, "PUT", {"a": 2}, stateId="s").status_code == 204
    stale = call(bare_lrs, "PUT", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"},
                 {"a": 3}, HTTP_IF_MATCH=old)
    none_match = call(bare_lrs, "PUT", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"},
                      {"a": 4}, HTTP_IF_NONE_MATCH="*")

    assert stale.status_code == 412 and none_match.status_code == 412
    assert state(bare_lrs, "GET", stateId="s").json() == {"a": 2}


def test_state_post_merges_json_objects_and_refuses_to_merge_anything_else(bare_lrs):
    assert state(bare_lrs, "POST", {"a": 1, "b": {"x": 1}}, stateId="s").status_code == 204

    assert state(bare_lrs, "POST", {"b": {"y": 2}, "c": 3}, stateId="s").status_code == 204
    assert state(bare_lrs, "GET", stateId="s").json() == {"a": 1, "b": {"y": 2}, "c": 3}
    assert state(bare_lrs, "POST", [1, 2], stateId="s").status_code == 400
    text = call(bare_lrs, "POST", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"},
                b"plain", content_type="text/plain")
    assert text.status_code == 400
    call(bare_lrs, "PUT", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "t"}, b"plain",
         content_type="text/plain")
    assert state(bare_lrs, "POST", {"a": 1}, stateId="t").status_code == 400
    assert state(bare_lrs, "GET", stateId="t").content == b"plain"


def test_state_ids_are_listed_per_registration_and_since_a_time(bare_lrs):
    state(bare_lrs, "PUT", {"n": 1}, stateId="one")
    state(bare_lrs, "PUT", {"n": 2}, stateId="two", registration=REG)
    Document.objects.filter(doc_id="one").update(updated=datetime.now(timezone.utc) - timedelta(days=2))
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()

    assert state(bare_lrs, "GET").json() == ["one", "two"]
    assert state(bare_lrs, "GET", registration=REG).json() == ["two"]
    assert state(bare_lrs, "GET", since=since).json() == ["two"]
    assert state(bare_lrs, "GET", stateId="two").status_code == 404  # another registration's document
    assert state(bare_lrs, "GET", stateId="two", registration=REG).json() == {"n": 2}


def test_state_delete_removes_one_document_or_the_whole_set(bare_lrs):
    for sid in ("a", "b", "c"):
        state(bare_lrs, "PUT", {"s": sid}, stateId=sid)
    other_activity = call(bare_lrs, "PUT", "activities/state",
                          {"activityId": f"{HOME}/other", "agent": AGENT, "stateId": "a"}, {"x": 1})
    assert other_activity.status_code == 204

    assert state(bare_lrs, "DELETE", stateId="a").status_code == 204
    assert state(bare_lrs, "GET").json() == ["b", "c"]
    assert state(bare_lrs, "DELETE").status_code == 204
    assert state(bare_lrs, "GET").json() == []
    assert Document.objects.count() == 1  # the other activity's state is left
    assert state(bare_lrs, "DELETE", stateId="missing").status_code == 204


@pytest.mark.parametrize("params, prop", [
    ({"agent": AGENT, "stateId": "s"}, "activityId"),
    ({"activityId": ACTIVITY, "stateId": "s"}, "agent"),
    ({"activityId": "not an iri", "agent": AGENT, "stateId": "s"}, "activityId"),
    ({"activityId": ACTIVITY, "agent": "{oops", "stateId": "s"}, "agent"),
    ({"activityId": ACTIVITY, "agent": '{"name": "no ifi"}', "stateId": "s"}, "agent"),
    ({"activityId": ACTIVITY, "agent": AGENT, "stateId": "s", "registration": "nope"}, "registration"),
    ({"activityId": ACTIVITY, "agent": AGENT, "stateId": "s", "junk": "1"}, "junk"),
    ({"activityId": ACTIVITY, "agent": AGENT, "since": "yesterday"}, "since"),
    ({"activityId": ACTIVITY, "agent": AGENT, "stateId": "s", "since": "2026-01-01T00:00:00Z"}, "since"),
])
def test_bad_state_parameters_are_refused_with_400_naming_them(bare_lrs, params, prop):
    response = call(bare_lrs, "GET", "activities/state", params)

    assert response.status_code == 400 and response.json()["property"] == prop


def test_a_state_put_needs_a_state_id(bare_lrs):
    response = call(bare_lrs, "PUT", "activities/state", {"activityId": ACTIVITY, "agent": AGENT}, {"a": 1})

    assert response.status_code == 400 and response.json()["property"] == "stateId"


@override_settings(ZHENGAI_XAPI_MAX_DOCUMENT_BYTES=100)
def test_a_document_over_the_limit_is_refused_with_413_and_so_is_a_merge_that_grows_over_it(bare_lrs):
    assert state(bare_lrs, "PUT", {"a": "x" * 200}, stateId="s").status_code == 413
    assert state(bare_lrs, "POST", {"a": "x" * 60}, stateId="s").status_code == 204
    assert state(bare_lrs, "POST", {"b": "y" * 60}, stateId="s").status_code == 413
    assert state(bare_lrs, "GET", stateId="s").json() == {"a": "x" * 60}


def test_a_source_sees_only_its_own_documents(bare_lrs):
    state(bare_lrs, "PUT", {"a": 1}, stateId="s")
    source, issued = do_add_source("lms2", "xapi")
    other = LRS(bare_lrs.client, source, issued.key, issued.secret)

    assert state(other, "GET", stateId="s").status_code == 404
    assert state(other, "GET").json() == []


def test_listing_state_ids_is_one_query_however_many_documents(bare_lrs, django_assert_max_num_queries):
    for i in range(30):
        state(bare_lrs, "PUT", {"i": i}, stateId=f"s{i:02d}")

    with django_assert_max_num_queries(2):  # the credentials, the documents
        response = state(bare_lrs, "GET")

    assert len(response.json()) == 30


# -- Activity Profile and Agent Profile ---------------------------------------------------------

PROFILES = [
    ("activities/profile", {"activityId": ACTIVITY}),
    ("agents/profile", {"agent": AGENT}),
]


@pytest.mark.parametrize("path, scope", PROFILES)
def test_a_profile_put_needs_if_match_or_if_none_match(bare_lrs, path, scope):
    params = {**scope, "profileId": "prefs"}
    unguarded_create = call(bare_lrs, "PUT", path, params, {"lang": "zh-CN"})
    first = call(bare_lrs, "PUT", path, params, {"lang": "zh-CN"}, HTTP_IF_NONE_MATCH="*")
    current = first["ETag"]

    bare = call(bare_lrs, "PUT", path, params, {"lang": "en"})
    wrong = call(bare_lrs, "PUT", path, params, {"lang": "en"}, HTTP_IF_MATCH='"' + "0" * 40 + '"')
    create_only = call(bare_lrs, "PUT", path, params, {"lang": "en"}, HTTP_IF_NONE_MATCH="*")
    matching = call(bare_lrs, "PUT", path, params, {"lang": "en"}, HTTP_IF_MATCH=current)

    assert unguarded_create.status_code == 400 and "If-None-Match" in unguarded_create.json()["message"]
    assert first.status_code == 204
    assert bare.status_code == 409 and "If-Match" in bare.json()["message"]
    assert wrong.status_code == 412 and create_only.status_code == 412
    assert matching.status_code == 204
    got = call(bare_lrs, "GET", path, params)
    assert got.json() == {"lang": "en"} and got["ETag"] == etag(got.content)
    assert call(bare_lrs, "PUT", path, {**scope, "profileId": "new"}, {"a": 1},
                HTTP_IF_MATCH=current).status_code == 412  # If-Match on a document that does not exist


@pytest.mark.parametrize("path, scope", PROFILES)
def test_a_profile_is_merged_listed_since_and_deleted(bare_lrs, path, scope):
    assert call(bare_lrs, "POST", path, {**scope, "profileId": "p1"}, {"a": 1}).status_code == 204
    assert call(bare_lrs, "POST", path, {**scope, "profileId": "p1"}, {"b": 2}).status_code == 204
    call(bare_lrs, "PUT", path, {**scope, "profileId": "p2"}, {"c": 3}, HTTP_IF_NONE_MATCH="*")
    Document.objects.filter(doc_id="p1").update(updated=datetime.now(timezone.utc) - timedelta(days=2))
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()

    assert call(bare_lrs, "GET", path, {**scope, "profileId": "p1"}).json() == {"a": 1, "b": 2}
    assert call(bare_lrs, "GET", path, scope).json() == ["p1", "p2"]
    assert call(bare_lrs, "GET", path, {**scope, "since": since}).json() == ["p2"]
    stale = call(bare_lrs, "DELETE", path, {**scope, "profileId": "p1"}, HTTP_IF_MATCH='"' + "0" * 40 + '"')
    assert stale.status_code == 412
    assert call(bare_lrs, "DELETE", path, {**scope, "profileId": "p1"}).status_code == 204
    assert call(bare_lrs, "GET", path, {**scope, "profileId": "p1"}).status_code == 404
    assert call(bare_lrs, "DELETE", path, scope).status_code == 400  # a profile is deleted one at a time
    assert call(bare_lrs, "GET", path, {**scope, "registration": REG}).status_code == 400


def test_profiles_of_one_activity_and_one_agent_are_apart(bare_lrs):
    call(bare_lrs, "PUT", "activities/profile", {"activityId": ACTIVITY, "profileId": "p"}, {"who": "activity"},
         HTTP_IF_NONE_MATCH="*")
    call(bare_lrs, "PUT", "agents/profile", {"agent": AGENT, "profileId": "p"}, {"who": "agent"}, HTTP_IF_NONE_MATCH="*")
    same_agent_by_mbox = orjson.dumps({"mbox": "mailto:zhangsan@example.edu"}).decode()

    assert call(bare_lrs, "GET", "activities/profile", {"activityId": ACTIVITY, "profileId": "p"}).json() == {"who": "activity"}
    assert call(bare_lrs, "GET", "agents/profile", {"agent": AGENT, "profileId": "p"}).json() == {"who": "agent"}
    assert call(bare_lrs, "GET", "agents/profile", {"agent": same_agent_by_mbox}).json() == []


def test_document_resources_speak_the_alternate_syntax(bare_lrs):
    form = {"Authorization": bare_lrs.headers["HTTP_AUTHORIZATION"], "X-Experience-API-Version": "1.0.3",
            "activityId": ACTIVITY, "agent": AGENT, "stateId": "alt", "Content-Type": "application/json",
            "content": '{"via": "form"}'}

    put = bare_lrs.client.post("/xapi/activities/state?method=PUT", urllib.parse.urlencode(form),
                               content_type="application/x-www-form-urlencoded")

    assert put.status_code == 204
    assert state(bare_lrs, "GET", stateId="alt").json() == {"via": "form"}


def test_every_document_write_is_audited_without_its_contents(bare_lrs):
    """PUT, POST (merge) and DELETE of State and profile documents each record one audit event
    with the write: the source system, the document and its version, never the contents."""
    from zhengai.core.choices import AuditKind
    from zhengai.core.models import AuditEvent

    state(bare_lrs, "PUT", {"answer": "秘密答案"}, stateId="s1")
    state(bare_lrs, "POST", {"page": 2}, stateId="s1")
    state(bare_lrs, "PUT", {"n": 1}, stateId="s2", registration=REG)
    call(bare_lrs, "PUT", "agents/profile", {"agent": AGENT, "profileId": "p"}, {"x": 1}, HTTP_IF_NONE_MATCH="*")
    call(bare_lrs, "DELETE", "agents/profile", {"agent": AGENT, "profileId": "p"})
    refused = call(bare_lrs, "POST", "activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s1"},
                   {"a": 1}, HTTP_IF_MATCH='"' + "0" * 40 + '"')
    call(bare_lrs, "DELETE", "activities/state", {"activityId": ACTIVITY, "agent": AGENT})  # the whole set

    assert refused.status_code == 412
    events = list(AuditEvent.objects.filter(kind=AuditKind.CONFIG_CHANGED).order_by("pk"))
    got = [(e.username, e.detail["document"], e.detail["action"], e.detail["name"]) for e in events]
    assert got == [
        ("xapi:lms", "state", "created", "s1"), ("xapi:lms", "state", "changed", "s1"),
        ("xapi:lms", "state", "created", "s2"), ("xapi:lms", "agent_profile", "created", "p"),
        ("xapi:lms", "agent_profile", "deleted", "p"), ("xapi:lms", "state", "deleted", "s1, s2"),
    ]
    merged = events[1].detail
    assert merged["method"] == "POST" and merged["activity"] == ACTIVITY and merged["agent"].startswith("account:")
    assert set(merged["changes"]) == {"etag", "bytes"}
    assert events[2].detail["registration"] == REG
    assert events[5].detail["changes"] == {"documents": [2, None]}
    assert "秘密答案" not in str([e.detail for e in events])
