"""``matcher recommend``: rank hosts for participants."""

from __future__ import annotations

import sys

from ._data import add_matcher_args, fit_matcher
from ._exit import ExitCode
from ._output import FORMATS, emit, progress

DEFAULT_TOP = 10


def run(args) -> int:
    """Rank feasible hosts for each ``--participant`` (all when none is named)."""
    m = fit_matcher(args)
    ids = args.participant or list(m.participants_["participant_id"])
    frames = []
    for pid in progress(ids, "recommending"):
        r = m.recommend_hosts(pid, k=args.top, country=args.country, min_score=args.min_score)
        r.insert(0, "participant_id", pid)
        if r.attrs.get("notice") and args.participant:
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
