"""``matcher partners``: KA2 partner ranking and consortium suggestions."""

from __future__ import annotations

import json
import sys

from ._data import add_encoding_arg, add_table_arg, load_tables
from ._exit import ExitCode
from ._output import FORMATS, emit, round_score, rounded

DEFAULT_TOP = 10
DEFAULT_CONSORTIA = 3
ACTIONS = ("KA210", "KA220")


def _print_consortia(action: str, consortia) -> None:
    print(f"\nSuggested {action} consortia:")
    for k, c in enumerate(consortia, start=1):
        print(f"{k}. {' + '.join(c.members)}  score {c.score:.2f}  ({c.method})")
        for r in c.reasons:
            print(f"   - {r}")
        if c.lacks:
            print(f"   still lacks: {', '.join(c.lacks)}")


def _dump_json(ranked, consortia) -> None:
    records = [
        {**r, "score": round_score(r["score"]), "components": rounded(r["components"])}
        for r in ranked.to_dict("records")
    ]
    json.dump(
        {"partners": records, "consortia": [c.to_dict() for c in consortia]},
        sys.stdout,
        ensure_ascii=False,
        indent=2,
    )
    sys.stdout.write("\n")


def run(args) -> int:
    """Rank partners for ``--org``'s ``--idea`` and suggest consortia for ``--action``."""
    from ..partners import PartnerFinder

    orgs = load_tables(args, ("organisations",), show_notes=False)["organisations"]
    finder = PartnerFinder().fit(orgs)
    options = {"priorities": args.priority or (), "newcomer_weight": args.newcomer_weight}
    ranked = finder.rank(args.org, args.idea, k=args.top, action=args.action, **options)
    consortia = finder.consortia(args.org, args.idea, args.action, n=args.consortia, **options)
    if args.format == "json":
        _dump_json(ranked, consortia)
        return ExitCode.OK
    emit([ranked], args.format, sys.stdout)
    if args.format == "table":
        _print_consortia(args.action, consortia)
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``partners`` to the subcommands."""
    p = sub.add_parser(
        "partners",
        help="KA2: rank partners and suggest consortia for a project idea",
        description="Rank partners for an organisation's KA2 cooperation partnership idea and suggest consortia that meet KA210/KA220 composition rules.",
    )
    add_table_arg(p, "organisations")
    p.add_argument("--org", required=True, metavar="ID", help="the lead organisation's org_id")
    p.add_argument("--idea", required=True, metavar="TEXT", help="the project idea, free text")
    p.add_argument(
        "--priority",
        action="append",
        metavar="TEXT",
        help="a priority (repeatable), e.g. 'inclusion'",
    )
    p.add_argument("--action", choices=ACTIONS, default="KA220")
    p.add_argument(
        "--top", type=int, default=DEFAULT_TOP, help=f"partners to list (default {DEFAULT_TOP})"
    )
    p.add_argument(
        "--consortia",
        type=int,
        default=DEFAULT_CONSORTIA,
        help=f"consortia to suggest (default {DEFAULT_CONSORTIA})",
    )
    p.add_argument(
        "--newcomer-weight", type=float, help="weight of the preference for newcomers (default 0.1)"
    )
    add_encoding_arg(p, n_tables=1)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=run)
