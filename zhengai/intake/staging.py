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
        if connection.vendor == "postgresql":
            # Grouping and joining a million staged rows by hash needs more than the default 4 MB;
            # without it PostgreSQL sorts on disk. For this transaction only.
            from django.conf import settings

            self._cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.ZHENGAI_IMPORT_WORK_MEM])
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
        # A temporary table has no statistics until analysed; without them the planner joins a
        # million staged rows by nested loops.
        self._cursor.execute(f"ANALYZE {STAGE}")
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
        """Fill ``composite.target`` from its model where the staged columns match.

        Done by copying the staging table through a join rather than by UPDATE: on PostgreSQL an
        UPDATE writes every row again and leaves the old versions behind for later scans."""
        table = q(composite.model._meta.db_table)
        match = " AND ".join(f"m.{q(mcol)} = s.{q(scol)}" for scol, mcol in composite.on.items())
        joins = f"LEFT JOIN {table} AS m ON {match}"
        value = "m.id"
        if composite.optional:
            # Without the optional column, match only where exactly one row fits.
            rest = {sc: mc for sc, mc in composite.on.items() if sc != composite.optional}
            group = ", ".join(q(mc) for mc in rest.values())
            only = " AND ".join(f"u.{q(mc)} = s.{q(sc)}" for sc, mc in rest.items())
            joins += (
                f" LEFT JOIN (SELECT {group}, MIN(id) AS id FROM {table} GROUP BY {group} HAVING COUNT(*) = 1) AS u"
                f" ON s.{q(composite.optional)} IS NULL AND {only}"
            )
            value = "COALESCE(m.id, u.id)"
        select = ", ".join(
            f"{value} AS {q(c)}" if c == composite.target else f"s.{q(c)}" for c in self.names
        )
        temp = "" if connection.vendor == "postgresql" else "temp."
        self._cursor.execute(f"DROP TABLE IF EXISTS {'pg_temp.' if not temp else temp}{STAGE}_r")
        self._cursor.execute(f"CREATE TEMPORARY TABLE {STAGE}_r AS SELECT {select} FROM {STAGE} AS s {joins}")
        self._cursor.execute(f"DROP TABLE {temp}{STAGE}")
        self._cursor.execute(f"ALTER TABLE {temp}{STAGE}_r RENAME TO {STAGE}")
        if connection.vendor == "postgresql":
            self._cursor.execute(f"ANALYZE {STAGE}")

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
        group = ", ".join(q(k) for k in key)
        # One hash aggregate answers the usual case (no repeats); the details are read only if needed.
        self._cursor.execute(f"SELECT 1 FROM {STAGE} GROUP BY {group} HAVING COUNT(*) > 1 LIMIT 1")
        if self._cursor.fetchone() is None:
            return [], 0
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
    fast = _skip_fk_triggers(cursor, spec.model, target_columns, batch_id, source_id)
    if connection.vendor == "postgresql":
        inserted, updated = _upsert_postgresql(spec, target_columns, defaults, batch_id, source_id, cursor)
        if fast:
            cursor.execute("SET LOCAL session_replication_role = origin")
        return inserted, updated
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
    if fast:
        cursor.execute("SET LOCAL session_replication_role = origin")
    return inserted, updated


