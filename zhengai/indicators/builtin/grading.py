"""Grade points (绩点) from 100-point scores, as a database expression.

90 and above: 4.0; from 60 to 90: (score − 50) ÷ 10 (so 60 → 1.0, 75 → 2.5); below 60: 0.
"""

from django.db.models import Case, F, FloatField, Value, When


def grade_point(score="score"):
    return Case(
        When(**{f"{score}__gte": 90}, then=Value(4.0)),
        When(**{f"{score}__gte": 60}, then=(F(score) - Value(50.0)) / Value(10.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def grade_point_of(score: float) -> float:
    """The same rule in Python, for pages that explain a value."""
    if score >= 90:
        return 4.0
    if score >= 60:
        return (score - 50) / 10
    return 0.0
