"""Reading a saved pull's rows from its source database, streamed.

Rows come through SQLAlchemy with ``stream_results`` (a server-side cursor on PostgreSQL, an
unbuffered ``SSCursor`` on MySQL/MariaDB, SQLite's own stepping cursor) and ``yield_per`` chunks,
so memory stays bounded by the chunk size however large the source table is. Any failure of the
source — refused connection, bad query, a connection dropped halfway — becomes one
``SourceReadError`` with a Chinese message saying how many rows had been read.
"""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from ..choices import HighWaterKind
from ..errors import SourceFailed
from ..pipeline import TableRows
from . import secrets

HIGH_WATER_PARAM = "high_water"


class SourceReadError(SourceFailed):
    """The source database could not be read; the message is for a clerk, in Chinese. The pipeline
    records the batch as failed with this message."""


def make_engine(connection):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    try:
        url = connection.engine_url()
    except secrets.SecretError as exc:
        raise SourceReadError(str(exc)) from None
    # NullPool: a pull is one connection used once; nothing idles on the source system afterwards.
    kwargs = {"poolclass": NullPool}
    if url.get_backend_name() in ("mysql", "mariadb", "postgresql"):
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        return create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        raise SourceReadError(
            _("缺少数据库驱动 %(module)s：请安装对应的可选依赖（Oracle：zhengai[oracle]，SQL Server：zhengai[sqlserver]）")
            % {"module": exc.name}
        ) from None


def describe_error(exc: BaseException) -> str:
    """The database's own words for a failure, without the SQL and parameters SQLAlchemy appends."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        text = str(exc.orig)
    else:
        text = str(exc)
    return " ".join(text.split())[:500]


def check_connection(connection) -> tuple[bool, str]:
    """Connect and run ``SELECT 1``: (ok, a Chinese message)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = make_engine(connection)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1 FROM DUAL" if connection.backend == "oracle" else "SELECT 1")).scalar()
    except SourceReadError as exc:
        return False, str(exc)
    except (SQLAlchemyError, OSError) as exc:
        return False, _("连接失败：%(error)s") % {"error": describe_error(exc)}
    return True, _("连接成功")


def high_water_value(pull):
    """The saved mark, back in its own type, for binding as a parameter."""
    raw, kind = pull.high_water, pull.high_water_kind
    if not raw:
        return None
    if kind == HighWaterKind.DATETIME:
        return datetime.fromisoformat(raw)
    if kind == HighWaterKind.DATE:
        return date.fromisoformat(raw)
    if kind == HighWaterKind.INTEGER:
        return int(raw)
    if kind == HighWaterKind.DECIMAL:
        return Decimal(raw)
    return raw


def encode_high_water(value) -> tuple[str, str]:
    """(text, kind) for a value read from the incremental column."""
    if isinstance(value, datetime):
        return value.isoformat(), HighWaterKind.DATETIME
    if isinstance(value, date):
        return value.isoformat(), HighWaterKind.DATE
    if isinstance(value, bool):
        return str(int(value)), HighWaterKind.INTEGER
    if isinstance(value, int):
        return str(value), HighWaterKind.INTEGER
    if isinstance(value, (Decimal, float)):
        return str(value), HighWaterKind.DECIMAL
    return str(value), HighWaterKind.TEXT


def build_statement(pull, engine):
    """The statement and parameters of one run: the saved query or table, past the high-water mark."""
    from sqlalchemy import column, literal_column, select, table, text

    mark = high_water_value(pull) if pull.incremental_column else None
    params = {}
    if pull.source_table:
        schema, _dot, name = pull.source_table.rpartition(".")
        stmt = select(literal_column("*")).select_from(table(name, schema=schema or None))
        if mark is not None:
            stmt = stmt.where(column(pull.incremental_column) > mark)
        return stmt, params
    query = pull.query.strip().rstrip(";")
    if mark is None:
        return text(query), params
    quoted = engine.dialect.identifier_preparer.quote(pull.incremental_column)
    # No "AS" before the alias: Oracle refuses it for subqueries, everyone else accepts its absence.
    wrapped = f"SELECT * FROM ({query}) zg_src WHERE zg_src.{quoted} > :{HIGH_WATER_PARAM}"
    return text(wrapped), {HIGH_WATER_PARAM: mark}


class PullReader(TableRows):
    """A pull's rows for the pipeline: the result's columns as the header and each row as it comes
    (no dict per row: the pipeline reads positions), remembering the largest incremental value.

    ``open()`` runs the query and reads the first row, so a failure to connect or an empty result
    is known before any batch; iterating the reader itself gives dicts (for tests and scripts).
    """

    def __init__(self, pull, chunk_size: int | None = None):
        super().__init__(first_row=1)
        self.pull = pull
        self.chunk_size = chunk_size or pull.chunk_size or 5000
        self.rows_read = 0
        self.max_mark = None
        self.columns: list[str] = []
        self._stream = None
        self._first = None

    def open(self) -> None:
        if self._stream is None:
            self._stream = self._stream_rows()
            self._first = next(self._stream, None)
            self.headers = list(self.columns)

    @property
    def empty(self) -> bool:
        self.open()
        return self._first is None

    def numbered(self):
        self.open()
        if self._first is None:
            return
        yield 1, self._first
        yield from enumerate(self._stream, start=2)

    def close(self) -> None:
        # Ends the generator early if the pipeline stopped reading: its ``finally`` frees the connection.
        if self._stream is not None:
            self._stream.close()

    def __iter__(self) -> Iterator[dict]:
        for _n, values in self.numbered():
            yield dict(zip(self.columns, values))

    def _stream_rows(self):
        from sqlalchemy.exc import SQLAlchemyError

        engine = make_engine(self.pull.connection)
        incremental = self.pull.incremental_column
        try:
            with engine.connect() as conn:
                stmt, params = build_statement(self.pull, engine)
                result = conn.execution_options(stream_results=True, yield_per=self.chunk_size).execute(stmt, params)
                self.columns = [str(k) for k in result.keys()]
                lookup = {c.lower(): i for i, c in enumerate(self.columns)}
                if incremental and incremental.lower() not in lookup:
                    raise SourceReadError(
                        _("查询结果中没有增量字段 %(column)s（实际列：%(columns)s）")
                        % {"column": incremental, "columns": "、".join(self.columns)}
                    )
                mark_at = lookup.get(incremental.lower()) if incremental else None
                # An explicit size: without one SQLAlchemy 2.1 fetches everything at once from a
                # server-side cursor, which is exactly what streaming must not do.
                for partition in result.partitions(self.chunk_size):
                    self.rows_read += len(partition)
                    if mark_at is not None:
                        marks = [v for v in (row[mark_at] for row in partition) if v is not None]
                        if marks:
                            top = max(marks)
                            if self.max_mark is None or top > self.max_mark:
                                self.max_mark = top
                    yield from partition
        except SourceReadError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise SourceReadError(
                _("读取来源数据库失败（已读取 %(n)s 行，本批次未写入任何数据）：%(error)s")
                % {"n": self.rows_read, "error": describe_error(exc)}
            ) from exc
        finally:
            engine.dispose()
