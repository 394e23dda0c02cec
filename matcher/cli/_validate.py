"""``matcher validate``: check tables against the data contract."""

from __future__ import annotations

import sys
from pathlib import Path

from ._exit import ExitCode


def run(args) -> int:
    """Print every problem by file, row and column (exit 2), or that the files are valid."""
    from ..io import format_report, validate_files

    problems, notes = validate_files(args.files, encoding=args.encoding)
    if problems:
        print(format_report(problems, notes), file=sys.stderr)
        return ExitCode.INVALID
    for n in notes:
        print(f"note: {n}")
    print(f"ok: {', '.join(Path(f).name for f in args.files)} valid")
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``validate`` to the subcommands."""
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
    p.set_defaults(func=run)
