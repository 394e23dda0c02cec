"""The ``matcher`` command line.

One private module per command (``_validate``, ``_recommend``, ...), each with ``add_parser``
and ``run``; one loader for the data arguments (:mod:`._data`); one place for exit codes
(:class:`ExitCode`). ``matcher = "matcher.cli:main"`` is the console script.
"""

from ._exit import ExitCode
from ._main import build_parser, main

__all__ = ["main", "build_parser", "ExitCode"]
