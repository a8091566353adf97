"""The Activities resource (definitions merged from statements) and the Agents resource (the
Person object), over HTTP."""

import orjson
import pytest

from zhengai.intake.sources import do_add_source
from zhengai.xapi.models import Activity

from .conftest import HOME, LRS, statement

pytestmark = pytest.mark.django_db

Q1 = f"{HOME}/q1"


def get(lrs, path, **params):
    return lrs.client.get(f"/xapi/{path}", params, **lrs.headers)


def test_an_activity_is_answered_with_the_definition_merged_from_its_statements(bare_lrs):
    bare_lrs.post(statement(object={"id": Q1, "definition": {
        "name": {"zh-CN": "第 1 题"}, "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "true-false", "correctResponsesPattern": ["true"]}}))
    bare_lrs.post(statement(object={"id": Q1, "definition": {"name": {"en-US": "Question 1"},
                                                             "description": {"zh-CN": "判断题"}}}))
    # a context activity's definition counts too
    bare_lrs.post(statement(context={"contextActivities": {"parent": [{"id": f"{HOME}/quiz",
                                                                        "definition": {"name": {"zh-CN": "测验"}}}]}}))

    response = get(bare_lrs, "activities", activityId=Q1)

    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": Q1, "definition": {
        "name": {"zh-CN": "第 1 题", "en-US": "Question 1"}, "description": {"zh-CN": "判断题"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "true-false",
        "correctResponsesPattern": ["true"]}}
    assert get(bare_lrs, "activities", activityId=f"{HOME}/quiz").json()["definition"] == {"name": {"zh-CN": "测验"}}
    head = bare_lrs.client.head("/xapi/activities", {"activityId": Q1}, **bare_lrs.headers)
    assert head.status_code == 200 and head.content == b"" and head["X-Experience-API-Version"] == "1.0.3"


def test_an_unknown_activity_is_still_an_activity_object_and_bad_parameters_are_400(bare_lrs):
    assert get(bare_lrs, "activities", activityId=f"{HOME}/never").json() == {"objectType": "Activity",
                                                                           "id": f"{HOME}/never"}
    assert get(bare_lrs, "activities").status_code == 400
    assert get(bare_lrs, "activities", activityId="no iri").status_code == 400
    assert get(bare_lrs, "activities", activityId=Q1, junk="1").status_code == 400
    assert bare_lrs.client.post("/xapi/activities", b"{}", content_type="application/json",
                                **bare_lrs.headers).status_code == 405


def test_definitions_are_a_sources_own_and_written_only_when_they_change(bare_lrs):
    bare_lrs.post(statement(object={"id": Q1, "definition": {"name": {"zh-CN": "甲"}}}))
    updated = Activity.objects.get().updated
    bare_lrs.post(statement(object={"id": Q1, "definition": {"name": {"zh-CN": "甲"}}}))
    source, issued = do_add_source("lms2", "xapi")
    other = LRS(bare_lrs.client, source, issued.key, issued.secret)
    other.post(statement(object={"id": Q1, "definition": {"name": {"zh-CN": "乙"}}}))

    assert Activity.objects.filter(source=bare_lrs.source).get().updated == updated
    assert get(bare_lrs, "activities", activityId=Q1).json()["definition"] == {"name": {"zh-CN": "甲"}}
    assert get(other, "activities", activityId=Q1).json()["definition"] == {"name": {"zh-CN": "乙"}}


def test_the_person_merges_the_identifiers_this_source_used_for_one_student(lrs, college):
    college.s_zhang.email = "Zhang.San@Example.edu"
    college.s_zhang.save()
    account = {"homePage": HOME, "name": "2024001"}
    lrs.post(statement(actor={"objectType": "Agent", "name": "张三", "account": account}))
    lrs.post(statement(actor={"objectType": "Agent", "name": "Zhang San", "mbox": "mailto:zhang.san@example.edu"}))

    response = get(lrs, "agents", agent=orjson.dumps({"account": account}).decode())

    assert response.status_code == 200
    assert response.json() == {"objectType": "Person", "name": ["张三", "Zhang San"],
                               "mbox": ["mailto:zhang.san@example.edu"], "account": [account]}


def test_the_person_discloses_nothing_the_source_did_not_send(lrs, college):
    college.s_chen.email = "chen@example.edu"
    college.s_chen.save()
    account = {"homePage": HOME, "name": "2024002"}

    response = get(lrs, "agents", agent=orjson.dumps({"objectType": "Agent", "account": account}).decode())

    assert response.json() == {"objectType": "Person", "account": [account]}  # not 陈四, not the e-mail


def test_the_agents_resource_wants_one_agent(bare_lrs):
    assert get(bare_lrs, "agents").status_code == 400
    assert get(bare_lrs, "agents", agent="{bad").status_code == 400
    assert get(bare_lrs, "agents", agent='{"mbox": "mailto:a@b.c", "openid": "http://x"}').status_code == 400
    group = orjson.dumps({"objectType": "Group", "mbox": "mailto:g@example.edu"}).decode()
    assert get(bare_lrs, "agents", agent=group).status_code == 400
    assert get(bare_lrs, "agents", agent='{"mbox": "mailto:a@b.c"}', x="1").status_code == 400
