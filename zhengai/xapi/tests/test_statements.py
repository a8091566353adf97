"""The Statement resource over HTTP: status codes, headers, authentication, idempotence and
conflicts, voiding, queries and paging, limits."""

import uuid
from datetime import datetime, timedelta

import orjson
import pytest
from django.test import override_settings

from zhengai.intake.sources import do_add_source, do_revoke_credentials
from zhengai.xapi.models import Statement

from .conftest import ADL, HOME, LRS, statement

pytestmark = pytest.mark.django_db


def void(target_id, **kw):
    return statement(verb={"id": ADL + "voided", "display": {"en-US": "voided"}},
                     object={"objectType": "StatementRef", "id": target_id}, result=None, context=None, **kw)


# -- storing ----------------------------------------------------------------------------------

def test_it_stores_one_statement_and_answers_its_id(bare_lrs):
    st = statement()

    response = bare_lrs.post(st)

    assert response.status_code == 200
    assert response.json() == [st["id"]]
    stored = bare_lrs.get({"statementId": st["id"]}).json()
    assert stored["actor"] == st["actor"] and stored["result"] == st["result"]
    assert stored["authority"] == {"objectType": "Agent", "name": "学习平台",
                                   "account": {"homePage": "http://127.0.0.1:8000", "name": "lms"}}
    assert stored["version"] == "1.0.0"
    assert datetime.fromisoformat(stored["stored"]) > datetime.fromisoformat("2026-01-01T00:00:00+00:00")


def test_it_stores_an_array_giving_ids_in_order_to_statements_without_one(bare_lrs):
    sts = [statement(), statement(id=None), statement()]

    ids = bare_lrs.post(sts).json()

    assert len(ids) == 3 and ids[0] == sts[0]["id"] and ids[2] == sts[2]["id"]
    assert uuid.UUID(ids[1]).version == 4
    assert Statement.objects.count() == 3


def test_it_sets_authority_over_what_the_client_claims_and_keeps_its_version(bare_lrs):
    st = statement(authority={"mbox": "mailto:boss@evil.example"}, version="1.0.3")
    bare_lrs.post(st)

    stored = bare_lrs.get({"statementId": st["id"]}).json()

    assert stored["authority"]["account"]["name"] == "lms"
    assert stored["version"] == "1.0.3"


def test_it_returns_context_activities_as_arrays(bare_lrs):
    st = statement(context={"contextActivities": {"parent": {"id": f"{HOME}/p"}}})
    bare_lrs.post(st)

    stored = bare_lrs.get({"statementId": st["id"]}).json()

    assert stored["context"]["contextActivities"]["parent"] == [{"id": f"{HOME}/p"}]


def test_it_stores_with_put_and_answers_204(bare_lrs):
    st = statement(id=None)
    sid = str(uuid.uuid4())

    response = bare_lrs.put(st, sid)

    assert response.status_code == 204
    assert bare_lrs.get({"statementId": sid}).json()["id"] == sid


def test_put_needs_a_statement_id_that_matches_the_body(bare_lrs):
    st = statement()
    assert bare_lrs.client.put("/xapi/statements", orjson.dumps(st), content_type="application/json",
                               **bare_lrs.headers).status_code == 400
    response = bare_lrs.put(st, str(uuid.uuid4()))
    assert response.status_code == 400 and response.json()["property"] == "statement.id"
    assert bare_lrs.put(st, "not-a-uuid").status_code == 400
    assert Statement.objects.count() == 0


def test_one_invalid_statement_refuses_the_whole_array(bare_lrs):
    bad = statement(result={"score": {"scaled": 2}})

    response = bare_lrs.post([statement(), statement(), bad])

    assert response.status_code == 400
    assert response.json()["property"] == "statements[2].result.score.scaled"
    assert Statement.objects.count() == 0


def test_it_refuses_an_array_with_the_same_id_twice(bare_lrs):
    st = statement()

    response = bare_lrs.post([st, dict(st)])

    assert response.status_code == 400 and response.json()["property"] == "statements[1].id"
    assert Statement.objects.count() == 0


