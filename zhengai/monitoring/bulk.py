"""Bulk writes a run makes, without Django's per-row Python: tens of thousands of measurements and
warnings must cost a statement or two, not seconds of expression building.

- ``upsert_measurements``: the rows go into a temporary table (COPY on PostgreSQL), then one delete,
  one update of changed values and one insert of new rows, joined on the window's rows; ids stay
  stable for rows that existed, so warnings keep their links, and an unchanged re-run writes nothing.
- ``fast_update``: ``UPDATE … WHERE id = %s`` for many rows in one ``executemany``.
"""

from django.db import connection

from .models import Measurement

_COLUMNS = ("run_id", "subject_id", "level", "indicator_code", "window_code", "window_end", "value")


def upsert_measurements(run_id: int, level: str, window, values: dict[str, dict[int, float]]) -> int:
    """Write ``values`` ({code: {subject id: value}}) as the window's measurements, and remove the
    window's rows not in ``values``; returns the number of rows written or changed.

    The rows go into a temporary table (COPY on PostgreSQL, one ``executemany`` on SQLite) and reach
    the table in three statements: a delete of the rows no longer there, an update of changed values
    and an insert of new rows (a run holds its window's lock, so nobody else inserts them).
    Re-running a window whose data did not change writes nothing (a measurement's ``run`` is the
    run that last changed it), and ids stay stable, so warnings keep their links."""
    table = connection.ops.quote_name(Measurement._meta.db_table)
    rows = [(run_id, sid, level, code, window.code, window.end, float(v))
            for code, by_subject in values.items() for sid, v in by_subject.items()]
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS zg_measurement_in "
                           "(run_id integer, subject_id integer, level varchar(16), indicator_code varchar(64), "
                           "window_code varchar(32), window_end date, value double precision) ON COMMIT DELETE ROWS")
            cursor.execute("TRUNCATE zg_measurement_in")
            # One block of COPY text rather than a write_row() per row: codes and windows are plain
            # identifiers (no tab, newline or backslash to escape), numbers print as PostgreSQL reads them.
            with cursor.cursor.copy(f"COPY zg_measurement_in ({columns}) FROM STDIN") as copy:
                copy.write("".join(f"{r}\t{sid}\t{lv}\t{code}\t{wc}\t{we.isoformat()}\t{v!r}\n"
                                   for r, sid, lv, code, wc, we, v in rows))
        else:
            cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS zg_measurement_in "
                           "(run_id integer, subject_id integer, level text, indicator_code text, "
                           "window_code text, window_end date, value real)")
            cursor.execute("DELETE FROM zg_measurement_in")
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            cursor.executemany(f"INSERT INTO zg_measurement_in ({columns}) VALUES ({placeholders})", rows)
        # Joins on the window's rows (hash joins over the level-window index), not one unique-index
        # probe per row as an INSERT … ON CONFLICT would make: a re-run mostly finds nothing to do.
        differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"  # null-safe
        mine = f"{table}.level = %s AND {table}.window_code = %s"
        same = f"t.subject_id = {table}.subject_id AND t.indicator_code = {table}.indicator_code"
        cursor.execute(f"DELETE FROM {table} WHERE {mine} AND NOT EXISTS (SELECT 1 FROM zg_measurement_in t WHERE {same})",
                       [level, window.code])
        deleted = cursor.rowcount
        cursor.execute(f"UPDATE {table} SET run_id = t.run_id, value = t.value, window_end = t.window_end "
                       f"FROM zg_measurement_in t WHERE {mine} AND {same} "
                       f"AND ({table}.value {differs} t.value OR {table}.window_end <> t.window_end)",
                       [level, window.code])
        written = cursor.rowcount
        # In the unique index's order, so that the index pages are filled one after another.
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM zg_measurement_in t "
                       f"WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {mine} AND {same}) "
                       f"ORDER BY t.subject_id, t.indicator_code", [level, window.code])
        written += cursor.rowcount
    return max(written, 0) + max(deleted, 0)


def measurement_ids(level: str, window, subject_ids) -> dict[tuple, int]:
    """{(subject id, code): measurement id} of the window's measurements of ``subject_ids`` (one query)."""
    if not subject_ids:
        return {}
    return {
        (sid, code): pk for sid, code, pk in Measurement.objects.filter(
            level=level, window_code=window.code, subject_id__in=list(subject_ids))
        .values_list("subject_id", "indicator_code", "pk")
    }


def fast_update(model, objects, field_names) -> None:
    """Update ``field_names`` of many rows by id. PostgreSQL: COPY the new values into a temporary
    table and ``UPDATE … FROM`` it (one statement); SQLite: one ``executemany``. Django's
    ``bulk_update`` builds a CASE expression per row and field: seconds for thousands."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    columns = [qn(f.column) for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = qn(f"zg_update_{model._meta.db_table}")
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS SELECT {pk}, {', '.join(columns)} "
                           f"FROM {table} LIMIT 0")
            with cursor.cursor.copy(f"COPY {temp} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row([obj.pk] + [getattr(obj, f.attname) for f in fields])
            assignments = ", ".join(f"{c} = t.{c}" for c in columns)
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} t WHERE {table}.{pk} = t.{pk}")
            cursor.execute(f"DROP TABLE {temp}")
            return
        sql = f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in columns)} WHERE {pk} = %s"
        params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objects]
        cursor.executemany(sql, params)


def insert_objects(model, objects) -> None:
    """Insert many unsaved instances in one COPY (PostgreSQL) or one ``executemany`` (SQLite), ids
    assigned up front (from the sequence / after the current maximum) and set on the instances, so
    events and links can refer to them. Django's ``bulk_create`` spends ~15 µs of Python per field and
    row: seconds for tens of thousands of 40-field warnings."""
    import json

    if not objects:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    columns = [meta.pk.column] + [f.column for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objects)])
            ids = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute(f"SELECT COALESCE(MAX({qn(meta.pk.column)}), 0) FROM {table}")
            first = cursor.fetchone()[0] + 1
            ids = range(first, first + len(objects))
        for obj, pk in zip(objects, ids):
            obj.pk = pk
            obj._state.adding = False

        def value(obj, f):
            raw = f.pre_save(obj, True)  # fills auto_now / auto_now_add like a save would
            if f.get_internal_type() == "JSONField":
                return json.dumps(raw, ensure_ascii=False)
            if connection.vendor == "postgresql":
                return raw  # COPY dumps Python values by their types
            return f.get_db_prep_save(raw, connection)

        rows = [[obj.pk] + [value(obj, f) for f in fields] for obj in objects]
        column_list = ", ".join(qn(c) for c in columns)
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", rows)
