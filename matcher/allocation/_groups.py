"""Groups on a large candidate graph without a mixed-integer programme.

The optimum with groups split (every learner placed on their own) is solved and certified by
the flow; its value bounds the optimum with groups. Each group is then placed, best groups
first, on the candidate host with room whose gain net of the split optimum's price of its
places is highest (ties: where that optimum put most of its learners), or left out when the
split optimum placed none of its learners; with the groups fixed, everyone else is placed by
the certified flow. The pairs are scored once: the relaxation reuses the groups' graph
(scoring only the groups' members alone) and the rest reuses the relaxation's.

That solution is then improved (``_lp``): the linear relaxation with every group kept
together is solved by column generation, and a mixed-integer programme over the columns
whose reduced cost is near their unit's best (the guided solution's among them) replaces it
when it scores more.

The result is certified optimal when it reaches a bound, and the gap is reported when it
does not. Three bounds, the lowest kept: the split optimum; the same prices with every group
kept together (the Lagrangian relaxation of the places, :func:`_grouped_bound`); and the
relaxation's duals with groups kept together, checked against every feasible pair (``_lp``).
"""

from __future__ import annotations

import numpy as np

from ._graph import CandidateGraph, build_graph, unit_blocks, unit_rows
from ._lp import closer
from ._problem import NO_CAP, Problem, make_problem, split_groups

__all__ = ["place_groups"]


def _group_units(problem: Problem) -> np.ndarray:
    """Units of more than one member (groups, and a learner with an accompanying person: one
    place, but the person must go with the learner) and units bound to a kept member's host:
    they are placed here, not below, where every participant is a unit of its own and free."""
    return np.flatnonzero((np.diff(problem.ptr) > 1) | (problem.forced >= 0))


def _choose(problem: Problem, graph: CandidateGraph, relaxed_assign, price=None) -> dict[int, int]:
    """Host per group unit (those left out are absent), greedily, best unit score first.

    With ``price`` (``(gain per candidate pair, host prices)``, the relaxation's, in the
    flow's gain units): the candidate host with room whose gain net of the price of the
    group's places is highest, ties to where the relaxation put most of its learners.
    Without: where the relaxation put most of its learners, then the best score.
    """
    room = problem.free.astype(np.int64).copy()
    proj_room = problem.project_free.astype(np.int64).copy()
    starts = graph.starts(problem.n_units)
    groups = _group_units(problem)
    best = np.array([graph.score[starts[u] : starts[u + 1]].max(initial=-1.0) for u in groups])
    out = {}
    for u in groups[np.argsort(-best, kind="stable")]:
        members = problem.members[problem.ptr[u] : problem.ptr[u + 1]]
        placed = relaxed_assign[members][problem.places[members] > 0]
        if not (placed >= 0).any():
            continue
        hosts = graph.host[starts[u] : starts[u + 1]]
        scores = graph.score[starts[u] : starts[u + 1]]
        votes = np.array([(placed == j).sum() for j in hosts])
        k = problem.unit_project[u]
        fits = room[hosts] >= problem.size[u]
        if problem.forced[u] >= 0:  # a member was kept: that host or none
            fits &= hosts == problem.forced[u]
        if k >= 0 and proj_room[k] < problem.size[u]:
            fits[:] = False
        if not fits.any():
            continue
        if price is None:
            pick = np.lexsort((-scores, -votes))  # most learners there first, then score
        else:
            gain, v = price
            net = gain[starts[u] : starts[u + 1]] - problem.size[u] * v[hosts]
            pick = np.lexsort((-votes, -net))  # the best net gain, then most learners
        j = int(hosts[pick[fits[pick]][0]])
        out[int(u)] = j
        room[j] -= problem.size[u]
        if k >= 0 and proj_room[k] < NO_CAP:
            proj_room[k] -= problem.size[u]
    return out


def _split_graph(problem: Problem, split: Problem, source, graph: CandidateGraph, settings):
    """The candidate graph of the relaxation ``split`` without scoring it all again: the
    pairs of participants who are units on their own are ``graph``'s, and only the members
    of groups are scored, one by one."""
    unit = problem.unit_of()[split.members]
    alone = np.diff(problem.ptr)[unit] == 1
    mine = graph.relabel(np.where(alone, unit, -1), np.ones(problem.m, dtype=bool))
    mine.cost = None  # the relaxation has no budget
    if mine.aside is not None:
        mine.aside = (*mine.aside[:3], None)
    scored = build_graph(split, source, graph.k, settings.block_pairs, units=np.flatnonzero(~alone))
    return mine.combine(scored)


def _rest_graph(split: Problem, rest: Problem, graph: CandidateGraph) -> CandidateGraph:
    """The graph of ``rest`` (the groups fixed, everyone else on their own) from the
    relaxation's (certified, pairs added included), hosts the groups filled dropped."""
    index = np.full(split.n, -1, dtype=np.int64)
    index[split.members] = np.arange(split.n_units)
    old = np.where(rest.size > 0, index[rest.members], -1)
    return graph.relabel(old, rest.free > 0)


