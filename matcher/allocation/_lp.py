"""Groups on a large graph, closer to the optimum: the linear relaxation with groups kept
together, by column generation, and a small programme on what it leaves open.

The guided flow (``_groups``) places every group whole and is judged against a bound. The
tightest bound a linear programme gives is the relaxation in which a group is one column per
host (it takes all its places there, or a fraction of them), never split. Over every pair
that relaxation is too large to solve here (over a minute for 10,000 x 2,000), but few
columns matter: it is solved on a restricted set (each unit's best columns at the split
optimum's prices, and the guided solution's), priced against every candidate pair with its
duals, and the columns it misses are added until none is.

At the levels the guided solution reaches (its priority places and places, which the split
optimum shows to be the most possible), the duals give a bound on the score valid over every
feasible pair (Lagrangian: ``sum_j free_j v_j + sum_k ceiling_k w_k + beta N + alpha P +
sum_u max(0, best net gain of unit u)``): the candidate pairs are priced exactly; of the
pairs left out, those whose host's price is low enough that they could gain more than the
unit's best are scored again (the certificate's suspects) and added as columns; groups are
scored against every host. The columns a unit gains nearly as much from as its best are
then given to HiGHS as a mixed-integer programme (the guided solution among them, so it
never does worse); its solution replaces the guided one when it scores more.

Used up to ``SolverSettings.relaxation_pairs`` candidate pairs, within ``time_limit``: on
10,000 x 2,000 (0.7 M pairs) it raised the score by 10.4 and cut the gap from 10.87 to 0.16
in about a minute; at 40,000 x 10,000 one round of the restricted programme took over 100 s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ._graph import unit_blocks, unit_rows
from ._problem import NO_CAP, Problem

__all__ = ["closer"]

#: Columns per unit in the first restricted programme, and added per unit and round.
_FIRST, _ADDED = 5, 3
#: Rounds of column generation at most.
_ROUNDS = 8
#: Reduced cost (score units) down to which a column goes to the integer programme.
_NEAR = 0.02
#: Violations (score units) below this are the solver's tolerance, not a missing column.
_TOL = 1e-7
#: The rounds stop when the bound is this close to the restricted programme's value (score
#: units), and after this many checks against every feasible pair.
_STALL, _CHECKS = 0.01, 3


@dataclass
class Columns:
    """Candidate pairs ``(unit, host)`` with their score (a unit's members summed)."""

    unit: np.ndarray
    host: np.ndarray
    score: np.ndarray
    mine: np.ndarray  # bool: the guided solution's columns

    FIELDS = ("unit", "host", "score", "mine")

    def take(self, idx) -> Columns:
        """The columns ``idx`` (indices or a mask)."""
        return Columns(self.unit[idx], self.host[idx], self.score[idx], self.mine[idx])


def _rows(problem: Problem, cols: Columns):
    """The programme's rows over ``cols``: one per unit, host, capped project; then the
    levels (places, priority places); and their right-hand sides."""
    from scipy.sparse import csr_array, vstack

    n, U, m = len(cols.unit), problem.n_units, problem.m
    at = np.arange(n)
    size = problem.size[cols.unit].astype(np.float64)
    k = problem.unit_project[cols.unit]
    c = k >= 0
    P = len(problem.project_free)
    ub = csr_array(
        vstack(
            [
                csr_array((np.ones(n), (cols.unit, at)), shape=(U, n)),
                csr_array((size, (cols.host, at)), shape=(m, n)),
                csr_array((size[c], (k[c], at[c])), shape=(P, n)),
            ]
        )
    )
    b_ub = np.r_[np.ones(U), problem.free, np.minimum(problem.project_free, 10**9)]
    eq = [size, problem.prio[cols.unit].astype(np.float64)]
    return ub, b_ub, csr_array(np.vstack(eq if problem.prio.any() else eq[:1]))


def _net(problem: Problem, cols: Columns, duals) -> np.ndarray:
    """Each column's score net of the prices of what it takes."""
    v, w, beta, alpha = duals
    size = problem.size[cols.unit]
    k = problem.unit_project[cols.unit]
    wk = np.where(k >= 0, np.r_[w, 0.0][k], 0.0)
    return cols.score - size * (v[cols.host] + wk + beta) - alpha * problem.prio[cols.unit]


def _lp(problem: Problem, cols: Columns, levels, seconds: float):
    """The restricted relaxation: its value and duals ``(v, w, beta, alpha)``, or None."""
    from scipy.optimize import linprog

    a_ub, b_ub, a_eq = _rows(problem, cols)
    b_eq = [levels[1], levels[0]][: a_eq.shape[0]]
    res = linprog(
        -cols.score, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1),
        method="highs", options={"time_limit": max(seconds, 1.0)},
    )  # fmt: skip
    if res.status != 0:
        return None
    y, e = -res.ineqlin.marginals, -res.eqlin.marginals
    U, m = problem.n_units, problem.m
    y = np.maximum(y, 0.0)  # the solver's rounding: a bound needs prices >= 0
    duals = (y[U : U + m], y[U + m :], float(e[0]), float(e[1]) if len(e) > 1 else 0.0)
    return -res.fun, duals


