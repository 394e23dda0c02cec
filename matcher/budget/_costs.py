"""Estimated cost of placements, from the rates table: per pair, per placement, per allocation.

The arithmetic is one function over broadcastable arrays, so that all pairs ``(n, m)`` and
aligned pairs ``(k,)`` are computed the same way. A cost is NaN when a rate it needs is not
set: the estimate never treats a missing amount as zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import geo
from .. import taxonomy as tx
from ._rates import ITEMS, Rates, load_rates

__all__ = [
    "STAYS",
    "RatesNotSet",
    "pair_costs",
    "placement_costs",
    "cost_matrix",
    "allocation_costs",
    "budget_arguments",
]


class RatesNotSet(ValueError):
    """A budget ceiling was asked for and the rates table sets no amount for these pairs."""


#: Which stay the estimate is for: the longest both sides accept (an upper estimate) or
#: the shortest.
STAYS = ("longest", "shortest")


def _side_arrays(participants: pd.DataFrame, hosts: pd.DataFrame) -> tuple[dict, dict]:
    """What the arithmetic reads of each side, as arrays in the frames' order."""
    countries = {c: k for k, c in enumerate(tx.programme_countries())}
    modes = participants.get("travel_mode", pd.Series("", index=participants.index))
    p = {
        "green": (modes.to_numpy(object) == "green"),
        "staff": (participants["role"].to_numpy(object) != "learner"),
        "fewer": participants["fewer_opportunities"].to_numpy(bool),
        "course": (participants["activity"].to_numpy(object) == "training_course"),
        "dmin": participants["duration_min_days"].to_numpy(np.float64),
        "dmax": participants["duration_max_days"].to_numpy(np.float64),
    }
    h = {
        "country": np.array([countries[c] for c in hosts["country"]], dtype=np.int64),
        "dmin": hosts["duration_min_days"].to_numpy(np.float64),
        "dmax": hosts["duration_max_days"].to_numpy(np.float64),
    }
    return p, h


def _stay_days(p: dict, h: dict, stay: str) -> np.ndarray:
    if stay not in STAYS:
        raise ValueError(f"stay must be one of {STAYS}, got {stay!r}")
    if stay == "longest":
        return np.minimum(p["dmax"], h["dmax"])
    return np.maximum(p["dmin"], h["dmin"])


def _items(p: dict, h: dict, km: np.ndarray, rates: Rates, stay: str) -> dict[str, np.ndarray]:
    """Each budget item (EUR) and the figures behind it; ``p``'s arrays broadcast against
    ``h``'s and ``km`` (``(n, 1)`` with ``(1, m)``, or aligned ``(k,)``)."""
    days = tx.travel_days()
    travel_days = np.where(p["green"], days["green"], days["standard"])
    stay_days = _stay_days(p, h, stay)
    band = geo.distance_band(km)
    mode = p["green"].astype(np.int64)
    travel = np.where(band >= 0, rates.travel[mode, np.maximum(band, 0)], 0.0)
    per_day = rates.individual[p["staff"].astype(np.int64), h["country"]]
    course_days = np.minimum(stay_days, np.nan_to_num(rates.course_fee_days, nan=np.inf))
    out = {
        "travel": travel,
        "individual_support": per_day * (stay_days + travel_days),
        "organisational_support": np.full(np.broadcast(km, stay_days).shape, rates.organisational),
        "inclusion_support": np.where(p["fewer"], rates.inclusion, 0.0),
        "course_fee": np.where(p["course"], rates.course_fee * course_days, 0.0),
    }
    shape = np.broadcast(*out.values(), km).shape
    out = {k: np.broadcast_to(v, shape).astype(np.float64) for k, v in out.items()}
    out["total"] = sum(out[k] for k in ITEMS)  # NaN wherever a needed rate is not set
    out.update({"km": np.broadcast_to(km, shape), "band": np.broadcast_to(band, shape)})
    out["stay_days"] = np.broadcast_to(stay_days, shape)
    out["travel_days"] = np.broadcast_to(travel_days, shape)
    return out


def pair_costs(
    participants: pd.DataFrame,
    hosts: pd.DataFrame,
    *,
    km: np.ndarray | None = None,
    rates: Rates | None = None,
    stay: str = "longest",
) -> np.ndarray:
    """Estimated cost in EUR of placing each participant at each host: ``(n, m)``, NaN where
    a rate it needs is not set.

    Travel support by distance band and travel mode; individual support per day (days of
    the stay plus funded travel days: 2, or up to 6 for green travel) by role and the
    destination's country group; organisational support per participant; inclusion support
    for participants with fewer opportunities; course fees for courses, up to the table's
    limit of days.

    Parameters
    ----------
    participants, hosts : DataFrame
        Validated frames (``n`` and ``m`` rows).
    km : ndarray (n, m), optional
        Distances between the sending and the host towns (``Matcher.distance_matrix``);
        by default located here with :func:`matcher.geo.locate_table`.
    rates : Rates, optional
        Default: :func:`load_rates` (``MATCHER_RATES_FILE`` or the package's table).
    stay : {"longest", "shortest"}
        The stay priced: the longest both sides accept (default, an upper estimate) or the
        shortest.
    """
    rates = rates or load_rates()
    if km is None:
        km = _distances(participants, hosts)
    p, h = _side_arrays(participants, hosts)
    p = {k: v[:, None] for k, v in p.items()}
    h = {k: v[None, :] for k, v in h.items()}
    return _items(p, h, np.asarray(km, dtype=np.float64), rates, stay)["total"]


