"""The workspace's database: engine, clock, schema version and migrations."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa

from . import _secrets
from . import _tables as T

__all__ = [
    "sqlite_url",
    "create_engine",
    "open_engine",
    "redact_url",
    "WorkspaceUnavailable",
    "schema_version",
    "upgrade",
    "utc_now",
    "write_transaction",
    "MEMORY_URL",
    "DEFAULT_FOLDER",
]

#: The in-memory SQLite URL (one shared connection, no WAL).
MEMORY_URL = "sqlite:///:memory:"
#: How long a SQLite writer waits for a lock held by another writer.
SQLITE_BUSY_SECONDS = 60
_SQLITE_PREFIX = "sqlite:///"
#: The workspace folder the app creates on purpose (``sqlite:///.matcher/matcher.db``); a
#: SQLite file anywhere else must be in a folder that exists.
DEFAULT_FOLDER = ".matcher"
#: ``scheme://user:password@`` in a URL that SQLAlchemy cannot parse.
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@]*(@)")
#: What a database driver raises when it cannot connect, or is not installed.
_CONNECT_ERRORS = (sa.exc.DBAPIError, sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError)


class WorkspaceUnavailable(RuntimeError):
    """The workspace database cannot be opened; the message names its URL without password."""


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, fit to show or log.

    Examples
    --------
    >>> redact_url("postgresql+psycopg://matcher:s3cret@db.example/matcher")
    'postgresql+psycopg://matcher:***@db.example/matcher'
    >>> redact_url("sqlite:///.matcher/matcher.db")
    'sqlite:///.matcher/matcher.db'
    """
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError, TypeError):
        return _PASSWORD_IN_URL.sub(r"\1***\2", url)


_VERSION_KEY = "schema_version"


def utc_now() -> dt.datetime:
    """The current time, timezone-aware (UTC), as every table stores it."""
    return dt.datetime.now(dt.timezone.utc)


def sqlite_url(url: str) -> str:
    """Make a relative SQLite path absolute; create its folder only if it is ``.matcher/``.

    Raises
    ------
    WorkspaceUnavailable
        When the folder of a SQLite file does not exist (a mistyped path would otherwise
        create an empty workspace somewhere unexpected).
    """
    if url.startswith(_SQLITE_PREFIX) and url != MEMORY_URL:
        path = Path(url[len(_SQLITE_PREFIX) :]).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        if path.parent.name == DEFAULT_FOLDER:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise WorkspaceUnavailable(
                f"cannot open the workspace {url}: folder {path.parent} does not exist "
                "(create it, or fix the URL)"
            )
        return _SQLITE_PREFIX + str(path)
    return url


def _first_line(exc: Exception, password: str | None) -> str:
    """The driver's own message, first line only, never holding the password."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    text = reason[0] if reason else type(exc).__name__
    return text.replace(password, "***") if password else text


def open_engine(url: str) -> sa.Engine:
    """:func:`create_engine`, checked by connecting once.

    Raises
    ------
    WorkspaceUnavailable
        When the database cannot be reached (or its driver is missing), with one line naming
        the URL without its password.
    """
    try:
        password = sa.engine.make_url(url).password
    except (sa.exc.ArgumentError, ValueError, TypeError):
        password = None
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
    except _CONNECT_ERRORS as exc:
        raise WorkspaceUnavailable(
            f"cannot open the workspace {redact_url(url)}: {_first_line(exc, password)}"
        ) from None
    return engine


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get WAL mode, a busy timeout and foreign keys.

    Examples
    --------
    >>> create_engine(MEMORY_URL).dialect.name
    'sqlite'
    """
    url = sqlite_url(url)
    kwargs: dict = {"future": True}
    sqlite = url.startswith("sqlite")
    if sqlite:
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}
        if url == MEMORY_URL:
            kwargs["poolclass"] = sa.pool.StaticPool
    engine = sa.create_engine(url, **kwargs)
    if sqlite:

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):
            cur = dbapi_conn.cursor()
            if url != MEMORY_URL:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


