"""Real source databases for the pull tests: a temporary SQLite file, a PostgreSQL database and a
MariaDB database, each created here and dropped afterwards.

The server databases are named ``zg_pull_src_<pid>``: this machine's PostgreSQL and MariaDB are
shared by parallel test runs, so each process gets its own. PostgreSQL is on 127.0.0.1:5432 (user
postgres, trust), MariaDB on 127.0.0.1:3306 (root, no password); CI starts both.
"""

import os
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MARIADB_ADMIN = "mysql+pymysql://root@127.0.0.1:3306/"
BACKENDS = ["sqlite", "postgresql", "mariadb"]


def _db_name() -> str:
    return f"zg_pull_src_{os.getpid()}"


@dataclass
class SourceDB:
    backend: str
    url: str  # as a clerk would type it: driver-less scheme where that is the custom

    def engine(self):
        from zhengai.intake.pull.models import parse_url

        return sa.create_engine(parse_url(self.url), poolclass=NullPool)

    def execute(self, *statements, params=None):
        engine = self.engine()
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement), params or {})
        engine.dispose()

    def insert(self, table: str, rows: list[dict]):
        engine = self.engine()
        meta = sa.MetaData()
        target = sa.Table(table, meta, autoload_with=engine)
        with engine.begin() as conn:
            conn.execute(target.insert(), rows)
        engine.dispose()

    def reset(self):
        engine = self.engine()
        meta = sa.MetaData()
        meta.reflect(engine)
        meta.drop_all(engine)
        engine.dispose()


def _create_server_db(backend: str) -> str:
    name = _db_name()
    admin_url = PG_ADMIN if backend == "postgresql" else MARIADB_ADMIN
    engine = sa.create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if backend == "postgresql":
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        else:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
            conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    engine.dispose()
    if backend == "postgresql":
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    return f"mysql://root@127.0.0.1:3306/{name}?charset=utf8mb4"


def _drop_server_db(backend: str) -> None:
    name = _db_name()
    admin_url = PG_ADMIN if backend == "postgresql" else MARIADB_ADMIN
    engine = sa.create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if backend == "postgresql":
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    engine.dispose()


@pytest.fixture(scope="module")
def _server_dbs():
    """The server databases, created once per test module and dropped at its end."""
    made = {}

    def get(backend):
        if backend not in made:
            made[backend] = _create_server_db(backend)
        return made[backend]

    yield get
    for backend in made:
        _drop_server_db(backend)


@pytest.fixture(params=BACKENDS)
def source_db(request, _server_dbs, tmp_path):
    """An empty source database of each kind in turn."""
    backend = request.param
    if backend == "sqlite":
        db = SourceDB(backend, f"sqlite:///{tmp_path / 'source.sqlite3'}")
    else:
        db = SourceDB(backend, _server_dbs(backend))
        db.reset()
    yield db
    if backend != "sqlite":
        db.reset()


STUDENTS_DDL = """
CREATE TABLE xs_students (
    student_no VARCHAR(32) PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    gender VARCHAR(2) NOT NULL,
    admin_class VARCHAR(32) NOT NULL,
    cohort INTEGER NOT NULL,
    email VARCHAR(100),
    updated_at TIMESTAMP NULL
)
"""
