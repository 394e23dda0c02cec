"""The exact optimum of units of one place as a min-cost flow, and its certificate.

Objective, lexicographic: the priority places placed, then the places placed, then the total
score. It is one integer gain per pair, ``A * prio + B * size + round(S * score)``, with ``B``
larger than any score total and ``A`` larger than any total of the rest, solved as a min-cost
flow (OR-Tools) on the candidate graph:

    source -> unit (1)  or  source -> project (its ceiling) -> unit (1)
    unit -> host (1, cost -gain)      host -> sink (free places)      source -> sink (bypass)

**Certificate.** The linear programme of this flow is integral, and its dual gives each
unit a value ``U_u`` and each host a price ``v_j >= 0`` with ``U_u + v_j >= gain_uj`` on
every candidate pair, equal on the pairs used. :func:`duals` builds the prices from the
optimal flow (the smallest ones, by longest paths over the hosts and projects). If every
pair left out of the graph also has ``U_u + v_j >= gain_uj``, the prices are feasible for
the full instance and the flow is optimal there too: checked first per unit against its
best left-out gain (``v_j >= 0``), then pair by pair for the few units that fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._graph import CandidateGraph
from ._problem import NO_CAP, UNASSIGNED, Problem

__all__ = ["Scale", "scale", "gains", "flow_assign", "duals"]

#: Largest magnitude of a cost times the node count that OR-Tools' cost scaling accepts, with
#: a margin.
COST_LIMIT = 2e18
#: Below any value the longest paths reach.
NEG = -(2**62)


@dataclass(frozen=True)
class Scale:
    """Integer weights of the lexicographic objective: ``A`` per priority place, ``B`` per
    place, ``S`` per unit of score (so scores count to ``1 / S``)."""

    A: int
    B: int
    S: int

    def gain(self, prio, size, score) -> np.ndarray:
        """Integer gain of pairs: ``A * prio + B * size + round(S * score)``."""
        return (
            self.A * np.asarray(prio, dtype=np.int64)
            + self.B * np.asarray(size, dtype=np.int64)
            + np.rint(np.asarray(score) * self.S).astype(np.int64)
        )


def scale(problem: Problem, precision: float, n_nodes: int) -> Scale:
    """Weights for this problem: scores to ``precision``, coarser only when the costs would
    otherwise overflow 64 bits in the solver."""
    places = int(min(problem.size.sum(), problem.free.sum())) + 2
    top = float(places) ** (2 if problem.prio.any() else 1)
    S = int(max(1, min(round(1.0 / precision), COST_LIMIT // (top * (n_nodes + 1)))))
    B = S * places
    A = (B + S) * places if problem.prio.any() else 0
    return Scale(A, B, S)


def gains(problem: Problem, graph: CandidateGraph, sc: Scale) -> np.ndarray:
    """``(E,)`` int64 gain of each candidate pair."""
    u = graph.unit
    return sc.gain(problem.prio[u], problem.size[u], graph.score)


def flow_assign(problem: Problem, graph: CandidateGraph, gain: np.ndarray) -> np.ndarray:
    """The optimal host of each unit of one place on the candidate graph, or -1.

    Returns
    -------
    ndarray (U,) int64
    """
    from ortools.graph.python import min_cost_flow

    U, m = problem.n_units, problem.m
    capped = problem.unit_project >= 0
    P = len(problem.project_free)
    source, sink = 0, 1
    unit_node, host_node, proj_node = 2, 2 + U, 2 + U + m
    units = np.arange(U)
    tails = [[source], np.full((~capped).sum(), source), proj_node + problem.unit_project[capped]]
    heads = [[sink], unit_node + units[~capped], unit_node + units[capped]]
    caps = [[U], np.ones(U, np.int64)]
    tails += [np.full(P, source), unit_node + graph.unit, host_node + np.arange(m)]
    heads += [proj_node + np.arange(P), host_node + graph.host, np.full(m, sink)]
    caps += [np.minimum(problem.project_free, U), np.ones(graph.n_edges, np.int64), problem.free]
    costs = np.zeros(1 + U + P + graph.n_edges + m, dtype=np.int64)
    first_pair = 1 + U + P
    costs[first_pair : first_pair + graph.n_edges] = -gain
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(caps).astype(np.int64),
        costs,
    )
    supplies = np.zeros(2 + U + m + P, dtype=np.int64)
    supplies[source], supplies[sink] = U, -U
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(np.arange(first_pair, first_pair + graph.n_edges)) > 0
    out = np.full(U, UNASSIGNED, dtype=np.int64)
    out[graph.unit[used]] = graph.host[used]
    return out


def _longest_paths(n_nodes: int, src, dst, w, init) -> np.ndarray:
    """Largest values ``val >= init`` with ``val[dst] >= val[src] + w`` on every edge
    (label-correcting, only from the nodes that changed)."""
    val = init.copy()
    order = np.argsort(src, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    indptr = np.searchsorted(src, np.arange(n_nodes + 1))
    active = np.flatnonzero(val > NEG)
    for _ in range(n_nodes + 2):
        lens = indptr[active + 1] - indptr[active]
        total = int(lens.sum())
        if total == 0:
            return val
        shift = np.repeat(indptr[active] - np.r_[0, np.cumsum(lens)[:-1]], lens)
        e = shift + np.arange(total)
        best = np.full(n_nodes, NEG, dtype=np.int64)
        np.maximum.at(best, dst[e], val[src[e]] + w[e])
        active = np.flatnonzero(best > val)
        val[active] = best[active]
    raise RuntimeError("no dual prices: the flow is not optimal on the candidate graph")


def _dual_edges(problem: Problem, graph: CandidateGraph, gain, unit_host):
    """Edges of the difference constraints over host prices and project values."""
    m = problem.m
    at = unit_host[graph.unit]
    own = graph.host == at
    g_own = np.zeros(problem.n_units, dtype=np.int64)
    g_own[graph.unit[own]] = gain[own]
    matched = at >= 0
    other = matched & ~own
    # a placed unit: its price elsewhere is at least its host's price minus what it loses
    src, dst, w = [at[other]], [graph.host[other]], [gain[other] - g_own[graph.unit[other]]]
    proj = problem.unit_project[graph.unit]
    loose = ~matched & (proj >= 0)
    src.append(m + proj[loose])
    dst.append(graph.host[loose])
    w.append(gain[loose])
    placed = np.flatnonzero((unit_host >= 0) & (problem.unit_project >= 0))
    src.append(unit_host[placed])
    dst.append(m + problem.unit_project[placed])
    w.append(-g_own[placed])
    return np.concatenate(src), np.concatenate(dst), np.concatenate(w), g_own


def duals(problem: Problem, graph: CandidateGraph, gain, unit_host):
    """Dual values of an optimal flow on the candidate graph.

    Returns
    -------
    value : ndarray (U,) int64, ``U_u`` (a placed unit's gain minus its host's price; an
        unplaced unit's project value, 0 without a ceiling)
    price : ndarray (m,) int64, ``v_j >= 0`` (0 at a host with free places)
    project_value : ndarray (P,) int64, ``w_k >= 0`` per project (0 below its ceiling);
        ``value_u - w_k`` of a unit of project ``k`` is its own dual value
    """
    m, P = problem.m, len(problem.project_free)
    src, dst, w, g_own = _dual_edges(problem, graph, gain, unit_host)
    size = problem.size
    used = np.bincount(unit_host[unit_host >= 0], weights=size[unit_host >= 0], minlength=m)
    counted = (unit_host >= 0) & (problem.unit_project >= 0)
    p_used = np.bincount(problem.unit_project[counted], weights=size[counted], minlength=P)
    full_p = (problem.project_free < NO_CAP) & (p_used >= problem.project_free)
    init = np.zeros(m + P, dtype=np.int64)
    init[m:][full_p] = NEG
    free_unit = (unit_host[graph.unit] < 0) & (problem.unit_project[graph.unit] < 0)
    np.maximum.at(init, graph.host[free_unit], gain[free_unit])
    val = _longest_paths(m + P, src, dst, w, init)
    price, project_value = val[:m], -val[m:]
    value = np.where(unit_host >= 0, g_own - price[np.maximum(unit_host, 0)], 0)
    loose = (unit_host < 0) & (problem.unit_project >= 0)
    value[loose] = project_value[problem.unit_project[loose]]
    not_full = used < problem.free
    own_proj = np.r_[project_value, 0][problem.unit_project]  # -1 (no project): 0
    if (
        (price[not_full] != 0).any()
        or (project_value[~full_p] != 0).any()
        or (value - own_proj < 0).any()
    ):
        raise RuntimeError("dual prices inconsistent with the flow (internal error)")
    return value.astype(np.int64), price, project_value.astype(np.int64)
