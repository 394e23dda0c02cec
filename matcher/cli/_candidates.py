"""``matcher candidates``: rank pseudonymised candidates for hosts."""

from __future__ import annotations

import sys

from ._data import add_matcher_args, cluster_client, fit_matcher
from ._exit import ExitCode
from ._output import FORMATS, emit, emit_stream, progress
from ._workspace import workspace_url

DEFAULT_TOP = 10


def run(args) -> int:
    """Rank consenting, pseudonymised candidates for each ``--host`` (all when none is named)."""
    from ..privacy import set_pseudonym_key
    from ..store import pseudonym_key

    # the pseudonyms of the workspace named by --db (default: the configured one)
    set_pseudonym_key(pseudonym_key(workspace_url(args)))
    m, client = fit_matcher(args), cluster_client(args)
    options = {"pseudonymise": not args.reveal_ids, "consenting_only": not args.reveal_ids}
    if not args.host:  # every host, in blocks, written as they come
        if client is not None:
            from ..cluster import recommend_participants

            blocks = recommend_participants(m, client, k=args.top, **options)
        else:
            blocks = m.recommend_participants_batch(k=args.top, **options)
        emit_stream(blocks, args.format, sys.stdout, len(m.host_ids_), "ranking candidates")
        return ExitCode.OK
    frames = []
    for hid in progress(args.host, "ranking candidates"):
        r = m.recommend_participants(hid, k=args.top, **options)
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
