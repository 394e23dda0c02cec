"""Writing tables and results to CSV and XLSX that open cleanly in Excel."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_table", "write_workbook", "to_cell_text", "neutralise_formula"]

_FORMULA = re.compile(r"'*[=+\-@]")


def neutralise_formula(value: str) -> str:
    """Prefix a text that Excel would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``.

    The readers strip exactly one such apostrophe again, so tables round-trip.
    """
    return "'" + value if _FORMULA.match(value) else value


def to_cell_text(value) -> str:
    """A cell as the text a CSV holds: ISO dates, ``true``/``false``, empty for missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
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

    Text that would start a formula is neutralised; dates are written as dates (XLSX)
    or ISO ``YYYY-MM-DD`` (CSV); booleans as ``true``/``false``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _write_xlsx(frame, path, sheet_name or path.stem[:31])
    else:
        text = frame.copy()
        for c in text.columns:
            text[c] = [neutralise_formula(to_cell_text(v)) for v in text[c]]
        text.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet_name: str) -> None:
    write_workbook({sheet_name: frame}, path)


def write_workbook(sheets: dict, path) -> Path:
    """Write several frames as the sheets of one XLSX workbook (same rules as ``write_table``)."""
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        _fill_sheet(wb.create_sheet(str(name)[:31]), frame)
    wb.save(path)
    return path


def _fill_sheet(ws, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    kinds = {c: frame[c].dtype for c in frame.columns}
    for r, row in enumerate(frame.itertuples(index=False), start=2):
        for c, (col, value) in enumerate(zip(frame.columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=c)
            if pd.api.types.is_datetime64_any_dtype(kinds[col]):
                if not pd.isna(value):
                    cell.value = value.to_pydatetime()
                    cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, (bool, np.bool_)):
                cell.value = bool(value)
            elif isinstance(value, (int, np.integer)):
                cell.value = int(value)
            elif isinstance(value, (float, np.floating)):
                cell.value = None if np.isnan(value) else float(value)
            elif value is None:
                continue
            else:
                text = str(value)
                if text == "":
                    continue
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever it starts with
    ws.freeze_panes = "A2"
    for c, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(to_cell_text(v)) for v in frame[col].head(200)])
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
