"""Writing generated rows into the database, fast, the same rows on SQLite and PostgreSQL.

Generators yield plain tuples already in the databases' text forms (ints, strings, ISO dates,
``'YYYY-MM-DD HH:MM:SS'`` UTC timestamps, decimal strings, bools), in the column order they name. A
loader streams them straight in:

- PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3's ``cursor.copy()``; before the load the loaded
  tables' secondary indexes, unique and foreign-key constraints are dropped and afterwards rebuilt
  in one pass each (validating every foreign key once, set-based), then the tables are analysed.
- SQLite: ``executemany`` of plain INSERTs inside the one big transaction of the run, with the
  big tables' secondary indexes dropped and rebuilt around the load.

``reset()`` empties every data-center table and everything that refers to it, FK-safe: TRUNCATE …
RESTART IDENTITY CASCADE on PostgreSQL; on SQLite DELETEs (foreign keys there are deferred to the
commit, so order does not matter) and the AUTOINCREMENT counters cleared, so ids start again at 1.
"""

import sys
import time
from itertools import islice

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

# The tables whose indexes are rebuilt after the load rather than maintained row by row.
BIG_TABLES = (
    "datacenter_attendance", "datacenter_learningactivity", "datacenter_submission", "datacenter_classsession",
    "datacenter_enrolment", "datacenter_grade",
)


