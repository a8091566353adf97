"""Did the correction work? (纠偏成效) Time to recovery, and the share of corrected warnings that
recovered within N cadences, per kind of correction measure and per department. A warning that
reopens after its correction (a later warning on the same subject and indicator points back to it)
counts as not recovered."""

from collections import defaultdict
from statistics import median

from zhengai.org.access import restrict

from .choices import ACTIVE_STATUSES, MeasureKind, WarningStatus
from .models import Warning


def effectiveness(user, within: int = 2) -> dict:
    """{"by_kind": [...], "by_department": [...], "overall": {...}} for warnings in the user's scope
    that had a correction measure. A warning still open and younger than ``within`` cadences is
    pending, not yet judged. Two queries."""
    qs = restrict(Warning.objects.exclude(measure_kind=""), user)
    rows = list(qs.values_list("pk", "measure_kind", "subject__department__name", "status", "cadences_open",
                               "opened_window_end", "resolved_window_end", "resolved_by_measurement_id"))
    reopened = set(Warning.objects.filter(reopened_from_id__in=[r[0] for r in rows]).values_list("reopened_from_id", flat=True))
    groups = {"kind": defaultdict(list), "department": defaultdict(list)}
    overall = []
    for pk, kind, department, status, cadences, opened_end, resolved_end, by_measurement in rows:
        if status in ACTIVE_STATUSES and cadences <= within:
            continue  # still inside its chance to recover
        recovered_in = None
        if status == WarningStatus.RESOLVED and resolved_end and pk not in reopened:
            recovered_in = max(0, cadences - 1)  # windows after the opening one until it was back inside
        outcome = {
            "recovered": recovered_in is not None and recovered_in <= within,
            "cadences": recovered_in,
            "days": (resolved_end - opened_end).days if recovered_in is not None and opened_end else None,
            "reopened": pk in reopened,
        }
        groups["kind"][kind].append(outcome)
        groups["department"][department or "—"].append(outcome)
        overall.append(outcome)

    def summarise(label, outcomes):
        days = [o["days"] for o in outcomes if o["days"] is not None and o["recovered"]]
        n = len(outcomes)
        recovered = sum(o["recovered"] for o in outcomes)
        return {"label": label, "n": n, "recovered": recovered, "share": recovered / n if n else None,
                "reopened": sum(o["reopened"] for o in outcomes), "median_days": median(days) if days else None}

    kinds = dict(MeasureKind.choices)
    return {
        "within": within,
        "by_kind": [summarise(kinds.get(k, k), v) for k, v in sorted(groups["kind"].items())],
        "by_department": [summarise(k, v) for k, v in sorted(groups["department"].items())],
        "overall": summarise("", overall),
    }
