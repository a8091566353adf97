"""The throwaway PostgreSQL databases of the benches: named by an option, made only when absent,
dropped when the bench ends — and never a database the bench did not make.

The benches run on a server other databases share (another developer's benchmarks, a test suite's
database, a college loaded by hand), so a bench

- takes its database's name from ``--database NAME`` (each bench has a default, ``zg_bench_…``);
- refuses to start when a database of that name exists, naming it, rather than dropping it: it may
  be someone else's, or what a killed run left (drop that yourself, or pick another name);
- drops what it made when it finishes, fails, is interrupted (Ctrl-C) or terminated (SIGTERM),
  unless ``--keep`` is given.

    from throwaway import add_options, throwaway_database
    add_options(parser, "zg_bench_seed")
    with throwaway_database(args.database, keep=args.keep) as url:
        ...

A bench whose body must stay flat (no ``with``) calls ``create(name)`` and then
``drop_at_exit(name, keep=…)``. A bench that runs on a whole college (``statedata.py``,
``cycles.py``) takes ``add_college_options(parser, default)`` and ``prepare_college(args)``: a copy of
a seeded template, a throwaway college seeded for the run, or an existing database named by URL. The server is ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432/``, no database name).
"""

import atexit
import contextlib
import os
import re
import signal
import sys

SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/").rstrip("/") + "/"
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def url(name: str) -> str:
    return SERVER + name


def add_options(parser, default: str, *, option: str = "--database", what: str = "the bench's database") -> None:
    """``--database NAME`` (or ``option``) and, once per parser, ``--keep``."""
    parser.add_argument(option, default=default, type=_checked, metavar="NAME",
                        help=f"name of {what}, created for this run and dropped after it (default {default}); "
                             "an existing database of that name is never touched")
    if not any("--keep" in action.option_strings for action in parser._actions):
        parser.add_argument("--keep", action="store_true", help="keep what the bench made afterwards")


def _checked(name: str) -> str:
    if not _NAME.match(name):
        import argparse

        raise argparse.ArgumentTypeError(f"{name!r}: use lower-case letters, digits and _ (at most 63)")
    return name


def _admin(sql: str, *params) -> list:
    import psycopg

    with psycopg.connect(SERVER + "postgres", autocommit=True) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def exists(name: str) -> bool:
    return bool(_admin("SELECT 1 FROM pg_database WHERE datname = %s", name))


def create(name: str, *, template: str | None = None) -> str:
    """Create ``name`` (a copy of ``template`` if given) and return its URL; stop the bench if it
    exists already (never drop it)."""
    import psycopg

    try:
        _admin(f'CREATE DATABASE "{_checked(name)}"' + (f' TEMPLATE "{_checked(template)}"' if template else ""))
    except psycopg.errors.DuplicateDatabase:
        raise SystemExit(
            f"database {name} already exists on {SERVER}: this bench does not drop a database it did not "
            f"make. Name another with --database, or, if it is what an earlier run of yours left, drop it "
            f"(dropdb {name}).") from None
    return url(name)


def drop(name: str) -> None:
    """Drop ``name`` (made by this bench), closing this process's connections to it first."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # Django not set up in this process
        pass
    _admin(f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)')


def _terminate_as_exit(_signum, _frame):
    sys.exit(143)  # runs finally blocks and atexit handlers, as Ctrl-C does


def drop_at_exit(name: str, *, keep: bool = False) -> None:
    """Drop ``name`` when the process exits — normally, on an error, Ctrl-C or SIGTERM — unless ``keep``."""
    if keep:
        return
    signal.signal(signal.SIGTERM, _terminate_as_exit)
    atexit.register(_drop_quietly, name)


def _drop_quietly(name: str) -> None:
    try:
        drop(name)
        print(f"dropped {name}", file=sys.stderr)
    except Exception as exc:  # the exit goes on; say what is left behind
        print(f"could not drop {name}: {exc}", file=sys.stderr)


@contextlib.contextmanager
def throwaway_database(name: str, *, keep: bool = False):
    """Create ``name``, yield its URL, drop it afterwards (unless ``keep``), also on SIGTERM."""
    created = create(name)
    previous = signal.signal(signal.SIGTERM, _terminate_as_exit)
    try:
        yield created
    finally:
        signal.signal(signal.SIGTERM, previous)
        if keep:
            print(f"kept {name} ({created})", file=sys.stderr)
        else:
            _drop_quietly(name)


# A college to run on ---------------------------------------------------------------------------


def add_college_options(parser, default: str) -> None:
    """``--database``/``--keep`` and where the college comes from: ``--template``, ``--url`` or ``--size``."""
    add_options(parser, default)
    parser.add_argument("--template", help="copy this seeded PostgreSQL database instead of seeding")
    parser.add_argument("--url", help="run on this existing database (inside a transaction rolled back)")
    parser.add_argument("--size", default="small", choices=("small", "medium", "large"))


def prepare_college(args) -> None:
    """Point Django at the bench's college, set it up and make the database ready.

    ``--url``: that database as it is (the bench rolls back what it writes). Otherwise the throwaway
    ``--database``, dropped when the bench ends (unless ``--keep``): a copy of ``--template``
    (PostgreSQL copies it file by file; nobody may be connected to the template meanwhile), or a
    new database seeded with the demo college of ``--size``; then migrated."""
    import io
    import time

    if args.url:
        os.environ["DATABASE_URL"] = args.url
    else:
        if exists(args.database):
            sys.exit(f"database {args.database} exists; drop it or name another with --database")
        if args.template:
            started = time.monotonic()
            _admin(f'CREATE DATABASE "{_checked(args.database)}" TEMPLATE "{_checked(args.template)}"')
            print(f"copied {args.template} in {time.monotonic() - started:.0f} s")
        else:
            create(args.database)
        drop_at_exit(args.database, keep=args.keep)
        os.environ["DATABASE_URL"] = url(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")
    import django

    django.setup()
    if args.url:
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.template:
        started = time.monotonic()
        call_command("seed_demo", "--size", args.size, stdout=io.StringIO())
        print(f"seeded {args.size} in {time.monotonic() - started:.0f} s")
