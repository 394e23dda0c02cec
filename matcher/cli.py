"""The ``matcher`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def _cmd_validate(args) -> int:
    from .io import format_report, validate_files

    problems, notes = validate_files(args.files, encoding=args.encoding)
    if problems:
        print(format_report(problems, notes), file=sys.stderr)
        return EXIT_INVALID
    for n in notes:
        print(f"note: {n}")
    print(f"ok: {', '.join(Path(f).name for f in args.files)} valid")
    return EXIT_OK


def _cmd_sample(args) -> int:
    from .sample import write_sample

    pp, hp = write_sample(args.out, args.participants, args.hosts, args.seed, args.format)
    print(f"wrote {pp} ({args.participants} participants) and {hp} ({args.hosts} hosts)")
    if args.history:
        import warnings

        from .engine import Matcher
        from .io import load_hosts, load_participants, write_table
        from .learning import synthetic_history

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = Matcher().fit(load_participants(pp), load_hosts(hp))
        history = synthetic_history(m, args.history, seed=args.seed)
        history["at"] = history["at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        path = write_table(history, Path(args.out) / f"history.{args.format}", sheet_name="history")
        print(
            f"wrote {path} ({args.history} proposals and their outcomes, hidden preference: see matcher.learning)"
        )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matcher",
        description="Match Erasmus+ VET participants with host organisations abroad.",
    )
    parser.add_argument("--version", action="version", version=f"matcher {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="check participants/hosts files against the data contract",
        description="Check CSV/XLSX files; exit 0 when valid, 2 with every problem by file, row and column.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="participants and/or hosts tables (.csv, .xlsx)"
    )
    p.add_argument(
        "--encoding", help="text encoding of CSV files (default: UTF-8, else cp1252 with a note)"
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "sample",
        help="write realistic synthetic sample data",
        description="Generate participants and hosts built from real ESCO/NACE/ISCED-F text.",
    )
    p.add_argument("--out", default="data/sample", help="output folder (default: data/sample)")
    p.add_argument(
        "--participants", type=int, default=400, help="number of participants (default 400)"
    )
    p.add_argument("--hosts", type=int, default=250, help="number of hosts (default 250)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
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
    p.set_defaults(func=_cmd_sample)

    from . import _cli_engine

    _cli_engine.add_commands(sub)
    from . import _cli_store

    _cli_store.add_commands(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    from .io import DataValidationError

    try:
        return args.func(args)
    except DataValidationError as exc:
        from .io import format_report

        print(format_report(exc.problems, exc.notes), file=sys.stderr)
        return EXIT_INVALID
    except (FileNotFoundError, ValueError, KeyError, PermissionError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"matcher: error: {msg}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