def _grouped_bound(problem: Problem, split: Problem, source, relaxed, settings) -> int | None:
    """An upper bound on the optimum with groups kept together, in the flow's gain units:
    the Lagrangian relaxation of the places (and the projects' ceilings) at the prices of
    the relaxation's certified optimum (groups split).

    For host prices ``v >= 0`` and project values ``w >= 0``, no allocation scores more than
    ``sum_j free_j v_j + sum_k ceiling_k w_k + sum_u max(0, max_j gain_uj - size_u (v_j +
    w_k(u)))`` over the units as they are placed (a group whole, on the hosts every member
    may join). Units of one participant keep their value in the relaxation's dual; each
    group's best is taken over every feasible host (its members scored again: groups are
    few). At the relaxation's prices this is never above the relaxation's optimum and is
    below it by what keeping each group together costs. None when the relaxation was not
    certified (its prices then bound nothing).
    """
    if relaxed.dual is None or not relaxed.certified:
        return None
    value, v, w, sc = relaxed.dual
    multi = np.flatnonzero(np.diff(problem.ptr) > 1)
    best = np.zeros(len(multi), dtype=np.int64)
    ceiling = np.r_[problem.project_free, NO_CAP]  # -1 (no project): no ceiling
    w = np.where(ceiling[:-1] > 0, w, 0)  # a ceiling of 0: no unit of it is placed at all
    w = np.r_[w, 0]
    at = 0
    for block in unit_blocks(problem, multi, settings.block_pairs):
        score, ok, _ = unit_rows(problem, source, block)
        k, size = problem.unit_project[block], problem.size[block]
        ok &= (ceiling[k] >= size)[:, None]
        net = sc.gain(problem.prio[block][:, None], size[:, None], score) - size[:, None] * (
            v[None, :] + w[k][:, None]
        )
        best[at : at + len(block)] = np.where(ok, net, 0).max(axis=1, initial=0)
        at += len(block)
    alone = ~np.isin(problem.unit_of()[split.members], multi)  # the units of one participant
    own = np.where(
        ceiling[split.unit_project[alone]] > 0, value[alone] - w[split.unit_project[alone]], 0
    )
    capped = problem.project_free < NO_CAP
    return int(
        (problem.free * v).sum() + (problem.project_free[capped] * w[:-1][capped]).sum()
        + own.sum() + best.sum()
    )  # fmt: skip


def place_groups(problem: Problem, source, graph: CandidateGraph, settings, flow):
    """Place groups guided by the split optimum, then the rest exactly (see the notes).

    The pairs are scored once: the relaxation's graph is ``graph``'s for participants on
    their own (with the groups' members scored alone), and the rest's is the relaxation's.
    ``flow(problem, graph)`` is the certified min-cost flow (a solution).

    Returns
    -------
    assign : ndarray (n,) host per participant
    value : (priority places, places, score) of the participants not fixed beforehand
    relaxed : the split optimum's solution (its ``objective()`` bounds ``value``)
    """
    split = split_groups(problem)
    relaxed = flow(split, _split_graph(problem, split, source, graph, settings))
    price = None
    if relaxed.dual is not None:  # the relaxation's prices of places, when it has them
        sc = relaxed.dual[3]
        price = sc.gain(problem.prio[graph.unit], problem.size[graph.unit], graph.score)
        price = (price, relaxed.dual[1])
    chosen = _choose(problem, graph, relaxed.assign, price)
    fixed = problem.fixed.copy()
    places = problem.places.copy()
    starts = graph.starts(problem.n_units)
    prio = size = 0
    score = 0.0
    for u in _group_units(problem):
        members = problem.members[problem.ptr[u] : problem.ptr[u + 1]]
        if int(u) not in chosen:
            places[members] = 0  # left out: placeable nowhere below
            continue
        j = chosen[int(u)]
        fixed[members] = j
        e = starts[u] + int(np.searchsorted(graph.host[starts[u] : starts[u + 1]], j))
        prio, size, score = prio + problem.prio[u], size + problem.size[u], score + graph.score[e]
    rest = make_problem(
        problem.n, problem.capacity, problem.priority, places=places, fixed=fixed,
        max_placed=_ceilings(problem), project=problem.project if problem.capped else None,
    )  # fmt: skip
    sol = flow(rest, _rest_graph(split, rest, relaxed.graph))
    p, n, s = sol.objective()
    assign, ours = sol.assign, (int(p + prio), int(n + size), float(s + score))
    bound = _grouped_bound(problem, split, source, relaxed, settings)
    near = graph.n_edges <= settings.relaxation_pairs
    if near and bound is not None and sol.certified and ours[:2] == relaxed.objective()[:2]:
        assign, ours, lp = closer(problem, source, graph, assign, ours, relaxed, settings)
        bound = bound if lp is None else min(bound, lp)
    return assign, ours, relaxed, bound


def _ceilings(problem: Problem):
    """The original ceilings per project (what is free plus what the fixed ones took)."""
    if not problem.capped:
        return None
    kept = problem.fixed >= 0
    took = np.bincount(
        problem.project[kept & (problem.project >= 0)],
        weights=problem.places[kept & (problem.project >= 0)],
        minlength=len(problem.project_free),
    ).astype(np.int64)
    return problem.project_free + took
