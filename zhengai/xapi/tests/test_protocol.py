"""What every resource shares: no server error on any malformed statement, limits answered 413,
HEAD, the About resource, Last-Modified, the version header on every response, the authority
rules and the alternate request syntax."""

import copy
import urllib.parse
import uuid

import orjson
import pytest
from django.test import override_settings

from zhengai.xapi.models import Statement

from .conftest import ADL, HOME, statement

pytestmark = pytest.mark.django_db

AGENT = {"objectType": "Agent", "name": "李四", "mbox": "mailto:lisi@example.edu"}


def rich_statements() -> list[dict]:
    """Statements that use every property of xAPI 1.0.3 at least once."""
    interaction = {
        "name": {"zh-CN": "第 1 题"}, "description": {"en-US": "Q1"}, "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "moreInfo": f"{HOME}/q1", "extensions": {f"{HOME}/ext": {"a": [1, 2]}}, "interactionType": "choice",
        "correctResponsesPattern": ["a[,]b"], "choices": [{"id": "a", "description": {"zh-CN": "甲"}}, {"id": "b"}],
    }
    first = statement(
        object={"objectType": "Activity", "id": f"{HOME}/q1", "definition": interaction},
        result={"score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10}, "success": True, "completion": False,
                "response": "a[,]b", "duration": "PT1M", "extensions": {f"{HOME}/r": 1}},
        context={"registration": str(uuid.uuid4()), "instructor": AGENT,
                 "team": {"objectType": "Group", "name": "一组", "member": [AGENT]},
                 "contextActivities": {"parent": [{"id": f"{HOME}/p"}], "grouping": {"id": f"{HOME}/g"},
                                       "category": [{"id": f"{HOME}/c"}], "other": [{"id": f"{HOME}/o"}]},
                 "revision": "r1", "platform": "云课堂", "language": "zh-CN",
                 "statement": {"objectType": "StatementRef", "id": str(uuid.uuid4())},
                 "extensions": {f"{HOME}/x": "y"}},
        attachments=[{"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "a"},
                      "description": {"en-US": "d"}, "contentType": "text/plain", "length": 3, "sha2": "ab" * 32,
                      "fileUrl": f"{HOME}/f.txt"}],
        authority={"objectType": "Group", "member": [AGENT, {"account": {"homePage": HOME, "name": "app"}}]},
        version="1.0.3", stored="2026-10-20T08:30:00Z",
    )
    second = statement(
        actor={"objectType": "Group", "member": [AGENT, {"mbox_sha1sum": "a" * 40}, {"openid": f"{HOME}/id"}]},
        object={"objectType": "SubStatement", "actor": AGENT, "verb": {"id": ADL + "attempted"},
                "object": {"objectType": "Agent", "mbox": "mailto:x@example.edu"},
                "result": {"success": True}, "context": {"language": "en"}, "timestamp": "2026-10-20T08:30:00+08:00"},
        context=None, result=None,
    )
    return [first, second]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


def _replaced(value, path, new):
    out = copy.deepcopy(value)
    holder = out
    for step in path[:-1]:
        holder = holder[step]
    if new is _DELETE:
        del holder[path[-1]]
    else:
        holder[path[-1]] = new
    return out


_DELETE = object()
JUNK = [_DELETE, None, True, 0, -1, 1.5, 1e300, "", "x", "\u0000", "a\u0000b", [], [1], ["x"], {}, {"x": 1},
        {"objectType": "Group"}, "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00", "P" + "9" * 400 + "Y",
        "mailto:a\u0000@b", "http://x.example/\u0000"]


