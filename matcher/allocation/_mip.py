"""The exact optimum with groups or a budget: a mixed-integer programme (HiGHS via SciPy).

One binary per candidate pair ``(unit, host)``; a unit goes to at most one host, a host's
places (the units' sizes) stay within its free places, a project's placed places within its
ceiling, and the total cost within the budget. The lexicographic objective (priority places
placed, then places placed, then total score) is one weighted sum: solving it in stages,
each fixing the one before by a constraint, makes the relaxations fractional and the search
long, while the weighted sum keeps the relaxation of participants alone integral. HiGHS runs
without presolve: on these assignment structures it costs more than it saves (3x on the sample).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._graph import CandidateGraph
from ._problem import UNASSIGNED, Problem

__all__ = ["MipResult", "mip_assign"]

#: HiGHS statuses in scipy.optimize.milp that come with a solution.
_SOLVED, _LIMIT = 0, 1


@dataclass
class MipResult:
    """Hosts per unit and how each stage ended (``optimal`` or a limit with its gap)."""

    unit_host: np.ndarray
    optimal: bool
    notes: list = field(default_factory=list)


def _constraints(problem: Problem, graph: CandidateGraph):
    """The rows of the programme, as ``scipy.optimize.LinearConstraint``s."""
    from scipy.optimize import LinearConstraint
    from scipy.sparse import csr_array

    E = graph.n_edges
    cols = np.arange(E)
    size = problem.size[graph.unit].astype(np.float64)
    out = [
        LinearConstraint(
            csr_array((np.ones(E), (graph.unit, cols)), shape=(problem.n_units, E)), -np.inf, 1
        ),
        LinearConstraint(
            csr_array((size, (graph.host, cols)), shape=(problem.m, E)), -np.inf, problem.free
        ),
    ]
    proj = problem.unit_project[graph.unit]
    capped = proj >= 0  # a participant is in a project only under a ceiling
    if capped.any():
        P = len(problem.project_free)
        a = csr_array((size[capped], (proj[capped], cols[capped])), shape=(P, E))
        out.append(LinearConstraint(a, -np.inf, problem.project_free.astype(np.float64)))
    if problem.budget is not None:
        out.append(LinearConstraint(graph.cost[None, :], -np.inf, problem.budget))
    return out


def _weights(problem: Problem, graph: CandidateGraph) -> np.ndarray:
    """One objective for the three levels: a place outweighs any score total, a priority
    place any total of the rest (the smallest such weights, for the solver's precision)."""
    places = float(min(problem.size.sum(), problem.free.sum()))
    B = places + 1.0
    A = (B + 1.0) * (places + 1.0) if problem.prio.any() else 0.0
    u = graph.unit
    return A * problem.prio[u] + B * problem.size[u] + graph.score


def mip_assign(problem: Problem, graph: CandidateGraph, time_limit: float) -> MipResult:
    """Optimal host of each unit on the candidate graph (see the module notes).

    Returns
    -------
    MipResult
        ``unit_host (U,)`` (-1: not placed); ``optimal`` is False when the solver stopped at
        the time limit (its best solution is kept and ``notes`` give the gap).
    """
    from scipy.optimize import Bounds, milp

    unit_host = np.full(problem.n_units, UNASSIGNED, dtype=np.int64)
    if graph.n_edges == 0:
        return MipResult(unit_host, True)
    if problem.budget is not None and problem.budget < 0:
        return MipResult(unit_host, True, ["the fixed placements already exceed the budget"])
    res = milp(
        -_weights(problem, graph),
        constraints=_constraints(problem, graph),
        integrality=np.ones(graph.n_edges),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 1.0), "mip_rel_gap": 0.0, "presolve": False},
    )
    if res.x is None:
        return MipResult(unit_host, False, [f"no solution: {res.message}"])
    chosen = np.rint(res.x) > 0
    unit_host[graph.unit[chosen]] = graph.host[chosen]
    if res.status == _SOLVED:
        return MipResult(unit_host, True)
    gap = getattr(res, "mip_gap", None) or 0.0
    return MipResult(unit_host, False, [f"stopped at the time limit, relative gap {gap:.2e}"])
