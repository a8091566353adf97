"""Figures about xAPI intake for the data quality page."""

from django.db.models import Count, F

from .models import Statement


def unresolved_actor_counts() -> dict[int, int]:
    """Per source system id, how many distinct actors of its (not voided) statements the data
    center could not resolve to a student or member of staff. One query over a partial index."""
    rows = (Statement.objects.filter(person_resolved=False, voided=False).values("source_id")
            .annotate(n=Count("actor_key", distinct=True)).order_by())
    return {row["source_id"]: row["n"] for row in rows}


def remap_unresolved(source=None, *, chunk: int = 5000) -> tuple[int, int]:
    """Map again the statements whose actor was unknown when they arrived — after the students
    they name have been imported, say. Returns (statements now resolved, facts written).

    Set-based: per chunk of statements one query reads them, one resolves their people and
    offerings (per source), one COPY writes the facts and one UPDATE marks them resolved. The
    facts of one run and source share an import batch "xAPI remap <time>".
    """
    import orjson
    from django.db import transaction
    from django.utils import timezone

    from zhengai.datacenter.choices import BatchStatus
    from zhengai.datacenter.models import ImportBatch, LearningActivity, SourceSystem

    from . import store
    from .validation import parse_timestamp

    now = timezone.now()
    qs = Statement.objects.filter(person_resolved=False, voided=False)
    if source is not None:
        qs = qs.filter(source=source)
    batches: dict[int, int] = {}
    resolved_total = facts_total = 0
    last = 0
    while True:
        rows = list(qs.filter(seq__gt=last).order_by("seq").values_list("seq", "source_id", "body")[:chunk])
        if not rows:
            break
        last = rows[-1][0]
        by_source: dict[int, list] = {}
        for _seq, source_id, body in rows:
            data = orjson.loads(body)
            by_source.setdefault(source_id, []).append(
                store._Row(data["id"], data, parse_timestamp(data["timestamp"], "timestamp")))
        with transaction.atomic():
            for source_id, items in by_source.items():
                src = SourceSystem(pk=source_id)
                facts = store._facts(items, src, set())
                if not facts:
                    continue
                fact_rows = [fact for fact in facts.values() if fact is not None]
                if fact_rows:
                    if source_id not in batches:
                        batches[source_id] = ImportBatch.objects.create(
                            source_id=source_id, table=store.BATCH_TABLE, status=BatchStatus.SUCCEEDED,
                            file_name=f"xAPI remap {now:%Y-%m-%d %H:%M}", started_at=now, finished_at=now,
                        ).pk
                    store.write_rows(LearningActivity, store.FACT_COLUMNS,
                                     [(*fact, batches[source_id]) for fact in fact_rows])
                    ImportBatch.objects.filter(pk=batches[source_id]).update(
                        rows_read=F("rows_read") + len(items), rows_inserted=F("rows_inserted") + len(fact_rows),
                        finished_at=timezone.now())
                Statement.objects.filter(statement_id__in=list(facts)).update(person_resolved=True)
                resolved_total += len(facts)
                facts_total += len(fact_rows)
    return resolved_total, facts_total
