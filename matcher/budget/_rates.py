"""The rates table (``rates.csv``): what each budget item costs, with source and year.

Validated once when read; every problem names the file, the row and the column. An empty
``figure`` is a rate not set yet (configuration the user fills in), never zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from .._config import Config
from ..io import DataValidationError, Problem

__all__ = ["Rates", "load_rates", "rates_path", "ITEMS", "RATE_COLUMNS"]

#: The budget items, in the order of a breakdown.
ITEMS = (
    "travel",
    "individual_support",
    "organisational_support",
    "inclusion_support",
    "course_fee",
)
#: Columns of ``rates.csv``.
RATE_COLUMNS = (
    "key",
    "item",
    "role",
    "mode",
    "band",
    "country_group",
    "countries",
    "figure",
    "unit",
    "max_units",
    "label",
    "source",
    "programme_year",
    "checked",
)
_YEAR = re.compile(r"^\d{4}$")
_ROLES = ("learner", "staff")


@dataclass(frozen=True)
class Rates:
    """Rates as arrays the cost arithmetic indexes; NaN where a figure is not set.

    Attributes
    ----------
    table : DataFrame
        The rows of ``rates.csv`` as read (``figure`` as float, NaN when empty).
    travel : ndarray (2, n_bands)
        EUR per participant by travel mode (``standard``, ``green``) and distance band.
    individual : ndarray (2, n_countries)
        EUR per day by role (learner, staff) and destination (``taxonomy.programme_countries()``).
    group : ndarray (n_countries,) object
        Each destination's country group ("" when no row lists it).
    organisational, inclusion, course_fee : float
        EUR per participant; per participant with fewer opportunities; per course day.
    course_fee_days : float
        Course days that get course fees at most (NaN: no limit given).
    """

    table: pd.DataFrame
    travel: np.ndarray
    individual: np.ndarray
    group: np.ndarray
    organisational: float
    inclusion: float
    course_fee: float
    course_fee_days: float

    @property
    def configured(self) -> bool:
        """Whether every figure of the table is set."""
        return bool(self.table["figure"].notna().all())


def rates_path(config: Config | None = None) -> Path:
    """``config.rates_file`` when set, else the package's ``rates.csv``."""
    config = config or Config.from_env()
    return Path(config.rates_file) if config.rates_file else tx.taxonomy_dir() / "rates.csv"


def _number(value: str, row: int, column: str, name: str, problems: list) -> float:
    if value == "":
        return np.nan
    try:
        f = float(value.replace(",", "."))
    except ValueError:
        problems.append(Problem(name, row, column, f"'{value}' is not a number"))
        return np.nan
    if not np.isfinite(f) or f < 0:
        problems.append(Problem(name, row, column, f"{value} is not an amount >= 0"))
        return np.nan
    return f


def _check_row(r: dict, row: int, name: str, problems: list) -> None:
    """Problems of one row's keys: item, role, mode, band, countries, year, checked."""
    bands = set(tx.distance_bands()["key"])
    countries = set(tx.programme_countries())
    checks = [
        ("item", r["item"] in ITEMS, f"is not one of: {', '.join(ITEMS)}"),
        ("role", r["role"] in ("", *_ROLES), "is not learner or staff"),
        ("mode", r["mode"] in ("", *tx.TRAVEL_MODES), "is not standard or green"),
        ("band", r["band"] in bands or r["item"] != "travel", "is not a distance band key"),
        ("programme_year", r["programme_year"] == "" or _YEAR.match(r["programme_year"]), "is not a year"),
        ("checked", r["checked"] in ("true", "false"), "is not true or false"),
    ]  # fmt: skip
    unknown = [c for c in r["countries"].split(";") if c and c not in countries]
    if unknown:
        checks.append(("countries", False, f"not programme countries: {', '.join(unknown)}"))
    for column, ok, message in checks:
        if not ok:
            problems.append(Problem(name, row, column, f"'{r[column]}' {message}"))


def _read(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The table with ``figure`` and ``max_units`` as floats, and every problem found."""
    name = path.name
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in RATE_COLUMNS if c not in df.columns]
    if missing:
        raise DataValidationError(
            [Problem(name, 1, c, "required column is missing") for c in missing]
        )
    problems: list[Problem] = []
    figures, units = [], []
    for k, r in enumerate(df.to_dict("records")):
        row = k + 2
        r = {c: str(v).strip() for c, v in r.items()}
        _check_row(r, row, name, problems)
        figures.append(_number(r["figure"], row, "figure", name, problems))
        units.append(_number(r["max_units"], row, "max_units", name, problems))
    for row in df.index[df["key"].duplicated()]:
        problems.append(Problem(name, row + 2, "key", f"duplicate key '{df.at[row, 'key']}'"))
    df["figure"], df["max_units"] = figures, units
    return df, problems


def _one(df: pd.DataFrame, item: str, column: str = "figure") -> float:
    values = df.loc[df["item"] == item, column]
    return float(values.iloc[0]) if len(values) else np.nan


def _arrays(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Travel ``(2, n_bands)``, individual support ``(2, C)`` and country groups ``(C,)``."""
    bands = list(tx.distance_bands()["key"])
    countries = list(tx.programme_countries())
    travel = np.full((len(tx.TRAVEL_MODES), len(bands)), np.nan)
    individual = np.full((len(_ROLES), len(countries)), np.nan)
    group = np.full(len(countries), "", dtype=object)
    for r in df.itertuples():
        if r.item == "travel":
            travel[tx.TRAVEL_MODES.index(r.mode), bands.index(r.band)] = r.figure
        elif r.item == "individual_support" and r.role in _ROLES:
            for c in filter(None, r.countries.split(";")):
                individual[_ROLES.index(r.role), countries.index(c)] = r.figure
                group[countries.index(c)] = r.country_group
    return travel, individual, group


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Rates:
    df, problems = _read(Path(path))
    if problems:
        raise DataValidationError(problems)
    travel, individual, group = _arrays(df)
    return Rates(
        table=df,
        travel=travel,
        individual=individual,
        group=group,
        organisational=_one(df, "organisational_support"),
        inclusion=_one(df, "inclusion_support"),
        course_fee=_one(df, "course_fee"),
        course_fee_days=_one(df, "course_fee", "max_units"),
    )


def load_rates(path=None, config: Config | None = None) -> Rates:
    """The rates table at ``path`` (default :func:`rates_path`), validated; read again when
    the file changes. Raises :class:`~matcher.io.DataValidationError` listing every problem.

    Examples
    --------
    >>> rates = load_rates()
    >>> rates.travel.shape, rates.configured   # the package's copy: amounts not set
    ((2, 7), False)
    """
    path = Path(path) if path is not None else rates_path(config)
    return _load(str(path), path.stat().st_mtime)