def test_it_answers_every_malformed_statement_with_400_never_a_server_error(bare_lrs, caplog):
    """Each property of two statements that use all of xAPI, replaced in turn by a value of every
    JSON type (and a few well-known troublemakers) or deleted: the validator refuses it with a
    StatementError naming a property, or accepts it — and then the LRS stores it. The refused ones
    are sent too, a sample of each kind, and answered 400, never 5xx."""
    from zhengai.xapi.validation import StatementError, validate_statement

    tried, accepted, refused, crashes = 0, [], {}, []
    for base in rich_statements():
        for path in _paths(base):
            if not path:
                continue
            for new in JUNK:
                candidate = _replaced(base, path, new)
                if path != ("id",):
                    candidate["id"] = str(uuid.uuid4())
                tried += 1
                try:
                    validate_statement(candidate)
                except StatementError as exc:
                    refused.setdefault(type(new).__name__ if new is not _DELETE else "deleted", []).append(candidate)
                    assert exc.path.startswith("statement")
                except Exception as exc:  # noqa: BLE001 — what the test is about
                    crashes.append((path, repr(new)[:40], repr(exc)))
                else:
                    accepted.append(candidate)
    assert tried > 2000 and crashes == []
    for start in range(0, len(accepted), 100):
        batch = accepted[start:start + 100]
        response = bare_lrs.post(batch)
        if response.status_code == 400:  # an attachment whose fileUrl was deleted has no part: 400 too
            assert "attachments" in response.json()["property"], response.content[:300]
            statuses = {bare_lrs.post(one).status_code for one in batch}
            assert statuses <= {200, 400}
        else:
            assert response.status_code == 200, response.content[:300]
    for kind, candidates in refused.items():
        for candidate in candidates[:: max(1, len(candidates) // 8)]:
            response = bare_lrs.post(candidate)
            assert response.status_code == 400, (kind, response.content[:300])
    assert "xAPI request failed" not in caplog.text


def test_the_interaction_type_must_be_a_string(bare_lrs):
    st = statement(object={"id": f"{HOME}/q", "definition": {"interactionType": ["choice"]}})

    response = bare_lrs.post(st)

    assert response.status_code == 400
    assert response.json()["property"] == "statement.object.definition.interactionType"


@override_settings(ZHENGAI_XAPI_MAX_STATEMENTS=5)
def test_a_post_of_more_statements_than_the_limit_is_refused_with_413(bare_lrs):
    response = bare_lrs.post([statement() for _ in range(6)])

    assert response.status_code == 413 and "一次最多 5 条语句" in response.json()["message"]
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert bare_lrs.post([statement() for _ in range(5)]).status_code == 200
    assert Statement.objects.count() == 5


@override_settings(ZHENGAI_XAPI_MAX_BODY_BYTES=3000)
def test_a_body_over_the_xapi_limit_is_refused_with_413(bare_lrs):
    response = bare_lrs.post([statement() for _ in range(10)])

    assert response.status_code == 413 and "3,000 字节" in response.json()["message"]
    assert Statement.objects.count() == 0


def test_about_lists_the_versions_without_credentials_and_answers_head(client):
    response = client.get("/xapi/about")

    assert response.status_code == 200
    assert response.json() == {"version": ["1.0.3", "1.0.2", "1.0.1", "1.0.0"], "extensions": {}}
    assert response["X-Experience-API-Version"] == "1.0.3"
    head = client.head("/xapi/about")
    assert head.status_code == 200 and head.content == b"" and head["X-Experience-API-Version"] == "1.0.3"
    assert client.post("/xapi/about").status_code == 405


def test_every_response_carries_the_version_header_errors_included(bare_lrs, client):
    responses = [
        client.get("/xapi/statements"),  # no version header, no credentials
        bare_lrs.get({"statementId": str(uuid.uuid4())}),  # 404
        bare_lrs.get({"junk": "1"}),  # 400
        bare_lrs.client.delete("/xapi/statements", **bare_lrs.headers),  # 405
        bare_lrs.client.head("/xapi/statements", {"junk": "1"}, **bare_lrs.headers),
    ]
    assert [r.status_code for r in responses] == [400, 404, 400, 405, 400]
    assert all(r["X-Experience-API-Version"] == "1.0.3" for r in responses)
    assert responses[3]["Allow"] == "GET, HEAD, POST, PUT"
    assert responses[4].content == b""


def test_get_statements_answers_last_modified_and_head_the_same_headers(bare_lrs):
    st = statement()
    bare_lrs.post(st)
    stored = bare_lrs.get({"statementId": st["id"]}).json()["stored"]

    single = bare_lrs.get({"statementId": st["id"]})
    listing = bare_lrs.get()
    head = bare_lrs.client.head("/xapi/statements", {"statementId": st["id"]}, **bare_lrs.headers)

    from django.utils.http import parse_http_date
    from datetime import datetime

    expected = int(datetime.fromisoformat(stored.replace("Z", "+00:00")).timestamp())
    assert parse_http_date(single["Last-Modified"]) == expected
    assert parse_http_date(listing["Last-Modified"]) == expected
    assert head.status_code == 200 and head.content == b""
    assert head["Last-Modified"] == single["Last-Modified"]
    assert int(head["Content-Length"]) == len(single.content)


@pytest.mark.parametrize("authority, ok", [
    ({"mbox": "mailto:a@example.edu"}, True),
    ({"objectType": "Group", "member": [AGENT, {"mbox": "mailto:app@example.edu"}]}, True),
    ({"objectType": "Group", "member": [AGENT]}, False),
    ({"objectType": "Group", "member": [AGENT, {"mbox": "mailto:b@example.edu"}, {"mbox": "mailto:c@example.edu"}]}, False),
    ({"objectType": "Group", "mbox": "mailto:g@example.edu", "member": [AGENT, {"mbox": "mailto:b@example.edu"}]}, False),
])
def test_an_authority_is_an_agent_or_an_oauth_pair(bare_lrs, authority, ok):
    st = statement(authority=authority)

    response = bare_lrs.post(st)

    assert response.status_code == (200 if ok else 400)
    if ok:  # the LRS records its own authority whatever the client claimed
        assert bare_lrs.get({"statementId": st["id"]}).json()["authority"]["account"]["name"] == "lms"
    else:
        assert response.json()["property"].startswith("statement.authority")


def _alternate(lrs, method, fields, query=None):
    form = {"Authorization": lrs.headers["HTTP_AUTHORIZATION"], "X-Experience-API-Version": "1.0.3", **fields}
    return lrs.client.post(f"/xapi/statements?{urllib.parse.urlencode({'method': method, **(query or {})})}",
                           urllib.parse.urlencode(form), content_type="application/x-www-form-urlencoded")


def test_the_alternate_request_syntax_puts_and_gets_a_statement(bare_lrs):
    st = statement()

    put = _alternate(bare_lrs, "PUT", {"statementId": st["id"], "Content-Type": "application/json",
                                       "content": orjson.dumps(st).decode()})
    got = _alternate(bare_lrs, "GET", {"statementId": st["id"]})

    assert put.status_code == 204, put.content
    assert got.status_code == 200 and got.json()["id"] == st["id"]
    assert got["X-Experience-API-Version"] == "1.0.3"


def test_the_alternate_syntax_takes_nothing_but_method_in_the_query_string(bare_lrs):
    st = statement()

    response = _alternate(bare_lrs, "PUT", {"content": orjson.dumps(st).decode()}, {"statementId": st["id"]})

    assert response.status_code == 400 and response.json()["property"] == "statementId"
    assert _alternate(bare_lrs, "PATCH", {}).status_code == 400
    no_auth = bare_lrs.client.post("/xapi/statements?method=GET", "X-Experience-API-Version=1.0.3",
                                   content_type="application/x-www-form-urlencoded")
    assert no_auth.status_code == 401
    assert Statement.objects.count() == 0


def test_nul_characters_never_reach_a_text_column(bare_lrs):
    """PostgreSQL text cannot hold NUL: an identifier with one is refused (400) rather than failing
    the insert (500) — in an actor's or instructor's mbox, and in any parameter or header."""
    bad_actor = statement(actor={"mbox": "mailto:a\u0000@example.edu"})
    bad_instructor = statement(context={"instructor": {"mbox": "mailto:a\u0000@example.edu"}})
    agent = orjson.dumps({"mbox": "mailto:a@example.edu"}).decode()

    assert bare_lrs.post(bad_actor).json()["property"] == "statement.actor.mbox"
    assert bare_lrs.post(bad_instructor).json()["property"] == "statement.context.instructor.mbox"
    response = bare_lrs.client.put(
        "/xapi/activities/state?" + urllib.parse.urlencode({"activityId": f"{HOME}/a", "agent": agent, "stateId": "a\u0000"}),
        b"{}", content_type="application/json", **bare_lrs.headers)
    # 400 — from the site-wide NUL check of query strings (main's middleware) or from protocol.read
    assert response.status_code == 400
    assert Statement.objects.count() == 0


@pytest.mark.parametrize("query", ["agent=%00", "activityId=a%00b", "st%00ateId=x", "more=%00"])
@pytest.mark.parametrize("path", ["/xapi/statements", "/xapi/activities/state", "/xapi/agents", "/xapi/activities"])
def test_a_nul_in_the_query_string_is_refused_in_xapi_form(bare_lrs, path, query):
    """An xAPI client reads every answer as JSON with the version header: the site-wide NUL guard
    (an HTML 400 page) leaves the xAPI resources to refuse it themselves."""
    response = bare_lrs.client.get(f"{path}?{query}", **bare_lrs.headers)
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] is True


def test_a_nul_in_the_query_string_of_a_page_still_gets_the_site_guard(client):
    response = client.get("/accounts/login/?next=%00")
    assert response.status_code == 400
    assert "X-Experience-API-Version" not in response
