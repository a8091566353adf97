"""Figures about xAPI intake for the data quality page."""

from django.db.models import Count

from .models import Statement


def unresolved_actor_counts() -> dict[int, int]:
    """Per source system id, how many distinct actors of its (not voided) statements the data
    center could not resolve to a student or member of staff. One query over a partial index."""
    rows = (Statement.objects.filter(person_resolved=False, voided=False).values("source_id")
            .annotate(n=Count("actor_key", distinct=True)).order_by())
    return {row["source_id"]: row["n"] for row in rows}
