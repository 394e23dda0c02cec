"""``matcher learn``: learn criterion weights from recorded outcomes."""

from __future__ import annotations

import sys

from ._data import add_data_args, fit_matcher
from ._exit import ExitCode
from ._workspace import DEFAULT_DB, add_db_arg, open_as_admin, open_workspace

#: Fewer labelled outcomes than this are too few to learn from.
MIN_OUTCOMES = 50


def _history(args):
    """``--history`` (a CSV of decisions), else the workspace's decisions."""
    import pandas as pd

    if args.history:
        return pd.read_csv(args.history, dtype={"participant_id": str, "host_id": str})
    return open_workspace(args).history()


def _print_fit(cv: dict, scorer) -> None:
    print(f"outcomes: {cv['pairs']} pairs, {cv['positive_share']:.0%} good")
    print(
        f"cross-validated AUC: learned {cv['auc_learned']:.3f}, hand weights {cv['auc_hand_weights']:.3f}"
    )
    print("learned weights: " + ", ".join(f"{k} {v:.2f}" for k, v in scorer.weights().items()))


def run(args) -> int:
    """Cross-validate a learned scorer against the hand weights; ``--save`` keeps it."""
    from .. import learning

    # without the history: the outcomes are the labels, not a criterion
    m = fit_matcher(args, with_history=False)
    X, y, groups = learning.training_set(m, _history(args))
    if len(set(y)) < 2 or len(y) < MIN_OUTCOMES:
        print(
            f"matcher: error: {len(y)} labelled outcomes ({int(y.sum()) if len(y) else 0} good): too few to learn from",
            file=sys.stderr,
        )
        return ExitCode.ERROR
    cv = learning.compare_with_hand_weights(X, y, groups, m.weights_)
    scorer = learning.fit_scorer(X, y)
    scorer.metrics = cv
    _print_fit(cv, scorer)
    if args.save:
        ws, admin = open_as_admin(args)
        ws.save_scorer(scorer, user=admin)
        print("saved with the workspace; use it with MATCHER_SCORER=learned")
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``learn`` to the subcommands."""
    p = sub.add_parser(
        "learn",
        help="learn weights from recorded outcomes",
        description="Fit a model over the per-criterion scores on accepted/declined/completed placements, cross-validated against the hand weights.",
    )
    add_data_args(p)
    p.add_argument("--history", metavar="CSV", help="decisions table (default: the workspace's)")
    add_db_arg(p, help=f"workspace URL (default: {DEFAULT_DB})")
    p.add_argument("--save", action="store_true", help="save the model with the workspace")
    p.set_defaults(func=run)
