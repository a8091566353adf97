"""Two hot queries of the ingest path as plain SQL on PostgreSQL.

Django's PostgreSQL backend binds parameters on the client: a filter on 100 statement ids becomes
SQL text with 100 quoted literals that psycopg parses and quotes again on every request (≈ 2 ms of
CPU a query, a fifth of a request's Python time). Here the ids travel as one array parameter bound
by the server (``= ANY(%s)``), which psycopg adapts in C and caches the statement for. Queries run
on Django's own connection, inside its transaction, and are logged like any other so query counts
stay honest. Other databases use the ORM versions in ``store`` and ``mapping``.
"""

import time

import psycopg
from django.db import connection


def enabled() -> bool:
    return connection.vendor == "postgresql"


def fetch(sql: str, params: tuple) -> list[tuple]:
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def stored_or_voiding(table: str, ids: list[str]) -> list[tuple]:
    """(statement_id, body, ref_id, is_voiding) of statements with these ids, and of voiding
    statements pointing at them."""
    return fetch(
        f"SELECT statement_id::text, body, ref_id::text, is_voiding FROM {table} "
        "WHERE statement_id = ANY(%s::uuid[]) OR (is_voiding AND ref_id = ANY(%s::uuid[]))",
        (ids, ids),
    )


def people_and_offerings(student_table: str, staff_table: str, offering_table: str,
                         names: list[str], emails: list[str], codes: list[str]) -> list[tuple]:
    """(kind, id, number or code, lower(email)) of matching students, staff and offerings."""
    return fetch(
        f"SELECT 'student', id, student_no, lower(email) FROM {student_table} "
        "WHERE student_no = ANY(%s) OR lower(email) = ANY(%s) "
        f"UNION ALL SELECT 'staff', id, staff_no, lower(email) FROM {staff_table} "
        "WHERE staff_no = ANY(%s) OR lower(email) = ANY(%s) "
        f"UNION ALL SELECT 'offering', id, code, '' FROM {offering_table} WHERE code = ANY(%s)",
        (names, emails, names, emails, codes),
    )
