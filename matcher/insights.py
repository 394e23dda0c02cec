"""Aggregates for analysts and the dashboard's Insights page: coverage, best matches,
supply and demand by field and country, language gaps, duration fit. Plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import taxonomy as tx
from ._config import Config
from .engine import field_nace_codes
from .io import parse_languages, parse_list

__all__ = [
    "best_matches",
    "best_match_block",
    "coverage",
    "coverage_of",
    "good_fit_counts",
    "supply_demand",
    "supply_part",
    "demand_part",
    "balance",
    "shortages",
    "language_gaps",
    "host_fields",
    "histogram",
    "placed_rows",
    "DEMAND_NOTE",
]

#: How demand is counted, in words, for the pages and exports that show it.
DEMAND_NOTE = (
    "Demand counts each participant once, spread evenly over their preferred destinations: "
    "a participant who names three countries counts 1/3 in each, one with no preference is "
    "spread over every host country but their home country. So demand can be fractional."
)


def placed_rows(matcher) -> np.ndarray:
    """Rows of participants who take a place: accompanying persons go with their learners and
    are counted neither in coverage nor in demand."""
    return np.flatnonzero((matcher.participants_["role"] != "accompanying").to_numpy())


def best_matches(matcher, config: Config | None = None, participant_ids=None) -> pd.DataFrame:
    """Per participant taking a place (default: all of them; accompanying persons go with
    their learners and are left out): hosts meeting the rules, good-fit ones among them
    (score at least ``config.good_fit_score``), the best one, its score and components.

    Computed in blocks of ``config.block_pairs`` pairs (:func:`best_match_block`), so that
    memory stays bounded; ``matcher.cluster.best_matches`` runs the same blocks on Dask.
    """
    config = config or matcher.config_
    if participant_ids is None:
        ids = matcher.participant_ids_[placed_rows(matcher)]
    else:
        ids = np.asarray(participant_ids)
    rows = max(1, config.block_pairs // max(len(matcher.host_ids_), 1))
    parts = [best_match_block(matcher, ids[s : s + rows], config) for s in range(0, len(ids), rows)]
    return pd.concat(parts, ignore_index=True) if parts else best_match_block(matcher, ids, config)


def best_match_block(matcher, participant_ids, config: Config | None = None) -> pd.DataFrame:
    """:func:`best_matches` for some participants (one block of the score matrix)."""
    config = config or matcher.config_
    scores, mask, comps = matcher.score_details(participant_ids)
    masked = np.where(mask, scores, -np.inf)
    best = masked.argmax(axis=1)
    has = mask.any(axis=1)
    rows = np.arange(len(best))
    pi = matcher.participant_index(participant_ids)
    p = matcher.participants_.iloc[pi]
    out = pd.DataFrame(
        {
            "participant_id": p["participant_id"].to_numpy(),
            "role": p["role"].to_numpy(),
            "home_country": p["home_country"].to_numpy(),
            "field": [_broad_name(matcher.occupation_links_[i].field) for i in pi],
            "feasible_hosts": mask.sum(axis=1),
            "good_hosts": good_fit_counts(scores, mask, config.good_fit_score),
            "best_host": np.where(has, matcher.host_ids_[best], ""),
            "best_score": np.where(has, scores[rows, best], np.nan),
        }
    )
    for name, c in comps.items():
        out[name] = np.where(has, c[rows, best], np.nan)
    return out


def good_fit_counts(scores: np.ndarray, mask: np.ndarray, threshold: float) -> np.ndarray:
    """Per participant, hosts that meet the rules and score at least ``threshold``.

    Parameters
    ----------
    scores, mask : ndarray (n_participants, n_hosts)

    Returns
    -------
    ndarray (n_participants,) of int

    Examples
    --------
    >>> good_fit_counts(np.array([[0.9, 0.8, 0.2]]), np.array([[True, False, True]]), 0.7)
    array([1])
    """
    return ((scores >= threshold) & mask).sum(axis=1)


def coverage(matcher, by: str | None = None, config: Config | None = None):
    """How well participants are covered, overall or per ``by`` column.

    ``coverage`` is the share with at least one host meeting the rules; ``good_fit`` the
    share with at least ``config.good_fit_hosts`` such hosts scoring at least
    ``config.good_fit_score``, which tells groups apart where nearly everyone has some host.
    Overall (``by=None``) returns ``{"coverage": float, "good_fit": float}``.
    """
    config = config or Config.from_env()
    return coverage_of(best_matches(matcher, config=config), by, config)


def coverage_of(bm: pd.DataFrame, by: str | None = None, config: Config | None = None):
    """:func:`coverage` from a :func:`best_matches` table."""
    config = config or Config.from_env()
    bm = bm.assign(
        covered=bm["feasible_hosts"] > 0, well_covered=bm["good_hosts"] >= config.good_fit_hosts
    )
    if by is None:
        return {
            "coverage": float(bm["covered"].mean()),
            "good_fit": float(bm["well_covered"].mean()),
        }
    return bm.groupby(by, as_index=False).agg(
        participants=("covered", "size"),
        coverage=("covered", "mean"),
        good_fit=("well_covered", "mean"),
    )


def histogram(values, bins: int = 20, by=None) -> pd.DataFrame:
    """Counts of ``values`` (in [0, 1]) in ``bins`` equal bins, per group of ``by`` if given:
    what a score chart shows, without a row per participant.

    Returns
    -------
    DataFrame: ``from``, ``to`` (bin edges), ``group`` (when ``by``), ``count``
    """
    values = pd.Series(values, dtype=float).reset_index(drop=True)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.floor(values * bins), 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "group": "all" if by is None else list(by)})
    frame = frame[values.notna().to_numpy()]
    counts = frame.groupby(["bin", "group"]).size().rename("count").reset_index()
    counts["from"] = edges[counts["bin"].astype(int)].round(3)
    counts["to"] = edges[counts["bin"].astype(int) + 1].round(3)
    cols = ["from", "to", "count"] if by is None else ["from", "to", "group", "count"]
    return counts[cols]


def _broad_name(code: str) -> str:
    if not code:
        return "unknown"
    return tx.isced_name(code[:2]) if code[:2] in tx.isced_fields().index else "unknown"


def host_fields(hosts_nace) -> list[str]:
    """The ISCED-F broad field whose crosswalk lists each host's NACE code ('unknown' if none)."""
    cw = tx.isced_nace()
    by_code = []
    for field in cw.index:
        for code in field_nace_codes(field):
            by_code.append((len(code), code, field))
    by_code.sort(reverse=True)  # most specific code first
    out = []
    for nace in hosts_nace:
        field = next((f for _, c, f in by_code if nace and nace.startswith(c)), "")
        out.append(_broad_name(field))
    return out


