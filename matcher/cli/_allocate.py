"""``matcher allocate``: place a whole cohort into hosts with limited places."""

from __future__ import annotations

import sys

import pandas as pd

from ._data import add_matcher_args, fit_matcher
from ._exit import ExitCode
from ._output import display_options
from ._workspace import CLI_USERNAME, workspace_exists, workspace_url

#: pandas display options of the printed assignments.
ASSIGNMENTS_DISPLAY = {"display.width": 200, "display.max_columns": 20, "display.max_colwidth": 60}
SUMMARY_KEY_WIDTH = 32


def _print_assignments(allocation) -> None:
    flat = allocation.flat_assignments()
    flat = flat.drop(columns=[c for c in flat.columns if c.startswith("score_")])
    with pd.option_context(*display_options(ASSIGNMENTS_DISPLAY)):
        print(flat.to_string(index=False))


def _kept_inputs(args):
    """The workspace's decisions and locks (when a workspace exists), for kept placements."""
    from ..store import Workspace

    url = workspace_url(args)
    if not workspace_exists(url):
        return None, None
    ws = Workspace(url)
    try:
        return ws.history(), ws.locks(ws.admin_context(CLI_USERNAME))
    finally:
        ws.engine.dispose()


def _progress():
    """A progress bar on stderr while the pairs are scored (``MATCHER_SHOW_PROGRESS``)."""
    from tqdm.auto import tqdm

    from .._config import Config

    bar = tqdm(
        total=0,
        desc="scoring pairs",
        unit="participants",
        disable=not Config.from_env().show_progress,
    )

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def run(args) -> int:
    """Print the summary, then the assignments (or write them to ``--out``)."""
    from ..allocation import allocate
    from ..budget import budget_arguments

    m = fit_matcher(args)
    decisions, locks = _kept_inputs(args)
    ceiling = budget_arguments(m, args.budget)  # refused before the scoring when rates are unset
    a = allocate(
        m,
        args.method,
        priority=args.priority,
        decisions=decisions,
        locks=locks,
        keep_proposals=not args.release_proposals,
        max_placed=args.max_placed,
        progress=_progress(),
        **ceiling,
    )
    stream = sys.stdout if args.out else sys.stderr
    for key, value in a.summary.items():
        print(f"{key:<{SUMMARY_KEY_WIDTH}}{value}", file=stream)
    for text in a.warnings:  # programme rules over the whole set of placements
        print(f"{'check:':<{SUMMARY_KEY_WIDTH}}{text}", file=stream)
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
        "--release-proposals",
        action="store_true",
        help="let the allocation move participants whose proposal is still open (default: keep them where proposed); accepted and locked placements are always kept",
    )
    p.add_argument(
        "--max-placed",
        type=int,
        metavar="N",
        help="place at most N learners and staff (e.g. 30 in a KA122 short-term project)",
    )
    p.add_argument(
        "--budget",
        type=float,
        metavar="EUR",
        help="a ceiling on the total estimated cost of the placements, in EUR (needs the rates of your call year: MATCHER_RATES_FILE, see data/README.md 'Budget rates')",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write assignments to FILE.csv, or FILE.xlsx with hosts and summary sheets",
    )
    p.set_defaults(func=run)
