"""The parser that gathers every command, and the entry point."""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from . import (
    _allocate,
    _candidates,
    _explain,
    _export,
    _forget,
    _import,
    _learn,
    _partners,
    _recommend,
    _sample,
    _users,
    _validate,
)
from ._exit import ExitCode

#: The commands, in the order ``matcher --help`` lists them.
COMMANDS = (
    _validate,
    _sample,
    _recommend,
    _candidates,
    _explain,
    _allocate,
    _partners,
    _import,
    _export,
    _users,
    _forget,
    _learn,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``matcher`` argument parser with one subcommand per module of :data:`COMMANDS`.

    Returns
    -------
    argparse.ArgumentParser
        Each subcommand's parsed arguments carry ``func``, the function that runs it.
    """
    parser = argparse.ArgumentParser(
        prog="matcher",
        description="Match Erasmus+ VET participants with host organisations abroad.",
    )
    parser.add_argument("--version", action="version", version=f"matcher {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _workspace_unavailable() -> type[Exception]:
    """The store's error for a database it cannot open.

    Called in an ``except`` clause, so only when a command failed: commands that never open
    a workspace (``validate``) do not pay for importing SQLAlchemy.
    """
    from ..store import WorkspaceUnavailable

    return WorkspaceUnavailable


def main(argv: list[str] | None = None) -> int:
    """Run one ``matcher`` command.

    Parameters
    ----------
    argv : list of str, optional
        The command line without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        An :class:`ExitCode`: invalid input and wrong ids or files are reported on stderr
        as one message, never as a traceback; so is a workspace that cannot be opened (its
        URL shown without password).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return ExitCode.OK
    from ..io import DataValidationError, format_report

    try:
        return args.func(args)
    except DataValidationError as exc:
        print(format_report(exc.problems, exc.notes), file=sys.stderr)
        return ExitCode.INVALID
    except _workspace_unavailable() as exc:
        print(f"matcher: error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except (FileNotFoundError, ValueError, KeyError, PermissionError) as exc:
        # a KeyError's message is its first argument (str() would quote it)
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"matcher: error: {msg}", file=sys.stderr)
        return ExitCode.ERROR
    except BrokenPipeError:
        return ExitCode.OK
    finally:
        client = getattr(args, "_client", None)  # a Dask client the command connected
        if client is not None:
            client.close()
