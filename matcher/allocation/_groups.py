"""Groups on a large candidate graph without a mixed-integer programme.

The optimum with groups split (every learner placed on their own) is an exact bound, solved
and certified by the flow. Each group is then placed where that optimum put most of its
learners, if it fits whole there (the host taking the whole group, with room left), else at
its best candidate host with room, or left out when the bound placed none of its learners;
with the groups fixed, the participants alone are placed by the certified flow. The result
is certified optimal when it reaches the bound, and the gap is reported when it does not.
"""

from __future__ import annotations

import numpy as np

from ._graph import CandidateGraph
from ._problem import NO_CAP, Problem, make_problem, split_groups

__all__ = ["place_groups"]


def _group_units(problem: Problem) -> np.ndarray:
    """Units of more than one member (groups, and a learner with an accompanying person: one
    place, but the person must go with the learner) and units bound to a kept member's host:
    they are placed here, not below, where every participant is a unit of its own and free."""
    return np.flatnonzero((np.diff(problem.ptr) > 1) | (problem.forced >= 0))


def _choose(problem: Problem, graph: CandidateGraph, relaxed_assign) -> dict[int, int]:
    """Host per group unit (those left out are absent), greedily, best unit score first."""
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
        pick = np.lexsort((-scores, -votes))  # most learners there first, then score
        j = int(hosts[pick[fits[pick]][0]])
        out[int(u)] = j
        room[j] -= problem.size[u]
        if k >= 0 and proj_room[k] < NO_CAP:
            proj_room[k] -= problem.size[u]
    return out


def place_groups(problem: Problem, source, graph: CandidateGraph, settings, solve):
    """Place groups guided by the split optimum, then the rest exactly (see the notes).

    Returns
    -------
    assign : ndarray (n,) host per participant
    value : (priority places, places, score) of the participants not fixed beforehand
    relaxed : the split optimum's solution (its ``objective()`` bounds ``value``)
    """
    relaxed = solve(
        source, problem.capacity, "optimal", _problem=split_groups(problem), settings=settings
    )
    chosen = _choose(problem, graph, relaxed.assign)
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
    sol = solve(source, problem.capacity, "optimal", _problem=rest, settings=settings)
    p, n, s = sol.objective()
    return sol.assign, (int(p + prio), int(n + size), float(s + score)), relaxed


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
