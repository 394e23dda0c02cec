"""``matcher export``: write the workspace's participants and hosts."""

from __future__ import annotations

from ._exit import ExitCode
from ._workspace import add_db_arg, open_as_admin


def run(args) -> int:
    """Write the tables to ``--out`` and print each path written."""
    ws, admin = open_as_admin(args)
    for path in ws.export(args.out, admin):
        print(f"wrote {path}")
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``export`` to the subcommands."""
    p = sub.add_parser(
        "export",
        help="write the workspace's participants and hosts",
        description="Write DIR/participants.csv and DIR/hosts.csv, or one FILE.xlsx with two sheets (formula-safe).",
    )
    p.add_argument("--out", required=True, metavar="DIR|FILE.xlsx")
    add_db_arg(p)
    p.set_defaults(func=run)
