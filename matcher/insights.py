"""Aggregates for analysts and the dashboard's Insights page: coverage, best matches,
supply and demand by field and country, language gaps, duration fit. Plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import taxonomy as tx
from .engine import field_nace_codes
from .io import parse_languages, parse_list

__all__ = ["best_matches", "coverage", "supply_demand", "language_gaps", "host_fields"]


def _placed_rows(matcher) -> np.ndarray:
    """Rows of participants who take a place: accompanying persons go with their learners and
    are counted neither in coverage nor in demand."""
    return np.flatnonzero((matcher.participants_["role"] != "accompanying").to_numpy())


def best_matches(matcher) -> pd.DataFrame:
    """Per participant taking a place (accompanying persons left out): feasible hosts, the
    best one, its score and components."""
    rows = _placed_rows(matcher)
    ids = matcher.participant_ids_[rows]
    scores, mask = matcher.score_matrix(ids)
    comps, _ = matcher.components_matrix(ids)
    masked = np.where(mask, scores, -np.inf)
    best = masked.argmax(axis=1)
    has = mask.any(axis=1)
    p = matcher.participants_.iloc[rows].reset_index(drop=True)
    links = [matcher.occupation_links_[i] for i in rows]
    rows = np.arange(len(best))
    out = pd.DataFrame(
        {
            "participant_id": p["participant_id"],
            "role": p["role"],
            "home_country": p["home_country"],
            "field": [_broad_name(link.field) for link in links],
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
    bm = best_matches(matcher)
    bm["covered"] = bm["feasible_hosts"] > 0
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
    (or over all host countries but the home country when there is no preference);
    accompanying persons take no place and are not counted.
    """
    h = matcher.hosts_
    supply = pd.DataFrame(
        {
            "field": host_fields([link.code for link in matcher.nace_links_]),
            "country": h["country"],
            "places": h["capacity"],
        }
    )
    supply = supply.groupby(["field", "country"], as_index=False)["places"].sum()
    host_countries = sorted(set(h["country"]))
    rows = []
    placed = _placed_rows(matcher)
    p = matcher.participants_.iloc[placed]
    for link, home, prefs in zip(
        [matcher.occupation_links_[i] for i in placed],
        p["home_country"],
        p["preferred_countries"],
        strict=True,
    ):
        dest = parse_list(prefs) or [c for c in host_countries if c != home]
        for c in dest:
            rows.append((_broad_name(link.field), c, 1.0 / len(dest)))
    demand = (
        pd.DataFrame(rows, columns=["field", "country", "demand"])
        .groupby(["field", "country"], as_index=False)["demand"]
        .sum()
    )
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
