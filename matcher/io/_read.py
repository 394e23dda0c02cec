"""Reading CSV (any of Excel's flavours) and XLSX files into all-string frames."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd

from ._errors import HEADER_ROW, Note, Problem

__all__ = ["read_raw"]

#: Suffixes read as workbooks; every other suffix is read as delimited text.
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Legacy encodings tried, in order, when a CSV file is not UTF-8.
_LEGACY_ENCODINGS = ("cp1252", "latin-1")
#: Separators a CSV header is tried with (Excel writes ',' or, in many locales, ';').
_SEPARATORS = (",", ";", "\t")

# A leading apostrophe protects a cell that would start with a formula character; it is
# Excel's text prefix and not part of the value (the writers add it, see _write.py).
_PROTECTED = re.compile(r"'+[=+\-@]")


def _unprotect(value: str) -> str:
    """A cell's value without the apostrophe that protected it from being run as a formula."""
    return value[1:] if _PROTECTED.match(value) else value


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str | None, list, list]:
    """Decode a CSV file's bytes: ``(text or None, notes, problems)``."""
    notes: list = []
    if encoding:
        try:
            return data.decode(encoding), notes, []
        except (UnicodeDecodeError, LookupError) as exc:
            return None, notes, [Problem(name, 0, "", f"cannot be read as {encoding}: {exc}")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), notes, []
    try:
        return data.decode("utf-8-sig"), notes, []
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    for legacy in _LEGACY_ENCODINGS:
        try:
            text = data.decode(legacy)
        except UnicodeDecodeError:
            continue
        line = data[:bad_at].count(b"\n") + 1
        notes.append(
            Note(
                name,
                "",
                f"file is not UTF-8 (first non-UTF-8 byte on line {line}); read as {legacy} "
                f"(Windows Western European). If accented letters look wrong, save the file as "
                f"'CSV UTF-8' or pass the encoding (--encoding cp1250 for Central European).",
            )
        )
        return text, notes, []
    return None, notes, [Problem(name, 0, "", "cannot be decoded (not UTF-8, not cp1252)")]


def _sniff_separator(text: str) -> str:
    """The separator that splits the header into most cells (',' on a tie)."""
    header = text.split("\n", 1)[0]
    counts = {}
    for sep in _SEPARATORS:
        try:
            counts[sep] = len(next(csv.reader([header], delimiter=sep)))
        except (StopIteration, csv.Error):
            counts[sep] = 0
    return max(counts, key=lambda s: (counts[s], s == ","))


def _read_csv(path: Path, name: str, encoding: str | None):
    """A CSV file's rows of cells: ``(rows or None, notes, problems)``."""
    text, notes, problems = _decode(path.read_bytes(), name, encoding)
    if text is None:
        return None, notes, problems
    if not text.strip():
        return None, notes, [Problem(name, 0, "", "file is empty")]
    sep = _sniff_separator(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    return rows, notes, problems


def _cell_text(value) -> str:
    """A workbook cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, name: str, table: str):
    """A workbook's rows (the sheet named like ``table``, else the first): like ``_read_csv``."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        return None, [], [Problem(name, 0, "", f"not a readable XLSX workbook ({exc})")]
    try:
        sheet_names = {s.lower(): s for s in wb.sheetnames}
        ws = wb[sheet_names.get(table, wb.sheetnames[0])]
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows:
        return None, [], [Problem(name, 0, "", "sheet is empty")]
    return rows, [], []


def read_raw(
    path, table: str, encoding: str | None = None
) -> tuple[pd.DataFrame | None, list[Note], list[Problem]]:
    """Read a table as strings, exactly as written (header row 1, data from row 2).

    Returns the frame (``None`` when nothing could be read), notes and problems. Row
    numbers in problems are spreadsheet rows; blank rows are skipped but keep their number
    (kept in the frame's ``attrs["rows"]``).
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        return None, [], [Problem(name, 0, "", f"file not found: {path}")]
    suffix = path.suffix.lower()
    if suffix == ".xls":
        legacy = "legacy .xls workbooks are not read; save as .xlsx or CSV"
        return None, [], [Problem(name, 0, "", legacy)]
    if suffix in _WORKBOOK_SUFFIXES:
        rows, notes, problems = _read_xlsx(path, name, table)
    else:
        rows, notes, problems = _read_csv(path, name, encoding)
    if rows is None:
        return None, notes, problems
    header = _header(rows)
    if not any(header):
        return None, notes, problems + [Problem(name, HEADER_ROW, "", "no header row")]
    problems += _header_problems(header, name)
    data, row_numbers, row_problems = _data_rows(rows, len(header), name)
    frame = pd.DataFrame(data or None, columns=header, dtype=object)
    frame.attrs["rows"] = row_numbers
    frame.attrs["file"] = name
    return frame, notes, problems + row_problems


def _header(rows: list[list[str]]) -> list[str]:
    """The header's names, without trailing unnamed columns that hold no data."""
    header = [h.strip() for h in rows[0]]
    while (
        header
        and header[-1] == ""
        and all(len(r) < len(header) or r[len(header) - 1] == "" for r in rows[1:])
    ):
        header.pop()
    return header


def _header_problems(header: list[str], name: str) -> list[Problem]:
    """Columns without a name, and names that appear twice (case-insensitively)."""
    problems = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h == "":
            problems.append(Problem(name, HEADER_ROW, f"#{i + 1}", "column without a header name"))
        key = h.lower()
        if key in seen and h:
            twice = f"column appears twice (columns {seen[key] + 1} and {i + 1})"
            problems.append(Problem(name, HEADER_ROW, h, twice))
        seen.setdefault(key, i)
    return problems


def _data_rows(rows: list[list[str]], width: int, name: str):
    """The non-blank data rows padded to ``width``: ``(cells, row numbers, problems)``."""
    data, row_numbers, problems = [], [], []
    for offset, row in enumerate(rows[1:], start=HEADER_ROW + 1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            too_many = (
                f"row has {len(cells)} cells but the header has {width} "
                "(check the separator and quotes)"
            )
            problems.append(Problem(name, offset, "", too_many))
            continue
        cells = (cells + [""] * width)[:width]
        data.append([_unprotect(c) for c in cells])
        row_numbers.append(offset)
    return data, row_numbers, problems
