"""Solve an allocation on a sparse candidate graph and prove what was found.

``optimal`` without groups or budget: min-cost flow on each unit's ``k`` best hosts, then
the certificate of ``_flow`` over every feasible pair; pairs that could improve the
objective are added and the flow solved again, until it is *certified optimal* for the full
instance or the rounds run out (then the gap is bounded by the dual). With groups or a
budget: the mixed-integer programme of ``_mip`` on the candidate graph; exact when the graph
holds every feasible pair, else compared with the optimum of its relaxation (groups split,
no budget), certified when they meet and the gap reported when they do not.

``stable``: deferred acceptance on the same truncated lists (stable with respect to them),
and the blocking pairs counted over every feasible pair of the instance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ._flow import Scale, duals, flow_assign, gains, scale
from ._graph import CandidateGraph, build_graph, unit_rows
from ._groups import place_groups
from ._mip import mip_assign
from ._problem import Problem, make_problem, split_groups
from ._stable import blocking_units, deferred_units

__all__ = ["Solution", "solve", "SolverSettings", "UnknownCosts"]


@dataclass(frozen=True)
class SolverSettings:
    """How the solvers work (``Config.allocation_*`` in :func:`matcher.allocate`).

    ``candidates``: hosts kept per unit (None: every feasible host); ``block_pairs``: pairs
    scored per block; ``rounds``: certification rounds; ``time_limit``: seconds for the
    mixed-integer programme (on a large graph with groups: for the relaxation with groups
    kept together and the programme on its near columns); ``precision``: score resolution
    of the flow's integer costs; ``mip_pairs``: candidate pairs up to which groups are solved by the programme (beyond,
    without a budget, by the flow guided by the optimum with groups split); ``aside_pairs``:
    left-out pairs the certificate keeps scored between rounds (16 bytes each; beyond, the
    ones that satisfy the dual are dropped and scored again when needed);
    ``relaxation_pairs``: candidate pairs up to which that guided solution is improved by the
    relaxation with groups kept together and a programme over its near columns (``_lp``:
    about a minute at 10,000 x 2,000 with 0.7 M pairs; at 40,000 x 10,000, 3 M pairs, one
    round of its restricted relaxation took over 100 s).
    """

    candidates: int | None = None
    block_pairs: int = 2_000_000
    rounds: int = 20
    time_limit: float = 300.0
    precision: float = 1e-6
    mip_pairs: int = 200_000
    aside_pairs: int = 50_000_000
    relaxation_pairs: int = 2_000_000


@dataclass
class Solution:
    """An assignment with what is known of its quality.

    Attributes
    ----------
    assign : ndarray (n,) int, host per participant or -1
    method : "optimal" or "stable"
    certified : bool or None, for ``optimal``: proven optimal for the full instance
    optimality : str, in plain words: certified optimal, or the gap
    gap : dict, upper bounds on what the optimum could add (empty when certified)
    candidates : int, hosts kept per unit (``n_hosts``: all)
    complete : bool, whether every feasible pair was a candidate
    rounds, added_pairs : certification rounds and the pairs they added
    blocking_pairs : list of (participant, host), stable only, over the full instance
    total_cost : float or None, cost of all placements (fixed ones included)
    left_behind : dict, row -> "rules" or "budget": accompanying persons of a group whose
        learners are kept who cannot go with them, and why
    """

    assign: np.ndarray
    method: str
    problem: Problem
    graph: CandidateGraph
    certified: bool | None = None
    optimality: str = ""
    gap: dict = field(default_factory=dict)
    candidates: int = 0
    complete: bool = True
    rounds: int = 0
    added_pairs: int = 0
    blocking_pairs: list = field(default_factory=list)
    total_cost: float | None = None
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    value: tuple | None = None  # the objective, when the graph alone does not tell it
    left_behind: dict = field(default_factory=dict)  # accompanying persons of kept groups
    dual: tuple | None = None  # the flow's (value, price, project value, scale), last round

    def feasible_hosts(self) -> np.ndarray:
        """``(n,)``: feasible hosts of each participant's unit (-1 for a fixed placement)."""
        unit = self.problem.unit_of()
        if self.problem.n_units == 0:  # every placement kept as it was
            return np.full(len(unit), -1, dtype=np.int64)
        return np.where(unit >= 0, self.graph.n_feasible[np.maximum(unit, 0)], -1)

    def objective(self) -> tuple[int, int, float]:
        """``(priority places placed, places placed, total score)`` of the solver's units."""
        if self.value is not None:
            return self.value
        return _objective(self.problem, self.graph, _unit_host(self.problem, self.assign))


