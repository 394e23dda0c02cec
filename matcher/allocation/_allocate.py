"""Allocate a cohort with the engine's scores: results as data, exports for Excel."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_table, write_workbook
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
    pi = m._rows(participant_ids, m._p_index, len(m.P_))
    hj = m._rows(host_ids, m._h_index, len(m.H_))
    scores, mask = m.score_matrix(m.P_.ids[pi], m.H_.ids[hj])
    cap = m.H_.capacity[hj] if capacity is None else np.asarray(capacity, dtype=np.int64)
    prio = m.P_.fewer[pi] if priority == "fewer_opportunities" else None
    t0 = time.perf_counter()
    if method == "optimal":
        assign = optimal_assignment(scores, mask, cap, prio)
        blocking = []
    else:
        assign = deferred_acceptance(scores, mask, cap, prio)
        blocking = blocking_pairs(assign, scores, mask, cap, prio)
    seconds = time.perf_counter() - t0
    return _result(m, pi, hj, scores, mask, cap, assign, method, priority, seconds, blocking)


def _result(
    m, pi, hj, scores, mask, cap, assign, method, priority, seconds, blocking
) -> Allocation:
    h = m.hosts_.iloc[hj].reset_index(drop=True)
    used = np.bincount(assign[assign >= 0], minlength=len(hj))
    full = used >= cap
    rows = []
    for k, i in enumerate(pi):
        j = assign[k]
        pid = m.P_.ids[i]
        if j != UNASSIGNED:
            e = m.explain(pid, m.H_.ids[hj[j]])
            rows.append(
                {
                    "participant_id": pid,
                    "status": "assigned",
                    "host_id": h.at[j, "host_id"],
                    "host_name": h.at[j, "name"],
                    "host_country": h.at[j, "country"],
                    "score": float(scores[k, j]),
                    "components": e.components,
                    "reason": "; ".join(
                        f"{c}: {r}" for c, r in e.reasons.items() if c in ("sector", "language")
                    ),
                }
            )
        else:
            rows.append(
                {
                    "participant_id": pid,
                    "status": "unassigned",
                    "host_id": "",
                    "host_name": "",
                    "host_country": "",
                    "score": np.nan,
                    "components": {},
                    "reason": _why_unassigned(m, i, k, hj, scores, mask, full),
                }
            )
    assignments = pd.DataFrame(rows)
    hosts = pd.DataFrame(
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
    placed = assign != UNASSIGNED
    fewer = m.P_.fewer[pi]
    summary = {
        "method": method,
        "priority": priority or "none",
        "participants": int(len(pi)),
        "placed": int(placed.sum()),
        "placed_pct": round(100 * float(placed.mean()), 1) if len(pi) else 0.0,
        "mean_score": round(float(scores[placed, assign[placed]].mean()), 4)
        if placed.any()
        else 0.0,
        "total_score": round(float(scores[placed, assign[placed]].sum()), 4),
        "without_feasible_host": int((~mask.any(axis=1)).sum()),
        "fewer_opportunities": int(fewer.sum()),
        "fewer_opportunities_placed_pct": round(100 * float(placed[fewer].mean()), 1)
        if fewer.any()
        else 0.0,
        "places_offered": int(cap.sum()),
        "places_used": int(used.sum()),
        "blocking_pairs": len(blocking),
        "solve_seconds": round(seconds, 3),
    }
    return Allocation(assignments, hosts, summary, blocking)


def _why_unassigned(m, i, k, hj, scores, mask, full) -> str:
    feasible = np.flatnonzero(mask[k])
    if len(feasible) == 0:
        comps, rules = m.components_matrix([m.P_.ids[i]], m.H_.ids[hj])
        counts = {r: int((~np.asarray(ok)[0]).sum()) for r, ok in rules.items()}
        top = sorted(((c, r) for r, c in counts.items() if c), reverse=True)[:3]
        return "no feasible host: " + ", ".join(f"{r} rules out {c}" for c, r in top)
    order = feasible[np.argsort(-scores[k, feasible], kind="stable")][:3]
    closest = ", ".join(f"{m.H_.ids[hj[j]]} ({scores[k, j]:.2f})" for j in order)
    if full[feasible].all():
        return f"all {len(feasible)} feasible hosts are full; closest: {closest}"
    return f"not placed: the places went to others the objective or the hosts preferred; closest: {closest}"