def test_it_refuses_bodies_that_are_not_json_statements(bare_lrs):
    assert bare_lrs.post(None, raw=b"{not json").status_code == 400
    assert bare_lrs.post("a string").status_code == 400
    response = bare_lrs.client.post("/xapi/statements", orjson.dumps(statement()), content_type="text/plain",
                                    **bare_lrs.headers)
    assert response.status_code == 400 and response.json()["property"] == "Content-Type"
    assert bare_lrs.post([]).json() == []


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_it_refuses_a_body_over_the_upload_limit_with_413(bare_lrs):
    response = bare_lrs.post([statement() for _ in range(10)])

    assert response.status_code == 413
    assert "超过上限 2,000 字节" in response.json()["message"]
    assert Statement.objects.count() == 0


# -- idempotence and conflicts ----------------------------------------------------------------

def test_the_same_statement_twice_is_stored_once(bare_lrs):
    st = statement()
    bare_lrs.post(st)

    response = bare_lrs.post(st)

    assert response.status_code == 200 and response.json() == [st["id"]]
    assert bare_lrs.put(st, st["id"]).status_code == 204
    assert Statement.objects.count() == 1


def test_equivalence_ignores_what_the_specification_says_to_ignore(bare_lrs):
    member_a = {"mbox": "mailto:a@example.edu"}
    member_b = {"openid": "http://id.example.edu/b"}
    first = statement(actor={"objectType": "Group", "member": [member_a, member_b]},
                      timestamp="2026-10-20T08:30:00.000Z",
                      context={"contextActivities": {"grouping": {"id": f"{HOME}/g"}},
                               "registration": "f0dd695a-ad12-4b03-b217-d0f2d55544b3"})
    bare_lrs.post(first)
    again = dict(first)
    again.update(
        actor={"objectType": "Group", "member": [member_b, {"mbox": "mailto:a@EXAMPLE.edu"}]},  # order, domain case
        timestamp="2026-10-20T16:30:00+08:00",  # same instant
        verb={"id": first["verb"]["id"], "display": {"en-US": "finished"}},  # display is not part of it
        object={"id": first["object"]["id"], "definition": {"name": {"en-US": "Lesson 1"}}},  # nor the definition
        context={"contextActivities": {"grouping": [{"id": f"{HOME}/g", "objectType": "Activity"}]},
                 "registration": "F0DD695A-AD12-4B03-B217-D0F2D55544B3"},
        authority={"mbox": "mailto:someone@example.edu"}, version="1.0.0",
    )

    response = bare_lrs.post(again)

    assert response.status_code == 200
    assert Statement.objects.count() == 1


@pytest.mark.parametrize("change", [
    {"result": {"score": {"raw": 86, "min": 0, "max": 100}}},
    {"verb": {"id": ADL + "passed"}},
    {"timestamp": "2026-10-20T08:30:01.000Z"},
    {"result": {"duration": "PT750S"}},  # durations compare as strings
])
def test_the_same_id_with_different_content_is_a_conflict(bare_lrs, change):
    first = statement()
    bare_lrs.post(first)
    other = statement()

    response = bare_lrs.post([other, {**first, **change}])

    assert response.status_code == 409
    assert first["id"] in response.json()["message"]
    assert Statement.objects.count() == 1  # the other statement of the refused request is not stored
    assert bare_lrs.put({**first, **change}, first["id"]).status_code == 409


# -- headers and authentication ---------------------------------------------------------------

def test_the_version_header_is_required_and_answered_everywhere(bare_lrs):
    del_header = {k: v for k, v in bare_lrs.headers.items() if k != "HTTP_X_EXPERIENCE_API_VERSION"}
    missing = bare_lrs.client.post("/xapi/statements", orjson.dumps(statement()), content_type="application/json",
                                   **del_header)
    assert missing.status_code == 400 and missing.json()["property"] == "X-Experience-API-Version"
    assert bare_lrs.post(statement(), HTTP_X_EXPERIENCE_API_VERSION="0.95").status_code == 400
    assert bare_lrs.post(statement(), HTTP_X_EXPERIENCE_API_VERSION="1.1.0").status_code == 400
    assert bare_lrs.post(statement(), HTTP_X_EXPERIENCE_API_VERSION="1.0").status_code == 200
    assert bare_lrs.post(statement(), HTTP_X_EXPERIENCE_API_VERSION="1.0.1").status_code == 200
    responses = [missing, bare_lrs.get(), bare_lrs.get({"statementId": str(uuid.uuid4())}),
                 bare_lrs.get(HTTP_AUTHORIZATION="")]
    assert [r.status_code for r in responses] == [400, 200, 404, 401]
    assert all(r["X-Experience-API-Version"] == "1.0.3" for r in responses)


