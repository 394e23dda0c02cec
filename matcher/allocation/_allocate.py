"""Allocate a cohort with the engine's scores: results as data, exports for Excel."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_table, write_workbook
from ..labels import rule_phrase
from ._solvers import UNASSIGNED, blocking_pairs, deferred_acceptance, optimal_assignment

__all__ = ["allocate", "Allocation", "METHODS", "PRIORITIES"]

METHODS = ("optimal", "stable")
PRIORITIES = (None, "fewer_opportunities")


@dataclass
class Allocation:
    """What an allocation decided, per participant and per host, and a summary.

    Attributes
    ----------
    assignments : DataFrame
        One row per participant: ``participant_id, status (assigned|unassigned), host_id,
        host_name, host_country, score, components, reason``.
    hosts : DataFrame
        One row per host: ``host_id, name, country, places_offered, places_used, fill_rate``.
    summary : dict
        Counts, shares and means (placed %, mean score, placed % among participants with
        fewer opportunities), the method, the priority rule and the solve time.
    """

    assignments: pd.DataFrame
    hosts: pd.DataFrame
    summary: dict
    blocking_pairs: list = field(default_factory=list)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a two-column table (``measure``, ``value``) for display and export."""
        return pd.DataFrame(
            {"measure": list(self.summary), "value": [str(v) for v in self.summary.values()]}
        )

    def flat_assignments(self) -> pd.DataFrame:
        """Assignments with one column per criterion (for CSV/XLSX)."""
        df = self.assignments.drop(columns=["components"])
        comps = pd.DataFrame(list(self.assignments["components"])).add_prefix("score_").round(4)
        df = pd.concat([df.reset_index(drop=True), comps], axis=1)
        df["score"] = df["score"].round(4)
        return df

    def export(self, path) -> Path:
        """CSV (assignments) or XLSX (sheets assignments, hosts, summary), Excel-safe."""
        path = Path(path)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return write_workbook(
                {
                    "assignments": self.flat_assignments(),
                    "hosts": self.hosts,
                    "summary": self.summary_frame(),
                },
                path,
            )
        return write_table(self.flat_assignments(), path)