def _best(problem: Problem, cols: Columns, net: np.ndarray) -> np.ndarray:
    """``(U,)``: each unit's best net gain over ``cols``, 0 when none is positive."""
    best = np.zeros(problem.n_units)
    np.maximum.at(best, cols.unit, net)
    return best


def _top(problem: Problem, cols: Columns, net: np.ndarray, k: int, among) -> np.ndarray:
    """Indices of each unit's ``k`` best columns by ``net``, of those ``among`` (bool)."""
    idx = np.flatnonzero(among)
    order = idx[np.lexsort((-net[idx], cols.unit[idx]))]
    u = cols.unit[order]
    first = np.searchsorted(u, u)
    return np.sort(order[np.arange(len(order)) - first < k])


def _group_best(problem: Problem, source, units, duals, settings) -> np.ndarray:
    """The best net gain of ``units`` over every feasible host (scored again)."""
    v, w, beta, alpha = duals
    out = np.zeros(len(units))
    at = 0
    for block in unit_blocks(problem, units, settings.block_pairs):
        score, ok, _ = unit_rows(problem, source, block)
        k, size = problem.unit_project[block], problem.size[block]
        ok &= (np.r_[problem.project_free, NO_CAP][k] >= size)[:, None]
        wk = np.where(k >= 0, np.r_[w, 0.0][k], 0.0)
        net = score - size[:, None] * (v[None, :] + (wk + beta)[:, None])
        net -= (alpha * problem.prio[block])[:, None]
        out[at : at + len(block)] = np.where(ok, net, 0.0).max(axis=1, initial=0.0)
        at += len(block)
    return out


