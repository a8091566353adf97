"""Every validation rule of xAPI 1.0.3 that the LRS enforces: one invalid statement per rule, each
refused with 400 and a message naming the offending property, and nothing stored."""

import pytest

from zhengai.xapi.models import Statement
from zhengai.xapi.validation import duration_seconds, validate_statement

from .conftest import ADL, HOME, statement

AGENT = {"objectType": "Agent", "mbox": "mailto:a@example.edu"}
ACTIVITY = {"objectType": "Activity", "id": f"{HOME}/a"}


def with_path(path: str, value):
    """A statement with the value at ``path`` (dotted; ``~`` deletes) replaced."""
    st = statement()
    keys = path.split(".")
    target = st
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
    if value == "~":
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return st


CASES = [
    # required properties
    ("missing actor", with_path("actor", "~"), "statement.actor"),
    ("missing verb", with_path("verb", "~"), "statement.verb"),
    ("missing object", with_path("object", "~"), "statement.object"),
    ("missing verb id", with_path("verb.id", "~"), "statement.verb.id"),
    ("missing activity id", with_path("object.id", "~"), "statement.object.id"),
    ("missing account name", with_path("actor.account.name", "~"), "statement.actor.account.name"),
    ("missing account homePage", with_path("actor.account.homePage", "~"), "statement.actor.account.homePage"),
    # unknown properties, case of keys, nulls, types
    ("unknown top-level property", with_path("foo", 1), "statement.foo"),
    ("key in wrong case", with_path("Verb", {"id": ADL + "completed"}), "statement.Verb"),
    ("unknown result property", with_path("result.grade", "A"), "statement.result.grade"),
    ("null value", with_path("result.success", None) | {}, "statement.result.success"),
    ("string for boolean", with_path("result.completion", "true"), "statement.result.completion"),
    ("string for number", with_path("result.score.raw", "85"), "statement.result.score.raw"),
    ("boolean for number", with_path("result.score.raw", True), "statement.result.score.raw"),
    ("number for string", with_path("result.response", 3), "statement.result.response"),
    ("statement not an object", None, "statements[0]"),
    # IRIs
    ("verb id without scheme", with_path("verb.id", "completed"), "statement.verb.id"),
    ("activity id with a space", with_path("object.id", "http://x.org/a b"), "statement.object.id"),
    ("empty activity id", with_path("object.id", ""), "statement.object.id"),
    ("activity type not an IRI", with_path("object.definition.type", "video"), "statement.object.definition.type"),
    ("extension key not an IRI", with_path("result.extensions", {"speed": 1}), "statement.result.extensions['speed']"),
    ("homePage not an IRL", with_path("actor.account.homePage", "lms.example.edu"), "statement.actor.account.homePage"),
    # agents and inverse functional identifiers
    ("agent without identifier", with_path("actor", {"objectType": "Agent", "name": "x"}), "statement.actor"),
    ("agent with two identifiers", with_path("actor", {**AGENT, "openid": "http://id.example.edu/a"}), "statement.actor"),
    ("mbox without mailto", with_path("actor", {"mbox": "a@example.edu"}), "statement.actor.mbox"),
    ("mbox not an address", with_path("actor", {"mbox": "mailto:nobody"}), "statement.actor.mbox"),
    ("mbox_sha1sum not hex", with_path("actor", {"mbox_sha1sum": "xyz"}), "statement.actor.mbox_sha1sum"),
    ("openid not an IRI", with_path("actor", {"openid": "someone"}), "statement.actor.openid"),
    ("actor objectType wrong", with_path("actor.objectType", "Person"), "statement.actor.objectType"),
    ("objectType in wrong case", with_path("actor.objectType", "agent"), "statement.actor.objectType"),
    ("agent object without objectType", with_path("object", {"mbox": "mailto:b@example.edu"}), "statement.object.objectType"),
    # groups
    ("anonymous group without members", with_path("actor", {"objectType": "Group", "name": "g"}), "statement.actor.member"),
    ("group with two identifiers",
     with_path("actor", {"objectType": "Group", "mbox": "mailto:g@x.org", "openid": "http://x.org/g"}), "statement.actor"),
    ("group inside a group",
     with_path("actor", {"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@x.org"}]}),
     "statement.actor.member[0]"),
    ("group member without identifier",
     with_path("actor", {"objectType": "Group", "member": [{"name": "x"}]}), "statement.actor.member[0]"),
    ("team that is not a group", with_path("context.team", AGENT), "statement.context.team"),
    # UUIDs
    ("id not a UUID", with_path("id", "1234"), "statement.id"),
    ("id of the wrong UUID variant", with_path("id", "f0dd695a-ad12-4b03-7217-d0f2d55544b3"), "statement.id"),
    ("registration not a UUID", with_path("context.registration", "reg-1"), "statement.context.registration"),
    ("StatementRef id not a UUID",
     with_path("object", {"objectType": "StatementRef", "id": "abc"}), "statement.object.id"),
    # timestamps and durations
    ("timestamp not ISO 8601", with_path("timestamp", "20/10/2026 08:30"), "statement.timestamp"),
    ("timestamp impossible date", with_path("timestamp", "2026-02-30T08:30:00Z"), "statement.timestamp"),
    ("timestamp with -00:00", with_path("timestamp", "2026-10-20T08:30:00-00:00"), "statement.timestamp"),
    ("duration not ISO 8601", with_path("result.duration", "12 minutes"), "statement.result.duration"),
    ("duration in alternative format", with_path("result.duration", "PT00:12:30"), "statement.result.duration"),
    ("duration mixing weeks", with_path("result.duration", "P4W1D"), "statement.result.duration"),
    ("duration empty", with_path("result.duration", "PT"), "statement.result.duration"),
    # language maps
    ("language map key not RFC 5646", with_path("verb.display", {"zh_CN": "完成"}), "statement.verb.display.zh_CN"),
    ("language map key with bad subtag", with_path("verb.display", {"en-US-": "x"}), "statement.verb.display.en-US-"),
    ("language map value not a string", with_path("verb.display", {"en-US": 1}), "statement.verb.display.en-US"),
    ("context language not a tag", with_path("context.language", "简体中文"), "statement.context.language"),
    # scores
    ("scaled above 1", with_path("result.score.scaled", 1.5), "statement.result.score.scaled"),
    ("scaled below -1", with_path("result.score.scaled", -1.01), "statement.result.score.scaled"),
    ("raw below min", with_path("result.score.raw", -1), "statement.result.score.raw"),
    ("raw above max", with_path("result.score.raw", 101), "statement.result.score.raw"),
    ("min not below max", with_path("result.score", {"min": 10, "max": 10}), "statement.result.score.min"),
    # activity definitions and interactions
    ("unknown interactionType", with_path("object.definition.interactionType", "essay"),
     "statement.object.definition.interactionType"),
    ("choices on a true-false interaction",
     with_path("object.definition", {"interactionType": "true-false", "choices": [{"id": "a"}]}),
     "statement.object.definition.choices"),
    ("duplicate interaction component ids",
     with_path("object.definition", {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}),
     "statement.object.definition.choices[1].id"),
    ("correctResponsesPattern without interactionType",
     with_path("object.definition", {"correctResponsesPattern": ["a"]}), "statement.object.definition.correctResponsesPattern"),
    # context
    ("unknown contextActivities key", with_path("context.contextActivities", {"sibling": [ACTIVITY]}),
     "statement.context.contextActivities.sibling"),
    ("context activity without id", with_path("context.contextActivities", {"parent": [{"objectType": "Activity"}]}),
     "statement.context.contextActivities.parent[0].id"),
    ("revision when the object is an agent",
     with_path("object", {"objectType": "Agent", "mbox": "mailto:b@x.org"}) | {"context": {"revision": "2"}},
     "statement.context.revision"),
    ("context statement not a StatementRef", with_path("context.statement", ACTIVITY), "statement.context.statement.objectType"),
    # sub-statements
    ("sub-statement with an id",
     with_path("object", {"objectType": "SubStatement", "id": "f0dd695a-ad12-4b03-b217-d0f2d55544b3",
                          "actor": AGENT, "verb": {"id": ADL + "attempted"}, "object": ACTIVITY}),
     "statement.object.id"),
    ("nested sub-statement",
     with_path("object", {"objectType": "SubStatement", "actor": AGENT, "verb": {"id": ADL + "attempted"},
                          "object": {"objectType": "SubStatement", "actor": AGENT, "verb": {"id": ADL + "attempted"},
                                     "object": ACTIVITY}}),
     "statement.object.object.objectType"),
    ("sub-statement without verb",
     with_path("object", {"objectType": "SubStatement", "actor": AGENT, "object": ACTIVITY}), "statement.object.verb"),
    ("unknown object type", with_path("object", {"objectType": "Thing", "id": f"{HOME}/t"}), "statement.object.objectType"),
    # attachments
    ("attachment without usageType",
     with_path("attachments", [{"display": {"en-US": "x"}, "contentType": "text/plain", "length": 1, "sha2": "ab" * 32,
                                "fileUrl": "http://x.org/f"}]), "statement.attachments[0].usageType"),
    ("attachment with negative length",
     with_path("attachments", [{"usageType": "http://x.org/u", "display": {"en-US": "x"}, "contentType": "text/plain",
                                "length": -1, "sha2": "ab", "fileUrl": "http://x.org/f"}]),
     "statement.attachments[0].length"),
    ("attachment whose sha2 is no SHA-2",
     with_path("attachments", [{"usageType": "http://x.org/u", "display": {"en-US": "x"}, "contentType": "text/plain",
                                "length": 1, "sha2": "ab", "fileUrl": "http://x.org/f"}]), "statement.attachments[0].sha2"),
    # voiding and version
    ("voiding statement whose object is an activity", with_path("verb", {"id": ADL + "voided"}), "statement.object"),
    ("version 2.0", with_path("version", "2.0.0"), "statement.version"),
]


