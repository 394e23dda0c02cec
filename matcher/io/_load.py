"""The public loaders: read, validate, and return typed frames or raise one error."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from ._errors import DataValidationError, Note, Problem
from ._read import read_raw
from ._schema import HOSTS, ORGANISATIONS, PARTICIPANTS, SCHEMAS, TableSchema
from ._validate import validate_frame

__all__ = [
    "load_table",
    "load_participants",
    "load_hosts",
    "load_organisations",
    "validate_files",
    "validate_table",
    "guess_table",
]


class DataNoteWarning(UserWarning):
    """A value the loader normalised or inferred (see ``frame.attrs['notes']``)."""


def _check(path, schema: TableSchema, encoding=None):
    raw, notes, problems = read_raw(path, schema.name, encoding=encoding)
    if raw is None:
        return None, problems, notes
    frame, more_problems, more_notes = validate_frame(raw, schema)
    return frame, problems + more_problems, notes + more_notes


def load_table(path, schema: TableSchema | str, encoding: str | None = None) -> pd.DataFrame:
    """Load and validate a CSV/XLSX table.

    Returns a typed frame; ``frame.attrs["notes"]`` lists what was normalised or inferred
    (also issued as a warning). Raises :class:`DataValidationError` listing every problem.
    """
    if isinstance(schema, str):
        schema = SCHEMAS[schema]
    frame, problems, notes = _check(path, schema, encoding)
    if problems:
        raise DataValidationError(problems, notes)
    frame.attrs["notes"] = [str(n) for n in notes]
    frame.attrs["source"] = str(path)
    for n in notes:
        warnings.warn(str(n), DataNoteWarning, stacklevel=2)
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
    """
    return load_table(path, PARTICIPANTS, encoding)


def load_hosts(path, encoding: str | None = None) -> pd.DataFrame:
    """Load a validated hosts table (see ``data/README.md`` for the columns)."""
    return load_table(path, HOSTS, encoding)


def load_organisations(path, encoding: str | None = None) -> pd.DataFrame:
    """Load a validated organisations table (KA2 partner search; see ``data/README.md``)."""
    return load_table(path, ORGANISATIONS, encoding)


def guess_table(path) -> TableSchema | None:
    """Tell a participants file from a hosts file by its id column."""
    raw, _, _ = read_raw(path, "")
    if raw is None:
        return None
    cols = {c.lower() for c in raw.columns}
    if "participant_id" in cols:
        return PARTICIPANTS
    if "host_id" in cols:
        return HOSTS
    if "org_id" in cols:
        return ORGANISATIONS
    return None


def validate_files(paths, encoding: str | None = None) -> tuple[list[Problem], list[Note]]:
    """Validate several files (kind told by their id column); every problem and note."""
    problems: list[Problem] = []
    notes: list[Note] = []
    for path in paths:
        schema = guess_table(path)
        if schema is None:
            raw, n, p = read_raw(path, "")
            if p:
                problems += p
            else:
                problems.append(
                    Problem(
                        Path(path).name,
                        1,
                        "",
                        "not a participants (participant_id), hosts (host_id) or organisations (org_id) table",
                    )
                )
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
    from ._write import to_cell_text

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
