"""Problems and notes found while reading a table, and the one error that carries them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "Note", "DataValidationError", "format_report", "REPORT_LIMIT", "HEADER_ROW"]

#: Spreadsheet row of the header; a problem there is about the columns themselves.
HEADER_ROW = 1

#: Problems listed in a :class:`DataValidationError`'s message (all are in ``.problems``).
REPORT_LIMIT = 50


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a file: ``row`` is the spreadsheet row (header = 1), 0 = whole file."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Note:
    """Something the loader did that the user should know (a value normalised, an inference)."""

    file: str
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def format_report(problems, notes=(), limit: int | None = None) -> str:
    """The report a user reads: problems sorted by file, row and column, then the notes.

    Parameters
    ----------
    problems : iterable of Problem
    notes : iterable of Note
    limit : int, optional
        List at most this many problems and say how many more there are.

    Examples
    --------
    >>> print(format_report([Problem("p.csv", 3, "role", "is empty")]))
    1 problem in p.csv:
      p.csv, row 3, column role: is empty
    """
    problems = sorted(problems)
    lines = []
    if problems:
        n = len(problems)
        files = sorted({p.file for p in problems})
        lines.append(f"{n} problem{'s' if n != 1 else ''} in {', '.join(files)}:")
        shown = problems if limit is None else problems[:limit]
        lines += [f"  {p}" for p in shown]
        if len(shown) < n:
            lines.append(f"  ... and {n - len(shown)} more")
    if notes:
        lines.append("notes:")
        lines += [f"  {n}" for n in notes]
    return "\n".join(lines)


class DataValidationError(ValueError):
    """Raised by the loaders with every problem found, each naming file, row and column."""

    def __init__(self, problems, notes=()):
        self.problems = sorted(problems)
        self.notes = list(notes)
        super().__init__(format_report(self.problems, limit=REPORT_LIMIT))
