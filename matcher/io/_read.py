"""Reading CSV (any of Excel's flavours) and XLSX files into all-string frames."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from ._errors import HEADER_ROW, Note, Problem

__all__ = [
    "read_raw",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_XLSX_UNPACKED_BYTES",
    "MAX_COMPRESSION_RATIO",
]

#: Longest cell read, in characters (a description fits easily; a runaway quote does not).
MAX_CELL_CHARS = 10_000
#: Most columns a table may have (the contracts have about 20); checked on the header first.
MAX_COLUMNS = 200
#: Most bytes an XLSX workbook may unpack to, as its zip directory declares them (200 MB,
#: about 180,000 participants).
MAX_XLSX_UNPACKED_BYTES = 200 * 2**20
#: Highest compression ratio of a part of a workbook; real sheets compress 5-25:1, zip bombs
#: about 1000:1.
MAX_COMPRESSION_RATIO = 100
#: Parts smaller than this are never refused for their ratio (they cannot bomb).
_RATIO_CHECKED_FROM_BYTES = 2**20
_MB = 2**20

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
        try:
            return data.decode("utf-16"), notes, []
        except UnicodeDecodeError as exc:
            cut = f"cannot be read as UTF-16: {exc.reason} at byte {exc.start:,} (is the file cut short?)"
            return None, notes, [Problem(name, 0, "", cut)]
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
                f"'CSV UTF-8' or give its encoding (cp1250 for Central European).",
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        first = next(reader)
        too_wide = _too_many_columns(first, name)
        if too_wide:  # refused before the rest of the file is parsed
            return None, notes, [too_wide]
        rows = [first, *reader]
    except csv.Error as exc:
        return None, notes, [_csv_error(exc, reader.line_num, name)]
    return rows, notes, problems


def _csv_error(exc: csv.Error, line: int, name: str) -> Problem:
    """What stopped the CSV parser, on the line where it stopped."""
    if "field limit" in str(exc):
        why = (
            f"a cell is far longer than the limit of {MAX_CELL_CHARS:,} characters "
            "(or a quote opened in this row is never closed)"
        )
    else:
        why = f"cannot be read as CSV ({exc})"
    return Problem(name, line, "", why)


def _filled_width(cells) -> int:
    """Cells up to the last one holding text (trailing empty cells do not count)."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i] is not None and str(cells[i]).strip():
            return i + 1
    return 0


def _too_many_columns(header, name: str) -> Problem | None:
    """A problem when the header names more than :data:`MAX_COLUMNS` columns."""
    width = _filled_width(header)
    if width <= MAX_COLUMNS:
        return None
    why = f"the header has {width:,} columns; the limit is {MAX_COLUMNS}"
    return Problem(name, HEADER_ROW, "", why)


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


def _zip_problem(path: Path, name: str) -> Problem | None:
    """A problem when ``path`` is no zip archive or would unpack to too much (a zip bomb).

    The sizes are those the zip directory declares; reading never unpacks more than that
    (``zipfile`` stops at the declared size and fails on the checksum), so checking them
    before opening the workbook is enough.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return Problem(name, 0, "", f"not a readable XLSX workbook ({exc})")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        why = (
            f"unpacks to {unpacked / _MB:,.0f} MB; the limit is "
            f"{MAX_XLSX_UNPACKED_BYTES / _MB:,.0f} MB (split the table, or save it as CSV)"
        )
        return Problem(name, 0, "", why)
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= _RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            why = (
                f"part {part.filename} is compressed {ratio:,.0f}:1, beyond the "
                f"{MAX_COMPRESSION_RATIO}:1 of a real workbook; not read"
            )
            return Problem(name, 0, "", why)
    return None


def _sheet_rows(ws, name: str):
    """A worksheet's rows as text: ``(rows, problems)``; none when it is too wide."""
    ws.reset_dimensions()  # read-only mode trusts <dimension>, which a file may under-state
    rows = []
    for row in ws.iter_rows(values_only=True):
        if not rows:
            too_wide = _too_many_columns(row, name)
            if too_wide:  # refused before the rest of the sheet is parsed
                return None, [too_wide]
        rows.append([_cell_text(v) for v in row])
    return rows, []


