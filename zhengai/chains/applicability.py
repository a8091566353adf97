"""Applicability rules (适用范围): which subjects a standard version applies to, as a rule over the
subjects' attributes — specialty tier, course category, teacher title and track, student cohort,
department — never a hand-made list.

A rule is stored as ``{attribute: [value, …]}`` (codes), written for people as
``专业层次=标杆、品牌；职称=讲师``; an empty rule means every subject of the level. Attributes are
combined with AND, the values of one attribute with OR. ``subject_ids`` evaluates a rule in one
query, set-based.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import CourseCategory, DepartmentKind, Level, SpecialtyTier, TeacherTrack, Title


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str  # the Chinese word used in files and pages
    lookups: dict  # level → lookup on Subject
    choices: tuple | None  # (code, label) pairs; None: free values (cohort years, department names)


_YES_NO = (("true", "是"), ("false", "否"))

ATTRIBUTES = [
    Attribute("tier", "专业层次", {
        Level.SPECIALTY: "specialty__tier", Level.COURSE: "specialty__tier",
        Level.OFFERING: "specialty__tier", Level.STUDENT: "specialty__tier",
    }, tuple((c.value, str(c.label)) for c in SpecialtyTier)),
    Attribute("category", "课程类别", {
        Level.COURSE: "course__category", Level.OFFERING: "course__category",
    }, tuple((c.value, str(c.label)) for c in CourseCategory)),
    Attribute("title", "职称", {Level.TEACHER: "staff__title"}, tuple((c.value, str(c.label)) for c in Title)),
    Attribute("track", "发展类型", {Level.TEACHER: "staff__track"}, tuple((c.value, str(c.label)) for c in TeacherTrack)),
    Attribute("dual", "双师型", {Level.TEACHER: "staff__is_dual_qualified"}, _YES_NO),
    Attribute("cohort", "年级", {Level.STUDENT: "student__cohort"}, None),
    Attribute("department_kind", "部门类别", {Level.DEPARTMENT: "department__kind"}, tuple((c.value, str(c.label)) for c in DepartmentKind)),
    Attribute("department", "部门", {
        Level.DEPARTMENT: "department__name", Level.SPECIALTY: "department__name", Level.COURSE: "department__name",
        Level.OFFERING: "department__name", Level.TEACHER: "department__name", Level.STUDENT: "department__name",
    }, None),
]
BY_CODE = {a.code: a for a in ATTRIBUTES}
BY_LABEL = {a.label: a for a in ATTRIBUTES}
ALL_TEXT = "全部"


class RuleError(ValueError):
    """An applicability rule that cannot be read; the message is for the person who wrote it."""


def parse_rule(level: str, text: str) -> dict:
    """``专业层次=标杆、品牌；职称=讲师`` → ``{"tier": ["benchmark", "brand"], …}``."""
    text = (text or "").strip()
    rule: dict[str, list[str]] = {}
    if not text or text == ALL_TEXT:
        return rule
    for part in re.split(r"[;；\n]+", text):
        part = part.strip()
        if not part:
            continue
        name, values = _split_pair(part)
        attribute = BY_LABEL.get(name) or BY_CODE.get(name)
        if attribute is None:
            raise RuleError(_("无法识别的适用条件“%(name)s”，可用：%(names)s") % {
                "name": name, "names": "、".join(a.label for a in ATTRIBUTES)})
        if level not in attribute.lookups:
            raise RuleError(_("“%(name)s”不适用于%(level)s层面") % {"name": attribute.label, "level": Level(level).label})
        items = [v.strip() for v in re.split(r"[、,，/]+", values) if v.strip()]
        if not items:
            raise RuleError(_("适用条件“%(name)s”没有取值") % {"name": attribute.label})
        rule[attribute.code] = [_value_code(attribute, v) for v in items]
    return rule


def _split_pair(part: str) -> tuple[str, str]:
    match = re.match(r"^\s*([^=＝:：]+?)\s*[=＝:：]\s*(.*)$", part)
    if not match:
        raise RuleError(_("适用条件“%(part)s”应写成“条件=取值”，如“专业层次=标杆、品牌”") % {"part": part})
    return match.group(1), match.group(2)


def _value_code(attribute: Attribute, value: str) -> str:
    if attribute.choices is None:
        if attribute.code == "cohort" and not value.isdigit():
            raise RuleError(_("年级“%(value)s”应为入学年份，如 2024") % {"value": value})
        return value
    for code, label in attribute.choices:
        if value in (code, label):
            return code
    raise RuleError(_("%(name)s“%(value)s”无法识别，可用：%(choices)s") % {
        "name": attribute.label, "value": value, "choices": "、".join(label for _c, label in attribute.choices)})


def format_rule(rule: dict) -> str:
    """The rule as people write it; the inverse of ``parse_rule``."""
    if not rule:
        return ALL_TEXT
    parts = []
    for attribute in ATTRIBUTES:
        values = rule.get(attribute.code)
        if not values:
            continue
        labels = dict(attribute.choices or ())
        parts.append(f"{attribute.label}={'、'.join(labels.get(v, v) for v in values)}")
    return "；".join(parts)


def rule_q(level: str, rule: dict) -> Q:
    """The filter on ``Subject`` that keeps the subjects of ``level`` the rule applies to."""
    from zhengai.datacenter.models import Subject

    q = Q(level=level)
    for code, values in (rule or {}).items():
        attribute = BY_CODE[code]
        column, field = attribute.lookups[level].split("__", 1)
        if code == "dual":
            values = [v == "true" for v in values]
        elif code == "cohort":
            values = [int(v) for v in values]
        # A subquery on the master table rather than a join: the registry's coordinate columns are
        # not all indexed, and "ids whose row matches" is what the rule means.
        master = Subject._meta.get_field(column).related_model
        q &= Q(**{f"{column}_id__in": master.objects.filter(**{f"{field}__in": values}).values("pk")})
    return q


def subject_ids(level: str, rule: dict) -> frozenset[int] | None:
    """The ids of the subjects a rule applies to (one query); None for an empty rule (all subjects)."""
    from zhengai.datacenter.models import Subject

    if not rule:
        return None
    return frozenset(Subject.objects.filter(rule_q(level, rule)).order_by().values_list("pk", flat=True))


def standards_of(subjects, on_date) -> set[int]:
    """The ids of the standards whose version in force on ``on_date`` applies to one of ``subjects``
    (a ``Subject`` queryset: a person's own subjects). One query for the versions, one per version."""
    from .models import StandardVersion
    from .models.standards import in_force_q

    found = set()
    levels = set(subjects.values_list("level", flat=True))
    for version in StandardVersion.objects.filter(in_force_q(on_date), standard__level__in=levels).select_related("standard"):
        if subjects.filter(rule_q(version.standard.level, version.applies_to or {})).exists():
            found.add(version.standard_id)
    return found
