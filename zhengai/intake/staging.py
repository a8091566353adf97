"""The set-based half of an import: a temporary staging table, and the SQL that resolves composite
references, finds duplicate keys, and upserts into the target table counting what changed.

PostgreSQL fills the staging table with psycopg 3's COPY; SQLite with ``executemany`` in chunks.
Everything after that is the same statements on both (UPDATE … FROM, NOT EXISTS, null-safe
comparison), so the two backends cannot drift apart in what they load.
"""

from django.db import connection, models

from .columns import Composite, TableSpec

STAGE = "intake_stage"
CHUNK = 2000


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def _distinct(a: str, b: str) -> str:
    # Null-safe "differs": a NULL in the file against a stored NULL is no change.
    if connection.vendor == "postgresql":
        return f"{a} IS DISTINCT FROM {b}"
    return f"{a} IS NOT {b}"


class Stage:
    """The staging table of one import run, created inside the run's transaction."""

    def __init__(self, columns: list[tuple[str, str]]):
        # columns: (name, db type); row_no first, to name rows in messages.
        self.columns = [("row_no", "integer"), *columns]
        self.names = [c for c, _t in self.columns]
        self._buffer: list = []
        self._copy = None
        self._copy_cm = None
        self._cursor = connection.cursor()
        self.count = 0

    def create(self):
        defs = ", ".join(f"{q(n)} {t}" for n, t in self.columns)
        # Dropped at the end of the run: inside a caller's transaction ON COMMIT DROP would come too late.
        self.drop()
        self._cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({defs})")

    def open(self):
        if connection.vendor == "postgresql":
            cols = ", ".join(q(n) for n in self.names)
            self._copy_cm = self._cursor.cursor.copy(f"COPY {STAGE} ({cols}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()
            self.add = self._copy.write_row
        else:
            self.add = self._buffer.append

    def add(self, row):  # replaced in open(); defined for readers
        raise RuntimeError("stage not open")

    def flush_if_full(self):
        if len(self._buffer) >= CHUNK:
            self._flush()

    def _flush(self):
        if self._buffer:
            marks = ", ".join(["%s"] * len(self.names))
            cols = ", ".join(q(n) for n in self.names)
            self._cursor.executemany(f"INSERT INTO {STAGE} ({cols}) VALUES ({marks})", self._buffer)
            self._buffer.clear()

    def close(self):
        if self._copy_cm is not None:
            self._copy_cm.__exit__(None, None, None)
            self._copy_cm = self._copy = None
        self._flush()
        self._cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        self.count = self._cursor.fetchone()[0]

    def abort(self):
        if self._copy_cm is not None:
            try:
                self._copy_cm.__exit__(RuntimeError, RuntimeError("aborted"), None)
            except Exception:  # the COPY is abandoned with its transaction
                pass
            self._copy_cm = self._copy = None

    def drop(self):
        schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
        self._cursor.execute(f"DROP TABLE IF EXISTS {schema}.{STAGE}")

    # Set-based checks -------------------------------------------------------------------------

    def resolve(self, composite: Composite) -> None:
        """Fill ``composite.target`` from its model where the staged columns match."""
        table = q(composite.model._meta.db_table)
        match = " AND ".join(f"m.{q(mcol)} = s.{q(scol)}" for scol, mcol in composite.on.items())
        self._cursor.execute(
            f"UPDATE {STAGE} AS s SET {q(composite.target)} = m.id FROM {table} AS m WHERE {match}"
        )
        if composite.optional:
            # Without the optional column, match only where exactly one row fits.
            rest = {s: m for s, m in composite.on.items() if s != composite.optional}
            group = ", ".join(q(m) for m in rest.values())
            match = " AND ".join(f"m.{q(mcol)} = s.{q(scol)}" for scol, mcol in rest.items())
            self._cursor.execute(
                f"UPDATE {STAGE} AS s SET {q(composite.target)} = m.id FROM "
                f"(SELECT {group}, MIN(id) AS id FROM {table} GROUP BY {group} HAVING COUNT(*) = 1) AS m "
                f"WHERE s.{q(composite.optional)} IS NULL AND s.{q(composite.target)} IS NULL AND {match}"
            )

    def unresolved(self, composite: Composite, limit: int):
        cols = ", ".join(q(c) for c in self.names)
        self._cursor.execute(
            f"SELECT {cols} FROM {STAGE} WHERE {q(composite.target)} IS NULL ORDER BY row_no LIMIT %s", [limit]
        )
        rows = self._cursor.fetchall()
        self._cursor.execute(f"SELECT COUNT(*) FROM {STAGE} WHERE {q(composite.target)} IS NULL")
        return rows, self._cursor.fetchone()[0]

    def drop_unresolved(self, composite: Composite) -> None:
        self._cursor.execute(f"DELETE FROM {STAGE} WHERE {q(composite.target)} IS NULL")

    def duplicates(self, key: list[str], limit: int):
        """(row, first row with the same key) for every later repeat of a key, and their number."""
        on = " AND ".join(f"d.{q(k)} = s.{q(k)}" for k in key)
        group = ", ".join(q(k) for k in key)
        cols = ", ".join(f"s.{q(c)}" for c in self.names)
        base = (
            f"FROM {STAGE} AS s JOIN (SELECT {group}, MIN(row_no) AS first_row FROM {STAGE} GROUP BY {group} "
            f"HAVING COUNT(*) > 1) AS d ON {on} WHERE s.row_no <> d.first_row"
        )
        self._cursor.execute(f"SELECT {cols}, d.first_row {base} ORDER BY s.row_no LIMIT %s", [limit])
        rows = self._cursor.fetchall()
        self._cursor.execute(f"SELECT COUNT(*) {base}")
        return rows, self._cursor.fetchone()[0]

    def drop_duplicates(self, key: list[str]) -> None:
        match = " AND ".join(f"d.{q(k)} = {STAGE}.{q(k)}" for k in key)
        self._cursor.execute(
            f"DELETE FROM {STAGE} WHERE EXISTS (SELECT 1 FROM {STAGE} AS d WHERE {match} AND d.row_no < {STAGE}.row_no)"
        )

    def count_rows(self) -> int:
        self._cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        return self._cursor.fetchone()[0]


def upsert(spec: TableSpec, stage: Stage, target_columns: list[str], defaults: dict, batch_id: int, source_id: int):
    """Write the staged rows into the target table by natural key. Returns (inserted, updated).

    The previous values of rows about to change go to ``intake_batchchange`` first, in one
    statement, so the batch can be undone; unchanged rows are not touched at all.
    """
    cursor = stage._cursor
    table = q(spec.model._meta.db_table)
    key = spec.natural_key
    values = [c for c in target_columns if c not in key]
    on = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in key)
    updated = 0
    if values:
        differs = " OR ".join(_distinct(f"t.{q(c)}", f"s.{q(c)}") for c in values)
        kept = [*values, "batch_id", "source_id"]
        if connection.vendor == "postgresql":
            obj = "jsonb_build_object(" + ", ".join(f"'{c}', t.{q(c)}" for c in kept) + ")"
        else:
            obj = "json_object(" + ", ".join(f"'{c}', t.{q(c)}" for c in kept) + ")"
        cursor.execute(
            f"INSERT INTO intake_batchchange (batch_id, row_id, prev_batch_id, old) "
            f"SELECT %s, t.id, t.batch_id, {obj} FROM {table} AS t JOIN {STAGE} AS s ON {on} WHERE {differs}",
            [batch_id],
        )
        sets = ", ".join(f"{q(c)} = s.{q(c)}" for c in values)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS t SET {sets}, batch_id = %s, source_id = %s FROM {STAGE} AS s "
                f"WHERE {on} AND ({differs})",
                [batch_id, source_id],
            )
        else:
            # SQLite's UPDATE … FROM cannot alias the target; name it in full.
            on_full = " AND ".join(f"{table}.{q(k)} = s.{q(k)}" for k in key)
            differs_full = " OR ".join(_distinct(f"{table}.{q(c)}", f"s.{q(c)}") for c in values)
            cursor.execute(
                f"UPDATE {table} SET {sets}, batch_id = %s, source_id = %s FROM {STAGE} AS s "
                f"WHERE {on_full} AND ({differs_full})",
                [batch_id, source_id],
            )
        updated = cursor.rowcount
    default_cols = list(defaults)
    insert_cols = [*target_columns, *default_cols, "batch_id", "source_id"]
    select = [f"s.{q(c)}" for c in target_columns] + ["%s"] * (len(default_cols) + 2)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(q(c) for c in insert_cols)}) SELECT {', '.join(select)} FROM {STAGE} AS s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {on})",
        [*defaults.values(), batch_id, source_id],
    )
    inserted = cursor.rowcount
    return inserted, updated


