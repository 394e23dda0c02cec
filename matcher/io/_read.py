"""Reading CSV (any of Excel's flavours) and XLSX files into all-string frames."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd

from ._errors import Note, Problem

__all__ = ["read_raw", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")

# A leading apostrophe protects a cell that would start with a formula character; it is
# Excel's text prefix and not part of the value (the writers add it, see _write.py).
_PROTECTED = re.compile(r"'+[=+\-@]")


def _unprotect(value: str) -> str:
    return value[1:] if _PROTECTED.match(value) else value


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str | None, list, list]:
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
    for legacy in ("cp1252", "latin-1"):
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
    header = text.split("\n", 1)[0]
    counts = {}
    for sep in (",", ";", "\t"):
        try:
            counts[sep] = len(next(csv.reader([header], delimiter=sep)))
        except (StopIteration, csv.Error):
            counts[sep] = 0
    return max(counts, key=lambda s: (counts[s], s == ","))


def _read_csv(path: Path, name: str, encoding: str | None):
    text, notes, problems = _decode(path.read_bytes(), name, encoding)
    if text is None:
        return None, notes, problems
    if not text.strip():
        return None, notes, [Problem(name, 0, "", "file is empty")]
    sep = _sniff_separator(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    return rows, notes, problems


def _cell_text(value) -> str:
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
        return (
            None,
            [],
            [Problem(name, 0, "", "legacy .xls workbooks are not read; save as .xlsx or CSV")],
        )
    if suffix in (".xlsx", ".xlsm"):
        rows, notes, problems = _read_xlsx(path, name, table)
    else:
        rows, notes, problems = _read_csv(path, name, encoding)
    if rows is None:
        return None, notes, problems

    header = [h.strip() for h in rows[0]]
    while (
        header
        and header[-1] == ""
        and all(len(r) < len(header) or r[len(header) - 1] == "" for r in rows[1:])
    ):
        header.pop()
    width = len(header)
    if width == 0 or all(h == "" for h in header):
        return None, notes, problems + [Problem(name, 1, "", "no header row")]
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h == "":
            problems.append(Problem(name, 1, f"#{i + 1}", "column without a header name"))
        key = h.lower()
        if key in seen and h:
            problems.append(
                Problem(name, 1, h, f"column appears twice (columns {seen[key] + 1} and {i + 1})")
            )
        seen.setdefault(key, i)

    data, row_numbers = [], []
    for offset, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            problems.append(
                Problem(
                    name,
                    offset,
                    "",
                    f"row has {len(cells)} cells but the header has {width} (check the separator and quotes)",
                )
            )
            continue
        cells = (cells + [""] * width)[:width]
        data.append([_unprotect(c) for c in cells])
        row_numbers.append(offset)
    frame = (
        pd.DataFrame(data, columns=header, dtype=object)
        if data
        else pd.DataFrame(columns=header, dtype=object)
    )
    frame.attrs["rows"] = row_numbers
    frame.attrs["file"] = name
    return frame, notes, problems
