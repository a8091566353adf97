"""Digests of the demo college's tables, to prove that a seed gives the same rows everywhere.

``table_digests()`` reads every generated table back through the ORM (all columns, by id), so the
values come out as the same Python types on SQLite and PostgreSQL; ``generated_digests()`` digests
the generator's own rows after the same conversion, without a database. Equal digests on both
backends mean the same data row for row, id for id.
"""

import hashlib
from datetime import datetime, timezone
from decimal import Decimal

from django.apps import apps
from django.db import models


def _canonical(field, value):
    if value is None:
        return None
    if isinstance(field, models.ForeignKey):
        return int(value)
    if isinstance(field, models.DecimalField):
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(field, models.DateTimeField):
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(field, models.DateField):
        return value if isinstance(value, str) else value.isoformat()
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, (models.IntegerField, models.AutoField, models.BigAutoField)):
        return int(value)
    return str(value)


def _db_default(field):
    value = field.db_default
    return None if value is models.NOT_PROVIDED else getattr(value, "value", value)


def _digest(fields, rows) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    for row in rows:
        n += 1
        h.update(repr(tuple(_canonical(f, v) for f, v in zip(fields, row))).encode())
    return n, h.hexdigest()


def _fields(model, columns=None):
    by_column = {f.column: f for f in model._meta.concrete_fields}
    if columns is None:
        # The account link is made after the load, to whatever ids the accounts table gives.
        columns = [f.column for f in model._meta.concrete_fields if f.column != "user_id"]
    return columns, [by_column[c] for c in columns]


def generated_models() -> list:
    from .run import _tables

    return [apps.get_model("datacenter", label) for label, *_ in _tables(None)]


def table_digests(models_=None) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256)} of the generated tables as stored in this database."""
    result = {}
    for model in models_ or generated_models():
        columns, fields = _fields(model)
        rows = model.objects.order_by("pk").values_list(*[f.attname for f in fields]).iterator(chunk_size=5000)
        result[model._meta.db_table] = _digest(fields, rows)
    return result


def generated_digests(size: str, seed: int) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256)} of what the generator makes for ``size`` and ``seed``, without a database."""
    from .run import LINEAGE, SIZES, Plan, _tables, source_ids

    plan = Plan(SIZES[size], seed).build()
    sources = source_ids()
    result = {}
    for batch_id, (label, source, columns, rows) in enumerate(_tables(plan), start=1):
        model = apps.get_model("datacenter", label)
        all_columns = list(columns + LINEAGE)
        order, fields = _fields(model)
        position = {c: i for i, c in enumerate(all_columns)}
        # A column the generator leaves out is stored as its database default (NULL without one).
        default = {c: _db_default(f) for c, f in zip(order, fields) if c not in position}

        def reordered(rows=rows, source=source, batch_id=batch_id):
            for row in rows(sources[source], batch_id):
                yield tuple(row[position[c]] if c in position else default[c] for c in order)

        result[model._meta.db_table] = _digest(fields, reordered())
    return result
