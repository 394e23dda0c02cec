"""``matcher sample``: write realistic synthetic sample data."""

from __future__ import annotations

import warnings
from pathlib import Path

from ._exit import ExitCode

DEFAULT_PARTICIPANTS = 400
DEFAULT_HOSTS = 250
DEFAULT_SEED = 7
_ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


def _write_history(args, participants_path, hosts_path) -> Path:
    """Write ``args.history`` synthetic proposals and outcomes next to the sample."""
    from ..engine import Matcher
    from ..io import load_hosts, load_participants, write_table
    from ..learning import synthetic_history

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = Matcher().fit(load_participants(participants_path), load_hosts(hosts_path))
    history = synthetic_history(m, args.history, seed=args.seed)
    history["at"] = history["at"].dt.strftime(_ISO_SECONDS)
    return write_table(history, Path(args.out) / f"history.{args.format}", sheet_name="history")


def run(args) -> int:
    """Write the participants and hosts tables (and a decision history with ``--history N``)."""
    from ..sample import write_sample

    pp, hp = write_sample(args.out, args.participants, args.hosts, args.seed, args.format)
    print(f"wrote {pp} ({args.participants} participants) and {hp} ({args.hosts} hosts)")
    if args.history:
        path = _write_history(args, pp, hp)
        print(
            f"wrote {path} ({args.history} proposals and their outcomes, hidden preference: see matcher.learning)"
        )
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``sample`` to the subcommands."""
    p = sub.add_parser(
        "sample",
        help="write realistic synthetic sample data",
        description="Generate participants and hosts built from real ESCO/NACE/ISCED-F text.",
    )
    p.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    p.add_argument(
        "--participants",
        type=int,
        default=DEFAULT_PARTICIPANTS,
        help=f"number of participants (default {DEFAULT_PARTICIPANTS})",
    )
    p.add_argument(
        "--hosts",
        type=int,
        default=DEFAULT_HOSTS,
        help=f"number of hosts (default {DEFAULT_HOSTS})",
    )
    p.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    p.add_argument(
        "--format", choices=("csv", "xlsx"), default="csv", help="file format (default csv)"
    )
    p.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="N",
        help="also write N proposals with outcomes driven by a hidden preference (matcher.learning)",
    )
    p.set_defaults(func=run)
