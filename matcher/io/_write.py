"""Writing tables and results to CSV and XLSX that open cleanly in Excel."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_table", "write_workbook", "to_cell_text", "neutralise_formula", "template"]

_FORMULA = re.compile(r"'*[=+\-@]")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Excel's limit on a sheet name's length.
_SHEET_NAME_MAX = 31
#: Rows read to size a column, and the narrowest and widest column (in characters).
_WIDTH_SAMPLE_ROWS = 200
_COLUMN_WIDTH_MIN, _COLUMN_WIDTH_MAX = 8, 60
#: Padding added to the widest cell of a column, in characters.
_COLUMN_PADDING = 2
_DATE_FORMAT = "yyyy-mm-dd"


def neutralise_formula(value: str) -> str:
    """Prefix a text that Excel would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``.

    The readers strip exactly one such apostrophe again, so tables round-trip.
    """
    return "'" + value if _FORMULA.match(value) else value


def to_cell_text(value) -> str:
    """A value as the text of a CSV cell: empty for missing, ``true``/``false``, ISO dates.

    Examples
    --------
    >>> to_cell_text(pd.Timestamp("2026-09-01")), to_cell_text(True), to_cell_text(None)
    ('2026-09-01', 'true', '')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)


def write_table(frame: pd.DataFrame, path, sheet_name: str | None = None) -> Path:
    """Write ``frame`` as CSV (UTF-8 with BOM, so Excel reads accents) or XLSX.

    Text that would start a formula is neutralised (numbers, negative ones too, are written
    as numbers); dates are written as dates (XLSX)
    or ISO ``YYYY-MM-DD`` (CSV); booleans as ``true``/``false``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        write_workbook({sheet_name or path.stem[:_SHEET_NAME_MAX]: frame}, path)
    else:
        text = frame.copy()
        for c in text.columns:
            text[c] = [_csv_cell(v) for v in text[c]]
        text.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def _csv_cell(value) -> str:
    """A CSV cell: a number as itself (Excel reads ``-0.81`` as a number, not a formula),
    any other value as text, neutralised when it would start a formula."""
    text = to_cell_text(value)
    is_number = isinstance(value, (int, float, np.integer, np.floating))
    if is_number and not isinstance(value, (bool, np.bool_)):
        return text
    return neutralise_formula(text)


def write_workbook(sheets: dict, path) -> Path:
    """Write several frames as the sheets of one XLSX workbook (same rules as ``write_table``)."""
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        _fill_sheet(wb.create_sheet(str(name)[:_SHEET_NAME_MAX]), frame)
    wb.save(path)
    return path


def _fill_sheet(ws, frame: pd.DataFrame) -> None:
    """Write ``frame`` into the empty worksheet ``ws``: bold frozen header, typed cells."""
    from openpyxl.styles import Font

    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    kinds = {c: frame[c].dtype for c in frame.columns}
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        for c, (col, value) in enumerate(zip(frame.columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=c)
            if pd.api.types.is_datetime64_any_dtype(kinds[col]):
                if not pd.isna(value):
                    _set_datetime(cell, value)
            elif isinstance(value, (bool, np.bool_)):
                cell.value = bool(value)
            elif isinstance(value, (int, np.integer)):
                cell.value = int(value)
            elif isinstance(value, (float, np.floating)):
                cell.value = None if np.isnan(value) else float(value)
            elif value is None or value is pd.NA:
                continue
            else:
                text = str(value)
                if text == "":
                    continue
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever it starts with
    ws.freeze_panes = "A2"
    _size_columns(ws, frame)


def _set_datetime(cell, value: pd.Timestamp) -> None:
    """A dated cell (shown as a date; a time is kept, in UTC: Excel has no time zones)."""
    if value.tzinfo is not None:
        value = value.tz_convert("UTC").tz_localize(None)
    cell.value = value.to_pydatetime()
    cell.number_format = _DATE_FORMAT


def _size_columns(ws, frame: pd.DataFrame) -> None:
    """Widen each column to its longest text among the first rows, within bounds."""
    from openpyxl.utils import get_column_letter

    for c, col in enumerate(frame.columns, start=1):
        texts = [str(col)] + [to_cell_text(v) for v in frame[col].head(_WIDTH_SAMPLE_ROWS)]
        width = max(len(t) for t in texts) + _COLUMN_PADDING
        width = min(max(width, _COLUMN_WIDTH_MIN), _COLUMN_WIDTH_MAX)
        ws.column_dimensions[get_column_letter(c)].width = width


def template(schema) -> pd.DataFrame:
    """A table of the contract ``schema`` (a :class:`TableSchema` or its name) with every
    column and one example row, to fill in: what the dashboard's templates hold.

    Examples
    --------
    >>> list(template("hosts").columns[:3])
    ['host_id', 'name', 'country']
    """
    from ._schema import SCHEMAS

    schema = SCHEMAS[schema] if isinstance(schema, str) else schema
    return pd.DataFrame([{c.name: c.example for c in schema.columns}])
