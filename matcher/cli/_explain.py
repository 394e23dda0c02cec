"""``matcher explain``: explain one participant-host pair."""

from __future__ import annotations

import json
import sys

from ._data import add_matcher_args, fit_matcher
from ._exit import ExitCode


def run(args) -> int:
    """Print the pair's per-criterion scores, reasons and broken hard rules."""
    m = fit_matcher(args)
    e = m.explain(args.participant, args.host)
    if args.format == "json":
        json.dump(e.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(e)
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``explain`` to the subcommands."""
    p = sub.add_parser(
        "explain",
        help="explain one participant-host pair",
        description="Per-criterion scores, reasons, and the hard rules a pair breaks.",
    )
    add_matcher_args(p)
    p.add_argument("--participant", required=True, metavar="ID")
    p.add_argument("--host", required=True, metavar="ID")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run)