def _read_xlsx(path: Path, name: str, table: str):
    """A workbook's rows (the sheet named like ``table``, else the first): like ``_read_csv``."""
    import openpyxl

    bomb = _zip_problem(path, name)
    if bomb:
        return None, [], [bomb]
    # A hostile or damaged workbook can fail inside openpyxl in many ways (bad XML, missing
    # parts, a chart sheet); each ends as one problem naming the file, never a traceback.
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        return None, [], [_unreadable_workbook(exc, name)]
    try:
        sheet_names = {s.lower(): s for s in wb.sheetnames}
        ws = wb[sheet_names.get(table, wb.sheetnames[0])]
        rows, problems = _sheet_rows(ws, name)
    except Exception as exc:  # noqa: BLE001
        rows, problems = None, [_unreadable_workbook(exc, name)]
    finally:
        wb.close()
    if rows is None:
        return None, [], problems
    if not rows:
        return None, [], [Problem(name, 0, "", "sheet is empty")]
    return rows, [], []


def _unreadable_workbook(exc: Exception, name: str) -> Problem:
    """Why openpyxl could not read a workbook, as one problem."""
    return Problem(name, 0, "", f"not a readable XLSX workbook ({type(exc).__name__}: {exc})")


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
    too_wide = _too_many_columns(header, name)  # data may reach beyond the named columns
    if too_wide:
        return None, notes, problems + [too_wide]
    twice = _names_twice(header, name)
    if twice:  # no frame can hold two columns of one name
        return None, notes, problems + twice
    problems += _header_problems(header, name)
    data, row_numbers, row_problems = _data_rows(rows, header, name)
    frame = pd.DataFrame(data or None, columns=header, dtype=object)
    frame.attrs["rows"] = row_numbers
    frame.attrs["file"] = name
    return frame, notes, problems + row_problems


def _header(rows: list[list[str]]) -> list[str]:
    """The header's names, without trailing unnamed columns that hold no data."""
    header = [h.strip() for h in rows[0]]
    data_width = max((_filled_width(r[: len(header)]) for r in rows[1:]), default=0)
    return header[: max(_filled_width(header), data_width)]


def _names_twice(header: list[str], name: str) -> list[Problem]:
    """A problem for each name that appears again (case-insensitively)."""
    problems = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.lower()
        if key in seen and h:
            twice = f"column appears twice (columns {seen[key] + 1} and {i + 1})"
            problems.append(Problem(name, HEADER_ROW, h, twice))
        seen.setdefault(key, i)
    return problems


def _header_problems(header: list[str], name: str) -> list[Problem]:
    """Columns without a name, and names longer than :data:`MAX_CELL_CHARS`."""
    problems = []
    for i, h in enumerate(header):
        if h == "":
            problems.append(Problem(name, HEADER_ROW, f"#{i + 1}", "column without a header name"))
        elif len(h) > MAX_CELL_CHARS:
            long = f"header name of {len(h):,} characters; the limit is {MAX_CELL_CHARS:,}"
            problems.append(Problem(name, HEADER_ROW, f"#{i + 1}", long))
    return problems


def _data_rows(rows: list[list[str]], header: list[str], name: str):
    """The non-blank data rows padded to the header: ``(cells, row numbers, problems)``."""
    width = len(header)
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
        problems += _long_cells(cells, header, name, offset)
        data.append([_unprotect(c) for c in cells])
        row_numbers.append(offset)
    return data, row_numbers, problems


def _long_cells(cells: list[str], header: list[str], name: str, row: int) -> list[Problem]:
    """A problem for each cell of one row longer than :data:`MAX_CELL_CHARS`."""
    return [
        Problem(
            name,
            row,
            h or f"#{i + 1}",
            f"cell has {len(c):,} characters; the limit is {MAX_CELL_CHARS:,}",
        )
        for i, (h, c) in enumerate(zip(header, cells, strict=True))
        if len(c) > MAX_CELL_CHARS
    ]
