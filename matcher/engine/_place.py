"""Destination preference, and travel between the sending town and the host's town."""

from __future__ import annotations

import numpy as np

from .. import geo
from .. import taxonomy as tx
from ..io import parse_list
from ._state import Fitted, column

__all__ = [
    "destination_score",
    "destination_reason",
    "travel_km",
    "pair_km",
    "travel_score",
    "travel_reason",
    "travel_reason_for_host",
]


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


def _distinct_km(S: Fitted, pi, hj) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """km between the distinct places of the block ``(u_p, u_h)``, and each row's and
    column's index into them: a few towns send to many hosts that share towns."""
    T = S.travel
    pu, p_inv = np.unique(T.p_loc[pi], return_inverse=True)
    h_loc = T.h_loc[hj]
    if isinstance(hj, slice) or np.size(h_loc) >= len(T.h_xyz):  # no sort of 100k towns
        hu, h_inv = np.arange(len(T.h_xyz)), h_loc
    else:
        hu, h_inv = np.unique(h_loc, return_inverse=True)
    km = geo.chord_distance_km(T.p_xyz[pu], T.h_xyz[hu])
    return km, p_inv.reshape(-1), np.asarray(h_inv).reshape(-1)


def travel_km(S: Fitted, pi, hj) -> np.ndarray:
    """Great-circle km from each participant's sending town to each host's town,
    ``(len(pi), m)`` (city level where known, capitals as the fallback)."""
    km, p_inv, h_inv = _distinct_km(S, pi, hj)
    return km[p_inv][:, h_inv]


def pair_km(S: Fitted, pi, hj) -> np.ndarray:
    """Great-circle km of aligned pairs: participant ``pi[k]`` to host ``hj[k]``, ``(k,)``."""
    T = S.travel
    a, b = T.p_xyz[T.p_loc[pi]], T.h_xyz[T.h_loc[hj]]
    half_chord = np.linalg.norm(a - b, axis=1) / 2
    return 2 * geo.EARTH_RADIUS_KM * np.arcsin(np.clip(half_chord, 0.0, 1.0))


def _score_table(values) -> np.ndarray:
    """Scores indexed by band + 1: under the first band scores like the first band."""
    values = np.asarray(values, dtype=np.float32)
    return np.concatenate([values[:1], values])


def travel_score(S: Fitted, pi, hj) -> np.ndarray:
    """Travel fit ``(len(pi), m)`` by the distance band between the two towns, from the
    configured scores per band for standard and for green travellers."""
    km, p_inv, h_inv = _distinct_km(S, pi, hj)
    band = (geo.distance_band(km) + 1)[p_inv][:, h_inv]  # banded once per pair of towns
    standard = _score_table(S.config.travel_band_scores)[band]
    green = _score_table(S.config.travel_green_band_scores)[band]
    return np.where(S.travel.green[pi][:, None], green, standard).astype(np.float32)


def _place_text(places: geo.Places, r: int, whose: str) -> str:
    """A place as the reason names it, saying when the capital stands in for the town."""
    name, given = places.name[r], places.given[r]
    if places.how[r] == geo.HOW_CAPITAL:
        missing = f"{whose} '{given}' not found" if given else f"no {whose} given"
        return f"{name} (capital; {missing})"
    return name or f"{whose} coordinates"


def _mode_text(S: Fitted, i: int) -> str:
    days = tx.travel_days()
    if S.travel.green[i]:
        return f"green travel (train, bus, car-sharing), up to {days['green']} funded travel days"
    return f"standard travel, {days['standard']} funded travel days"


def _distance_text(S: Fitted, i: int, j: int, km: float | None = None) -> tuple[float, str]:
    """The pair's distance and band in words (``km``: the pair's distance when the caller
    has it, e.g. the result row's)."""
    if km is None:
        km = float(pair_km(S, np.array([i]), np.array([j]))[0])
    return km, f"about {km:,.0f} km, band {geo.band_label(geo.band_of(km))}"


def travel_reason(S: Fitted, i: int, j: int, km: float | None = None) -> str:
    """The sentence for the travel score: the two towns, the distance and its band, and the
    participant's travel mode, with the same arrays as the score."""
    T = S.travel
    _, distance = _distance_text(S, i, j, km)
    home = _place_text(T.participants, i, "sending town")
    dest = _place_text(T.hosts, j, "host town")
    both_capitals = T.participants.how[i] == T.hosts.how[j] == geo.HOW_CAPITAL
    level = " (capital to capital)" if both_capitals else ""
    return f"{home} -> {dest}: {distance}{level}; {_mode_text(S, i)}"


def travel_reason_for_host(S: Fitted, i: int, j: int, km: float | None = None) -> str:
    """The travel sentence a host sees: the distance band and the travel mode only. Neither
    the candidate's town (which would point to the sending school) nor the distance in km
    (with the home country shown, a distance from a known host town narrows the town down
    to a ring of a few places)."""
    if km is None:
        km = float(pair_km(S, np.array([i]), np.array([j]))[0])
    band = geo.band_label(geo.band_of(km))
    return f"from the candidate's home town: band {band}; {_mode_text(S, i)}"
