"""Where participants and hosts are, located once in ``fit`` for the travel criterion."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import geo
from .. import taxonomy as tx

__all__ = ["Travel", "build_travel"]


@dataclass(frozen=True)
class Travel:
    """Where both sides are, built once in ``fit``: each row's place (:class:`geo.Places`),
    an index into the distinct coordinates of its side (``p_loc`` (n,), ``h_loc`` (m,)),
    those coordinates as unit vectors, and who travels green (``green`` (n,) bool)."""

    participants: geo.Places
    hosts: geo.Places
    p_loc: np.ndarray
    h_loc: np.ndarray
    p_xyz: np.ndarray  # (U_p, 3) unit vectors of the distinct places
    h_xyz: np.ndarray  # (U_h, 3)
    green: np.ndarray


def _distinct(places: geo.Places) -> tuple[np.ndarray, np.ndarray]:
    """Distinct coordinates ``(U, 2)`` and each row's index into them ``(n,)``."""
    coords = np.column_stack([places.lat, places.lon]) if len(places) else np.zeros((0, 2))
    unique, index = np.unique(coords, axis=0, return_inverse=True)
    return unique, index.reshape(-1).astype(np.int64)


def build_travel(participants: pd.DataFrame, hosts: pd.DataFrame, config) -> Travel:
    """Locate participants (their sending town) and hosts (given coordinates, else town),
    with the capital as the stated fallback; checks the configured band scores."""
    n_bands = len(tx.distance_bands())
    for name in ("travel_band_scores", "travel_green_band_scores"):
        if len(getattr(config, name)) != n_bands:
            raise ValueError(f"{name} needs one score per distance band ({n_bands})")
    p = geo.locate_table(participants.get("home_city"), participants["home_country"], config=config)
    h = geo.locate_table(
        hosts.get("city"),
        hosts["country"],
        hosts.get("latitude"),
        hosts.get("longitude"),
        config=config,
    )
    (pc, pl), (hc, hl) = _distinct(p), _distinct(h)
    modes = participants.get("travel_mode", pd.Series("", index=participants.index))
    green = (modes.to_numpy(object) == "green").astype(bool)
    return Travel(p, h, pl, hl, geo.unit_vectors(*pc.T), geo.unit_vectors(*hc.T), green)
