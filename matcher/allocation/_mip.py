"""The exact optimum with groups or a budget: a mixed-integer programme (HiGHS via SciPy).

One binary per candidate pair ``(unit, host)``; a unit goes to at most one host, a host's
places (the units' sizes) stay within its free places, a project's placed places within its
ceiling, and the total cost within the budget. The objective is lexicographic and solved in
stages, each fixing the optimum of the one before: the priority places placed, then the
places placed, then the total score.
"""

from __future__ import annotations

import time
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


def _stage(objective, constraints, time_limit: float):
    """Maximise ``objective`` over binaries; ``(x or None, status, message, gap)``."""
    from scipy.optimize import Bounds, milp

    res = milp(
        -objective,
        constraints=constraints,
        integrality=np.ones(len(objective)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 1.0), "mip_rel_gap": 0.0, "presolve": True},
    )
    gap = getattr(res, "mip_gap", None)
    return (res.x if res.x is not None else None), res.status, res.message, gap


def mip_assign(problem: Problem, graph: CandidateGraph, time_limit: float) -> MipResult:
    """Optimal host of each unit on the candidate graph (see the module notes).

    Returns
    -------
    MipResult
        ``unit_host (U,)`` (-1: not placed); ``optimal`` is False when a stage stopped at
        the time limit (its best solution is kept and ``notes`` give the gap).
    """
    from scipy.optimize import LinearConstraint

    unit_host = np.full(problem.n_units, UNASSIGNED, dtype=np.int64)
    if graph.n_edges == 0:
        return MipResult(unit_host, True)
    if problem.budget is not None and problem.budget < 0:
        return MipResult(unit_host, True, ["the fixed placements already exceed the budget"])
    constraints = _constraints(problem, graph)
    u = graph.unit
    stages = [("priority places", problem.prio[u].astype(np.float64))] if problem.prio.any() else []
    stages += [("places", problem.size[u].astype(np.float64)), ("score", graph.score)]
    deadline = time.perf_counter() + time_limit
    optimal, notes, x = True, [], None
    for k, (name, objective) in enumerate(stages):
        left = deadline - time.perf_counter()
        x_new, status, message, gap = _stage(objective, constraints, left / (len(stages) - k))
        if x_new is None:
            notes.append(f"{name}: no solution ({message})")
            optimal = False
            break
        x = x_new
        if status != _SOLVED:
            optimal = False
            notes.append(f"{name}: stopped at the time limit, relative gap {gap or 0:.2%}")
        reached = float(objective @ np.rint(x))
        if name != "score":  # integer totals: keep at least what this stage reached
            constraints.append(LinearConstraint(objective[None, :], reached - 0.5, np.inf))
    if x is not None:
        chosen = np.rint(x) > 0
        unit_host[u[chosen]] = graph.host[chosen]
    return MipResult(unit_host, optimal, notes)
