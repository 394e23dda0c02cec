"""The exit codes of every command, in one place."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit status of a ``matcher`` command.

    ``OK`` when the command did its work, ``ERROR`` when a file, an id or a value cannot be
    used (one line on stderr), ``INVALID`` when input breaks the data contract (every problem
    by file, row and column on stderr; argparse also exits with 2 on a wrong command line).
    """

    OK = 0
    ERROR = 1
    INVALID = 2
