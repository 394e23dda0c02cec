"""Running a schema over a raw table: every problem by file, row and column.

This is the backend of the contract declared in ``_schema.py``: it matches the header, parses
every cell with its column's parser, checks ids are unique, applies the schema's fills, then
runs the schema's checks in one loop that collects every failure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pandas as pd

from .. import taxonomy as tx
from ._checks import RATING_RANGE
from ._errors import HEADER_ROW, Note, Problem
from ._ids import id_problem
from ._schema import Column, TableSchema

__all__ = [
    "validate_frame",
    "parse_languages",
    "format_languages",
    "parse_list",
]

_TRUE = {"true", "yes", "y", "1", "x", "ja", "oui", "si", "sì", "wahr", "vrai"}
_FALSE = {"false", "no", "n", "0", "nein", "non", "falsch", "faux"}
_LANG_ITEM = re.compile(r"^([A-Za-z]{2})\s*[:=\-\s]\s*([A-Za-z0-9]+)$")
_OID = re.compile(r"^E\d{8}$")
_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(r"^\+?[0-9 ()./\-]+$")
_PHONE_DIGITS = (6, 15)  # E.164 numbers have at most 15 digits
_URL = re.compile(
    r"^(?:https?://)?([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)(?::\d+)?(?:[/?#]\S*)?$", re.I
)
_POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{1,9}$")
#: Allowed range of each coordinate, in degrees.
_COORDINATE_RANGE = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")
_MAX_DAYS = tx.STAY_DAYS[1]  # a stay is at most a year
#: How timestamps are written back (UTC), to tell whether the loader changed the input.
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_NOT_A_TIMESTAMP = (
    "'{}' is not a date and time (write YYYY-MM-DDTHH:MM:SSZ, e.g. 2026-09-01T09:30:00Z)"
)


def parse_list(value: str) -> list[str]:
    """Split a ';' (or ',') separated cell into stripped, non-empty items."""
    return [x.strip() for x in re.split(r"[;,]", value) if x.strip()]


def parse_languages(value: str) -> dict[str, str]:
    """``"it:native; en:B1"`` -> ``{"it": "native", "en": "B1"}`` (canonical input assumed)."""
    out = {}
    for item in parse_list(value):
        code, _, level = item.partition(":")
        out[code.strip()] = level.strip()
    return out


def format_languages(levels: dict[str, str]) -> str:
    """``{"it": "native", "en": "B1"}`` -> ``"it:native; en:B1"`` (inverse of parse_languages)."""
    return "; ".join(f"{code}:{level}" for code, level in levels.items())


# --- cell parsers: value -> (parsed, error or None) ------------------------------------------


def _p_text(v, col):
    return v, None


def _p_id(v, col):
    err = id_problem(v)
    return (None, err) if err else (v, None)


def _p_enum(v, col):
    low = v.lower().replace("-", "_").replace(" ", "_")
    for choice in col.choices:
        if low == choice.lower():
            return choice, None
    return None, f"'{v}' is not one of: {', '.join(col.choices)}"


def _p_country(v, col):
    return tx.normalise_country(v)


def _p_anycountry(v, col):
    return tx.normalise_any_country(v)


def _p_flag(v, col):
    flag, err = _p_bool(v, col)
    return (None, err) if err else ("true" if flag else "false", None)


def _p_countries(v, col):
    out, errors = [], []
    for item in parse_list(v):
        code, err = tx.normalise_country(item)
        if err:
            errors.append(err)
        elif code not in out:
            out.append(code)
    if errors:
        return None, "; ".join(errors)
    return ";".join(out), None


def _p_languages(v, col):
    known = tx.languages()
    out: dict[str, str] = {}
    errors = []
    for item in parse_list(v):
        m = _LANG_ITEM.match(item)
        if not m:
            errors.append(f"'{item}' is not 'language:level' (e.g. en:B1)")
            continue
        code, level = m.group(1).lower(), m.group(2)
        level = "native" if level.lower() in {"native", "mt", "l1"} else level.upper()
        if code not in known:
            errors.append(f"'{code}' is not an ISO 639-1 language code")
        elif level not in tx.CEFR_LEVELS:
            errors.append(
                f"CEFR level '{m.group(2)}' does not exist (A1, A2, B1, B2, C1, C2 or native)"
            )
        elif code in out:
            errors.append(f"language '{code}' is listed twice")
        else:
            out[code] = level
    if errors:
        return None, "; ".join(errors)
    return format_languages(out), None


def _p_langlist(v, col):
    known = tx.languages()
    out, errors = [], []
    for item in parse_list(v):
        code = item.split(":")[0].strip().lower()
        if code not in known:
            errors.append(f"'{code}' is not an ISO 639-1 language code")
        elif code not in out:
            out.append(code)
    if errors:
        return None, "; ".join(errors)
    return ";".join(out), None


def _p_int(v, col):
    try:
        f = float(v.replace(",", "."))
    except ValueError:
        return None, f"'{v}' is not a whole number"
    if not f.is_integer():
        return None, f"'{v}' is not a whole number"
    n = int(f)
    if n < 0:
        return None, f"{n} is negative"
    if col.kind == "days" and not 1 <= n <= _MAX_DAYS:
        return None, f"{n} days is outside 1-{_MAX_DAYS}"
    return n, None


def _p_rating(v, col):
    n, err = _p_int(v, col)
    lo, hi = RATING_RANGE
    if err is None and not lo <= n <= hi:
        return None, f"{n} is outside {lo}-{hi}"
    return n, err


def _p_timestamp(v, col):
    # ISO 8601 only (an offset or 'Z' allowed, UTC when none), so 01.02.2026 is never read
    # month-first; a date alone may be written like the date columns (e.g. 01.09.2026).
    try:
        stamp = pd.Timestamp(dt.datetime.fromisoformat(v))
    except ValueError:
        stamp, err = _p_date(v, col)
        if err or " " in v or "T" in v:
            return None, _NOT_A_TIMESTAMP.format(v)
    if stamp.tzinfo is None:
        return stamp.tz_localize("UTC"), None
    return stamp.tz_convert("UTC"), None


def _p_date(v, col):
    text = v.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, fmt)), None
        except ValueError:
            continue
    return None, f"'{v}' is not a date (write YYYY-MM-DD, e.g. 2026-09-01)"


def _p_bool(v, col):
    low = v.lower()
    if low in _TRUE:
        return True, None
    if low in _FALSE:
        return False, None
    return None, f"'{v}' is not true/false (also yes/no, 1/0)"


def _p_isced(v, col):
    return tx.normalise_isced(v)


def _p_nace(v, col):
    return tx.normalise_nace(v)


def _p_oid(v, col):
    up = v.upper()
    if _OID.match(up):
        return up, None
    return None, f"'{v}' is not an OID ('E' followed by 8 digits, e.g. E10123456)"


def _p_activity(v, col):
    return _p_enum(v, col)


def _p_activities(v, col):
    out, errors = [], []
    for item in parse_list(v):
        act, err = _p_enum(item, col)
        if err:
            errors.append(err)
        elif act not in out:
            out.append(act)
    if errors:
        return None, "; ".join(errors)
    return ";".join(out), None


def _p_coordinate(v, col):
    try:
        f = float(v.replace(",", "."))
    except ValueError:
        return None, f"'{v}' is not a number of degrees (e.g. 48.1374)"
    lo, hi = _COORDINATE_RANGE[col.kind]
    if not lo <= f <= hi:
        return None, f"{f:g} is outside {lo:g} to {hi:g} degrees"
    return f, None


def _p_postcode(v, col):
    if _POSTCODE.match(v):
        return v.upper(), None
    return None, f"'{v}' is not a postcode (letters, digits, spaces or '-', at most 10)"


def _p_email(v, col):
    if _EMAIL.match(v):
        return v, None
    return None, f"'{v}' is not an e-mail address (name@example.org)"


def _p_phone(v, col):
    digits = sum(ch.isdigit() for ch in v)
    lo, hi = _PHONE_DIGITS
    if _PHONE.match(v) and lo <= digits <= hi:
        return v, None
    return None, f"'{v}' is not a phone number ({lo}-{hi} digits, e.g. +49 89 1234567)"


def _p_url(v, col):
    if not _URL.match(v) or ("://" in v and not v.lower().startswith(("http://", "https://"))):
        return None, f"'{v}' is not a web address (e.g. https://www.example.org)"
    return (v if "://" in v else f"https://{v}"), None


_PARSERS = {
    "id": _p_id,
    "text": _p_text,
    "enum": _p_enum,
    "activity": _p_activity,
    "activities": _p_activities,
    "orgtypes": _p_activities,
    "langlist": _p_langlist,
    "country": _p_country,
    "anycountry": _p_anycountry,
    "flag": _p_flag,
    "countries": _p_countries,
    "languages": _p_languages,
    "days": _p_int,
    "count": _p_int,
    "rating": _p_rating,
    "date": _p_date,
    "timestamp": _p_timestamp,
    "bool": _p_bool,
    "isced": _p_isced,
    "nace": _p_nace,
    "oid": _p_oid,
    "latitude": _p_coordinate,
    "longitude": _p_coordinate,
    "postcode": _p_postcode,
    "email": _p_email,
    "phone": _p_phone,
    "url": _p_url,
}

#: What an empty cell holds, by kind (others: the empty string).
_DEFAULTS = {
    "bool": False,
    "date": pd.NaT,
    "timestamp": pd.NaT,
    "rating": pd.NA,
    "latitude": float("nan"),
    "longitude": float("nan"),
}
#: Kinds whose values are kept exactly as written (never reported as normalised).
_VERBATIM = ("text", "id", "email", "phone")


def _canonical_text(kind: str, value) -> str:
    """How a parsed value is written back, to tell whether the loader changed the input."""
    if kind == "date":
        return value.date().isoformat()
    if kind == "timestamp":
        return value.strftime(_TIMESTAMP_FORMAT)
    if kind == "bool":
        return "true" if value else "false"
    if kind in _COORDINATE_RANGE:
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def validate_frame(raw: pd.DataFrame, schema: TableSchema):
    """Validate an all-string frame from :func:`read_raw` against ``schema``.

    Returns ``(frame, problems, notes)``; ``frame`` holds the contract's columns in its
    order (typed when there is no problem) followed by any extra columns, kept as text.
    Fills and checks run only when every required column is present.
    """
    name = raw.attrs.get("file", schema.name)
    rows = raw.attrs.get("rows", list(range(2, len(raw) + 2)))
    raw, problems, notes = _match_header(raw, schema, name)
    extra = [c for c in raw.columns if c not in schema.names and c]
    if extra:
        notes.append(Note(name, "", f"extra columns kept as text: {', '.join(extra)}"))
    cells, cell_problems, cell_notes = _parse_cells(raw, schema, name, rows)
    problems += cell_problems + _duplicate_ids(cells, schema, name, rows)
    notes += cell_notes
    if not any(p.row == HEADER_ROW for p in problems):
        records = _records(cells, len(rows))
        notes += _apply_fills(records, cells, schema, name)
        notes += _apply_table_fills(records, cells, schema, name)
        problems += _run_checks(records, schema, name, rows)
        found, found_notes = _run_table_checks(records, schema, name, rows)
        problems += found
        notes += found_notes
    frame = pd.DataFrame({c: cells[c] for c in schema.names if c in cells})
    for c in extra:
        frame[c] = raw[c].to_numpy()
    if not problems:
        frame = _typed(frame, schema)
    frame.attrs = {}
    return frame, problems, notes


def _match_header(raw: pd.DataFrame, schema: TableSchema, name: str):
    """Match the header case-insensitively; ``(renamed raw, problems, notes)``."""
    problems: list[Problem] = []
    notes: list[Note] = []
    lookup = {c.lower(): c for c in raw.columns}
    renames = {}
    for col in schema.columns:
        found = lookup.get(col.name)
        if found is None:
            if col.required:
                problems.append(Problem(name, HEADER_ROW, col.name, "required column is missing"))
        elif found != col.name:
            renames[found] = col.name
    if renames:
        read_as = ", ".join(f"'{a}' as '{b}'" for a, b in renames.items())
        notes.append(Note(name, "", f"column names read case-insensitively: {read_as}"))
    return raw.rename(columns=renames), problems, notes


def _parse_cells(raw: pd.DataFrame, schema: TableSchema, name: str, rows: list[int]):
    """Parse every cell of the contract's columns; ``(cells, problems, notes)``.

    ``cells`` maps each column to its parsed values (``None`` where a cell is invalid, the
    kind's default where it is empty or the optional column is absent).
    """
    cells: dict[str, list] = {}
    problems: list[Problem] = []
    changed: dict[str, list] = defaultdict(list)
    for col in schema.columns:
        if col.name in raw.columns:
            cells[col.name] = _parse_column(
                col, raw[col.name].tolist(), name, rows, problems, changed
            )
        elif not col.required:
            cells[col.name] = [_DEFAULTS.get(col.kind, "")] * len(raw)
    notes = [
        Note(
            name,
            col_name,
            f"{len(items)} value(s) written in canonical form, e.g. row {row}: '{before}' -> '{after}'",
        )
        for col_name, items in changed.items()
        for row, before, after in items[:1]
    ]
    return cells, problems, notes


def _parse_column(col: Column, texts: list, name: str, rows: list[int], problems, changed) -> list:
    """Parse one column's cells; appends to ``problems`` and to ``changed[col.name]``."""
    parser = _PARSERS[col.kind]
    values = []
    for row, v in zip(rows, texts, strict=True):
        v = "" if v is None else str(v)
        if v == "":
            if col.nonempty:
                problems.append(Problem(name, row, col.name, "is empty"))
            values.append(_DEFAULTS.get(col.kind, ""))
            continue
        parsed, err = parser(v, col)
        if err:
            problems.append(Problem(name, row, col.name, err))
            parsed = None
        elif col.kind not in _VERBATIM and _canonical_text(col.kind, parsed) != v:
            changed[col.name].append((row, v, _canonical_text(col.kind, parsed)))
        values.append(parsed)
    return values


def _duplicate_ids(cells: dict, schema: TableSchema, name: str, rows: list[int]) -> list[Problem]:
    """A problem for every repeated id, naming the row where it first appears."""
    idc = schema.id_column
    if idc is None or idc not in cells:
        return []
    problems = []
    first: dict[str, int] = {}
    for row, v in zip(rows, cells[idc], strict=True):
        if v == "":
            continue
        if v in first:
            problems.append(
                Problem(name, row, idc, f"duplicate id '{v}' (first at row {first[v]})")
            )
        else:
            first[v] = row
    return problems


def _records(cells: dict[str, list], n_rows: int) -> list[dict]:
    """The parsed table as one mapping per row, the form the schema's rules read."""
    return [{c: values[i] for c, values in cells.items()} for i in range(n_rows)]


def _present(value) -> bool:
    """A valid, non-empty parsed value (not a parse failure, empty text, NaT or NA)."""
    if value is None or (isinstance(value, str) and value == ""):
        return False
    return not pd.isna(value)


def _apply_fills(records: list[dict], cells: dict, schema: TableSchema, name: str) -> list[Note]:
    """Fill empty cells by the schema's fills (in place); a note per fill that filled any."""
    notes = []
    for fill in schema.fills:
        count = 0
        for i, record in enumerate(records):
            if record[fill.column] != "" or not all(_present(record[c]) for c in fill.needs):
                continue
            value = fill.rule(record)
            if value is not None:
                record[fill.column] = cells[fill.column][i] = value
                count += 1
        if count:
            notes.append(Note(name, fill.column, fill.note.format(count=count)))
    return notes


def _run_checks(records: list[dict], schema: TableSchema, name: str, rows: list[int]):
    """Every failure of the schema's checks, row by row, each naming row and column."""
    problems = []
    for row, record in zip(rows, records, strict=True):
        for check in schema.checks:
            if not all(_present(record[c]) for c in check.needs):
                continue
            failure = check.rule(record)
            if failure is not None:
                problems.append(Problem(name, row, *failure))
    return problems


def _apply_table_fills(records: list[dict], cells: dict, schema: TableSchema, name: str):
    """Fill empty cells from other rows (in place); a note per fill that filled any."""
    notes = []
    for fill in schema.table_fills:
        filled = fill.rule(records)
        for i, value in filled.items():
            records[i][fill.column] = cells[fill.column][i] = value
        if filled:
            notes.append(Note(name, fill.column, fill.note.format(count=len(filled))))
    return notes


def _run_table_checks(records: list[dict], schema: TableSchema, name: str, rows: list[int]):
    """Problems and notes of the schema's rules across rows, each naming row and column."""
    problems, notes = [], []
    for check in schema.table_checks:
        for index, column, message in check.rule(records):
            if check.note:
                notes.append(Note(name, column, f"row {rows[index]}: {message}"))
            else:
                problems.append(Problem(name, rows[index], column, message))
    return problems, notes


def _typed(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Give each contract column its dtype (all cells are known valid here)."""
    for col in schema.columns:
        if col.name not in frame:
            continue
        frame[col.name] = _typed_column(frame[col.name], col.kind)
    return frame.reset_index(drop=True)


def _typed_column(values: pd.Series, kind: str) -> pd.Series:
    if kind == "count":  # an optional count left empty (or a column left out) counts 0
        return pd.to_numeric(values.replace("", "0")).astype("int64")
    if kind == "days":
        return values.astype("int64")
    if kind == "rating":
        return values.astype("Int64")
    if kind == "date":
        return pd.to_datetime(values).astype("datetime64[ns]")
    if kind == "timestamp":
        return pd.to_datetime(values, utc=True).astype("datetime64[ns, UTC]")
    if kind == "bool":
        return values.astype(bool)
    if kind in _COORDINATE_RANGE:
        return values.astype("float64")
    return values.astype(str)  # pandas' default text dtype ("str" in pandas 3, object before)
