"""Destination preference and travel between the home and the host country."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import taxonomy as tx
from ..io import parse_list
from ._state import Fitted, column

__all__ = [
    "destination_score",
    "destination_reason",
    "country_distance_km",
    "travel_km",
    "travel_score",
    "travel_reason",
]

#: Mean Earth radius in km (great-circle distances).
EARTH_RADIUS_KM = 6371.0


def destination_score(S: Fitted, pi, hj) -> np.ndarray:
    """1 for a preferred destination or no preference, 0 otherwise: ``(len(pi), m)``."""
    P = S.P
    hit = P.prefs[pi][:, column(S.H.country, hj)[0]]
    return np.where(P.has_prefs[pi][:, None], hit, True).astype(np.float32)


def destination_reason(S: Fitted, i: int, j: int) -> str:
    """The sentence for the destination score."""
    prefs = parse_list(S.p["preferred_countries"][i])
    country = S.h["country"][j]
    if not prefs:
        return "no destination preference"
    if country in prefs:
        return f"{country} is a preferred destination"
    return f"{country} is not among the preferred destinations ({', '.join(prefs)})"


@lru_cache(maxsize=1)
def country_distance_km() -> np.ndarray:
    """Great-circle distance between capitals, ``(C, C)`` in the order of programme countries."""
    c = tx.countries()
    lat, lon = np.radians(c["lat"].to_numpy()), np.radians(c["lon"].to_numpy())
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def travel_km(S: Fitted, pi, hj) -> np.ndarray:
    """Capital-to-capital distance ``(len(pi), m)`` in km."""
    return country_distance_km()[S.P.country[pi][:, None], column(S.H.country, hj)]


def travel_score(S: Fitted, pi, hj) -> np.ndarray:
    """Green-travel feasibility ``(len(pi), m)``: 1 up to ``travel_green_km``, 0 from ``travel_far_km``."""
    green, far = S.config.travel_green_km, S.config.travel_far_km
    km = travel_km(S, pi, hj)
    return np.clip((far - km) / (far - green), 0.0, 1.0).astype(np.float32)


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Capital of each programme country, by country code."""
    return tx.countries()["capital"].to_dict()


def travel_reason(S: Fitted, i: int, j: int) -> str:
    """The sentence for the travel score, with the same distance limits as the score."""
    green, far = S.config.travel_green_km, S.config.travel_far_km
    km = float(country_distance_km()[S.P.country[i], S.H.country[j]])  # travel_km's table
    capitals = _capitals()
    home = capitals[S.p["home_country"][i]]
    dest = capitals[S.h["country"][j]]
    if km <= green:
        mode = "green travel (train, bus) realistic"
    elif km < far:
        mode = "green travel possible but long"
    else:
        mode = "likely a flight"
    return f"{home} -> {dest} about {km:,.0f} km: {mode}"