def undo(model, batch_id: int) -> tuple[int, int]:
    """Restore the rows a batch updated and delete the rows it inserted. Returns (deleted, restored)."""
    table = q(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT old FROM intake_batchchange WHERE batch_id = %s LIMIT 1", [batch_id])
        sample = cursor.fetchone()
        restored = 0
        if sample is not None:
            import json

            old = sample[0] if isinstance(sample[0], dict) else json.loads(sample[0])
            fields = {f.attname: f for f in model._meta.concrete_fields}
            if connection.vendor == "postgresql":
                sets = ", ".join(
                    f"{q(c)} = CAST(bc.old->>'{c}' AS {fields[c].db_type(connection) if not fields[c].is_relation else fields[c].target_field.rel_db_type(connection)})"
                    for c in old
                )
                cursor.execute(
                    f"UPDATE {table} AS t SET {sets} FROM intake_batchchange AS bc "
                    f"WHERE bc.batch_id = %s AND t.id = bc.row_id",
                    [batch_id],
                )
            else:
                sets = ", ".join(f"{q(c)} = json_extract(bc.old, '$.{c}')" for c in old)
                cursor.execute(
                    f"UPDATE {table} SET {sets} FROM intake_batchchange AS bc "
                    f"WHERE bc.batch_id = %s AND {table}.id = bc.row_id",
                    [batch_id],
                )
            restored = cursor.rowcount
        inserted = (
            f"SELECT id FROM {table} WHERE batch_id = %s AND NOT EXISTS "
            f"(SELECT 1 FROM intake_batchchange AS bc WHERE bc.batch_id = %s AND bc.row_id = {table}.id)"
        )
        # Rows that point at the rows to delete with SET_NULL let go of them, as Django would;
        # any other reference stays and makes the constraint check refuse the undo.
        for rel in reverse_relations(model):
            if rel.on_delete is models.SET_NULL:
                column = q(rel.field.column)
                cursor.execute(
                    f"UPDATE {q(rel.related_model._meta.db_table)} SET {column} = NULL WHERE {column} IN ({inserted})",
                    [batch_id, batch_id],
                )
        cursor.execute(
            f"DELETE FROM {table} WHERE batch_id = %s AND NOT EXISTS "
            f"(SELECT 1 FROM intake_batchchange AS bc WHERE bc.batch_id = %s AND bc.row_id = {table}.id)",
            [batch_id, batch_id],
        )
        deleted = cursor.rowcount
    return deleted, restored


def reverse_relations(model):
    """Every relation pointing at ``model``, hidden ones (related_name="+") included."""
    return [
        f for f in model._meta.get_fields(include_hidden=True)
        if (f.one_to_many or f.one_to_one) and f.auto_created and not f.concrete
    ]
