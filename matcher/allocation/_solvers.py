"""Allocation over dense score matrices: the public solver functions.

Vocabulary from the matching literature: participants *propose* (residents), hosts hold
up to ``capacity`` of them (hospitals); a *blocking pair* is a feasible pair that both would
rather form than keep what they have. Every function takes, besides the scores, the mask,
the capacities and the priority flags, the same optional arguments:

- ``group`` ``(n,)`` int, -1 for none: participants sharing a value are placed together at
  one host with enough free places, or not at all;
- ``places`` ``(n,)`` int: places a participant takes (1; 0 for an accompanying person, who
  goes with their group and counts as no placement);
- ``fixed`` ``(n,)`` int, host index or -1: placements kept as they are (accepted or locked
  by hand), whose places are taken first;
- ``cost`` ``(n, m)`` float and ``budget``: a ceiling on the total cost of the placements;
- ``max_placed`` int, or one per project (with ``project`` ``(n,)`` int, -1 for none;
  default one project): at most this many places placed per project (KA122 short-term
  projects: 30).

They work on the whole matrix; :func:`matcher.allocation.solve` does the same from blocks
of a score source on a sparse candidate graph, with a certificate of optimality.
"""

from __future__ import annotations

import numpy as np

from ._problem import UNASSIGNED, DenseScores, make_problem
from ._solve import SolverSettings, solve
from ._stable import blocking_units

__all__ = [
    "optimal_assignment",
    "deferred_acceptance",
    "blocking_pairs",
    "check_stability",
    "UNASSIGNED",
]


def _source(scores, mask, capacity):
    src = DenseScores(scores, mask)
    capacity = np.asarray(capacity, dtype=np.int64)
    if capacity.shape != (src.n_hosts,):
        raise ValueError(
            f"shapes differ: scores {src.scores.shape}, mask {src.mask.shape}, capacity {capacity.shape}"
        )
    return src, capacity


def optimal_assignment(
    scores, mask, capacity, priority=None, precision: float = 1e-6, **constraints
) -> np.ndarray:
    """Exact optimal many-to-one assignment.

    Lexicographic objective: first the places of ``priority`` participants placed (when
    given), then the places placed, then the total score (accompanying persons count for
    neither), subject to capacities, the mask and the constraints of the module notes. A
    min-cost flow (OR-Tools) without groups or budget, scores rounded to ``precision`` (or
    coarser for very large instances, so that integer costs fit in 64 bits); else a
    mixed-integer programme (HiGHS), solved in stages.

    Parameters
    ----------
    scores : ndarray (n, m)
    mask : ndarray (n, m) bool, True where a pair is feasible
    capacity : ndarray (m,) int, places per host
    priority : ndarray (n,) bool, optional
    **constraints
        ``group``, ``places``, ``fixed``, ``cost``, ``budget``, ``max_placed``, ``project``.

    Returns
    -------
    ndarray (n,) int: the host index of each participant, or ``UNASSIGNED`` (-1)

    Examples
    --------
    >>> optimal_assignment([[0.9, 0.8], [0.7, 0.1]], [[True, True], [True, False]], [1, 1])
    array([1, 0])

    Two learners of one group go together, to the host with two places:

    >>> optimal_assignment([[0.9, 0.5], [0.9, 0.5]], [[True, True], [True, True]], [1, 2],
    ...                    group=[7, 7])
    array([1, 1])
    """
    src, capacity = _source(scores, mask, capacity)
    settings = SolverSettings(precision=precision)
    return solve(
        src, capacity, "optimal", priority=priority, settings=settings, **constraints
    ).assign


def deferred_acceptance(scores, mask, capacity, priority=None, **constraints) -> np.ndarray:
    """Participant-proposing deferred acceptance (Gale-Shapley, hospitals/residents).

    Participants (groups as one) rank feasible hosts by score (ties: lower host index);
    hosts rank them by the same score, after putting ``priority`` participants first when
    given (ties: lower participant index). Without groups the result is stable and
    participant-optimal; with groups it may have blocking pairs (a stable one may not
    exist), which :func:`blocking_pairs` finds. ``constraints``: see the module notes.

    Returns
    -------
    ndarray (n,) int: host index per participant, or ``UNASSIGNED`` (-1)

    Examples
    --------
    >>> deferred_acceptance([[0.9, 0.8], [0.95, 0.1]], [[True, True], [True, True]], [1, 1])
    array([1, 0])
    """
    src, capacity = _source(scores, mask, capacity)
    return solve(src, capacity, "stable", priority=priority, **constraints).assign


def blocking_pairs(
    assign, scores, mask, capacity, priority=None, **constraints
) -> list[tuple[int, int]]:
    """Feasible pairs ``(i, j)`` where participant i (the first member of its group)
    prefers host j to its assignment and j has a free place or prefers i to one it holds
    (same preferences as :func:`deferred_acceptance`). Empty for a stable assignment.
    """
    src, capacity = _source(scores, mask, capacity)
    problem = make_problem(src.n_participants, capacity, priority, **constraints)
    assign = np.asarray(assign, dtype=np.int64)
    placed = assign >= 0
    used = np.bincount(assign[placed], weights=problem.places[placed], minlength=len(capacity))
    if (used > capacity).any():
        raise ValueError("assignment exceeds a host's capacity")
    from ._graph import build_graph

    graph = build_graph(problem, src, problem.m, SolverSettings().block_pairs)
    unit_host = assign[problem.members[problem.ptr[:-1]]]
    first = problem.members[problem.ptr[:-1]]
    found = blocking_units(problem, src, graph, unit_host, SolverSettings().block_pairs)
    return [(int(first[u]), j) for u, j in found]


def check_stability(
    assign, scores, mask, capacity, priority=None, **constraints
) -> list[tuple[int, int]]:
    """The blocking pairs of an assignment (empty when it is stable): an alias of
    :func:`blocking_pairs` under the name the matching literature uses for the check.

    Examples
    --------
    >>> check_stability([1, 0], [[0.9, 0.1], [0.8, 0.7]], [[True, True], [True, True]], [1, 1])
    [(0, 0)]
    """
    return blocking_pairs(assign, scores, mask, capacity, priority, **constraints)