@pytest.mark.parametrize("name, body, prop", CASES, ids=[c[0] for c in CASES])
def test_it_refuses_an_invalid_statement_naming_the_property(bare_lrs, name, body, prop):
    payload = [42] if body is None else body

    response = bare_lrs.post(payload)

    assert response.status_code == 400, response.content
    assert response.json()["property"] == prop
    assert prop in response.json()["message"]
    assert Statement.objects.count() == 0


def test_each_case_is_valid_before_its_one_change():
    # The table would prove nothing if the base statement were itself invalid.
    assert validate_statement(statement())


@pytest.mark.parametrize("value, seconds", [
    ("PT12M30S", 750), ("PT05M00S", 300), ("PT4H35M59.14S", 16559.14), ("P1DT1S", 86401), ("P2W", 1209600),
    ("PT0.5S", 0.5),
])
def test_it_reads_iso_8601_durations(value, seconds):
    assert duration_seconds(value) == pytest.approx(seconds)


def test_it_accepts_the_forms_the_specification_allows():
    st = statement(
        actor={"objectType": "Group", "name": "第1组", "member": [
            {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}, {"openid": "http://id.example.edu/u/1"}]},
        timestamp="2026-10-20T16:30:00.123456+08:00",
        context={"contextActivities": {"parent": {"id": f"{HOME}/p"}}, "language": "zh-Hans-CN",
                 "registration": "F0DD695A-AD12-4B03-B217-D0F2D55544B3", "extensions": {"http://x.org/e": None}},
        result={"duration": "P1Y2M3DT4H5M6.7S", "score": {"scaled": -1}},
        version="1.0.3",
    )
    assert validate_statement(st)
