"""Ranked tables on stdout: as an aligned table, CSV (formula-safe) or JSON."""

from __future__ import annotations

import json
import sys

import pandas as pd

FORMATS = ("table", "csv", "json")
#: Decimals of scores in JSON and in tables and CSV.
JSON_DECIMALS = 4
TABLE_DECIMALS = 3
#: pandas display options of the table format.
TABLE_DISPLAY = {"display.width": 200, "display.max_columns": 30, "display.max_colwidth": 40}
#: Show a progress bar (on a terminal) for more ids than this.
PROGRESS_ABOVE = 20
_ISO_DATE = slice(0, 10)


def progress(items, label: str):
    """``items`` behind a progress bar on stderr when there are many and stderr is a terminal."""
    if len(items) <= PROGRESS_ABOVE or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, file=sys.stderr)


def display_options(options: dict) -> list:
    """``{"display.width": 200}`` as the flat ``["display.width", 200]`` of ``pd.option_context``."""
    return [x for item in options.items() for x in item]


def flatten(ranked: pd.DataFrame) -> pd.DataFrame:
    """Components (``score_<criterion>``) and reasons (one text) as columns, for CSV and tables."""
    out = ranked.drop(columns=["components", "reasons"])
    if len(ranked):
        comps = pd.DataFrame(list(ranked["components"])).add_prefix("score_")
        out = pd.concat([out.reset_index(drop=True), comps.round(TABLE_DECIMALS)], axis=1)
        out["reasons"] = ["; ".join(f"{k}: {v}" for k, v in r.items()) for r in ranked["reasons"]]
    return out


def round_score(score) -> float:
    """A score rounded for JSON."""
    return round(float(score), JSON_DECIMALS)


def rounded(components: dict) -> dict:
    """Per-criterion scores rounded for JSON."""
    return {k: round_score(v) for k, v in components.items()}


def _json_value(value):
    if isinstance(value, pd.Timestamp):
        return value.isoformat()[_ISO_DATE]
    return None if value is pd.NaT else value


def _json_records(ranked: pd.DataFrame) -> list[dict]:
    records = []
    for row in ranked.to_dict("records"):
        row["score"] = round_score(row["score"])
        row["components"] = rounded(row["components"])
        records.append({k: _json_value(v) for k, v in row.items()})
    return records


def _write_csv(ranked: pd.DataFrame, out, header: bool = True) -> None:
    from ..io import neutralise_formula, to_cell_text

    flat = flatten(ranked)
    for c in flat.columns:
        flat[c] = [neutralise_formula(to_cell_text(v)) for v in flat[c]]
    flat.to_csv(out, index=False, header=header)


def _write_table(ranked: pd.DataFrame, out) -> None:
    if ranked.empty:
        out.write("no feasible match\n")
        return
    flat = flatten(ranked).drop(columns=["reasons"])
    flat["score"] = flat["score"].round(TABLE_DECIMALS)
    with pd.option_context(*display_options(TABLE_DISPLAY)):
        out.write(flat.to_string(index=False) + "\n")


def emit_stream(frames, fmt: str, out, total: int | None = None, label: str = "") -> None:
    """Write ranked tables as they come (one per block), without holding them all.

    CSV has one header; JSON is one array written record by record; the table format
    prints each block under its own header. ``total`` (rows of the first side, e.g.
    participants) drives a progress bar on stderr when it is a terminal.
    """
    bar = _bar(total, label)
    first = True
    if fmt == "json":
        out.write("[")
    for ranked in frames:
        if fmt == "json":
            for record in _json_records(ranked):
                out.write(
                    ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False, default=str)
                )
                first = False
        elif fmt == "csv":
            _write_csv(ranked, out, header=first)
            first = False
        elif len(ranked):
            _write_table(ranked, out)
            first = False
        if bar is not None:
            bar.update(ranked.iloc[:, 0].nunique() if len(ranked) else 0)
    if fmt == "json":
        out.write("\n]\n")
    elif fmt == "table" and first:
        out.write("no feasible match\n")
    if bar is not None:
        bar.close()


def _bar(total, label):
    if not total or total <= PROGRESS_ABOVE or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=label, file=sys.stderr)


def emit(frames: list[pd.DataFrame], fmt: str, out) -> None:
    """Write ranked rows (with ``score``, ``components`` and ``reasons``) in one of :data:`FORMATS`.

    Parameters
    ----------
    frames : list of pandas.DataFrame
        Ranked rows, e.g. one frame per participant; written as one table.
    fmt : {"table", "csv", "json"}
        Output format.
    out : file-like
        Where to write (stdout).
    """
    ranked = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if fmt == "json":
        json.dump(_json_records(ranked), out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == "csv":
        _write_csv(ranked, out)
    else:
        _write_table(ranked, out)
