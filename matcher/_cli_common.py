"""Shared CLI plumbing: data arguments, fitting, progress."""

from __future__ import annotations

import sys
import warnings

from .taxonomy import sample_dir


def add_data_args(p) -> None:
    p.add_argument(
        "--participants", metavar="P", help="participants table (default: bundled sample)"
    )
    p.add_argument("--hosts", metavar="H", help="hosts table (default: bundled sample)")
    p.add_argument("--encoding", help="text encoding of CSV inputs")


def load_inputs(args):
    from .io import load_hosts, load_participants

    pp = args.participants or sample_dir() / "participants.csv"
    hp = args.hosts or sample_dir() / "hosts.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        participants = load_participants(pp, encoding=args.encoding)
        hosts = load_hosts(hp, encoding=args.encoding)
    for n in participants.attrs.get("notes", []) + hosts.attrs.get("notes", []):
        print(f"note: {n}", file=sys.stderr)
    return participants, hosts


def fit_matcher(args):
    from .engine import Matcher

    participants, hosts = load_inputs(args)
    return Matcher().fit(participants, hosts)


def progress(items, label: str, show: bool):
    if not show or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, file=sys.stderr)


def load_inputs_optional(args):
    """Load whichever of --participants/--hosts was given (validated), else None."""
    from .io import load_hosts, load_participants

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        participants = (
            load_participants(args.participants, encoding=args.encoding)
            if args.participants
            else None
        )
        hosts = load_hosts(args.hosts, encoding=args.encoding) if args.hosts else None
    return participants, hosts
