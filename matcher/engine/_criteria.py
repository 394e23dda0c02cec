"""Soft criteria and hard rules as vectorised functions.

Every function takes the prepared arrays and a block of participant rows ``pi`` (index
array) and host columns ``hj`` (index array or ``slice(None)``), and returns an array
``(len(pi), n_hosts_in_block)``: scores in [0, 1] for criteria, booleans for rules.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import taxonomy as tx
from ._prepare import HostArrays, ParticipantArrays

__all__ = [
    "CRITERIA",
    "RULES",
    "sector_text_cos",
    "sector_score",
    "language_score",
    "language_table",
    "duration_overlap",
    "duration_score",
    "date_overlap_days",
    "dates_score",
    "destination_score",
    "travel_km",
    "travel_score",
    "inclusion_score",
    "feasibility",
    "country_distance_km",
]

CRITERIA = (
    "sector",
    "language",
    "duration",
    "dates",
    "destination",
    "travel",
    "inclusion",
    "cooperation",
)
RULES = (
    "cross_border",
    "role_activity",
    "duration",
    "dates",
    "capacity",
    "accessibility",
    "not_declined",
)


def _col(x: np.ndarray, hj) -> np.ndarray:
    return x[hj][None, ...] if x.ndim == 1 else x[hj]


# --- sector ----------------------------------------------------------------------------------


def sector_text_cos(P: ParticipantArrays, H: HostArrays, pi, hj) -> np.ndarray:
    """Cosine of participant and host texts (unit vectors): ``(n, m)``."""
    return P.emb[pi] @ H.emb[hj].T


def sector_score(
    P, H, pi, hj, tax_by_field: np.ndarray, cfg
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sector/occupation fit: free-text similarity combined with the taxonomy crosswalk.

    Returns ``(score, text, tax)``; ``tax`` is NaN where the participant's field or the
    host's NACE class is unknown, and the score then rests on text alone.
    """
    cos = sector_text_cos(P, H, pi, hj)
    text = np.clip((cos - cfg.cosine_floor) / (cfg.cosine_ceiling - cfg.cosine_floor), 0.0, 1.0)
    fields = P.field[pi]
    tax = tax_by_field[np.maximum(fields, 0)][:, hj]
    tax = np.where((fields >= 0)[:, None], tax, np.nan)
    tw = cfg.text_weight
    score = np.where(np.isnan(tax), text, tw * text + (1.0 - tw) * np.nan_to_num(tax))
    return score.astype(np.float32), text.astype(np.float32), tax.astype(np.float32)


# --- language --------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def language_table(gap_scores: tuple) -> np.ndarray:
    """``(8, 8)`` score for (level wanted, level held), CEFR ranks 1-7 and 0 for none."""
    table = np.zeros((8, 8), dtype=np.float32)
    for w in range(1, 8):
        for h in range(1, 8):
            gap = max(0, w - h)
            table[w, h] = gap_scores[gap] if gap < len(gap_scores) else 0.0
    return table


def language_score(P, H, pi, hj, gap_scores) -> np.ndarray:
    """Best over the host's working languages of a per-level grade of the CEFR gap.

    Gap 0 (or better) scores ``gap_scores[0]``, one level short ``gap_scores[1]`` (bridgeable
    with Online Language Support), and so on; a language not held scores 0. A host that
    names no working language scores 1.
    """
    held = P.levels[pi]  # (n, L)
    wanted_t = H.wanted_t[:, hj]  # (L, m) contiguous per language
    table = language_table(tuple(gap_scores))
    best = np.zeros((held.shape[0], wanted_t.shape[1]), dtype=np.float32)
    # only languages both wanted by some host and held by some participant can score
    for lang in np.flatnonzero(H.wanted_any & held.any(axis=0)):
        s = table[wanted_t[lang][None, :], held[:, lang][:, None]]
        np.maximum(best, s, out=best)
    best[:, ~H.has_wanted[hj]] = 1.0
    return best


# --- duration and dates ----------------------------------------------------------------------


