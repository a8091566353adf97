"""Validation of xAPI 1.0.3 statements, hand-written for speed.

A JSON-Schema validator costs about a millisecond per statement; these plain functions cost a few
tens of microseconds, which is what lets one request of 100 statements validate in a few
milliseconds. Each check raises ``StatementError`` with the path of the offending property
(``statements[3].actor.mbox``) and a Chinese message, and the first error refuses the request.

What is checked (xAPI 1.0.3, Part Two): required properties; no unknown properties and no nulls
outside extensions; strict JSON types (no "1" for 1, no 1 for true); IRIs with a scheme; ``mailto:``
mboxes; 40-hex mbox_sha1sum; RFC 4122 UUIDs; ISO 8601 timestamps and durations; RFC 5646 language
tags as language-map keys; exactly one inverse functional identifier per Agent and Identified
Group, none on Anonymous Groups which must list members, no Groups inside Groups; score ranges;
interaction activities; context rules (revision/platform only for Activities, contextActivities
keys); sub-statements (no id/stored/version/authority, no nesting); attachments (a SHA-2 each; the parts are matched in ``attachments``); voiding statements (object must be a
StatementRef).

``normalise`` returns the statement with contextActivities values as arrays, as the LRS must
return them.
"""

import math
import re
from datetime import datetime, timedelta, timezone

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class StatementError(ValueError):
    """An invalid statement: ``path`` names the property, ``message`` says what is wrong."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# No whitespace, no control characters (PostgreSQL text cannot hold NUL), none of <>"{}|\^`.
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+$")
MBOX_RE = re.compile(r"^mailto:[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_NUM = r"\d+(?:[.,]\d+)?"
DURATION_RE = re.compile(
    rf"^P(?:(?P<w>{_NUM})W|(?=\d|T\d)(?:(?P<y>{_NUM})Y)?(?:(?P<mo>{_NUM})M)?(?:(?P<d>{_NUM})D)?"
    rf"(?:T(?=\d)(?:(?P<h>{_NUM})H)?(?:(?P<mi>{_NUM})M)?(?:(?P<s>{_NUM})S)?)?)$"
)
# RFC 5646 language tags: langtag, private use, and the irregular grandfathered tags.
LANGTAG_RE = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[xX](?:-[A-Za-z0-9]{1,8})+"
    r"|en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|"
    r"i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE)$"
)
VERSION_RE = re.compile(r"^1\.0(?:\.\d+)?$")

INTERACTION_TYPES = {
    "true-false": (), "choice": ("choices",), "fill-in": (), "long-fill-in": (), "matching": ("source", "target"),
    "performance": ("steps",), "sequencing": ("choices",), "likert": ("scale",), "numeric": (), "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
CONTEXT_ACTIVITY_KEYS = ("parent", "grouping", "category", "other")

STATEMENT_KEYS = frozenset(("id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                            "authority", "version", "attachments"))
SUBSTATEMENT_KEYS = frozenset(("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"))
AGENT_KEYS = frozenset(("objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"))
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
ACCOUNT_KEYS = frozenset(("homePage", "name"))
VERB_KEYS = frozenset(("id", "display"))
ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
DEFINITION_KEYS = frozenset(("name", "description", "type", "moreInfo", "extensions", "interactionType",
                             "correctResponsesPattern") + COMPONENT_LISTS)
COMPONENT_KEYS = frozenset(("id", "description"))
STATEMENTREF_KEYS = frozenset(("objectType", "id"))
RESULT_KEYS = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
SCORE_KEYS = frozenset(("scaled", "raw", "min", "max"))
CONTEXT_KEYS = frozenset(("registration", "instructor", "team", "contextActivities", "revision", "platform",
                          "language", "statement", "extensions"))
ATTACHMENT_KEYS = frozenset(("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"))


# -- primitives ---------------------------------------------------------------------------------

def _object(value, path: str, allowed: frozenset) -> dict:
    if type(value) is not dict:
        raise StatementError(path, "应为 JSON 对象")
    # The set comparison and the membership test run in C; the loops only name the culprit.
    if not value.keys() <= allowed:
        key = next(k for k in value if k not in allowed)
        raise StatementError(f"{path}.{key}", "不是 xAPI 1.0.3 规定的属性（属性名区分大小写）")
    if None in value.values():
        key = next(k for k, v in value.items() if v is None)
        raise StatementError(f"{path}.{key}", "不能为 null")
    return value


def _required(obj: dict, key: str, path: str):
    if key not in obj:
        raise StatementError(f"{path}.{key}", "缺少必填属性")
    return obj[key]


def _string(value, path: str) -> str:
    if type(value) is not str:
        raise StatementError(path, "应为字符串")
    return value


def _bool(value, path: str) -> bool:
    if type(value) is not bool:
        raise StatementError(path, "应为布尔值 true 或 false")
    return value


def _number(value, path: str) -> float:
    if type(value) not in (int, float) or (type(value) is float and not math.isfinite(value)):
        raise StatementError(path, "应为数值")
    return value


# Long enough for any real IRI, short enough to stay inside a PostgreSQL index entry.
MAX_IRI = 2000


def iri(value, path: str) -> str:
    if type(value) is not str or len(value) > MAX_IRI or not IRI_RE.match(value):
        raise StatementError(path, f"应为带协议名的 IRI，不是 {value!r}")
    return value


def uuid(value, path: str) -> str:
    if type(value) is not str or not UUID_RE.match(value):
        raise StatementError(path, f"应为 RFC 4122 UUID，不是 {value!r}")
    return value


def parse_timestamp(value, path: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (UTC when it carries no offset)."""
    match = TIMESTAMP_RE.match(value) if type(value) is str else None
    if not match:
        raise StatementError(path, f"应为 ISO 8601 时间戳（如 2026-11-20T08:30:00.000Z），不是 {value!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone in ("-00", "-0000", "-00:00"):
        raise StatementError(path, "时区偏移 -00:00 表示未知时区，不能使用")
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        if zone in (None, "Z"):
            tz = timezone.utc
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
        # Years 1 and 9999 would leave the calendar once moved to UTC or the college's time zone.
        if not 1 < moment.astimezone(timezone.utc).year < 9999:
            raise StatementError(path, f"年份超出可处理的范围（0002–9998）：{value!r}")
        return moment
    except (ValueError, OverflowError):
        raise StatementError(path, f"不是有效的日期时间：{value!r}") from None


def duration_seconds(value, path: str = "duration") -> float:
    """Seconds in an ISO 8601 duration; years count 365 days and months 30, as is usual."""
    match = DURATION_RE.match(value) if type(value) is str else None
    if not match or value in ("P", "PT"):
        raise StatementError(path, f"应为 ISO 8601 时长（如 PT1H30M、PT45.5S），不是 {value!r}")
    g = {k: float(v.replace(",", ".")) if v else 0.0 for k, v in match.groupdict().items()}
    seconds = (g["w"] * 7 * 86400 + g["y"] * 365 * 86400 + g["mo"] * 30 * 86400 + g["d"] * 86400
               + g["h"] * 3600 + g["mi"] * 60 + g["s"])
    if not math.isfinite(seconds):
        raise StatementError(path, f"时长过大：{value[:40]!r}")
    return seconds


def language_map(value, path: str) -> dict:
    if type(value) is not dict:
        raise StatementError(path, "应为语言映射（语言标签 → 字符串）")
    for tag, text in value.items():
        if not LANGTAG_RE.match(tag):
            raise StatementError(f"{path}.{tag}", f"键 {tag!r} 不是 RFC 5646 语言标签")
        if type(text) is not str:
            raise StatementError(f"{path}.{tag}", "语言映射的值应为字符串")
    return value


def extensions(value, path: str) -> dict:
    if type(value) is not dict:
        raise StatementError(path, "应为以 IRI 为键的扩展对象")
    for key in value:
        iri(key, f"{path}[{key!r}]")
    return value


# -- agents and groups ------------------------------------------------------------------------

def _ifis(obj: dict, path: str) -> int:
    count = 0
    for key in IFI_KEYS:
        if key not in obj:
            continue
        count += 1
        value = obj[key]
        if key == "mbox":
            if type(value) is not str or len(value) > MAX_IRI or not MBOX_RE.match(value):
                raise StatementError(f"{path}.mbox", f"应为 mailto: 开头的电子邮件 IRI，不是 {value!r}")
        elif key == "mbox_sha1sum":
            if type(value) is not str or not SHA1_RE.match(value):
                raise StatementError(f"{path}.mbox_sha1sum", "应为 40 位十六进制的 SHA1 摘要")
        elif key == "openid":
            iri(value, f"{path}.openid")
        else:
            account = _object(value, f"{path}.account", ACCOUNT_KEYS)
            iri(_required(account, "homePage", f"{path}.account"), f"{path}.account.homePage")
            name = _string(_required(account, "name", f"{path}.account"), f"{path}.account.name")
            if len(name) > MAX_IRI:
                raise StatementError(f"{path}.account.name", "过长")
            if "\x00" in name:
                raise StatementError(f"{path}.account.name", "不能含 NUL 字符")
    return count


def agent(value, path: str, *, object_type_required: bool = False) -> dict:
    obj = _object(value, path, AGENT_KEYS)
    if "objectType" in obj:
        if obj["objectType"] != "Agent":
            raise StatementError(f"{path}.objectType", f"应为 \"Agent\"，不是 {obj['objectType']!r}")
    elif object_type_required:
        raise StatementError(f"{path}.objectType", "作为语句对象的 Agent 必须写明 objectType")
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    count = _ifis(obj, path)
    if count != 1:
        raise StatementError(path, f"Agent 必须有且只有一个身份标识（mbox、mbox_sha1sum、openid、account），这里有 {count} 个")
    return obj


def group(value, path: str) -> dict:
    obj = _object(value, path, GROUP_KEYS)
    if obj.get("objectType") != "Group":
        raise StatementError(f"{path}.objectType", "Group 必须写明 objectType \"Group\"")
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    count = _ifis(obj, path)
    if count > 1:
        raise StatementError(path, f"已标识的 Group 只能有一个身份标识，这里有 {count} 个")
    members = obj.get("member")
    if members is not None:
        if type(members) is not list:
            raise StatementError(f"{path}.member", "应为 Agent 数组")
        for i, member in enumerate(members):
            if type(member) is dict and member.get("objectType") == "Group":
                raise StatementError(f"{path}.member[{i}]", "Group 的成员不能是 Group")
            agent(member, f"{path}.member[{i}]")
    if count == 0 and not members:
        raise StatementError(f"{path}.member", "匿名 Group（没有身份标识）必须列出成员")
    return obj


def actor(value, path: str, *, object_type_required: bool = False) -> dict:
    if type(value) is dict and value.get("objectType") == "Group":
        return group(value, path)
    return agent(value, path, object_type_required=object_type_required)


# -- verb, activities, objects ----------------------------------------------------------------

def verb(value, path: str) -> dict:
    obj = _object(value, path, VERB_KEYS)
    iri(_required(obj, "id", path), f"{path}.id")
    if "display" in obj:
        language_map(obj["display"], f"{path}.display")
    return obj


def _components(value, path: str) -> None:
    if type(value) is not list:
        raise StatementError(path, "应为交互组件数组")
    seen = set()
    for i, item in enumerate(value):
        component = _object(item, f"{path}[{i}]", COMPONENT_KEYS)
        cid = _string(_required(component, "id", f"{path}[{i}]"), f"{path}[{i}].id")
        if cid in seen:
            raise StatementError(f"{path}[{i}].id", f"交互组件 id {cid!r} 重复")
        seen.add(cid)
        if "description" in component:
            language_map(component["description"], f"{path}[{i}].description")


def definition(value, path: str) -> dict:
    obj = _object(value, path, DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in obj:
            language_map(obj[key], f"{path}.{key}")
    if "type" in obj:
        iri(obj["type"], f"{path}.type")
    if "moreInfo" in obj:
        iri(obj["moreInfo"], f"{path}.moreInfo")
    if "extensions" in obj:
        extensions(obj["extensions"], f"{path}.extensions")
    interaction = obj.get("interactionType")
    if interaction is not None and (type(interaction) is not str or interaction not in INTERACTION_TYPES):
        raise StatementError(f"{path}.interactionType", f"{interaction!r} 不是 xAPI 规定的交互类型")
    if "correctResponsesPattern" in obj:
        if interaction is None:
            raise StatementError(f"{path}.correctResponsesPattern", "只能用于写明 interactionType 的交互活动")
        pattern = obj["correctResponsesPattern"]
        if type(pattern) is not list or any(type(p) is not str for p in pattern):
            raise StatementError(f"{path}.correctResponsesPattern", "应为字符串数组")
    for key in COMPONENT_LISTS:
        if key in obj:
            if interaction is None or key not in INTERACTION_TYPES[interaction]:
                raise StatementError(f"{path}.{key}", f"交互类型 {interaction!r} 不使用 {key}")
            _components(obj[key], f"{path}.{key}")
    return obj


def activity(value, path: str) -> dict:
    obj = _object(value, path, ACTIVITY_KEYS)
    if "objectType" in obj and obj["objectType"] != "Activity":
        raise StatementError(f"{path}.objectType", f"应为 \"Activity\"，不是 {obj['objectType']!r}")
    iri(_required(obj, "id", path), f"{path}.id")
    if "definition" in obj:
        definition(obj["definition"], f"{path}.definition")
    return obj


def statement_ref(value, path: str) -> dict:
    obj = _object(value, path, STATEMENTREF_KEYS)
    if obj.get("objectType") != "StatementRef":
        raise StatementError(f"{path}.objectType", "语句引用必须写明 objectType \"StatementRef\"")
    uuid(_required(obj, "id", path), f"{path}.id")
    return obj


def statement_object(value, path: str, *, sub: bool) -> dict:
    if type(value) is not dict:
        raise StatementError(path, "应为 JSON 对象")
    if "objectType" not in value and any(key in value for key in IFI_KEYS):
        raise StatementError(f"{path}.objectType", "作为语句对象的 Agent 或 Group 必须写明 objectType")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return activity(value, path)
    if kind == "Agent":
        return agent(value, path, object_type_required=True)
    if kind == "Group":
        return group(value, path)
    if kind == "StatementRef":
        return statement_ref(value, path)
    if kind == "SubStatement":
        if sub:
            raise StatementError(f"{path}.objectType", "SubStatement 不能再嵌套 SubStatement")
        return substatement(value, path)
    raise StatementError(f"{path}.objectType", f"{kind!r} 不是有效的对象类型（Activity、Agent、Group、StatementRef、SubStatement）")


# -- result, context, attachments -------------------------------------------------------------

def result(value, path: str) -> dict:
    obj = _object(value, path, RESULT_KEYS)
    if "score" in obj:
        score_path = f"{path}.score"
        score = _object(obj["score"], score_path, SCORE_KEYS)
        for key in SCORE_KEYS:
            if key in score:
                _number(score[key], f"{score_path}.{key}")
        if "scaled" in score and not -1 <= score["scaled"] <= 1:
            raise StatementError(f"{score_path}.scaled", f"应在 -1 到 1 之间，不是 {score['scaled']}")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if low is not None and high is not None and low >= high:
            raise StatementError(f"{score_path}.min", f"min（{low}）应小于 max（{high}）")
        if raw is not None and low is not None and raw < low:
            raise StatementError(f"{score_path}.raw", f"raw（{raw}）不能小于 min（{low}）")
        if raw is not None and high is not None and raw > high:
            raise StatementError(f"{score_path}.raw", f"raw（{raw}）不能大于 max（{high}）")
    for key in ("success", "completion"):
        if key in obj:
            _bool(obj[key], f"{path}.{key}")
    if "response" in obj:
        _string(obj["response"], f"{path}.response")
    if "duration" in obj:
        duration_seconds(obj["duration"], f"{path}.duration")
    if "extensions" in obj:
        extensions(obj["extensions"], f"{path}.extensions")
    return obj


def context(value, path: str, object_is_activity: bool) -> dict:
    obj = _object(value, path, CONTEXT_KEYS)
    if "registration" in obj:
        uuid(obj["registration"], f"{path}.registration")
    if "instructor" in obj:
        actor(obj["instructor"], f"{path}.instructor")
    if "team" in obj:
        team = obj["team"]
        if type(team) is not dict or team.get("objectType") != "Group":
            raise StatementError(f"{path}.team", "应为 Group")
        group(team, f"{path}.team")
    if "contextActivities" in obj:
        ca_path = f"{path}.contextActivities"
        activities = obj["contextActivities"]
        if type(activities) is not dict:
            raise StatementError(ca_path, "应为 JSON 对象")
        for key, item in activities.items():
            if key not in CONTEXT_ACTIVITY_KEYS:
                raise StatementError(f"{ca_path}.{key}", "只能是 parent、grouping、category 或 other")
            if type(item) is list:
                for i, one in enumerate(item):
                    activity(one, f"{ca_path}.{key}[{i}]")
            else:
                activity(item, f"{ca_path}.{key}")
    for key in ("revision", "platform"):
        if key in obj:
            _string(obj[key], f"{path}.{key}")
            if not object_is_activity:
                raise StatementError(f"{path}.{key}", "只能用于对象为 Activity 的语句")
    if "language" in obj:
        lang = obj["language"]
        if type(lang) is not str or not LANGTAG_RE.match(lang):
            raise StatementError(f"{path}.language", f"应为 RFC 5646 语言标签，不是 {lang!r}")
    if "statement" in obj:
        statement_ref(obj["statement"], f"{path}.statement")
    if "extensions" in obj:
        extensions(obj["extensions"], f"{path}.extensions")
    return obj


def attachments(value, path: str) -> list:
    if type(value) is not list:
        raise StatementError(path, "应为附件数组")
    for i, item in enumerate(value):
        item_path = f"{path}[{i}]"
        obj = _object(item, item_path, ATTACHMENT_KEYS)
        iri(_required(obj, "usageType", item_path), f"{item_path}.usageType")
        language_map(_required(obj, "display", item_path), f"{item_path}.display")
        if "description" in obj:
            language_map(obj["description"], f"{item_path}.description")
        _string(_required(obj, "contentType", item_path), f"{item_path}.contentType")
        length = _required(obj, "length", item_path)
        if type(length) is not int or length < 0:
            raise StatementError(f"{item_path}.length", "应为非负整数")
        sha2 = _string(_required(obj, "sha2", item_path), f"{item_path}.sha2")
        if not SHA2_RE.match(sha2):
            raise StatementError(f"{item_path}.sha2", "应为 SHA-256、SHA-384 或 SHA-512 的十六进制摘要")
        if "fileUrl" in obj:
            iri(obj["fileUrl"], f"{item_path}.fileUrl")
        # Without fileUrl, the content comes as a multipart part (checked in ``attachments``).
    return value


# -- statements -------------------------------------------------------------------------------

def _body(obj: dict, path: str, *, sub: bool) -> None:
    actor(_required(obj, "actor", path), f"{path}.actor")
    the_verb = verb(_required(obj, "verb", path), f"{path}.verb")
    the_object = statement_object(_required(obj, "object", path), f"{path}.object", sub=sub)
    if the_verb["id"] == VOIDED and the_object.get("objectType") != "StatementRef":
        raise StatementError(f"{path}.object", "作废语句（verb voided）的对象必须是 StatementRef")
    if "result" in obj:
        result(obj["result"], f"{path}.result")
    if "context" in obj:
        context(obj["context"], f"{path}.context", the_object.get("objectType", "Activity") == "Activity")
    if "timestamp" in obj:
        parse_timestamp(obj["timestamp"], f"{path}.timestamp")
    if "attachments" in obj:
        attachments(obj["attachments"], f"{path}.attachments")


def substatement(value, path: str) -> dict:
    obj = _object(value, path, SUBSTATEMENT_KEYS | {"id", "stored", "version", "authority"})
    for key in ("id", "stored", "version", "authority"):
        if key in obj:
            raise StatementError(f"{path}.{key}", "SubStatement 不能有此属性")
    _body(obj, path, sub=True)
    return obj


def authority(value, path: str) -> dict:
    """An Agent, or the anonymous Group of exactly two Agents that OAuth 1.0 authorities are (the
    application and the user); any other Group is refused (xAPI 1.0.3, Part Two, 2.4.9)."""
    obj = actor(value, path)
    if obj.get("objectType") == "Group":
        if any(key in obj for key in IFI_KEYS):
            raise StatementError(path, "作为 authority 的 Group 只能是匿名 Group（OAuth：应用与用户两个 Agent）")
        if len(obj.get("member", ())) != 2:
            raise StatementError(f"{path}.member", f"作为 authority 的匿名 Group 必须恰好有两个成员，这里有 {len(obj.get('member', ()))} 个")
    return obj


def validate_statement(value, path: str = "statement") -> dict:
    """Check one statement; returns it (unchanged) or raises ``StatementError``."""
    obj = _object(value, path, STATEMENT_KEYS)
    if "id" in obj:
        uuid(obj["id"], f"{path}.id")
    _body(obj, path, sub=False)
    if "stored" in obj:
        parse_timestamp(obj["stored"], f"{path}.stored")
    if "authority" in obj:
        authority(obj["authority"], f"{path}.authority")
    if "version" in obj:
        version = obj["version"]
        if type(version) is not str or not VERSION_RE.match(version):
            raise StatementError(f"{path}.version", f"应以 1.0. 开头，不是 {version!r}")
    return obj


def normalise(statement: dict) -> dict:
    """The statement as the LRS returns it: contextActivities values always arrays (in place)."""
    for holder in (statement, statement.get("object")):
        if type(holder) is not dict:
            continue
        ctx = holder.get("context")
        if ctx and "contextActivities" in ctx:
            ctx["contextActivities"] = {
                key: item if type(item) is list else [item] for key, item in ctx["contextActivities"].items()
            }
    return statement
