"""A real xAPI client (Rustici's ``tincan`` library) against the LRS on a live server: save,
retrieve, query with paging, and void — as an LMS would."""

import datetime
import uuid

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    Context,
    ContextActivities,
    LanguageMap,
    RemoteLRS,
    Result,
    Score,
    Statement,
    StatementRef,
    Verb,
)

from zhengai.datacenter.models import LearningActivity
from zhengai.intake.sources import do_add_source

ADL = "http://adlnet.gov/expapi/verbs/"


def agent(number):
    return Agent(name="张三", account=AgentAccount(name=number, home_page="https://lms.example.edu"))


def tc_statement(number="2024001", verb="completed", activity="cnc-video-1", **kw):
    return Statement(
        actor=agent(number),
        verb=Verb(id=ADL + verb, display=LanguageMap({"en-US": verb})),
        object=Activity(id=f"https://lms.example.edu/activities/{activity}",
                        definition=ActivityDefinition(name=LanguageMap({"zh-CN": "数控编程 第1讲"}))),
        result=Result(score=Score(raw=90, min=0, max=100), duration=datetime.timedelta(minutes=20), completion=True),
        context=Context(context_activities=ContextActivities(
            grouping=[Activity(id="https://lms.example.edu/offerings/2026-2027-1-C001-01")])),
        timestamp=datetime.datetime(2026, 10, 20, 8, 30, tzinfo=datetime.timezone.utc),
        **kw,
    )


@pytest.fixture
def remote(live_server, transactional_db):
    from zhengai.datacenter.testing import build_college

    build_college()
    _source, issued = do_add_source("lms", "xapi")
    return RemoteLRS(endpoint=f"{live_server.url}/xapi/", username=issued.key, password=issued.secret)


def test_tincan_saves_retrieves_queries_pages_and_voids(remote):
    # save one (POST), one with an id (PUT), and a batch
    first = remote.save_statement(tc_statement())
    assert first.success, first.data
    put = tc_statement(verb="experienced", id=str(uuid.uuid4()))
    assert remote.save_statement(put).success
    batch = remote.save_statements([tc_statement(activity=f"quiz-{i}", verb="answered") for i in range(5)])
    assert batch.success, batch.data
    assert LearningActivity.objects.count() == 7

    # retrieve
    got = remote.retrieve_statement(first.content.id)
    assert got.success
    assert got.content.actor.account.name == "2024001"
    assert got.content.result.score.raw == 90
    assert got.content.authority.account.name == "lms"
    assert got.content.stored is not None

    # query by verb, with a small limit and the more link
    query = remote.query_statements({"verb": Verb(id=ADL + "answered"), "limit": 2})
    assert query.success, query.data
    ids = [s.id for s in query.content.statements]
    more = query.content.more
    while more:
        page = remote.more_statements(more)
        assert page.success, page.data
        ids += [s.id for s in page.content.statements]
        more = page.content.more
    assert sorted(str(i) for i in ids) == sorted(str(s.id) for s in batch.content)

    # query by agent and activity
    by_agent = remote.query_statements({"agent": agent("2024001"), "activity": Activity(
        id="https://lms.example.edu/activities/cnc-video-1")})
    assert {str(s.id) for s in by_agent.content.statements} == {str(first.content.id), str(put.id)}

    # void the first: it leaves the facts and is only returned as a voided statement
    voiding = Statement(actor=agent("2024001"), verb=Verb(id=ADL + "voided", display=LanguageMap({"en-US": "voided"})),
                        object=StatementRef(id=first.content.id))
    assert remote.save_statement(voiding).success
    assert not remote.retrieve_statement(first.content.id).success
    voided = remote.retrieve_voided_statement(first.content.id)
    assert voided.success and str(voided.content.id) == str(first.content.id)
    assert LearningActivity.objects.count() == 6

    # the same statement again is not stored twice; changed content under its id is a conflict
    assert remote.save_statement(put).success
    changed = tc_statement(verb="passed", id=put.id)
    conflict = remote.save_statement(changed)
    assert not conflict.success and conflict.response.status == 409
