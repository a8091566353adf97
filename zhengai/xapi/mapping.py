"""From statements to learning activity facts (在线学习活动).

Conventions a source system follows so that its statements become facts:

* **Who**: the actor is an Agent identified by ``account`` whose ``name`` is the student's 学号
  (any ``homePage``: the LMS's own address), or by ``mbox`` ``mailto:<the student's e-mail in the
  data center>``. An account name that is a 工号 resolves to a member of staff: the statement is
  then "resolved" (not counted as unknown) but makes no fact, since learning facts are students'.
  Anything else is kept as received and counted as an unresolved actor on the data quality page.
* **What**: ADL verbs map to ``LearningVerb``: viewed/experienced/launched/accessed → viewed,
  completed/passed → completed, answered → answered, commented/shared/asked/responded →
  commented, attempted/failed/progressed → attempted; others → other. Only statements whose
  object is an Activity make facts; voiding statements and voided statements never do.
* **Which offering**: an activity in ``context.contextActivities.grouping`` (or ``parent``) whose
  id ends with an offering code (the part after the last ``/``, ``#``, ``:`` or ``=``), e.g.
  ``https://lms.example.edu/offerings/2026-2027-1-C001-01``; or the context extension
  ``urn:zhengai:offering`` whose value is the code. An unknown code leaves the offering empty.
* **How long, how well**: ``result.duration`` in seconds; the score is ``result.score.raw``, or
  ``scaled × 100`` when there is no raw score.

Everything here is set-based: one query resolves every actor of a request and one every offering.
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, Value
from django.db.models.functions import Lower

from zhengai.datacenter.choices import LearningVerb
from zhengai.datacenter.models import Offering, Staff, Student

from . import rawsql
from .validation import duration_seconds

OFFERING_EXTENSION = "urn:zhengai:offering"
_ADL = "http://adlnet.gov/expapi/verbs/"
VERB_MAP = {
    **{_ADL + v: LearningVerb.VIEWED for v in ("experienced", "viewed", "launched", "initialized", "accessed")},
    "http://id.tincanapi.com/verb/viewed": LearningVerb.VIEWED,
    "https://w3id.org/xapi/video/verbs/played": LearningVerb.VIEWED,
    **{_ADL + v: LearningVerb.COMPLETED for v in ("completed", "passed", "mastered")},
    _ADL + "answered": LearningVerb.ANSWERED,
    **{_ADL + v: LearningVerb.COMMENTED for v in ("commented", "shared", "asked", "responded")},
    **{_ADL + v: LearningVerb.ATTEMPTED for v in ("attempted", "failed", "progressed")},
}
_CODE_TAIL = re.compile(r"[/#:=]")
_SCORE_LIMIT = Decimal("9999.9")  # LearningActivity.score is five digits with one decimal


def learning_verb(verb_id: str) -> str:
    return VERB_MAP.get(verb_id, LearningVerb.OTHER)


def person_hint(actor: dict) -> tuple[str, str] | None:
    """("name", 学号/工号) or ("email", address) — what the data center can resolve an actor by."""
    account = actor.get("account")
    if account is not None:
        return ("name", account["name"])
    mbox = actor.get("mbox")
    if mbox is not None:
        return ("email", mbox[7:].lower())
    return None


def resolve(hints: set[tuple[str, str]], offering_codes: set[str]) -> tuple[dict, dict[str, int]]:
    """People and offerings of a request in one query (a UNION of students, staff and offerings).

    Returns ``{hint: ("student" | "staff", id)}`` — students win when a 学号 equals a 工号 — and
    ``{offering code: id}``.
    """
    names = sorted(v for k, v in hints if k == "name")
    emails = sorted(v for k, v in hints if k == "email")
    if not (names or emails or offering_codes):
        return {}, {}
    if rawsql.enabled():
        query = rawsql.people_and_offerings(Student._meta.db_table, Staff._meta.db_table, Offering._meta.db_table,
                                            names, emails, sorted(offering_codes))
    else:
        query = _orm_query(names, emails, offering_codes)
    people: dict[tuple[str, str], tuple[str, int]] = {}
    offerings: dict[str, int] = {}
    for kind, pk, number, email in query:
        if kind == "offering":
            offerings[number] = pk
            continue
        for hint in (("name", number), ("email", email)):
            if hint in hints and (hint not in people or kind == "student"):
                people[hint] = (kind, pk)
    return people, offerings


def _orm_query(names, emails, offering_codes):
    parts = []
    if names or emails:
        for model, number_field, kind in ((Student, "student_no", "student"), (Staff, "staff_no", "staff")):
            condition = Q(**{f"{number_field}__in": names})
            if emails:
                condition |= Q(email_l__in=emails)
            parts.append(model.objects.annotate(email_l=Lower("email"), kind=Value(kind))
                         .filter(condition).values_list("kind", "pk", number_field, "email_l").order_by())
    if offering_codes:
        parts.append(Offering.objects.annotate(kind=Value("offering"), email_l=Value(""))
                     .filter(code__in=sorted(offering_codes)).values_list("kind", "pk", "code", "email_l").order_by())
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def offering_candidates(statement: dict) -> list[str]:
    ctx = statement.get("context")
    if not ctx:
        return []
    codes = []
    value = (ctx.get("extensions") or {}).get(OFFERING_EXTENSION)
    if isinstance(value, str):
        codes.append(value)
    activities = ctx.get("contextActivities") or {}
    for key in ("grouping", "parent"):
        for item in activities.get(key, ()):
            codes.append(_CODE_TAIL.split(item["id"].rstrip("/"))[-1])
    return codes


def score_of(result: dict | None) -> Decimal | None:
    score = (result or {}).get("score")
    if not score:
        return None
    value = score.get("raw")
    if value is None and score.get("scaled") is not None:
        value = score["scaled"] * 100
    if value is None:
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        return None
    return number if -_SCORE_LIMIT <= number <= _SCORE_LIMIT else None


def seconds_of(result: dict | None) -> int:
    duration = (result or {}).get("duration")
    if not duration:
        return 0
    return min(int(duration_seconds(duration)), 2_147_483_647)


_zone = None


def local_date(moment: datetime):
    global _zone
    if _zone is None:
        _zone = ZoneInfo(settings.TIME_ZONE)
    return moment.astimezone(_zone).date()