def _distances(participants: pd.DataFrame, hosts: pd.DataFrame) -> np.ndarray:
    a = geo.locate_table(participants.get("home_city"), participants["home_country"])
    b = geo.locate_table(
        hosts.get("city"), hosts["country"], hosts.get("latitude"), hosts.get("longitude")
    )
    return geo.distance_matrix_km(a.lat, a.lon, b.lat, b.lon)


def _missing(row: pd.Series, p_row: dict, country: str, rates: Rates) -> str:
    """The rates an estimate lacks, in plain words."""
    out = []
    if np.isnan(row["travel"]):
        mode = "green" if p_row["green"] else "standard"
        out.append(f"travel {geo.band_label(int(row['band']))} ({mode})")
    if np.isnan(row["individual_support"]):
        role = "staff" if p_row["staff"] else "learner"
        group = rates.group[list(tx.programme_countries()).index(country)]
        where = f"country group {group}" if group else f"{country} is in no country group"
        out.append(f"individual support ({role}, {where})")
    for item in ("organisational_support", "inclusion_support", "course_fee"):
        if np.isnan(row[item]):
            out.append(item.replace("_", " "))
    return "; ".join(out)


def placement_costs(
    participants: pd.DataFrame,
    hosts: pd.DataFrame,
    km,
    *,
    rates: Rates | None = None,
    stay: str = "longest",
) -> pd.DataFrame:
    """The breakdown of aligned pairs: row ``k`` prices participant row ``k`` at host row ``k``.

    Returns
    -------
    DataFrame (k rows): ``km, band (label), stay_days, travel_days``, one column per item
    (EUR, NaN where its rate is not set), ``total`` and ``rates_missing`` (plain words).
    """
    rates = rates or load_rates()
    if len(participants) != len(hosts):
        raise ValueError(f"{len(participants)} participants but {len(hosts)} hosts")
    p, h = _side_arrays(participants, hosts)
    items = _items(p, h, np.asarray(km, dtype=np.float64).reshape(-1), rates, stay)
    out = pd.DataFrame({k: np.asarray(v) for k, v in items.items()})
    out["rates_missing"] = [
        _missing(out.iloc[k], {n: v[k] for n, v in p.items()}, hosts["country"].iloc[k], rates)
        for k in range(len(out))
    ]
    out["band"] = [geo.band_label(int(b)) for b in out["band"]]
    return out[["km", "band", "stay_days", "travel_days", *ITEMS, "total", "rates_missing"]]


def cost_matrix(matcher, participant_ids=None, host_ids=None, *, rates=None, stay="longest"):
    """:func:`pair_costs` for a fitted matcher's participants and hosts (default: all),
    with the distances the travel criterion uses: ``(n_participants, n_hosts)``."""
    pi = np.arange(len(matcher.participant_ids_))
    hj = np.arange(len(matcher.host_ids_))
    pi = pi if participant_ids is None else matcher.participant_index(participant_ids)
    hj = hj if host_ids is None else matcher.host_index(host_ids)
    km = matcher.distance_matrix(matcher.participant_ids_[pi], matcher.host_ids_[hj])
    participants = matcher.participants_.iloc[pi]
    return pair_costs(participants, matcher.hosts_.iloc[hj], km=km, rates=rates, stay=stay)


def allocation_costs(matcher, allocation, *, rates=None, stay="longest"):
    """The estimated cost of an allocation's placements.

    Returns
    -------
    placements : DataFrame
        One row per assigned participant: ``participant_id, host_id`` and the breakdown of
        :func:`placement_costs`.
    total : float
        Sum of the placements' totals; NaN when any placement lacks a rate.
    """
    a = allocation.assignments
    a = a[a["status"] == "assigned"]
    pids, hids = a["participant_id"].tolist(), a["host_id"].tolist()
    pi, hj = matcher.participant_index(pids), matcher.host_index(hids)
    km = matcher.distance_pairs(pids, hids)
    out = placement_costs(
        matcher.participants_.iloc[pi], matcher.hosts_.iloc[hj], km, rates=rates, stay=stay
    )
    out.insert(0, "host_id", hids)
    out.insert(0, "participant_id", pids)
    total = float(out["total"].sum(min_count=1)) if out["total"].notna().all() else np.nan
    return out, (0.0 if out.empty else total)


def budget_arguments(
    matcher, ceiling, participant_ids=None, host_ids=None, *, rates=None, stay="longest"
) -> dict:
    """The ``cost`` and ``budget`` arguments of :func:`matcher.allocate` for a ceiling in
    EUR on the total estimated cost of a cohort's placements (:func:`cost_matrix` of the
    same ``participant_ids`` and ``host_ids``); ``{}`` when ``ceiling`` is ``None``.

    Raises ValueError for a ceiling that is not positive, or when the rates table sets no
    amount (a ceiling could not be checked); a pair whose rate alone is missing is refused by
    the allocation, which names how many.
    """
    if ceiling is None:
        return {}
    if not ceiling > 0:
        raise ValueError(f"the budget ceiling must be more than EUR 0, got {ceiling}")
    cost = cost_matrix(matcher, participant_ids, host_ids, rates=rates, stay=stay)
    if cost.size and np.isnan(cost).all():
        raise RatesNotSet(
            "a budget ceiling needs the amounts of your call year: fill in the rates table "
            "(data/README.md, 'Budget rates') and point MATCHER_RATES_FILE at it"
        )
    return {"cost": cost, "budget": float(ceiling)}