def _unit_host(problem: Problem, assign) -> np.ndarray:
    return np.asarray(assign)[problem.members[problem.ptr[:-1]]]


def _objective(problem: Problem, graph: CandidateGraph, unit_host) -> tuple[int, int, float]:
    placed = unit_host >= 0
    on = unit_host[graph.unit] == graph.host
    return (
        int(problem.prio[placed].sum()),
        int(problem.size[placed].sum()),
        float(graph.score[on].sum()),
    )


#: Units whose packed feasibility is unpacked at a time.
_UNPACK_UNITS = 1024
#: Scoring blocks whose units' suspect pairs are listed, scored and judged at a time (bounds
#: the memory: about this many times ``block_pairs`` pairs).
_SUSPECT_BLOCKS = 8


def _suspects(problem, graph: CandidateGraph, need, price, units, by_unit: int) -> list:
    """``[(unit, hosts)]``: the left-out feasible hosts of ``units`` (increasing) whose price
    is below what the unit needs there (``need[u]``: its best left-out gain minus its value);
    only there can the dual fail. Pairs scored in an earlier round are not listed again: the
    first ``by_unit`` pairs put aside are sorted by unit and only their slice is looked at;
    those put aside after them belong to units checked before ``units``."""
    starts = graph.starts(problem.n_units)
    aside = graph.aside
    out = []
    for s in range(0, len(units), _UNPACK_UNITS):
        block = units[s : s + _UNPACK_UNITS]
        ok = graph.feasible(block, problem.m)
        for r, u in enumerate(block):
            ok[r, graph.host[starts[u] : starts[u + 1]]] = False
        if aside is not None:
            head = aside[0][:by_unit]
            lo, hi = np.searchsorted(head, [block[0], block[-1] + 1])
            au, aj = aside[0][lo:hi], aside[1][lo:hi]
            at = np.isin(au, block)
            ok[np.searchsorted(block, au[at]), aj[at]] = False
        size = problem.size[block][:, None]
        ok &= (problem.free[None, :] >= size) & (size > 0)  # the packed pairs may predate
        ok &= price[None, :] < need[block][:, None]
        out += [
            (int(block[r]), np.flatnonzero(ok[r]).astype(np.int32))
            for r in np.flatnonzero(ok.any(axis=1))
        ]
    return out


def _score_suspects(problem, source, suspects, settings) -> tuple:
    """Scores (and costs) of the suspect pairs, in blocks of units: ``(unit, host, score,
    cost)`` arrays, infeasible pairs left out."""
    parts = []
    per_block = max(1, settings.block_pairs // max(problem.m, 1))
    for s in range(0, len(suspects), per_block):
        chunk = suspects[s : s + per_block]
        block = np.array([u for u, _ in chunk], dtype=np.int64)
        cols = np.unique(np.concatenate([js for _, js in chunk]))
        score, ok, cost = unit_rows(problem, source, block, cols)
        for r, (u, js) in enumerate(chunk):
            at = np.searchsorted(cols, js)
            at = at[ok[r, at]]
            c = cost[r, at] if cost is not None else None
            parts.append(
                (np.full(len(at), u, np.int32), cols[at].astype(np.int32), score[r, at], c)
            )
    if not parts:
        parts = [(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0), np.zeros(0))]
    out = [np.concatenate([p[i] for p in parts]) for i in range(3)]
    return (*out, None if problem.cost is None else np.concatenate([p[3] for p in parts]))