def _upsert_postgresql(spec, target_columns, defaults, batch_id, source_id, cursor):
    """The same upsert as one statement: the staged rows are matched to the target once, and the
    previous values, the updates and the inserts all read that one match."""
    table = q(spec.model._meta.db_table)
    key = spec.natural_key
    values = [c for c in target_columns if c not in key]
    on = " AND ".join(f"t.{q(k)} = s.{q(k)}" for k in key)
    differs = " OR ".join(_distinct(f"t.{q(c)}", f"s.{q(c)}") for c in values) if values else "FALSE"
    kept = [*values, "batch_id", "source_id"]
    old = "jsonb_build_object(" + ", ".join(f"'{c}', t.{q(c)}" for c in kept) + ")"
    staged = ", ".join(f"s.{q(c)}" for c in target_columns)
    default_cols = list(defaults)
    insert_cols = [*target_columns, *default_cols, "batch_id", "source_id"]
    select = [f"m.{q(c)}" for c in target_columns] + ["%s"] * (len(default_cols) + 2)
    sets = ", ".join(f"{q(c)} = m.{q(c)}" for c in values)
    update = (
        f", upd AS (UPDATE {table} AS t SET {sets}, batch_id = %s, source_id = %s FROM m "
        f"WHERE t.id = m.zi_id AND m.zi_differs RETURNING 1)"
        if values else ", upd AS (SELECT 1 WHERE FALSE)"
    )
    cursor.execute(
        f"WITH m AS MATERIALIZED (SELECT {staged}, t.id AS zi_id, ({differs}) AS zi_differs, "
        f"CASE WHEN t.id IS NOT NULL AND ({differs}) THEN t.batch_id END AS zi_prev, "
        f"CASE WHEN t.id IS NOT NULL AND ({differs}) THEN {old} END AS zi_old "
        f"FROM {STAGE} AS s LEFT JOIN {table} AS t ON {on}), "
        f"changes AS (INSERT INTO intake_batchchange (batch_id, row_id, prev_batch_id, old) "
        f"SELECT %s, zi_id, zi_prev, zi_old FROM m WHERE zi_id IS NOT NULL AND zi_differs)"
        f"{update}, "
        f"ins AS (INSERT INTO {table} ({', '.join(q(c) for c in insert_cols)}) "
        f"SELECT {', '.join(select)} FROM m WHERE m.zi_id IS NULL RETURNING 1) "
        f"SELECT (SELECT COUNT(*) FROM ins), (SELECT COUNT(*) FROM upd)",
        [batch_id, *([batch_id, source_id] if values else []), *defaults.values(), batch_id, source_id],
    )
    return cursor.fetchone()


def _skip_fk_triggers(cursor, model, target_columns, batch_id, source_id) -> bool:
    """On PostgreSQL, replace the per-row foreign-key triggers of the writes by one set-based lock.

    Every reference was checked before staging; what the triggers would add is that a referenced
    row cannot disappear before commit. Locking each distinct referenced row ``FOR KEY SHARE`` (what
    the triggers do, row by row) gives the same guarantee in one statement per referenced table, and
    the writes then run with ``session_replication_role = replica`` — a million-row load no longer
    queues five million trigger checks for commit. Only where the role may set it (superuser), the
    table has no triggers of its own, and ``ZHENGAI_IMPORT_SET_BASED_FK_CHECKS`` is on; otherwise
    the triggers run as usual.
    """
    from django.conf import settings

    if connection.vendor != "postgresql" or not getattr(settings, "ZHENGAI_IMPORT_SET_BASED_FK_CHECKS", True):
        return False
    table = model._meta.db_table
    cursor.execute(
        "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
        "(SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal)",
        [table],
    )
    superuser, own_triggers = cursor.fetchone()
    if not superuser or own_triggers:
        return False
    fields = {f.attname: f for f in model._meta.concrete_fields}
    locks = [(c, fields[c]) for c in target_columns if c in fields and fields[c].is_relation]
    for column, field in locks:
        ref = q(field.related_model._meta.db_table)
        pk = q(field.target_field.column)
        cursor.execute(
            f"WITH d AS MATERIALIZED (SELECT DISTINCT {q(column)} AS id FROM {STAGE} WHERE {q(column)} IS NOT NULL), "
            f"l AS (SELECT r.{pk} FROM {ref} AS r JOIN d ON r.{pk} = d.id FOR KEY SHARE OF r) "
            f"SELECT (SELECT COUNT(*) FROM l), (SELECT COUNT(*) FROM d)"
        )
        locked, wanted = cursor.fetchone()
        if locked != wanted:
            from django.utils.translation import gettext as _

            from .errors import IntakeError

            raise IntakeError(_("导入期间有被引用的数据（%(what)s）被删除，本批次未写入任何数据，请重新导入。") % {
                "what": field.related_model._meta.verbose_name})
    cursor.execute("SELECT 1 FROM datacenter_importbatch WHERE id = %s FOR KEY SHARE", [batch_id])
    cursor.execute("SELECT 1 FROM datacenter_sourcesystem WHERE id = %s FOR KEY SHARE", [source_id])
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


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
