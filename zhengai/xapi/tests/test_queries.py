"""Statement queries: related_agents, related_activities and format=canonical with
Accept-Language."""

import orjson
import pytest

from .conftest import ADL, HOME, statement

pytestmark = pytest.mark.django_db

QUIZ = f"{HOME}/quiz"
TEACHER = {"objectType": "Agent", "mbox": "mailto:wang@example.edu"}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(st["id"] for st in response.json()["statements"])


def test_related_activities_matches_context_activities_and_sub_statements(bare_lrs):
    direct = statement(object={"id": QUIZ})
    in_context = statement(context={"contextActivities": {"parent": [{"id": QUIZ}]}})
    in_sub = statement(object={"objectType": "SubStatement", "actor": TEACHER, "verb": {"id": ADL + "attempted"},
                               "object": {"id": QUIZ}}, context=None)
    unrelated = statement()
    bare_lrs.post([direct, in_context, in_sub, unrelated])

    assert ids(bare_lrs.get({"activity": QUIZ})) == [direct["id"]]
    assert ids(bare_lrs.get({"activity": QUIZ, "related_activities": "true"})) == sorted(
        [direct["id"], in_context["id"], in_sub["id"]])


def test_related_agents_matches_instructor_team_sub_statements_and_the_authority(bare_lrs):
    as_actor = statement(actor=TEACHER)
    as_instructor = statement(context={"instructor": TEACHER})
    in_team = statement(context={"team": {"objectType": "Group", "mbox": "mailto:wang@example.edu"}})
    in_sub = statement(object={"objectType": "SubStatement", "actor": statement()["actor"],
                               "verb": {"id": ADL + "attempted"}, "object": TEACHER}, context=None)
    unrelated = statement()
    bare_lrs.post([as_actor, as_instructor, in_team, in_sub, unrelated])
    agent = orjson.dumps(TEACHER).decode()

    assert ids(bare_lrs.get({"agent": agent})) == [as_actor["id"]]
    assert ids(bare_lrs.get({"agent": agent, "related_agents": "true"})) == sorted(
        [as_actor["id"], as_instructor["id"], in_team["id"], in_sub["id"]])
    authority = orjson.dumps({"account": {"homePage": "http://127.0.0.1:8000", "name": "lms"}}).decode()
    assert len(ids(bare_lrs.get({"agent": authority, "related_agents": "true"}))) == 5
    assert ids(bare_lrs.get({"agent": authority})) == []
    assert bare_lrs.get({"agent": agent, "related_agents": "yes"}).status_code == 400


STUDENT = {"objectType": "Agent", "account": {"homePage": HOME, "name": "2024002"}}


def test_the_agent_filter_matches_a_member_of_the_actor_or_object_group(bare_lrs):
    """Part Three, 2.1.3: "Groups that have members which match the specified Agent based on their
    Inverse Functional Identifier ... are considered a match" — anonymous or identified, as actor
    or object; a member of an instructor's or team's Group only with related_agents."""
    anonymous_actor = statement(actor={"objectType": "Group", "member": [STUDENT, TEACHER]})
    identified_actor = statement(actor={"objectType": "Group", "name": "一组", "mbox": "mailto:g1@example.edu",
                                        "member": [TEACHER]})
    group_object = statement(verb={"id": ADL + "interacted"},
                             object={"objectType": "Group", "member": [{**STUDENT}, TEACHER]})
    team_member = statement(context={"team": {"objectType": "Group", "member": [TEACHER]}})
    sub_member = statement(object={"objectType": "SubStatement", "actor": {"objectType": "Group", "member": [TEACHER]},
                                   "verb": {"id": ADL + "attempted"}, "object": {"id": QUIZ}}, context=None)
    unrelated = statement()
    assert bare_lrs.post([anonymous_actor, identified_actor, group_object, team_member, sub_member,
                          unrelated]).status_code == 200
    teacher = orjson.dumps(TEACHER).decode()

    assert ids(bare_lrs.get({"agent": teacher})) == sorted(
        [anonymous_actor["id"], identified_actor["id"], group_object["id"]])
    assert ids(bare_lrs.get({"agent": teacher, "related_agents": "true"})) == sorted(
        [anonymous_actor["id"], identified_actor["id"], group_object["id"], team_member["id"], sub_member["id"]])
    # The Group itself still matches by its own identifier.
    assert ids(bare_lrs.get({"agent": orjson.dumps({"objectType": "Group", "mbox": "mailto:g1@example.edu"}).decode()})) == [
        identified_actor["id"]]


def test_canonical_format_answers_the_lrs_definition_in_the_asked_language(bare_lrs):
    first = statement(verb={"id": ADL + "completed", "display": {"zh-CN": "完成", "en-US": "completed"}},
                      object={"id": QUIZ, "definition": {"name": {"zh-CN": "测验", "en-US": "Quiz"}}})
    later = statement(object={"id": QUIZ, "definition": {"description": {"zh-CN": "第一单元", "en-US": "Unit 1"}}})
    bare_lrs.post([first, later])

    english = bare_lrs.get({"statementId": first["id"], "format": "canonical"},
                           HTTP_ACCEPT_LANGUAGE="en-GB;q=0.5, en;q=0.8, fr").json()
    chinese = bare_lrs.get({"format": "canonical"}, HTTP_ACCEPT_LANGUAGE="zh").json()["statements"]
    exact = bare_lrs.get({"statementId": first["id"]}).json()

    assert english["verb"]["display"] == {"en-US": "completed"}
    assert english["object"]["definition"] == {"name": {"en-US": "Quiz"}, "description": {"en-US": "Unit 1"}}
    assert english["actor"] == first["actor"]
    assert all(st["object"]["definition"] == {"name": {"zh-CN": "测验"}, "description": {"zh-CN": "第一单元"}}
               for st in chinese)
    assert exact["object"]["definition"] == {"name": {"zh-CN": "测验", "en-US": "Quiz"}}  # exact: as received


def test_a_canonical_page_reads_its_definitions_in_one_query(bare_lrs, django_assert_num_queries):
    bare_lrs.post([statement(object={"id": f"{HOME}/a{i}", "definition": {"name": {"en-US": f"A{i}"}}})
                   for i in range(20)])

    # credentials, the highest seq, the page, the page's definitions
    with django_assert_num_queries(4):
        page = bare_lrs.get({"format": "canonical"}).json()

    assert len(page["statements"]) == 20


def test_the_migration_indexes_the_groups_and_attachments_of_statements_stored_before(bare_lrs):
    """Statements stored before the member and attachment rows existed get them from migration
    0006 (the usual statement, with neither, is not read)."""
    import importlib

    from django.apps import apps

    from zhengai.xapi.models import Relation

    migration = importlib.import_module("zhengai.xapi.migrations.0006_relation_roles")
    in_group = statement(actor={"objectType": "Group", "member": [TEACHER]},
                         context={"contextActivities": {"parent": [{"id": QUIZ}]}})
    bare_lrs.post([in_group, statement()])
    Relation.objects.all().delete()  # as before the migration: no rows of these kinds
    teacher = orjson.dumps(TEACHER).decode()
    assert ids(bare_lrs.get({"agent": teacher})) == []

    migration.index_groups_and_attachments(apps, None)

    assert ids(bare_lrs.get({"agent": teacher})) == [in_group["id"]]
    assert ids(bare_lrs.get({"activity": QUIZ, "related_activities": "true"})) == [in_group["id"]]
    assert Relation.objects.count() == 2
