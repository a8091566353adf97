"""The 诊断点 that ask for evidence (证据要求) rather than binding an indicator, and which subjects owe
them — what the standard says; the submissions themselves (自诊材料) belong to the cycles app
(``zhengai.cycles.selfdiag``).

- An *evidence point* is a 诊断点 with an evidence requirement and no indicator, in a published
  standard version. Which subjects owe it is the version's applicability rule
  (``zhengai.chains.applicability``), never a hand list.
- A point that names its judging period (评价周期) is due only in windows of that period. The
  standard that asks is the version in force on the window's last day, so a window is judged by one
  version.

Each function runs a fixed number of queries whatever the number of subjects.
"""

from django.db.models import BooleanField, Case, Q, Value, When

from . import applicability
from .choices import NodeKind
from .models import StandardNode
from .models.standards import in_force_q


def evidence_points_q(prefix: str = "") -> Q:
    """The 诊断点 that ask for evidence instead of binding an indicator."""
    return Q(**{f"{prefix}kind": NodeKind.POINT, f"{prefix}indicator_code": ""}) & ~Q(**{f"{prefix}evidence": ""})


def due_in(point, window) -> bool:
    """A point that names its judging period is due only in windows of that period."""
    return not point.period or point.period == window.kind


def evidence_points(window, *, levels=None, standard=None) -> list[StandardNode]:
    """Evidence points of the published versions in force on the window's last day (one query),
    with ``version__standard``; ordered by level, standard and the tree's order."""
    qs = StandardNode.objects.filter(evidence_points_q(), in_force_q(window.end, "version__"))
    if levels is not None:
        qs = qs.filter(version__standard__level__in=list(levels))
    if standard is not None:
        qs = qs.filter(version__standard=standard)
    points = qs.select_related("version__standard", "parent").order_by(
        "version__standard__level", "version__standard__code", "parent__parent__order", "parent__order", "order", "pk")
    return [p for p in points if due_in(p, window)]


def standards_with_evidence(window) -> list:
    """The standards whose version in force on the window's end asks for evidence (one query)."""
    from .models import Standard

    return list(Standard.objects.filter(
        pk__in=StandardNode.objects.filter(evidence_points_q(), in_force_q(window.end, "version__")).values("version__standard_id")
    ).order_by("level", "code"))


def applicable(subjects, points) -> dict[int, list[StandardNode]]:
    """Subject id → the points (of ``points``) it owes, for the subjects of the queryset
    ``subjects``. One query: each distinct applicability rule becomes a CASE column."""
    by_rule: dict[tuple, list[StandardNode]] = {}
    for point in points:
        level = point.version.standard.level
        by_rule.setdefault((level, repr(sorted((point.version.applies_to or {}).items()))), []).append(point)
    if not by_rule:
        return {}
    columns = {}
    for i, ((level, _key), group) in enumerate(by_rule.items()):
        columns[f"rule_{i}"] = Case(When(applicability.rule_q(level, group[0].version.applies_to or {}), then=Value(True)),
                                    default=Value(False), output_field=BooleanField())
    owed: dict[int, list[StandardNode]] = {}
    groups = list(by_rule.values())
    for row in subjects.annotate(**columns).values_list("pk", *columns):
        subject_id, flags = row[0], row[1:]
        for flag, group in zip(flags, groups):
            if flag:
                owed.setdefault(subject_id, []).extend(group)
    return owed