def _left_out(problem: Problem, source, graph, base, best, duals, settings) -> Columns:
    """The pairs left out of ``graph`` of units alone that gain more than ``best`` at
    ``duals``, scored exactly (those only whose host's price is below ``base - best``:
    ``base`` is the unit's best left-out score net of all but the host's price)."""
    from ._solve import _SUSPECT_BLOCKS, _score_suspects, _suspects

    v, w, beta, alpha = duals
    alone = np.diff(problem.ptr) == 1
    need = base - best
    units = np.flatnonzero(alone & np.isfinite(base) & (need > v.min(initial=0.0)))
    parts = []
    step = max(1, settings.block_pairs // max(problem.m, 1)) * _SUSPECT_BLOCKS
    for s in range(0, len(units), step):
        sus = _suspects(problem, graph, need, v, units[s : s + step], 0)
        if not sus:
            continue
        u, j, score, _ = _score_suspects(problem, source, sus, settings)
        found = Columns(u.astype(np.int64), j.astype(np.int64), score, np.zeros(len(u), bool))
        parts.append(found.take(np.flatnonzero(_net(problem, found, duals) > best[u] + _TOL)))
    if not parts:
        return Columns(*(np.zeros(0, t) for t in (np.int64, np.int64, np.float64, bool)))
    return Columns(*(np.concatenate([getattr(c, f) for c in parts]) for f in Columns.FIELDS))


def _bound(problem: Problem, source, graph, cols: Columns, levels, duals, settings):
    """The Lagrangian bound on the score at ``levels`` for ``duals`` (see the notes) over
    every feasible pair, each column's reduced cost (its net gain below its unit's best
    candidate) and the left-out pairs that gain more than that best (to add)."""
    v, w, beta, alpha = duals
    net = _net(problem, cols, duals)
    best = _best(problem, cols, net)
    rc = net - best[cols.unit]
    k = problem.unit_project
    base = np.where(np.isneginf(graph.pruned_best), -np.inf, graph.pruned_best)
    base = base - problem.size * (np.where(k >= 0, np.r_[w, 0.0][k], 0.0) + beta)
    extra = _left_out(problem, source, graph, base - alpha * problem.prio, best, duals, settings)
    np.maximum.at(best, extra.unit, _net(problem, extra, duals))
    multi = np.flatnonzero(np.diff(problem.ptr) > 1)
    if len(multi):
        best[multi] = np.maximum(best[multi], _group_best(problem, source, multi, duals, settings))
    return _bound_of(problem, levels, duals, best), rc, extra


def _bound_of(problem: Problem, levels, duals, best) -> float:
    """The Lagrangian bound at ``duals`` given each unit's best net gain (at least 0)."""
    v, w, beta, alpha = duals
    capped = problem.project_free < NO_CAP
    bound = (problem.free * v).sum() + (problem.project_free[capped] * w[capped]).sum()
    return float(bound + beta * levels[1] + alpha * levels[0] + best.sum())


def _generate(problem, source, graph, cols, levels, start, settings, deadline):
    """Column generation (see the notes): the lowest bound found, the columns (the left-out
    pairs it needed added) and their reduced costs at that bound's duals.

    Each round prices every candidate at the restricted programme's duals: their bound over
    the candidates is valid for them, and the best duals are kept (degenerate duals can
    stall the value for many rounds while the bound still falls). At the end the kept duals
    are checked against every feasible pair (not once ``deadline`` has passed: that check
    scores pairs); left-out pairs that would gain more are added and the rounds go on."""
    first = _top(problem, cols, _net(problem, cols, start), _FIRST, np.ones(len(cols.unit), bool))
    inside = np.zeros(len(cols.unit), dtype=bool)
    inside[first] = True
    inside[cols.mine] = True
    found, kept, checks = (np.inf, cols, None), (np.inf, None), 0
    for _ in range(_ROUNDS):
        left = deadline - time.monotonic()
        solved = _lp(problem, cols.take(inside), levels, left) if left > 0 else None
        if solved is not None:
            value, duals = solved
            net = _net(problem, cols, duals)
            best = _best(problem, cols, net)
            cheap = _bound_of(problem, levels, duals, best)
            if cheap < kept[0]:
                kept = (cheap, duals)
            lacking = ~inside & (net - best[cols.unit] > -_NEAR)
            if cheap - value > _STALL and lacking.any():
                inside |= lacking
                continue
        if kept[1] is None or time.monotonic() > deadline:  # the check scores: not late
            break
        bound, rc, extra = _bound(problem, source, graph, cols, levels, kept[1], settings)
        if bound < found[0]:
            found = (bound, cols, rc)
        checks += 1
        if len(extra.unit) == 0 or solved is None or checks == _CHECKS:
            break
        if len(extra.unit) > len(cols.unit):  # duals far from the optimum's: the bound is kept
            break
        cols = Columns(*(np.r_[getattr(cols, f), getattr(extra, f)] for f in Columns.FIELDS))
        inside = np.r_[inside, np.ones(len(extra.unit), dtype=bool)]
        kept = (np.inf, None)
    return found


def _programme(problem, cols: Columns, rc, levels, seconds: float):
    """Hosts per unit from the integer programme over the columns near their unit's best
    (and the guided solution's), or None when it finds nothing in time."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    near = (rc >= -_NEAR) | cols.mine
    sub = cols.take(np.flatnonzero(near))
    a_ub, b_ub, a_eq = _rows(problem, sub)
    b_eq = np.array([levels[1], levels[0]][: a_eq.shape[0]], dtype=np.float64)
    res = milp(
        -sub.score,
        constraints=[LinearConstraint(a_ub, -np.inf, b_ub), LinearConstraint(a_eq, b_eq, b_eq)],
        integrality=np.ones(len(sub.unit)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(seconds, 1.0), "mip_rel_gap": 0.0},
    )
    if res.x is None:
        return None
    chosen = np.rint(res.x) > 0
    unit_host = np.full(problem.n_units, -1, dtype=np.int64)
    unit_host[sub.unit[chosen]] = sub.host[chosen]
    return unit_host, float(sub.score[chosen].sum())


def improve_groups(problem, source, graph, cols: Columns, levels, start, settings):
    """The relaxation's bound on the score and, when the programme finds better, hosts per
    unit (see the notes).

    Parameters
    ----------
    cols : Columns with ``mine`` (bool): the guided solution's columns
    graph : CandidateGraph the columns come from (what it left out is checked exactly)
    levels : (priority places, places) the guided solution placed (the most possible)
    start : duals ``(v, w, beta, alpha)`` to choose the first columns by
    settings : SolverSettings (``time_limit``: seconds for both steps)

    Returns
    -------
    (bound, unit_host or None, score or None)
    """
    deadline = time.monotonic() + settings.time_limit
    bound, cols, rc = _generate(problem, source, graph, cols, levels, start, settings, deadline)
    if rc is None:
        return None, None, None
    left = deadline - time.monotonic()
    found = _programme(problem, cols, rc, levels, left) if left > 0 else None
    if found is None:
        return bound, None, None
    return bound, found[0], found[1]


def _columns(problem: Problem, source, graph, unit_host) -> Columns:
    """The graph's pairs and the guided solution's (some were added by its certificate: those
    are scored again, a block of units at a time; they are few), marked."""
    placed = np.flatnonzero(unit_host >= 0)
    keys = graph.unit * problem.m + graph.host  # sorted: the graph is by unit, then host
    want = placed * problem.m + unit_host[placed]
    at = np.minimum(np.searchsorted(keys, want), max(graph.n_edges - 1, 0))
    there = (keys[at] == want) if graph.n_edges else np.zeros(len(placed), dtype=bool)
    hit = np.zeros(graph.n_edges, dtype=bool)
    hit[at[there]] = True
    missing = placed[~there]
    scores = [np.zeros(0)]
    for s in range(0, len(missing), 1024):
        block = missing[s : s + 1024]
        hosts = np.unique(unit_host[block])
        score = unit_rows(problem, source, block, hosts)[0]
        scores.append(score[np.arange(len(block)), np.searchsorted(hosts, unit_host[block])])
    return Columns(
        np.r_[graph.unit, missing],
        np.r_[graph.host, unit_host[missing]],
        np.concatenate([graph.score, *scores]),
        np.r_[hit, np.ones(len(missing), dtype=bool)],
    )


def closer(problem: Problem, source, graph, assign, ours, relaxed, settings):
    """The guided solution improved by the programme when it can be, and the relaxation's
    bound on it, in the flow's gain units (see the notes).

    Returns
    -------
    (assign, ours, bound or None): ``ours`` as ``place_groups`` gives it
    """
    value, price, project_value, sc = relaxed.dual
    unit_host = np.asarray(assign)[problem.members[problem.ptr[:-1]]]
    cols = _columns(problem, source, graph, unit_host)
    if len(cols.unit) == 0:
        return assign, ours, None
    start = (price / sc.S, project_value / sc.S, -sc.B / sc.S, -sc.A / sc.S)
    bound, better, score = improve_groups(problem, source, graph, cols, ours[:2], start, settings)
    if bound is None:
        return assign, ours, None
    gain = int(np.ceil(sc.A * ours[0] + sc.B * ours[1] + sc.S * bound))
    if better is None or score <= ours[2]:
        return assign, ours, gain
    return problem.expand(better), (*ours[:2], score), gain
