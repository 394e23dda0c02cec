"""Checking a raw table against its schema: every problem by file, row and column."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ._errors import Note, Problem
from ._schema import HOSTS, PARTICIPANTS, TableSchema

__all__ = [
    "validate_frame",
    "parse_languages",
    "format_languages",
    "parse_list",
    "infer_activity",
]

_TRUE = {"true", "yes", "y", "1", "x", "ja", "oui", "si", "sì", "wahr", "vrai"}
_FALSE = {"false", "no", "n", "0", "nein", "non", "falsch", "faux"}
_LANG_ITEM = re.compile(r"^([A-Za-z]{2})\s*[:=\-\s]\s*([A-Za-z0-9]+)$")
_OID = re.compile(r"^E\d{8}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d")
_MAX_DAYS = 365


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
    return "; ".join(f"{code}:{level}" for code, level in levels.items())


def infer_activity(role: str, dmin: int, dmax: int) -> str | None:
    """The activity whose programme limits contain ``[dmin, dmax]`` for this role.

    Learners: short-term, then long-term. Staff: job shadowing, then teaching/training
    assignment. Skills competitions, group mobility and courses are never inferred.
    """
    limits = tx.activity_limits()
    order = ("short_term", "long_term") if role == "learner" else ("job_shadowing", "teaching")
    for act in order:
        _, lo, hi = limits[act]
        if lo <= dmin and dmax <= hi:
            return act
    return None


# --- cell parsers: value -> (parsed, error or None) ------------------------------------------


def _p_text(v, col):
    return v, None


def _p_enum(v, col):
    low = v.lower().replace("-", "_").replace(" ", "_")
    if low in col.choices:
        return low, None
    return None, f"'{v}' is not one of: {', '.join(col.choices)}"


def _p_country(v, col):
    return tx.normalise_country(v)


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


_PARSERS = {
    "id": _p_text,
    "text": _p_text,
    "enum": _p_enum,
    "activity": _p_activity,
    "activities": _p_activities,
    "orgtypes": _p_activities,
    "langlist": _p_langlist,
    "country": _p_country,
    "countries": _p_countries,
    "languages": _p_languages,
    "days": _p_int,
    "count": _p_int,
    "date": _p_date,
    "bool": _p_bool,
    "isced": _p_isced,
    "nace": _p_nace,
    "oid": _p_oid,
}

_DEFAULTS = {"bool": False, "date": pd.NaT}


def _canonical_text(kind: str, value) -> str:
    """How a parsed value is written back, to tell whether the loader changed the input."""
    if kind == "date":
        return value.date().isoformat()
    if kind == "bool":
        return "true" if value else "false"
    return str(value)


def validate_frame(raw: pd.DataFrame, schema: TableSchema):
    """Validate an all-string frame from :func:`read_raw`.

    Returns ``(frame, problems, notes)``; ``frame`` holds the contract's columns in its
    order (typed) followed by any extra columns, kept as text.
    """
    name = raw.attrs.get("file", schema.name)
    rows = raw.attrs.get("rows", list(range(2, len(raw) + 2)))
    problems: list[Problem] = []
    notes: list[Note] = []

    # header: match case-insensitively, report what is missing
    lookup = {c.lower(): c for c in raw.columns}
    renames = {}
    for col in schema.columns:
        found = lookup.get(col.name)
        if found is None:
            if col.required:
                problems.append(Problem(name, 1, col.name, "required column is missing"))
        elif found != col.name:
            renames[found] = col.name
    if renames:
        notes.append(
            Note(
                name,
                "",
                "column names read case-insensitively: "
                + ", ".join(f"'{a}' as '{b}'" for a, b in renames.items()),
            )
        )
    raw = raw.rename(columns=renames)
    extra = [c for c in raw.columns if c not in schema.names and c]
    if extra:
        notes.append(Note(name, "", f"extra columns kept as text: {', '.join(extra)}"))

    out: dict[str, list] = {}
    changed: dict[str, list] = defaultdict(list)
    for col in schema.columns:
        if col.name not in raw.columns:
            if not col.required:
                out[col.name] = [_DEFAULTS.get(col.kind, "")] * len(raw)
            continue
        parser = _PARSERS[col.kind]
        values = []
        for row, v in zip(rows, raw[col.name].tolist(), strict=True):
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
            elif col.kind not in ("text", "id") and _canonical_text(col.kind, parsed) != v:
                changed[col.name].append((row, v, _canonical_text(col.kind, parsed)))
            values.append(parsed)
        out[col.name] = values

    for col_name, items in changed.items():
        row, before, after = items[0]
        notes.append(
            Note(
                name,
                col_name,
                f"{len(items)} value(s) written in canonical form, e.g. row {row}: '{before}' -> '{after}'",
            )
        )

    # unique ids
    idc = schema.id_column
    if idc in out:
        first: dict[str, int] = {}
        for row, v in zip(rows, out[idc], strict=True):
            if v == "":
                continue
            if v in first:
                problems.append(
                    Problem(name, row, idc, f"duplicate id '{v}' (first at row {first[v]})")
                )
            else:
                first[v] = row

    if not any(p.row == 1 for p in problems):
        if schema is PARTICIPANTS:
            _check_participants(out, rows, name, problems, notes)
        elif schema is HOSTS:
            _check_hosts(out, rows, name, problems)

    frame = pd.DataFrame({c: out[c] for c in schema.names if c in out})
    for c in extra:
        frame[c] = raw[c].to_numpy()
    if not problems:
        frame = _typed(frame, schema)
    frame.attrs = {}
    return frame, problems, notes


def _typed(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    for col in schema.columns:
        if col.name not in frame:
            continue
        if col.kind in ("days", "count"):
            frame[col.name] = frame[col.name].astype("int64")
        elif col.kind == "date":
            frame[col.name] = pd.to_datetime(frame[col.name]).astype("datetime64[ns]")
        elif col.kind == "bool":
            frame[col.name] = frame[col.name].astype(bool)
        else:  # pandas' default text dtype ("str" in pandas 3, object before)
            frame[col.name] = frame[col.name].astype(str)
    return frame.reset_index(drop=True)


def _ok(*values) -> bool:
    return all(
        v is not None and v != "" and not (isinstance(v, float) and np.isnan(v)) for v in values
    )


def _check_dates(out, i, row, name, problems, dmin=None):
    a, b = out["available_from"][i], out["available_to"][i]
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return
    if b < a:
        problems.append(
            Problem(name, row, "available_to", f"{b.date()} is before available_from {a.date()}")
        )
    elif dmin is not None and (b - a).days + 1 < dmin:
        problems.append(
            Problem(
                name,
                row,
                "available_to",
                f"window {a.date()} to {b.date()} is {(b - a).days + 1} days, shorter than duration_min_days {dmin}",
            )
        )


def _check_participants(out, rows, name, problems, notes):
    limits = tx.activity_limits()
    inferred = 0
    for i, row in enumerate(rows):
        role, act = out["role"][i], out["activity"][i]
        dmin, dmax = out["duration_min_days"][i], out["duration_max_days"][i]
        if _ok(dmin, dmax) and dmin > dmax:
            problems.append(
                Problem(
                    name,
                    row,
                    "duration_min_days",
                    f"{dmin} is greater than duration_max_days {dmax}",
                )
            )
        elif _ok(role, dmin, dmax) and act is not None:
            if act == "":
                guess = infer_activity(role, dmin, dmax)
                if guess is None:
                    options = ", ".join(
                        f"{a} {lo}-{hi}" for a, (r, lo, hi) in limits.items() if r == role
                    )
                    problems.append(
                        Problem(
                            name,
                            row,
                            "duration_max_days",
                            f"a {role} stay of {dmin}-{dmax} days fits no single activity ({options}); narrow the window or set the activity",
                        )
                    )
                else:
                    out["activity"][i] = guess
                    inferred += 1
            else:
                a_role, lo, hi = limits[act]
                if a_role != role:
                    problems.append(
                        Problem(
                            name,
                            row,
                            "activity",
                            f"'{act}' is a {a_role} activity, but role is {role}",
                        )
                    )
                elif dmin < lo or dmax > hi:
                    problems.append(
                        Problem(
                            name,
                            row,
                            "duration_min_days" if dmin < lo else "duration_max_days",
                            f"{dmin}-{dmax} days is outside the programme limits for {act} ({lo}-{hi} days)",
                        )
                    )
        _check_dates(out, i, row, name, problems, dmin if _ok(dmin) else None)
        home, pref = out["home_country"][i], out["preferred_countries"][i]
        if _ok(home, pref) and home in pref.split(";"):
            problems.append(
                Problem(
                    name,
                    row,
                    "preferred_countries",
                    f"includes the home country {home}; mobility is cross-border",
                )
            )
    if inferred:
        notes.append(
            Note(
                name,
                "activity",
                f"inferred from role and duration for {inferred} row(s) (empty cells)",
            )
        )


def _check_hosts(out, rows, name, problems):
    limits = tx.activity_limits()
    for i, row in enumerate(rows):
        dmin, dmax = out["duration_min_days"][i], out["duration_max_days"][i]
        if _ok(dmin, dmax) and dmin > dmax:
            problems.append(
                Problem(
                    name,
                    row,
                    "duration_min_days",
                    f"{dmin} is greater than duration_max_days {dmax}",
                )
            )
        _check_dates(out, i, row, name, problems, dmin if _ok(dmin) else None)
        accepts, acts = out["accepts"][i], out["activities"][i]
        if _ok(accepts, acts):
            roles = ("learner", "staff") if accepts == "both" else (accepts,)
            wrong = [a for a in acts.split(";") if limits[a][0] not in roles]
            if wrong:
                problems.append(
                    Problem(
                        name,
                        row,
                        "activities",
                        f"{', '.join(wrong)} not open to {accepts} (accepts)",
                    )
                )
