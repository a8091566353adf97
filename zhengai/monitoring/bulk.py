"""Bulk writes a run makes, without Django's per-row Python: tens of thousands of measurements and
warnings must cost a statement or two, not seconds of expression building.

- ``upsert_measurements``: the window's stored rows are read and compared in memory, and only the
  difference is written (new rows by COPY, changed values by one update, vanished rows by one
  delete); ids stay stable, so warnings keep their links, and an unchanged re-run writes nothing.
- ``fast_update``: ``UPDATE … WHERE id = %s`` for many rows in one ``executemany``.
"""

import json

from django.db import connection

from zhengai.indicators.models import Measurement

from .models import Warning

_COLUMNS = ("run_id", "subject_id", "level", "indicator_code", "window_code", "window_end", "value")


def upsert_measurements(run_id: int, level: str, window, values: dict[str, dict[int, float]]) -> int:
    """Write ``values`` ({code: {subject id: value}}) as the window's measurements, and remove the
    window's rows not in ``values``; returns the number of rows inserted, changed or removed.

    The window's stored rows are read first (one query) and compared in memory, so only the
    difference is written: new rows in one COPY (PostgreSQL) or ``executemany`` (SQLite), changed
    values in one update, vanished rows in one delete. Re-running a window whose data did not change
    writes nothing (a measurement's ``run`` is the run that last changed it), and ids stay stable,
    so warnings keep their links. The run holds its window's lock: nobody else writes these rows."""
    qn = connection.ops.quote_name
    table = qn(Measurement._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT subject_id, indicator_code, id, value, window_end FROM {table} "
                       f"WHERE level = %s AND window_code = %s", [level, window.code])
        stored = {(sid, code): (pk, value, end) for sid, code, pk, value, end in cursor.fetchall()}
        end = window.end
        same_end = {end, end.isoformat()}  # SQLite hands a date back as its ISO text
        new, changed, kept = [], [], set()
        for code, by_subject in values.items():
            for sid, value in by_subject.items():
                value = float(value)
                old = stored.get((sid, code))
                if old is None:
                    new.append((run_id, sid, level, code, window.code, end, value))
                    continue
                kept.add((sid, code))
                if old[1] != value or old[2] not in same_end:
                    changed.append((old[0], value))
        vanished = [old[0] for key, old in stored.items() if key not in kept]
        if vanished:  # warnings let go of a measurement that is no more, as Django's SET_NULL would
            warnings = qn(Warning._meta.db_table)
            for column in ("measurement_id", "resolved_by_measurement_id"):
                for chunk in _chunks(vanished):
                    cursor.execute(f"UPDATE {warnings} SET {column} = NULL WHERE {column} IN "
                                   f"({', '.join(['%s'] * len(chunk))})", chunk)
        if vanished and connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [vanished])
        elif vanished:
            for chunk in _chunks(vanished):
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        if changed:
            if connection.vendor == "postgresql":
                cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS zg_measurement_change "
                               "(id bigint, value double precision) ON COMMIT DELETE ROWS")
                cursor.execute("TRUNCATE zg_measurement_change")
                with cursor.cursor.copy("COPY zg_measurement_change (id, value) FROM STDIN") as copy:
                    copy.write("".join(f"{pk}\t{value!r}\n" for pk, value in changed))
                cursor.execute(f"UPDATE {table} SET value = t.value, window_end = %s, run_id = %s "
                               f"FROM zg_measurement_change t WHERE {table}.id = t.id", [end, run_id])
            else:
                cursor.executemany(f"UPDATE {table} SET value = %s, window_end = %s, run_id = %s WHERE id = %s",
                                   [(value, end, run_id, pk) for pk, value in changed])
        if new:
            columns = ", ".join(_COLUMNS)
            if connection.vendor == "postgresql":
                # One block of COPY text rather than a write_row() per row: codes and windows are plain
                # identifiers (no tab, newline or backslash to escape), numbers print as PostgreSQL reads
                # them. In the unique index's order, so that its pages are filled one after another.
                new.sort(key=lambda row: (row[1], row[3]))
                day = end.isoformat()
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write("".join(f"{r}\t{sid}\t{lv}\t{code}\t{wc}\t{day}\t{v!r}\n"
                                       for r, sid, lv, code, wc, _e, v in new))
            else:
                placeholders = ", ".join(["%s"] * len(_COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", new)
    return len(new) + len(changed) + len(vanished)


def _chunks(items, size=900):
    """Slices small enough for SQLite's limit on the number of parameters of a statement."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


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
            jsons = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
            with cursor.cursor.copy(f"COPY {temp} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
                for obj in objects:  # COPY dumps Python values by their types; JSON goes as its text
                    copy.write_row([obj.pk] + [json.dumps(getattr(obj, f.attname), ensure_ascii=False)
                                               if f.attname in jsons else getattr(obj, f.attname) for f in fields])
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