def test_get_answers_consistent_through(bare_lrs):
    before = datetime.now().astimezone()

    response = bare_lrs.get()

    through = datetime.fromisoformat(response["X-Experience-API-Consistent-Through"])
    assert before - timedelta(seconds=5) < through <= datetime.now().astimezone()


def test_it_needs_the_sources_key_and_secret(bare_lrs, db):
    st = statement()
    assert bare_lrs.post(st, HTTP_AUTHORIZATION="").status_code == 401
    wrong = LRS(bare_lrs.client, bare_lrs.source, bare_lrs.key, bare_lrs.secret + "x")
    response = wrong.post(st)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")
    assert bare_lrs.post(st, HTTP_AUTHORIZATION="Basic !!!").status_code == 401
    assert bare_lrs.post(st, HTTP_AUTHORIZATION="Bearer abc").status_code == 401
    do_revoke_credentials(bare_lrs.source)
    assert bare_lrs.post(st).status_code == 401
    assert bare_lrs.get().status_code == 401
    assert Statement.objects.count() == 0


# -- voiding ----------------------------------------------------------------------------------

def test_a_voided_statement_is_returned_only_by_voided_statement_id(bare_lrs):
    target, keep = statement(), statement()
    bare_lrs.post([target, keep])
    voiding = void(target["id"])

    assert bare_lrs.post(voiding).status_code == 200

    assert bare_lrs.get({"statementId": target["id"]}).status_code == 404
    assert bare_lrs.get({"voidedStatementId": target["id"]}).json()["id"] == target["id"]
    assert bare_lrs.get({"voidedStatementId": keep["id"]}).status_code == 404
    listed = [s["id"] for s in bare_lrs.get().json()["statements"]]
    assert listed == [voiding["id"], keep["id"]]


def test_voiding_a_voiding_statement_is_refused(bare_lrs):
    target = statement()
    first = void(target["id"])
    bare_lrs.post([target, first])

    response = bare_lrs.post(void(first["id"]))

    assert response.status_code == 400 and "作废语句不能被作废" in response.json()["message"]
    assert bare_lrs.get({"statementId": first["id"]}).status_code == 200
    assert Statement.objects.count() == 2


def test_a_source_cannot_void_another_sources_statements(bare_lrs):
    target = statement()
    bare_lrs.post(target)
    _other, issued = do_add_source("lms2", "xapi")
    other = LRS(bare_lrs.client, _other, issued.key, issued.secret)

    assert other.post(void(target["id"])).status_code == 403
    assert bare_lrs.get({"statementId": target["id"]}).status_code == 200


def test_a_statement_that_arrives_after_its_voiding_statement_is_stored_voided(bare_lrs):
    target = statement()
    bare_lrs.post(void(target["id"]))  # the LRS must not refuse a voiding statement whose target it lacks

    bare_lrs.post(target)

    assert bare_lrs.get({"statementId": target["id"]}).status_code == 404
    assert bare_lrs.get({"voidedStatementId": target["id"]}).status_code == 200


# -- queries ----------------------------------------------------------------------------------

def _ids(response):
    return [s["id"] for s in response.json()["statements"]]


def test_it_filters_by_agent_verb_activity_and_registration(bare_lrs):
    reg = str(uuid.uuid4())
    a = statement(actor={"mbox": "mailto:a@example.edu"})
    b = statement(actor={"mbox": "mailto:b@example.edu"}, verb={"id": ADL + "answered"})
    c = statement(actor={"mbox": "mailto:a@example.edu"}, object={"id": f"{HOME}/quiz"},
                  context={"registration": reg})
    about_a = statement(object={"objectType": "Agent", "mbox": "mailto:a@example.edu"}, context=None)
    bare_lrs.post([a, b, c, about_a])

    assert _ids(bare_lrs.get({"agent": '{"mbox": "mailto:a@EXAMPLE.edu"}'})) == [about_a["id"], c["id"], a["id"]]
    assert _ids(bare_lrs.get({"verb": ADL + "answered"})) == [b["id"]]
    assert _ids(bare_lrs.get({"activity": f"{HOME}/quiz"})) == [c["id"]]
    assert _ids(bare_lrs.get({"registration": reg})) == [c["id"]]
    assert _ids(bare_lrs.get({"agent": '{"mbox": "mailto:a@example.edu"}', "verb": ADL + "answered"})) == []


