"""``matcher candidates``: rank pseudonymised candidates for hosts."""

from __future__ import annotations

import sys

from ._data import add_matcher_args, fit_matcher
from ._exit import ExitCode
from ._output import FORMATS, emit, progress
from ._workspace import workspace_url

DEFAULT_TOP = 10


def run(args) -> int:
    """Rank consenting, pseudonymised candidates for each ``--host`` (all when none is named)."""
    from ..privacy import set_pseudonym_key
    from ..store import pseudonym_key

    # the pseudonyms of the workspace named by --db (default: the configured one)
    set_pseudonym_key(pseudonym_key(workspace_url(args)))
    m = fit_matcher(args)
    ids = args.host or list(m.hosts_["host_id"])
    frames = []
    for hid in progress(ids, "ranking candidates"):
        r = m.recommend_participants(
            hid, k=args.top, pseudonymise=not args.reveal_ids, consenting_only=not args.reveal_ids
        )
        r.insert(0, "host_id", hid)
        frames.append(r)
    emit(frames, args.format, sys.stdout)
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``candidates`` to the subcommands."""
    p = sub.add_parser(
        "candidates",
        help="rank candidates for hosts (pseudonymised)",
        description="Rank consenting, pseudonymised candidates for each host (all when none is named).",
    )
    add_matcher_args(p)
    p.add_argument(
        "--host", action="append", metavar="ID", help="host id (repeatable; default: all)"
    )
    p.add_argument(
        "--top", type=int, default=DEFAULT_TOP, help=f"candidates per host (default {DEFAULT_TOP})"
    )
    p.add_argument(
        "--reveal-ids",
        action="store_true",
        help="coordinators only: show participant ids and non-consenting participants",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=run)
