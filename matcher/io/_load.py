"""The public loaders: read, validate, and return typed frames or raise one error.

What the loader normalised or inferred (a file read as Windows-1252, column names matched
case-insensitively, values written in canonical form, activities inferred) is returned with
the frame, as text in ``frame.attrs["notes"]``; the loaders issue no warnings. Callers show
the notes (the CLI prints them, the dashboard lists them) or ignore them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._errors import HEADER_ROW, DataValidationError, Note, Problem
from ._read import read_raw
from ._schema import HISTORY, HOSTS, ORGANISATIONS, PARTICIPANTS, SCHEMAS, TableSchema
from ._validate import validate_frame
from ._write import to_cell_text

__all__ = [
    "load_table",
    "load_participants",
    "load_hosts",
    "load_organisations",
    "load_history",
    "validate_files",
    "validate_table",
    "guess_table",
]


#: Id column of each table a file can be, in the order :func:`guess_table` tries them.
_KIND_BY_ID_COLUMN = (
    ("participant_id", PARTICIPANTS),
    ("host_id", HOSTS),
    ("org_id", ORGANISATIONS),
)
#: Tables that may hold no rows (a workspace without decisions exports an empty history).
_MAY_BE_EMPTY = (HISTORY.name,)
_NO_ROWS = "no rows: the file has a header but no data below it"
_UNKNOWN_KIND = (
    "not a participants (participant_id), hosts (host_id) or organisations (org_id) table"
)


def _check(path, schema: TableSchema, encoding=None):
    """Read and validate one file: ``(frame or None, problems, notes)``."""
    raw, notes, problems = read_raw(path, schema.name, encoding=encoding)
    if raw is None:
        return None, problems, notes
    if raw.empty and not problems and schema.name not in _MAY_BE_EMPTY:
        return None, [Problem(raw.attrs["file"], 0, "", _NO_ROWS)], notes
    frame, more_problems, more_notes = validate_frame(raw, schema)
    return frame, problems + more_problems, notes + more_notes


def load_table(path, schema: TableSchema | str, encoding: str | None = None) -> pd.DataFrame:
    """Load and validate a CSV/XLSX table.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (comma, semicolon or tab separated; UTF-8, UTF-16 or, with a note,
        Windows-1252) or ``.xlsx`` file (the sheet named like the table, else the first).
    schema : TableSchema or str
        The contract, or its name in :data:`SCHEMAS`.
    encoding : str, optional
        Text encoding of a CSV file, when it is known.

    Returns
    -------
    frame : DataFrame, shape (n_rows, n_columns)
        The contract's columns, typed, then any extra columns as text.
        ``frame.attrs["notes"]`` lists, as text, what was normalised or inferred;
        ``frame.attrs["source"]`` is the path read.

    Raises
    ------
    DataValidationError
        Listing every problem, each with file, row and column.
    """
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    frame, problems, notes = _check(path, schema, encoding)
    if problems:
        raise DataValidationError(problems, notes)
    frame.attrs["notes"] = [str(n) for n in notes]
    frame.attrs["source"] = str(path)
    return frame


def load_participants(path, encoding: str | None = None) -> pd.DataFrame:
    """Load a validated participants table (see ``data/README.md`` for the columns).

    Examples
    --------
    >>> from matcher import load_participants
    >>> from matcher.taxonomy import sample_dir
    >>> participants = load_participants(sample_dir() / "participants.csv")
    >>> participants.loc[0, "role"] in ("learner", "staff")
    True
    >>> participants.attrs["notes"][0]  # what the loader normalised or inferred
    'participants.csv, column activity: inferred from role and duration for 124 row(s) (empty cells)'
    >>> len(participants.attrs["notes"])  # also the accompanying persons' activity, staff checks
    3
    """
    return load_table(path, PARTICIPANTS, encoding)


def load_hosts(path, encoding: str | None = None) -> pd.DataFrame:
    """Load a validated hosts table (see ``data/README.md`` for the columns)."""
    return load_table(path, HOSTS, encoding)


def load_organisations(path, encoding: str | None = None) -> pd.DataFrame:
    """Load a validated organisations table (KA2 partner search; see ``data/README.md``)."""
    return load_table(path, ORGANISATIONS, encoding)


def load_history(path, encoding: str | None = None) -> pd.DataFrame:
    """Load a validated decision-history table (the workspace's decisions, as exported).

    Columns ``participant_id, host_id, sending_org, action`` (required), ``reason``,
    ``rating`` (1-5, with ``complete`` only; nullable integer), ``username``, ``at`` (UTC).
    """
    return load_table(path, HISTORY, encoding)


def guess_table(path) -> TableSchema | None:
    """Tell a participants, hosts or organisations file by its id column (``None``: neither)."""
    raw, _, _ = read_raw(path, "")
    if raw is None:
        return None
    cols = {c.lower() for c in raw.columns}
    return next((schema for idc, schema in _KIND_BY_ID_COLUMN if idc in cols), None)


def _unknown_table(path) -> list[Problem]:
    """Why a file whose kind cannot be told was not validated."""
    _, _, problems = read_raw(path, "")
    if problems:
        return problems
    return [Problem(Path(path).name, HEADER_ROW, "", _UNKNOWN_KIND)]


def validate_files(paths, encoding: str | None = None) -> tuple[list[Problem], list[Note]]:
    """Validate several files (kind told by their id column); every problem and note."""
    problems: list[Problem] = []
    notes: list[Note] = []
    for path in paths:
        schema = guess_table(path)
        if schema is None:
            problems += _unknown_table(path)
            continue
        _, p, n = _check(path, schema, encoding)
        problems += p
        notes += n
    return problems, notes


def validate_table(
    frame: pd.DataFrame, schema: TableSchema | str, name: str | None = None
) -> pd.DataFrame:
    """Validate an in-memory frame exactly as a file would be (e.g. in a notebook).

    Returns the typed frame or raises :class:`DataValidationError`; row numbers count the
    header as row 1, like a spreadsheet.
    """
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    raw = pd.DataFrame(
        {c: [to_cell_text(v) for v in frame[c]] for c in frame.columns}, dtype=object
    )
    raw.attrs["file"] = name or schema.name
    raw.attrs["rows"] = list(range(2, len(frame) + 2))
    out, problems, notes = validate_frame(raw, schema)
    if problems:
        raise DataValidationError(problems, notes)
    out.attrs["notes"] = [str(n) for n in notes]
    return out
