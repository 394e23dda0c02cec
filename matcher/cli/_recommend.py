"""``matcher recommend``: rank hosts for participants."""

from __future__ import annotations

import sys

from ._data import add_matcher_args, cluster_client, fit_matcher
from ._exit import ExitCode
from ._output import FORMATS, emit, emit_stream, progress

DEFAULT_TOP = 10


def run(args) -> int:
    """Rank feasible hosts for each ``--participant`` (all when none is named).

    Without ids every participant is ranked in blocks of the score matrix (on the Dask
    cluster of ``--scheduler`` when one is given) and the rows are written as they come.
    """
    m, client = fit_matcher(args), cluster_client(args)
    if not args.participant:
        options = {"country": args.country, "min_score": args.min_score}
        if client is not None:
            from ..cluster import recommend_hosts

            blocks = recommend_hosts(m, client, k=args.top, **options)
        else:
            blocks = m.recommend_hosts_batch(k=args.top, **options)
        emit_stream(blocks, args.format, sys.stdout, len(m.participant_ids_), "recommending")
        return ExitCode.OK
    frames = []
    for pid in progress(args.participant, "recommending"):
        r = m.recommend_hosts(pid, k=args.top, country=args.country, min_score=args.min_score)
        r.insert(0, "participant_id", pid)
        if r.attrs.get("notice"):
            print(f"{pid}: {r.attrs['notice']}", file=sys.stderr)
        frames.append(r)
    emit(frames, args.format, sys.stdout)
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``recommend`` to the subcommands."""
    p = sub.add_parser(
        "recommend",
        help="rank hosts for participants",
        description="Rank feasible hosts for each participant (all when none is named).",
    )
    add_matcher_args(p)
    p.add_argument(
        "--participant",
        action="append",
        metavar="ID",
        help="participant id (repeatable; default: all)",
    )
    p.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP,
        help=f"hosts per participant (default {DEFAULT_TOP})",
    )
    p.add_argument(
        "--country", action="append", metavar="CC", help="only hosts in this country (repeatable)"
    )
    p.add_argument("--min-score", type=float, help="only hosts scoring at least this")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=run)
