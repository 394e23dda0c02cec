"""``matcher allocate``: place a whole cohort into hosts with limited places."""

from __future__ import annotations

import sys

import pandas as pd

from ._data import add_matcher_args, fit_matcher
from ._exit import ExitCode
from ._output import display_options

#: pandas display options of the printed assignments.
ASSIGNMENTS_DISPLAY = {"display.width": 200, "display.max_columns": 20, "display.max_colwidth": 60}
SUMMARY_KEY_WIDTH = 32


def _print_assignments(allocation) -> None:
    flat = allocation.flat_assignments()
    flat = flat.drop(columns=[c for c in flat.columns if c.startswith("score_")])
    with pd.option_context(*display_options(ASSIGNMENTS_DISPLAY)):
        print(flat.to_string(index=False))


def run(args) -> int:
    """Print the summary, then the assignments (or write them to ``--out``)."""
    from ..allocation import allocate

    m = fit_matcher(args)
    a = allocate(m, args.method, priority=args.priority)
    for key, value in a.summary.items():
        print(f"{key:<{SUMMARY_KEY_WIDTH}}{value}", file=sys.stdout if args.out else sys.stderr)
    if args.out:
        print(f"wrote {a.export(args.out)}")
    else:
        _print_assignments(a)
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``allocate`` to the subcommands."""
    from ..allocation import METHODS

    p = sub.add_parser(
        "allocate",
        help="place a whole cohort into hosts with limited places",
        description="Assign participants to hosts within capacities: optimal (most placed, then highest total score) or stable (deferred acceptance).",
    )
    add_matcher_args(p)
    p.add_argument(
        "--method", choices=METHODS, default="optimal", help="optimal (default) or stable"
    )
    p.add_argument(
        "--priority",
        choices=["fewer_opportunities"],
        help="place participants with fewer opportunities first",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write assignments to FILE.csv, or FILE.xlsx with hosts and summary sheets",
    )
    p.set_defaults(func=run)