def duration_overlap(P, H, pi, hj) -> tuple[np.ndarray, np.ndarray]:
    """Shortest and longest stay acceptable to both: ``(lo, hi)``; empty when lo > hi."""
    lo = np.maximum(P.dmin[pi][:, None], _col(H.dmin, hj))
    hi = np.minimum(P.dmax[pi][:, None], _col(H.dmax, hj))
    return lo, hi


def duration_score(P, H, pi, hj) -> np.ndarray:
    """Share of the participant's duration window that the host also accepts."""
    lo, hi = duration_overlap(P, H, pi, hj)
    width = (P.dmax[pi] - P.dmin[pi] + 1)[:, None]
    return np.clip((hi - lo + 1) / width, 0.0, 1.0).astype(np.float32)


def date_overlap_days(P, H, pi, hj) -> np.ndarray:
    """Days both are available (huge when either side is open)."""
    start = np.maximum(P.start[pi][:, None], _col(H.start, hj))
    end = np.minimum(P.end[pi][:, None], _col(H.end, hj))
    return end - start + 1


def dates_score(P, H, pi, hj) -> np.ndarray:
    """Share of the stays acceptable to both that fit in the common date window."""
    lo, hi = duration_overlap(P, H, pi, hj)
    days = date_overlap_days(P, H, pi, hj)
    return np.clip((days - lo + 1) / np.maximum(hi - lo + 1, 1), 0.0, 1.0).astype(np.float32)


# --- destination, travel, inclusion ----------------------------------------------------------


def destination_score(P, H, pi, hj) -> np.ndarray:
    """1 for a preferred destination or no preference, 0 otherwise."""
    hit = P.prefs[pi][:, _col(H.country, hj)[0]]
    return np.where(P.has_prefs[pi][:, None], hit, True).astype(np.float32)


_DISTANCE: np.ndarray | None = None


def country_distance_km() -> np.ndarray:
    """Great-circle distance between capitals, ``(C, C)`` in the order of programme countries."""
    global _DISTANCE
    if _DISTANCE is None:
        c = tx.countries()
        lat, lon = np.radians(c["lat"].to_numpy()), np.radians(c["lon"].to_numpy())
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        )
        _DISTANCE = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    return _DISTANCE


def travel_km(P, H, pi, hj) -> np.ndarray:
    return country_distance_km()[P.country[pi][:, None], _col(H.country, hj)]


def travel_score(P, H, pi, hj, green_km: float = 800.0, far_km: float = 2500.0) -> np.ndarray:
    """Green-travel feasibility: 1 up to ``green_km`` between capitals, falling to 0 at ``far_km``."""
    km = travel_km(P, H, pi, hj)
    return np.clip((far_km - km) / (far_km - green_km), 0.0, 1.0).astype(np.float32)


def inclusion_score(P, H, pi, hj) -> np.ndarray:
    """For participants with fewer opportunities: 1 at hosts offering support, else 0.

    Neutral (1) for everyone else.
    """
    need = P.fewer[pi][:, None]
    return np.where(need, _col(H.support, hj), True).astype(np.float32)


# --- hard rules ------------------------------------------------------------------------------


def feasibility(P, H, pi, hj, check_capacity: bool = True) -> dict[str, np.ndarray]:
    """Each hard rule of the programme as a boolean array; a pair is feasible when all hold."""
    country_ok = P.country[pi][:, None] != _col(H.country, hj)
    role_ok = np.where(
        P.is_staff[pi][:, None], _col(H.accepts_staff, hj), _col(H.accepts_learner, hj)
    )
    act_ok = H.activities[hj][:, P.activity[pi]].T
    lo, hi = duration_overlap(P, H, pi, hj)
    duration_ok = lo <= hi
    dates_ok = date_overlap_days(P, H, pi, hj) >= lo
    access_ok = ~P.needs_access[pi][:, None] | _col(H.accessible, hj)
    rules = {
        "cross_border": country_ok,
        "role_activity": role_ok & act_ok,
        "duration": duration_ok,
        "dates": dates_ok,
        "accessibility": access_ok,
    }
    if check_capacity:
        rules["capacity"] = np.broadcast_to(_col(H.capacity, hj) > 0, country_ok.shape)
    return rules
