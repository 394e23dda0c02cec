"""Great-circle distances and the Commission's distance bands."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from math import isnan

import numpy as np

from .. import taxonomy as tx

__all__ = [
    "EARTH_RADIUS_KM",
    "great_circle_km",
    "distance_matrix_km",
    "unit_vectors",
    "chord_distance_km",
    "distance_band",
    "band_of",
    "band_label",
    "NO_BAND",
]

#: Mean Earth radius in km, as great-circle distance calculators use it.
EARTH_RADIUS_KM = 6371.0
#: Band index of a distance below the first band (no travel support).
NO_BAND = -1


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle (haversine) distance in km between points given in degrees; the
    arguments broadcast like numpy arrays.

    Examples
    --------
    >>> round(float(great_circle_km(48.21, 16.37, 48.14, 11.58)))  # Vienna - Munich
    355
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(x, dtype=np.float64)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_matrix_km(lat_a, lon_a, lat_b, lon_b) -> np.ndarray:
    """All pairs: ``(len(a), len(b))`` great-circle km from each point of ``a`` to each of ``b``.

    Examples
    --------
    >>> distance_matrix_km([48.21, 41.9], [16.37, 12.5], [48.14], [11.58]).round(-1).tolist()
    [[360.0], [700.0]]
    """
    lat_a, lon_a = np.asarray(lat_a, dtype=np.float64), np.asarray(lon_a, dtype=np.float64)
    return great_circle_km(lat_a[:, None], lon_a[:, None], np.asarray(lat_b)[None, :], lon_b)


def unit_vectors(lat, lon) -> np.ndarray:
    """Points given in degrees as unit vectors ``(n, 3)``, for :func:`chord_distance_km`."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def chord_distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """All pairs ``(len(a), len(b))`` of great-circle km between unit vectors (one matrix
    product instead of four trigonometric functions per pair; the same distances as
    :func:`distance_matrix_km`).

    Examples
    --------
    >>> a, b = unit_vectors([48.21], [16.37]), unit_vectors([48.14], [11.58])
    >>> round(float(chord_distance_km(a, b)[0, 0]))
    355
    """
    half_chord = np.sqrt(np.clip(2.0 - 2.0 * (a @ b.T), 0.0, 4.0)) / 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(half_chord, 0.0, 1.0))


@lru_cache(maxsize=1)
def _bands() -> tuple[np.ndarray, tuple[str, ...], str, list[float]]:
    """The bands' starting km, their labels, the label under the first band and the starts
    as a list, read once from the programme table (a reason per result row must not read a
    table each time)."""
    bands = tx.distance_bands()
    starts = bands["min_km"].to_numpy(dtype=np.float64)
    labels = tuple(
        f"{lo:,.0f} km or more" if np.isnan(hi) else f"{lo:,.0f}-{hi:,.0f} km"
        for lo, hi in zip(bands["min_km"], bands["max_km"], strict=True)
    )
    return starts, labels, f"under {starts[0]:,.0f} km", starts.tolist()


def distance_band(km) -> np.ndarray:
    """Index of each distance's band in ``taxonomy.distance_bands()`` (same shape as ``km``);
    :data:`NO_BAND` under the first band, and for unknown (NaN) distances.

    Examples
    --------
    >>> distance_band([5, 10, 99.9, 100, 1999, 2000, 8000, 12000]).tolist()
    [-1, 0, 0, 1, 2, 3, 6, 6]
    """
    km = np.asarray(km, dtype=np.float64)
    band = np.searchsorted(_bands()[0], km, side="right") - 1
    return np.where(np.isnan(km), NO_BAND, band).astype(np.int8)


def band_of(km: float) -> int:
    """:func:`distance_band` of one distance, without array overhead (a reason per row).

    Examples
    --------
    >>> band_of(99.9), band_of(100.0), band_of(5.0), band_of(float("nan"))
    (0, 1, -1, -1)
    """
    if isnan(km):
        return NO_BAND
    return bisect_right(_bands()[3], km) - 1


def band_label(band: int) -> str:
    """A band in plain words: ``"100-499 km"``, ``"8,000 km or more"``, ``"under 10 km"``.

    Examples
    --------
    >>> band_label(2), band_label(6), band_label(-1)
    ('500-1,999 km', '8,000 km or more', 'under 10 km')
    """
    _, labels, under, _ = _bands()
    return under if band < 0 else labels[band]