def _fmt_seconds(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds >= 60:
        return f"{seconds // 60}分{seconds % 60:02d}秒"
    return f"{seconds}秒"


# Rebuilding indexes and validating foreign keys after the load takes about this share of the time
# the rows took to write (measured on the large college): part of the estimate of the time left.
REBUILD_SHARE = {"postgresql": 0.75, "sqlite": 0.2}


class Progress:
    """Prints a line every few seconds: rows so far, the rate, and an estimate of the time left from the
    planned number of rows of the whole run and the index rebuild after it."""

    def __init__(self, expected_rows: int, out=None, vendor: str = "", interval: float = 3.0):
        self.expected = max(1, expected_rows)
        self.rebuild = REBUILD_SHARE.get(vendor, 0.5)
        self.out = out or sys.stdout
        self.interval = interval
        self.started = time.monotonic()
        self.done = 0
        self.last = self.started
        self.tables: list[tuple[str, int, float]] = []

    def add(self, table: str, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self.line(table)

    def line(self, table: str) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed else 0
        expected = max(self.expected, self.done)
        share = min(self.done / (expected * (1 + self.rebuild)), 0.999)
        left = (expected * (1 + self.rebuild) - self.done) / rate if rate else 0
        self.out.write(
            f"  … {table}: 共 {self.done:,} 行，{rate:,.0f} 行/秒，完成约 {share:.0%}，预计剩余 {_fmt_seconds(left)}\n"
        )
        self.out.flush()

    def finished_table(self, table: str, n: int, seconds: float) -> None:
        self.tables.append((table, n, seconds))


def _columns(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _counted(rows, progress, table, counter, step=20000):
    """Yields ``rows`` while counting them into ``counter[0]`` and reporting progress every ``step`` rows."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if n == step:
            counter[0] += n
            progress.add(table, n)
            n = 0
    counter[0] += n
    progress.add(table, n)


class Loader:
    vendor = ""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.saved: list[tuple[str, str]] = []  # (table, DDL) to run after the load
        self.fks: list[tuple[str, str]] = []

    def rebuild(self, execute, statements) -> None:
        """Run the saved DDL, reporting progress weighted by the rows of each statement's table."""
        rows = {table: n for table, n, _s in self.progress.tables}
        weights = [rows.get(table, 0) + 1000 for table, _sql in statements]
        total, done = sum(weights) or 1, 0
        started = last = time.monotonic()
        for (table, sql), weight in zip(statements, weights):
            execute(sql)
            done += weight
            now = time.monotonic()
            if now - last >= self.progress.interval and done < total:
                last = now
                left = (now - started) / done * (total - done)
                self.progress.out.write(
                    f"  … 重建索引与约束：{table}，完成约 {done / total:.0%}，预计剩余 {_fmt_seconds(left)}\n")
                self.progress.out.flush()

    def write(self, table: str, columns: tuple, rows) -> int:
        started = time.monotonic()
        counter = [0]
        self._write(table, columns, _counted(rows, self.progress, table, counter))
        self.progress.finished_table(table, counter[0], time.monotonic() - started)
        return counter[0]

    def before(self, tables) -> None:  # pragma: no cover - overridden
        pass

    def after(self, models) -> None:  # pragma: no cover - overridden
        pass


class SQLiteLoader(Loader):
    vendor = "sqlite"

    def __init__(self, progress):
        super().__init__(progress)
        self.raw = connection.connection

    def before(self, tables):
        cur = self.raw.cursor()
        # A big page cache keeps the load from spilling pages into the WAL file over and over.
        cur.execute("PRAGMA cache_size = -400000")
        for table in tables:
            if table not in BIG_TABLES:
                continue
            rows = cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
            ).fetchall()
            for name, sql in rows:
                cur.execute(f'DROP INDEX "{name}"')
                self.saved.append((table, sql))

    def _write(self, table, columns, rows):
        sql = f'INSERT INTO "{table}" ({_columns(columns)}) VALUES ({", ".join("?" * len(columns))})'
        cur = self.raw.cursor()
        while True:
            chunk = list(islice(rows, 50000))
            if not chunk:
                break
            cur.executemany(sql, chunk)

    def after(self, models):
        cur = self.raw.cursor()
        self.rebuild(cur.execute, self.saved)
        self.saved = []
        cur.execute("ANALYZE")
        cur.execute("PRAGMA cache_size = -2000")


class PostgresLoader(Loader):
    vendor = "postgresql"

    def before(self, tables):
        with connection.cursor() as c:
            # Deferred checks still pending from this transaction (a --reset's deletes) would forbid the
            # ALTER TABLEs below: run them now.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET CONSTRAINTS ALL DEFERRED")
            c.execute("SET LOCAL maintenance_work_mem = '256MB'")
            c.execute("SET LOCAL synchronous_commit = off")
            for table in tables:
                c.execute(
                    "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
                    [table],
                )
                constraints = c.fetchall()
                c.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY i.indexname",
                    [table, table],
                )
                indexes = c.fetchall()
                for name, definition, _kind in constraints:
                    c.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                for name, definition in indexes:
                    c.execute(f'DROP INDEX "{name}"')
                # Rebuilt in this order: plain indexes, unique constraints, then foreign keys.
                self.saved.extend((table, definition) for _name, definition in indexes)
                self.saved.extend(
                    (table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                    for name, definition, kind in constraints if kind == "u"
                )
                self.fks.extend(
                    (table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                    for name, definition, kind in constraints if kind == "f"
                )

    def _write(self, table, columns, rows):
        with connection.cursor() as c:
            with c.cursor.copy(f'COPY "{table}" ({_columns(columns)}) FROM STDIN') as copy:
                write = copy.write_row
                for row in rows:
                    write(row)

    def after(self, models):
        with connection.cursor() as c:
            self.rebuild(c.execute, self.saved)
            # Statistics first: validating a foreign key is a join the planner should see the sizes of.
            for model in models:
                c.execute(f'ANALYZE "{model._meta.db_table}"')
            self.rebuild(c.execute, self.fks)
            self.saved, self.fks = [], []
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                c.execute(sql)


def make_loader(progress: Progress) -> Loader:
    if connection.vendor == "postgresql":
        return PostgresLoader(progress)
    if connection.vendor == "sqlite":
        return SQLiteLoader(progress)
    raise RuntimeError(f"seed_demo 不支持数据库 {connection.vendor}")


def analyze(tables) -> None:
    """PostgreSQL's planner needs fresh statistics after a bulk load (the loaded tables are analysed
    inside the load; this is for what changed after it, such as the subject registry)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            for table in tables:
                c.execute(f'ANALYZE "{table}"')


def analyze_all() -> None:
    """Fresh statistics for every table of the database (PostgreSQL samples each: seconds, not minutes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")


def dependent_models(roots) -> list:
    """``roots`` and every model that refers to one of them, directly or through another: the tables a
    TRUNCATE … CASCADE of ``roots`` empties."""
    found = list(roots)
    seen = set(found)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in seen:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model in seen and f.related_model is not model:
                    found.append(model)
                    seen.add(model)
                    changed = True
                    break
    return found


def reset(roots, keep=()) -> None:
    """Empty the tables of ``roots`` and of everything that depends on them (except the ``keep`` models,
    whose references are nulled or whose rows go by their own delete), restarting ids at 1."""
    models = [m for m in dependent_models(roots) if m not in keep]
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            # Deletes earlier in the same transaction (the demo accounts, whose notifications and
            # warning owners go with them) leave deferred foreign-key checks pending, and PostgreSQL
            # refuses to TRUNCATE a table with pending trigger events: run the checks now.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        else:
            for t in tables:
                c.execute(f'DELETE FROM "{t}"')
            c.execute(
                "DELETE FROM sqlite_sequence WHERE name IN (" + ", ".join("%s" for _ in tables) + ")", tables
            )