def test_a_statement_targeting_a_match_matches_too(bare_lrs):
    target = statement(object={"id": f"{HOME}/quiz"})
    voiding = void(target["id"])
    bare_lrs.post([target, voiding, statement()])

    # The voided target itself is never listed, its voiding statement is.
    assert _ids(bare_lrs.get({"activity": f"{HOME}/quiz"})) == [voiding["id"]]


def test_it_refuses_bad_query_parameters(bare_lrs):
    cases = [
        ({"agent": "{not json"}, "agent"), ({"agent": '{"name": "x"}'}, "agent"), ({"verb": "answered"}, "verb"),
        ({"since": "yesterday"}, "since"), ({"limit": "-1"}, "limit"), ({"ascending": "yes"}, "ascending"),
        ({"colour": "red"}, "colour"), ({"statementId": str(uuid.uuid4()), "verb": ADL + "answered"}, "verb"),
        ({"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())}, "voidedStatementId"),
        ({"statementId": "123"}, "statementId"), ({"format": "full"}, "format"),
        ({"attachments": "maybe"}, "attachments"),
    ]
    for params, prop in cases:
        response = bare_lrs.get(params)
        assert (response.status_code, response.json()["property"]) == (400, prop), params


def test_since_until_limit_ascending_and_format_ids(bare_lrs):
    first = [statement() for _ in range(3)]
    bare_lrs.post(first)
    Statement.objects.update(stored=datetime.fromisoformat("2026-10-01T00:00:00+00:00"))
    second = [statement() for _ in range(2)]
    bare_lrs.post(second)

    assert _ids(bare_lrs.get({"since": "2026-10-01T00:00:00Z"})) == [s["id"] for s in reversed(second)]
    assert _ids(bare_lrs.get({"until": "2026-10-01 08:00:00+08:00"})) == [s["id"] for s in reversed(first)]
    assert _ids(bare_lrs.get({"limit": "2", "ascending": "true"})) == [first[0]["id"], first[1]["id"]]
    reduced = bare_lrs.get({"limit": "1", "format": "ids"}).json()["statements"][0]
    assert reduced["verb"] == {"id": ADL + "completed"}
    assert reduced["object"] == {"id": f"{HOME}/activities/cnc-video-1"}  # an Activity's identifier only
    assert reduced["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": "2024001"}}


def test_more_pages_through_everything_once_and_stays_stable(bare_lrs):
    sts = [statement() for _ in range(7)]
    bare_lrs.post(sts)
    expected = [s["id"] for s in reversed(sts)]

    page = bare_lrs.get({"limit": "3"}).json()
    seen = [s["id"] for s in page["statements"]]
    bare_lrs.post([statement() for _ in range(5)])  # arrivals after the first page do not shift the pages
    more = page["more"]
    again = bare_lrs.get(path=more.split("?")[0], params={"more": more.split("=", 1)[1]}).json()
    while page["more"]:
        assert page["more"].startswith("/xapi/statements?more=")
        page = bare_lrs.client.get(page["more"], **bare_lrs.headers).json()
        seen += [s["id"] for s in page["statements"]]

    assert seen == expected
    assert [s["id"] for s in again["statements"]] == expected[3:6]


def test_a_more_link_belongs_to_its_source(bare_lrs):
    bare_lrs.post([statement() for _ in range(3)])
    more = bare_lrs.get({"limit": "1"}).json()["more"]
    other_source, issued = do_add_source("lms2", "xapi")
    other = LRS(bare_lrs.client, other_source, issued.key, issued.secret)

    assert other.client.get(more, **other.headers).status_code == 400
    assert bare_lrs.client.get(more + "x", **bare_lrs.headers).status_code == 400
    assert other.get().json() == {"statements": [], "more": ""}  # and a source reads only its own


def test_head_answers_headers_without_a_body(bare_lrs):
    response = bare_lrs.client.head("/xapi/statements", **bare_lrs.headers)

    assert response.status_code == 200 and response.content == b""
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_about_lists_the_versions(client):
    assert "1.0.3" in client.get("/xapi/about").json()["version"]


def test_an_unexpected_failure_still_answers_json_with_the_version_header(bare_lrs, monkeypatch, caplog):
    from zhengai.xapi import views

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(views, "store_statements", broken)

    response = bare_lrs.post(statement())

    assert response.status_code == 500
    assert response["X-Experience-API-Version"] == "1.0.3" and "服务器内部错误" in response.json()["message"]
    assert "disk on fire" in caplog.text