def allocate(
    matcher,
    method: str = "optimal",
    priority: str | None = None,
    participant_ids=None,
    host_ids=None,
    capacity=None,
) -> Allocation:
    """Place a cohort into hosts with limited places.

    Parameters
    ----------
    matcher : Matcher
        A fitted matcher; its scores and hard rules are used (never an infeasible pair).
    method : {"optimal", "stable"}
        ``optimal``: as many participants placed as possible, then the highest total score
        (exact min-cost flow). ``stable``: participant-proposing deferred acceptance; no
        participant and host would both rather be together.
    priority : {None, "fewer_opportunities"}
        Place participants with fewer opportunities first: for ``optimal`` the number of
        them placed comes first in the objective; for ``stable`` every host ranks them above
        the others (then by score).
    participant_ids, host_ids : list, optional
        A sub-cohort and a subset of hosts (default: all).
    capacity : array-like, optional
        Places per host (default: the hosts' ``capacity``), e.g. what is still free.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from matcher import Matcher
    >>> from matcher.encode import HashingEncoder
    >>> from matcher.io import validate_table
    >>> from matcher.sample import generate_sample
    >>> p, h = generate_sample(30, 20, seed=1)
    >>> m = Matcher(encoder=HashingEncoder()).fit(validate_table(p, "participants"), validate_table(h, "hosts"))
    >>> result = allocate(m, "stable")
    >>> result.summary["blocking_pairs"], len(result.assignments)
    (0, 30)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if priority not in PRIORITIES:
        raise ValueError(f"priority must be one of {PRIORITIES[1:]} or None, got {priority!r}")
    m = matcher
    pi = _rows(participant_ids, m.participant_index, len(m.participant_ids_))
    hj = _rows(host_ids, m.host_index, len(m.host_ids_))
    scores, mask = m.score_matrix(m.participant_ids_[pi], m.host_ids_[hj])
    places = m.hosts_["capacity"].to_numpy(np.int64)[hj] if capacity is None else capacity
    cap = np.asarray(places, dtype=np.int64)
    fewer = m.participants_["fewer_opportunities"].to_numpy(bool)[pi]
    prio = fewer if priority == "fewer_opportunities" else None
    assign, blocking, seconds = _solve(method, scores, mask, cap, prio)
    used = np.bincount(assign[assign >= 0], minlength=len(hj))
    assignments = _assignments(m, pi, hj, scores, mask, assign, used >= cap)
    hosts = _host_table(m.hosts_.iloc[hj].reset_index(drop=True), cap, used)
    summary = _summary(scores, mask, cap, used, assign, fewer, method, priority)
    summary.update({"blocking_pairs": len(blocking), "solve_seconds": round(seconds, 3)})
    return Allocation(assignments, hosts, summary, blocking)


def _solve(method, scores, mask, cap, prio) -> tuple[np.ndarray, list, float]:
    """The assignment ``(n_participants,)``, its blocking pairs (stable only) and the seconds."""
    t0 = time.perf_counter()
    if method == "optimal":
        assign, blocking = optimal_assignment(scores, mask, cap, prio), []
    else:
        assign = deferred_acceptance(scores, mask, cap, prio)
        blocking = blocking_pairs(assign, scores, mask, cap, prio)
    return assign, blocking, time.perf_counter() - t0


def _rows(ids, lookup, n: int) -> np.ndarray:
    return np.arange(n) if ids is None else lookup(ids)


def _assignments(m, pi, hj, scores, mask, assign, full) -> pd.DataFrame:
    """One row per participant: the host and why, or why not placed."""
    rows = []
    for k, i in enumerate(pi):
        j = assign[k]
        row = {
            "participant_id": m.participant_ids_[i],
            "status": "unassigned",
            "host_id": "",
            "host_name": "",
            "host_country": "",
            "score": np.nan,
            "components": {},
        }
        if j == UNASSIGNED:
            row["reason"] = _why_unassigned(m, i, k, hj, scores, mask, full)
        else:
            host = m.hosts_.iloc[hj[j]]
            e = m.explain(row["participant_id"], host["host_id"])
            row.update(
                {
                    "status": "assigned",
                    "host_id": host["host_id"],
                    "host_name": host["name"],
                    "host_country": host["country"],
                    "score": float(scores[k, j]),
                    "components": e.components,
                }
            )
            row["reason"] = "; ".join(
                f"{c}: {r}" for c, r in e.reasons.items() if c in ("sector", "language")
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _host_table(h: pd.DataFrame, cap: np.ndarray, used: np.ndarray) -> pd.DataFrame:
    """Places offered and used per host."""
    return pd.DataFrame(
        {
            "host_id": h["host_id"],
            "name": h["name"],
            "country": h["country"],
            "sector": h["sector"],
            "places_offered": cap,
            "places_used": used,
            "fill_rate": np.where(cap > 0, used / np.maximum(cap, 1), 0.0).round(3),
        }
    )


def _summary(scores, mask, cap, used, assign, fewer, method, priority) -> dict:
    """Headline figures of an allocation."""
    placed = assign != UNASSIGNED
    chosen = scores[placed, assign[placed]]
    return {
        "method": method,
        "priority": priority or "none",
        "participants": int(len(assign)),
        "placed": int(placed.sum()),
        "placed_pct": round(100 * float(placed.mean()), 1) if len(assign) else 0.0,
        "mean_score": round(float(chosen.mean()), 4) if placed.any() else 0.0,
        "total_score": round(float(chosen.sum()), 4),
        "without_feasible_host": int((~mask.any(axis=1)).sum()),
        "fewer_opportunities": int(fewer.sum()),
        "fewer_opportunities_placed_pct": round(100 * float(placed[fewer].mean()), 1)
        if fewer.any()
        else 0.0,
        "places_offered": int(cap.sum()),
        "places_used": int(used.sum()),
    }


def _why_unassigned(m, i, k, hj, scores, mask, full) -> str:
    feasible = np.flatnonzero(mask[k])
    if len(feasible) == 0:
        _, rules = m.components_matrix([m.participant_ids_[i]], m.host_ids_[hj])
        counts = {r: int((~np.asarray(ok)[0]).sum()) for r, ok in rules.items()}
        top = sorted(((c, r) for r, c in counts.items() if c), reverse=True)[:3]
        return "no host meets the programme's rules: " + ", ".join(
            rule_phrase(r, c) for c, r in top
        )
    order = feasible[np.argsort(-scores[k, feasible], kind="stable")][:3]
    closest = ", ".join(f"{m.host_ids_[hj[j]]} ({scores[k, j]:.2f})" for j in order)
    if full[feasible].all():
        return f"all {len(feasible)} hosts that meet the rules are full; closest: {closest}"
    return (
        "not placed: the places went to participants the method or the hosts preferred; "
        f"closest: {closest}"
    )
