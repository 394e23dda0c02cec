"""The ``--db`` argument: the workspace a command writes to, or whose history it ranks with."""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_DB = "MATCHER_DATABASE_URL or .matcher/matcher.db"
DB_HELP = f"SQLAlchemy URL of the workspace (default: {DEFAULT_DB})"
HISTORY_DB_HELP = (
    f"workspace whose decision history the scores use, when it exists (default: {DEFAULT_DB})"
)
#: The workspace table whose presence tells that a database is a workspace.
DECISIONS_TABLE = "decisions"
#: The user name the audit log records for the command line's actions.
CLI_USERNAME = "system"
_SQLITE_FILE = "sqlite:///"
_SQLITE_MEMORY = "sqlite:///:memory:"


def add_db_arg(parser, help: str = DB_HELP) -> None:
    """Add ``--db URL`` to a command's parser."""
    parser.add_argument("--db", metavar="URL", help=help)


def open_workspace(args):
    """The workspace named by ``--db`` (default: the configured one), created if missing."""
    from ..store import Workspace

    return Workspace(args.db)


def open_as_admin(args):
    """The workspace named by ``--db`` and the command line's admin handle in it.

    Whoever runs the command line holds the database itself, hence full rights; the audit
    log records their actions as ``cli``.

    Returns
    -------
    (Workspace, User)
    """
    ws = open_workspace(args)
    return ws, ws.admin_context(CLI_USERNAME)


def workspace_url(args) -> str:
    """``--db``, else ``MATCHER_DATABASE_URL``, else ``.matcher/matcher.db``."""
    from .._config import Config

    return args.db or Config.from_env().database_url


def existing_history(args):
    """The decisions of the workspace named by ``--db``, if that workspace already exists.

    Never creates a database: without one the ranking is the plain score, as before any
    decision was recorded. The dashboard fits its matcher with the same history.

    Returns
    -------
    pandas.DataFrame or None
        ``Workspace.history()`` (one row per decision), or None without a workspace.
    """
    url = workspace_url(args)
    if not workspace_exists(url):
        return None
    from ..store import Workspace

    history = Workspace(url).history()
    if len(history):
        print(
            f"note: ranking with the {len(history)} decision(s) recorded in the workspace",
            file=sys.stderr,
        )
    return history


def workspace_exists(url: str) -> bool:
    """Whether ``url`` is a reachable database holding a workspace (checked without creating it)."""
    import sqlalchemy as sa

    if url == _SQLITE_MEMORY:
        return False
    if url.startswith(_SQLITE_FILE):
        path = Path(url[len(_SQLITE_FILE) :]).expanduser()
        if not path.is_file():  # connecting would create the file
            return False
    try:
        engine = sa.create_engine(url)
    except sa.exc.ArgumentError:
        return False
    try:
        return sa.inspect(engine).has_table(DECISIONS_TABLE)
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()
