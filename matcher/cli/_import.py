"""``matcher import``: validate tables and upsert them into the workspace."""

from __future__ import annotations

import sys

from ._data import add_data_args, load_tables
from ._exit import ExitCode
from ._workspace import add_db_arg, open_as_admin

TABLES = ("participants", "hosts", "organisations")


def run(args) -> int:
    """Validate every given table first, then write all or nothing and report the changes."""
    tables = load_tables(args, TABLES, sample_default=False, show_notes=False)
    if all(t is None for t in tables.values()):
        print(
            "matcher: error: give --participants, --hosts and/or --organisations", file=sys.stderr
        )
        return ExitCode.ERROR
    ws, admin = open_as_admin(args)
    report = ws.import_tables(
        tables["participants"], tables["hosts"], user=admin, organisations=tables["organisations"]
    )
    print(f"imported into {args.db or 'the default workspace'}: {report}")
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``import`` to the subcommands."""
    p = sub.add_parser(
        "import",
        help="validate tables and upsert them into the workspace",
        description="Validate first, then write all or nothing; report added, changed and unchanged rows.",
    )
    add_data_args(p, TABLES, sample_default=False)
    add_db_arg(p)
    p.set_defaults(func=run)
