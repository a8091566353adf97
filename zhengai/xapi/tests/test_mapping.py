"""From statements to learning activity facts, and the count of actors nobody could resolve."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from zhengai.datacenter.models import ImportBatch, LearningActivity
from zhengai.intake.sources import do_add_source
from zhengai.xapi.quality import unresolved_actor_counts

from .conftest import ADL, HOME, LRS, statement

pytestmark = pytest.mark.django_db


def test_a_students_statement_becomes_a_learning_fact(lrs, college):
    st = statement()  # 张三, completed, 85 of 100, PT12M30S, grouping → offering 2026-2027-1-C001-01

    assert lrs.post(st).status_code == 200

    fact = LearningActivity.objects.get()
    assert (fact.student, fact.offering, fact.verb) == (college.s_zhang, college.off_cnc, "completed")
    assert fact.occurred_at == datetime.fromisoformat("2026-10-20T08:30:00+00:00")
    assert fact.date == date(2026, 10, 20)
    assert (fact.duration_seconds, fact.score) == (12 * 60 + 30, Decimal("85.0"))
    assert fact.activity == f"{HOME}/activities/cnc-video-1"
    assert (str(fact.statement_id), fact.source_id) == (st["id"], lrs.source.pk)
    batch = fact.batch
    assert (batch.source_id, batch.table, batch.status) == (lrs.source.pk, "learning_activity", "succeeded")
    assert (batch.rows_read, batch.rows_inserted) == (1, 1)


def test_the_local_date_is_the_colleges(lrs, college):
    lrs.post(statement(timestamp="2026-10-20T17:00:00Z"))  # 01:00 on the 21st in Beijing

    assert LearningActivity.objects.get().date == date(2026, 10, 21)


def test_one_batch_per_source_and_day(lrs, college):
    lrs.post([statement(), statement()])
    lrs.post(statement())

    batch = ImportBatch.objects.get()
    assert (batch.rows_read, batch.rows_inserted) == (3, 3)
    assert LearningActivity.objects.filter(batch=batch).count() == 3


def test_actors_resolve_by_account_name_or_the_students_email(lrs, college):
    college.s_chen.email = "chen4@stu.example.edu"
    college.s_chen.save()
    by_mail = statement(actor={"mbox": "mailto:Chen4@STU.example.edu"})
    by_liu = statement(actor={"account": {"homePage": "https://other.example", "name": "2024101"}})

    lrs.post([by_mail, by_liu])

    assert sorted(LearningActivity.objects.values_list("student__student_no", flat=True)) == ["2024002", "2024101"]
    assert unresolved_actor_counts() == {}


@pytest.mark.parametrize("verb, expected", [
    ("experienced", "viewed"), ("viewed", "viewed"), ("completed", "completed"), ("passed", "completed"),
    ("answered", "answered"), ("commented", "commented"), ("attempted", "attempted"), ("registered", "other"),
])
def test_adl_verbs_map_to_learning_verbs(lrs, college, verb, expected):
    lrs.post(statement(verb={"id": ADL + verb}))

    assert LearningActivity.objects.get().verb == expected


def test_offering_from_the_extension_and_unknown_codes_leave_it_empty(lrs, college):
    by_ext = statement(context={"extensions": {"urn:zhengai:offering": "2026-2027-1-C002-01"}})
    unknown = statement(context={"contextActivities": {"grouping": [{"id": f"{HOME}/offerings/NOPE"}]}})
    none = statement(context=None)

    lrs.post([by_ext, unknown, none])

    offerings = dict(LearningActivity.objects.values_list("statement_id", "offering__code"))
    assert {str(k): v for k, v in offerings.items()} == {
        by_ext["id"]: "2026-2027-1-C002-01", unknown["id"]: None, none["id"]: None}


def test_scaled_scores_become_percent_and_missing_results_are_zero(lrs, college):
    scaled = statement(result={"score": {"scaled": 0.735}})
    bare = statement(result=None)

    lrs.post([scaled, bare])

    facts = {str(f.statement_id): f for f in LearningActivity.objects.all()}
    assert facts[scaled["id"]].score == Decimal("73.5")
    assert (facts[bare["id"]].score, facts[bare["id"]].duration_seconds) == (None, 0)


def test_staff_resolve_but_make_no_fact(lrs, college):
    lrs.post(statement(actor={"account": {"homePage": HOME, "name": "T001"}}))

    assert LearningActivity.objects.count() == 0
    assert unresolved_actor_counts() == {}


def test_unresolved_actors_are_kept_and_counted_per_source(lrs, college):
    ghost = {"account": {"homePage": HOME, "name": "2099999"}}
    lrs.post([statement(actor=ghost), statement(actor=ghost), statement(actor={"mbox": "mailto:x@nowhere.example"}),
              statement()])
    other_source, issued = do_add_source("lms2", "xapi")
    LRS(lrs.client, other_source, issued.key, issued.secret).post(statement(actor=ghost))

    assert LearningActivity.objects.count() == 1
    assert lrs.get({"agent": '{"account": {"homePage": "%s", "name": "2099999"}}' % HOME}).json()["statements"]
    assert unresolved_actor_counts() == {lrs.source.pk: 2, other_source.pk: 1}


def test_voiding_removes_the_fact_and_the_unresolved_count(lrs, college):
    known, unknown = statement(), statement(actor={"mbox": "mailto:x@nowhere.example"})
    lrs.post([known, unknown])
    assert (LearningActivity.objects.count(), unresolved_actor_counts()) == (1, {lrs.source.pk: 1})
    void = {"verb": {"id": ADL + "voided"}, "actor": known["actor"]}

    lrs.post([{**void, "object": {"objectType": "StatementRef", "id": known["id"]}},
              {**void, "object": {"objectType": "StatementRef", "id": unknown["id"]}}])

    assert LearningActivity.objects.count() == 0
    assert unresolved_actor_counts() == {}


def test_statements_about_non_activities_make_no_fact(lrs, college):
    lrs.post(statement(object={"objectType": "Agent", "mbox": "mailto:t@example.edu"}, context=None))

    assert LearningActivity.objects.count() == 0


def test_storing_takes_the_same_queries_for_10_or_60_statements(lrs, college, django_assert_num_queries):
    lrs.post(statement())  # the day's batch exists from here on
    # auth (1); in the statements' transaction (a savepoint pair here, 2): stored statements with
    # these ids or voiding them (1), the stored definitions of their activities (1; unchanged here,
    # so nothing is written), people and offerings (1), insert statements (1), insert facts
    # (1), insert their relations (the grouping activity, 1); then the day batch's counters in a transaction of their own (savepoint pair, 2, and the
    # UPDATE, 1). The day batch's id is cached. (60, not 100: SQLite's 999-parameter limit splits a
    # 100-row insert in two; PostgreSQL COPYs any number of rows in one statement.)
    with django_assert_num_queries(12):
        assert lrs.post([statement() for _ in range(10)]).status_code == 200
    with django_assert_num_queries(12):
        assert lrs.post([statement() for _ in range(60)]).status_code == 200
    assert LearningActivity.objects.count() == 71


def test_remap_resolves_statements_once_their_students_exist(lrs, college):
    from io import StringIO

    from django.core.management import call_command

    from zhengai.datacenter.models import Student

    newcomer = {"account": {"homePage": HOME, "name": "2024003"}}
    early = [statement(actor=newcomer), statement(actor=newcomer, verb={"id": ADL + "answered"})]
    lrs.post(early)
    out = StringIO()
    call_command("xapi", "unresolved", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines() == ["source,name,unresolved_actors", "lms,学习平台,1"]
    Student.objects.create(student_no="2024003", name="王六", gender="M", admin_class=college.class_cnc,
                           specialty=college.cnc, cohort=2024)

    call_command("xapi", "remap", stdout=StringIO())

    facts = LearningActivity.objects.filter(student__student_no="2024003")
    assert sorted(facts.values_list("verb", flat=True)) == ["answered", "completed"]
    assert {f.offering for f in facts} == {college.off_cnc}
    assert facts.first().batch.file_name.startswith("xAPI remap")
    assert unresolved_actor_counts() == {}
    call_command("xapi", "remap", stdout=StringIO())  # a second run finds nothing more to do
    assert LearningActivity.objects.count() == 2
