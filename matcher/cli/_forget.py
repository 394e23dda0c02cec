"""``matcher forget``: delete a participant's data."""

from __future__ import annotations

from ._exit import ExitCode
from ._workspace import add_db_arg, open_as_admin


def run(args) -> int:
    """Delete the participant and their decisions; say how many decisions went."""
    ws, admin = open_as_admin(args)
    removed = ws.forget(args.participant, admin)
    print(
        f"deleted participant {args.participant}, {removed['decisions']} decision(s), the notes "
        "about them and their cached vectors; the audit log keeps a keyed hash only"
    )
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``forget`` to the subcommands."""
    p = sub.add_parser(
        "forget",
        help="delete a participant's data",
        description="Delete a participant, every decision and note about them and their cached "
        "vectors; the audit log keeps a keyed hash only.",
    )
    p.add_argument("--participant", required=True, metavar="ID")
    add_db_arg(p)
    p.set_defaults(func=run)