def _left_out_check(problem, source, graph, sc: Scale, value, price, units, settings):
    """Exact check of the left-out pairs of ``units`` that could fail the dual (scored
    again, those only): the pairs to add (``k`` per unit, by how much they violate the dual)
    and the dual's gap.

    The suspects are listed, scored and judged a few units at a time, so that memory stays
    bounded whatever the size: the pairs that violate the dual are kept, and the others are
    put aside (not scored again in later rounds) while ``settings.aside_pairs`` allows;
    beyond, they are dropped and listed again if a later round needs them.
    """
    units = np.sort(units)
    best = np.where(np.isinf(graph.pruned_best), 0, graph.pruned_best)
    need = sc.gain(problem.prio, problem.size, best) - value
    by_unit = 0
    if graph.aside is not None:  # sorted by unit once: each chunk looks at its slice only
        order = np.argsort(graph.aside[0], kind="stable")
        graph.aside = tuple(None if a is None else a[order] for a in graph.aside)
        by_unit = len(order)
    step = max(1, settings.block_pairs // max(problem.m, 1)) * _SUSPECT_BLOCKS
    for s in range(0, len(units), step):
        chunk = units[s : s + step]
        sus = _suspects(problem, graph, need, price, chunk, by_unit)
        if not sus:
            continue
        u, j, score, cost = _score_suspects(problem, source, sus, settings)
        keep = sc.gain(problem.prio[u], problem.size[u], score) - value[u] - price[j] > 0
        held = 0 if graph.aside is None else len(graph.aside[0])
        if held + len(u) <= settings.aside_pairs:
            keep[:] = True
        graph.put_aside(u[keep], j[keep], score[keep], None if cost is None else cost[keep])
    if graph.aside is None:
        return None, 0
    mine = np.zeros(problem.n_units, dtype=bool)
    mine[units] = True
    u, j, score, _ = graph.aside
    at = np.flatnonzero(mine[u])  # the pairs put aside of these units only
    u = u[at]
    slack = sc.gain(problem.prio[u], problem.size[u], score[at]) - value[u] - price[j[at]]
    bad = slack > 0
    if not bad.any():
        return None, 0
    at, u, slack = at[bad], u[bad], slack[bad]
    order = np.lexsort((-slack, u))  # per unit, the worst violation first
    u_sorted = u[order]
    first = np.searchsorted(u_sorted, u_sorted)
    head = np.flatnonzero(np.r_[True, u_sorted[1:] != u_sorted[:-1]])
    gap = int(slack[order][head].sum())  # the sum of each unit's worst violation
    kept = order[(np.arange(len(order)) - first) < (settings.candidates or problem.m)]
    taking = np.zeros(len(graph.aside[0]), dtype=bool)
    taking[at[kept]] = True
    found = graph.take_aside(~taking)
    return found, gap


def _gap_words(gap: int, sc: Scale) -> tuple[dict, str]:
    """An objective gap (integer gain units) as bounds a reader can use."""
    out = {"score": round(gap / sc.S, 6)}
    if sc.A:
        out["priority_places"] = gap // sc.A
    out["places"] = gap // sc.B
    text = f"not certified: the optimum places at most {out['places']} more and scores at most {out['score']:.4f} more"
    return out, text


def _flow_certified(problem, source, graph, settings, sol: Solution):
    """Flow, certificate, add what fails, again (see the module notes); fills ``sol``."""
    n_nodes = 2 + problem.n_units + problem.m + len(problem.project_free)
    sc = scale(problem, settings.precision, n_nodes)
    for round_ in range(1, settings.rounds + 1):
        gain = gains(problem, graph, sc)
        unit_host = flow_assign(problem, graph, gain)
        value, price, project_value = duals(problem, graph, gain, unit_host)
        sol.dual = (value, price, project_value, sc)
        bound = sc.gain(
            problem.prio, problem.size, np.where(np.isinf(graph.pruned_best), 0, graph.pruned_best)
        )
        failing = np.flatnonzero(~np.isneginf(graph.pruned_best) & (value < bound))
        sol.rounds = round_
        if len(failing) == 0:
            break
        found, gap = _left_out_check(problem, source, graph, sc, value, price, failing, settings)
        if found is None:
            break
        if round_ == settings.rounds:
            sol.gap, sol.optimality = _gap_words(gap, sc)
            sol.certified = False
            return unit_host
        graph.add(*found)
        sol.added_pairs += len(found[0])
    sol.certified = True
    sol.optimality = "certified optimal"
    if round(1 / settings.precision) > sc.S:
        sol.notes.append(f"scores compared to 1/{sc.S:,} (64-bit costs)")
    return unit_host


def _flow_solution(problem, source, graph, settings) -> Solution:
    """The certified flow on ``graph`` as a solution (units of one place)."""
    sol = Solution(np.zeros(0), "optimal", problem, graph, candidates=min(graph.k, problem.m))
    sol.assign = problem.expand(_flow_certified(problem, source, graph, settings, sol))
    return sol


def _against_bound(problem, sol: Solution, ours, relaxed, settings, name: str, grouped=None):
    """Certified when ``ours`` reaches the split optimum, else the gap; fills ``sol``.

    ``grouped``: a tighter bound in the flow's gain units (``_groups._grouped_bound``); it
    bounds the score when ``ours`` places what the split optimum places.
    """
    bound = relaxed.objective()
    tol = 1e-6 * max(1, ours[1]) + (relaxed.problem.n / max(1, round(1 / settings.precision)))
    sol.value = ours
    if grouped is not None and ours[:2] == bound[:2]:
        sc = relaxed.dual[3]
        tighter = (grouped - sc.A * bound[0] - sc.B * bound[1]) / sc.S
        if tighter < bound[2]:
            bound = (*bound[:2], tighter)
            name = "groups kept together"
    if ours[:2] == bound[:2] and ours[2] >= bound[2] - tol and relaxed.certified:
        sol.certified, sol.optimality = True, "certified optimal"
        return
    sol.certified = False
    sol.gap = {"places": bound[1] - ours[1], "score": round(max(bound[2] - ours[2], 0.0), 6)}
    sol.optimality = (
        f"not certified: at most {sol.gap['places']} more placed and "
        f"{sol.gap['score']:.4f} more score than found (bound: {name})"
    )


def _grouped_certified(problem, source, graph, settings, sol: Solution):
    """Groups or a budget: the MIP on the graph (exact on a complete graph, else checked
    against the relaxation), or on a large graph without a budget the flow guided by the
    split optimum (``_groups``); returns the host per unit."""
    if problem.budget is None and graph.n_edges > settings.mip_pairs:
        flow = lambda p, g: _flow_solution(p, source, g, settings)  # noqa: E731
        assign, ours, relaxed, grouped = place_groups(problem, source, graph, settings, flow)
        _against_bound(problem, sol, ours, relaxed, settings, "groups split", grouped)
        sol.notes.append(
            "groups placed where they gain most at the prices of the optimum with groups split"
        )
        if graph.n_edges <= settings.relaxation_pairs:
            sol.notes.append(
                "then judged by the relaxation with groups kept together, and replaced by a "
                "programme over its nearly best pairs where that scored more"
            )
        return _unit_host(problem, assign)
    result = mip_assign(problem, graph, settings.time_limit)
    sol.notes += result.notes
    if graph.complete and result.optimal:
        sol.certified, sol.optimality = True, "certified optimal"
        return result.unit_host
    ours = _objective(problem, graph, result.unit_host)
    relaxed = solve(
        source, problem.capacity, "optimal", _problem=split_groups(problem), settings=settings
    )
    _against_bound(problem, sol, ours, relaxed, settings, "groups split, no budget")
    return result.unit_host


def solve(
    source,
    capacity,
    method: str = "optimal",
    *,
    priority=None,
    group=None,
    places=None,
    fixed=None,
    cost=None,
    budget=None,
    max_placed=None,
    project=None,
    settings: SolverSettings | None = None,
    progress=None,
    _problem: Problem | None = None,
) -> Solution:
    """Allocate from a score source (``rows(idx) -> scores, mask``); see the module notes.

    The arguments are those of :func:`optimal_assignment`; ``settings`` chooses the
    candidate graph and the limits, ``progress(done, total)`` follows the scoring.
    """
    settings = settings or SolverSettings()
    n = source.n_participants
    args = {
        "group": group, "places": places, "cost": cost, "budget": budget,
        "max_placed": max_placed, "project": project,
    }  # fmt: skip
    problem, left_behind = _problem, {}
    if problem is None:
        problem = make_problem(n, capacity, priority, fixed=fixed, **args)
        pinned, left_behind = _pin_followers(problem, source)
        if left_behind is not None and (pinned != problem.fixed).any():
            problem = make_problem(n, capacity, priority, fixed=pinned, **args)
        left_behind = left_behind or {}
    k = problem.m if settings.candidates is None else int(settings.candidates)
    t0 = time.perf_counter()
    k_cheap = k if problem.budget is not None else 0
    graph = build_graph(problem, source, k, settings.block_pairs, k_cheap, progress)
    _check_costs(problem, graph)
    sol = Solution(np.zeros(0), method, problem, graph, candidates=min(k, problem.m))
    sol.complete, sol.left_behind = graph.complete, left_behind
    t1 = time.perf_counter()
    if method == "optimal" and (problem.grouped or problem.budget is not None):
        unit_host = _grouped_certified(problem, source, graph, settings, sol)
    elif method == "optimal":
        unit_host = _flow_certified(problem, source, graph, settings, sol)
    else:
        unit_host = deferred_units(problem, graph)
    t2 = time.perf_counter()
    if method == "stable":
        blocking = blocking_units(problem, source, graph, unit_host, settings.block_pairs)
        first = problem.members[problem.ptr[:-1]]
        sol.blocking_pairs = [(int(first[u]), j) for u, j in blocking]
    sol.assign = problem.expand(unit_host)
    sol.total_cost = _total_cost(problem, sol.assign)
    sol.seconds = {"candidates": t1 - t0, "solve": t2 - t1, "check": time.perf_counter() - t2}
    return sol


def _pin_followers(problem: Problem, source) -> tuple[np.ndarray, dict | None]:
    """Accompanying persons of a group whose learners are kept go with them: kept at the
    group's host before the solve (their cost reserved first), where the rules and the
    budget left after the kept placements allow.

    Returns the kept placements with them added, and ``{row: "rules" | "budget"}`` for
    those who cannot go (None when no group has kept learners).
    """
    unit = problem.unit_of()
    rows = np.flatnonzero((problem.places == 0) & (unit >= 0))
    rows = rows[problem.forced[unit[rows]] >= 0]
    if len(rows) == 0:
        return problem.fixed, None
    where = problem.forced[unit[rows]]
    ok = np.zeros(len(rows), dtype=bool)
    for j in np.unique(where):
        at = np.flatnonzero(where == j)
        _, mask = source.rows(rows[at], np.array([j]))
        ok[at] = np.asarray(mask, dtype=bool)[:, 0]
    why = {int(i): "rules" for i in rows[~ok]}
    if problem.budget is not None:
        price = np.asarray(problem.cost[rows, where], dtype=np.float64)
        unknown = ok & np.isnan(price)
        if unknown.any():
            raise UnknownCosts(np.c_[rows[unknown], where[unknown]])
        within = np.cumsum(np.where(ok, price, 0.0)) <= problem.budget + 1e-9
        why |= {int(i): "budget" for i in rows[ok & ~within]}
        ok &= within
    fixed = problem.fixed.copy()
    fixed[rows[ok]] = where[ok]
    return fixed, why


class UnknownCosts(ValueError):
    """Feasible pairs whose cost is unknown (a rate not configured) under a budget ceiling;
    ``pairs``: ``(k, 2)`` participant row and host column of each."""

    def __init__(self, pairs):
        self.pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        super().__init__(
            f"the cost of {len(self.pairs)} feasible pairs is unknown "
            "(a rate is not configured): a budget ceiling cannot be checked"
        )


def _check_costs(problem: Problem, graph: CandidateGraph) -> None:
    """A budget needs a known cost on every candidate pair."""
    if problem.budget is None or not np.isnan(graph.cost).any():
        return
    pairs = []
    for e in np.flatnonzero(np.isnan(graph.cost)):
        u, j = int(graph.unit[e]), int(graph.host[e])
        members = problem.members[problem.ptr[u] : problem.ptr[u + 1]]
        unknown = members[np.isnan(np.asarray(problem.cost[members, j], dtype=np.float64))]
        pairs += [(int(i), j) for i in unknown]
    raise UnknownCosts(pairs)


def _total_cost(problem: Problem, assign) -> float | None:
    """Cost of every placement (fixed ones included), or None without costs."""
    if problem.cost is None:
        return None
    placed = np.flatnonzero(assign >= 0)
    return float(np.nansum(np.asarray(problem.cost[placed, assign[placed]], dtype=np.float64)))