def supply_demand(matcher) -> pd.DataFrame:
    """Places offered and participants seeking them, by broad field and country:
    ``field, country, places, demand, balance`` (places - demand).

    Demand counts each participant once, spread evenly over the preferred destinations
    (or over all host countries but the home country when there is no preference);
    accompanying persons take no place and are not counted.
    ``matcher.cluster.supply_demand`` sums the same parts over partitions on Dask.
    """
    return balance(
        supply_part(matcher, np.arange(len(matcher.host_ids_))),
        demand_part(matcher, placed_rows(matcher)),
    )


def supply_part(matcher, host_rows) -> pd.DataFrame:
    """Places by ``field`` and ``country`` of the hosts at positions ``host_rows``."""
    h = matcher.hosts_.iloc[host_rows]
    supply = pd.DataFrame(
        {
            "field": host_fields([matcher.nace_links_[j].code for j in host_rows]),
            "country": h["country"].to_numpy(),
            "places": h["capacity"].to_numpy(),
        }
    )
    return supply.groupby(["field", "country"], as_index=False)["places"].sum()


def demand_part(matcher, participant_rows) -> pd.DataFrame:
    """Demand by ``field`` and ``country`` of the participants at ``participant_rows``."""
    host_countries = sorted(set(matcher.hosts_["country"]))
    p = matcher.participants_.iloc[participant_rows]
    rows = []
    for i, home, prefs in zip(
        participant_rows, p["home_country"], p["preferred_countries"], strict=True
    ):
        dest = parse_list(prefs) or [c for c in host_countries if c != home]
        field = _broad_name(matcher.occupation_links_[i].field)
        rows += [(field, c, 1.0 / len(dest)) for c in dest]
    return (
        pd.DataFrame(rows, columns=["field", "country", "demand"])
        .groupby(["field", "country"], as_index=False)["demand"]
        .sum()
    )


def balance(supply: pd.DataFrame, demand: pd.DataFrame) -> pd.DataFrame:
    """Supply and demand parts (summed again by field and country) side by side."""
    supply = supply.groupby(["field", "country"], as_index=False)["places"].sum()
    demand = demand.groupby(["field", "country"], as_index=False)["demand"].sum()
    out = supply.merge(demand, on=["field", "country"], how="outer").fillna(
        {"places": 0, "demand": 0.0}
    )
    out["demand"] = out["demand"].round(2)
    out["balance"] = out["places"] - out["demand"]
    return out.sort_values(["field", "country"]).reset_index(drop=True)


def shortages(matcher, top: int | None = None) -> pd.DataFrame:
    """Field x host country pairs ranked by shortage: demand minus places, largest first.

    Returns
    -------
    DataFrame: ``rank``, ``field``, ``country``, ``places``, ``demand`` (fractional, see
    :data:`DEMAND_NOTE`), ``gap`` (demand - places, > 0: too few places); only the pairs
    with a shortage, at most ``top`` of them.
    """
    sd = supply_demand(matcher)
    sd["gap"] = (sd["demand"] - sd["places"]).round(2)
    out = sd[sd["gap"] > 0].sort_values(["gap", "field", "country"], ascending=[False, True, True])
    out = out.head(top) if top else out
    out = out[["field", "country", "places", "demand", "gap"]].reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def language_gaps(matcher) -> pd.DataFrame:
    """For each participant's best feasible host: the level wanted in the host language the
    participant holds best, against the level held (``none`` when no working language is held)."""
    bm = best_matches(matcher)
    hosts = matcher.hosts_.set_index("host_id")
    languages = matcher.participants_.set_index("participant_id")["languages"]
    rows = []
    for pid, hid, langs in zip(
        bm["participant_id"], bm["best_host"], languages[bm["participant_id"]], strict=True
    ):
        if not hid:
            continue
        wanted = parse_languages(hosts.at[hid, "languages"])
        if not wanted:
            continue
        held = parse_languages(langs)
        best = max(wanted, key=lambda c: tx.cefr_rank(held[c]) if c in held else 0)
        rows.append(
            {
                "participant_id": pid,
                "language": best,
                "wanted": wanted[best],
                "held": held.get(best, "none"),
            }
        )
    df = pd.DataFrame(rows, columns=["participant_id", "language", "wanted", "held"])
    return df.groupby(["wanted", "held"], as_index=False).size().rename(columns={"size": "pairs"})