@contextlib.contextmanager
def write_transaction(engine: sa.Engine, *tables: sa.Table):
    """A transaction that holds the write lock on ``tables`` from its first statement.

    What it reads is then what it writes over: two writers that check then write (an
    import counting what it changes, a host answering a proposal) run one after the
    other. SQLite takes the database's write lock (``BEGIN IMMEDIATE``); PostgreSQL locks
    ``tables`` against other writers (readers are not blocked).

    Yields
    ------
    sqlalchemy.Connection
        Committed when the block ends, rolled back on an exception.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            for table in tables:
                conn.exec_driver_sql(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
        yield conn


def _recorded_version(conn) -> int | None:
    value = conn.execute(sa.select(T.meta.c.value).where(T.meta.c.key == _VERSION_KEY)).scalar()
    return None if value is None else int(value)


def schema_version(engine: sa.Engine) -> int:
    """The schema version recorded in the database (0 for an empty one)."""
    with engine.connect() as conn:
        return _recorded_version(conn) or 0


def upgrade(engine: sa.Engine) -> None:
    """Create missing tables and bring an older schema up to :data:`SCHEMA_VERSION`.

    Each version adds one step to ``_MIGRATIONS`` (version -> function run in a
    transaction); the recorded version moves only when its step committed.
    """
    T.metadata.create_all(engine)
    with engine.begin() as conn:
        current = _recorded_version(conn)
        if current is None:
            conn.execute(T.meta.insert().values(key=_VERSION_KEY, value=str(T.SCHEMA_VERSION)))
            _secrets.ensure(conn)
            return
        if current > T.SCHEMA_VERSION:
            raise RuntimeError(
                f"the workspace has schema version {current}; this matcher knows up to "
                f"{T.SCHEMA_VERSION}: upgrade matcher"
            )
        for version in range(current + 1, T.SCHEMA_VERSION + 1):
            _MIGRATIONS[version](conn)
            conn.execute(
                T.meta.update().where(T.meta.c.key == _VERSION_KEY).values(value=str(version))
            )
        _add_contract_columns(conn)
        _secrets.ensure(conn)


def _add_contract_columns(conn) -> None:
    """Add the optional data-contract columns a workspace made by an older matcher lacks.

    The data tables follow the io contracts (:mod:`matcher.io`); a column added to a
    contract is optional by rule, so an older table gains it empty (NULL) with no numbered
    migration. Safe to re-run.
    """
    inspector = sa.inspect(conn)
    for table in T.DATA_TABLES:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))


def _v2_models(conn) -> None:
    """Version 2 adds the table of learned scoring models."""
    T.models.create(conn, checkfirst=True)


def _v3_organisations(conn) -> None:
    """Version 3 adds the organisations of KA2 partner search."""
    T.organisations.create(conn, checkfirst=True)


def _v4_user_host_id(conn) -> None:
    """Version 4 gives host accounts their own ``host_id`` column.

    Up to version 3, ``users.organisation`` held a coordinator's sending organisation *or*
    a host account's host id; the host ids move to ``host_id`` and ``organisation`` keeps
    sending organisations only. Safe to re-run (the column may exist already).
    """
    columns = {c["name"] for c in sa.inspect(conn).get_columns(T.users.name)}
    if "host_id" not in columns:
        conn.execute(sa.text("ALTER TABLE users ADD COLUMN host_id TEXT NOT NULL DEFAULT ''"))
    conn.execute(
        T.users.update()
        .where((T.users.c.role == "host") & (T.users.c.organisation != ""))
        .values(host_id=T.users.c.organisation, organisation="")
    )


def _v5_secrets(conn) -> None:
    """Version 5 adds the workspace's random secrets (pseudonym and audit keys).

    The audit log named participants by an unsalted SHA-1 of their id, reversible by
    enumerating ids: references to current participants are re-keyed (HMAC under the
    audit secret); those to participants already forgotten lose the reference and the note.
    """
    from . import _audit  # the audit module needs this one's clock

    T.secrets.create(conn, checkfirst=True)
    _secrets.ensure(conn)
    _audit.rekey_legacy_references(conn)


# version -> function(conn) bringing the schema from version-1 to version
_MIGRATIONS: dict = {
    2: _v2_models,
    3: _v3_organisations,
    4: _v4_user_host_id,
    5: _v5_secrets,
}
