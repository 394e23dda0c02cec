"""Aggregates for analysts and the dashboard's Insights page: coverage, best matches,
supply and demand by field and country, language gaps, duration fit. Plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import taxonomy as tx
from .engine import field_nace_codes
from .io import parse_languages, parse_list

__all__ = [
    "best_matches",
    "best_match_block",
    "coverage",
    "coverage_of",
    "supply_demand",
    "supply_part",
    "demand_part",
    "balance",
    "language_gaps",
    "host_fields",
]


def best_matches(matcher, participant_ids=None) -> pd.DataFrame:
    """Per participant (default: all): feasible hosts, the best one, its score and components.

    Computed in blocks of ``config.block_pairs`` pairs (:func:`best_match_block`), so that
    memory stays bounded; ``matcher.cluster.best_matches`` runs the same blocks on Dask.
    """
    ids = matcher.participant_ids_ if participant_ids is None else np.asarray(participant_ids)
    rows = max(1, matcher.config_.block_pairs // max(len(matcher.host_ids_), 1))
    parts = [best_match_block(matcher, ids[s : s + rows]) for s in range(0, len(ids), rows)]
    return pd.concat(parts, ignore_index=True) if parts else best_match_block(matcher, ids)


def best_match_block(matcher, participant_ids) -> pd.DataFrame:
    """:func:`best_matches` for some participants (one block of the score matrix)."""
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
            "best_host": np.where(has, matcher.host_ids_[best], ""),
            "best_score": np.where(has, scores[rows, best], np.nan),
        }
    )
    for name, c in comps.items():
        out[name] = np.where(has, c[rows, best], np.nan)
    return out


def coverage(matcher, by: str | None = None) -> pd.DataFrame | float:
    """Share of participants with at least one feasible host (overall, or per ``by`` column)."""
    return coverage_of(best_matches(matcher), by)


def coverage_of(bm: pd.DataFrame, by: str | None = None) -> pd.DataFrame | float:
    """:func:`coverage` from a :func:`best_matches` table."""
    bm = bm.assign(covered=bm["feasible_hosts"] > 0)
    if by is None:
        return float(bm["covered"].mean())
    return bm.groupby(by, as_index=False).agg(
        participants=("covered", "size"), coverage=("covered", "mean")
    )


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
    """Places offered and participants seeking them, by broad field and country.

    Demand counts each participant once, spread evenly over the preferred destinations
    (or over all host countries but the home country when there is no preference).
    ``matcher.cluster.supply_demand`` sums the same parts over partitions on Dask.
    """
    return balance(
        supply_part(matcher, np.arange(len(matcher.host_ids_))),
        demand_part(matcher, np.arange(len(matcher.participant_ids_))),
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
    out["balance"] = out["places"] - out["demand"]
    return out.sort_values(["field", "country"]).reset_index(drop=True)


def language_gaps(matcher) -> pd.DataFrame:
    """For each participant's best feasible host: the level wanted in the host language the
    participant holds best, against the level held (``none`` when no working language is held)."""
    bm = best_matches(matcher)
    hosts = matcher.hosts_.set_index("host_id")
    rows = []
    for pid, hid, langs in zip(
        bm["participant_id"], bm["best_host"], matcher.participants_["languages"], strict=True
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
