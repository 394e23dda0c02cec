"""Allocation algorithms as pure functions over a score matrix, a feasibility mask and
host capacities.

Vocabulary from the matching literature: participants *propose* (residents), hosts hold
up to ``capacity`` of them (hospitals); a *blocking pair* is a feasible pair that both would
rather form than keep what they have.
"""

from __future__ import annotations

import heapq

import numpy as np

__all__ = [
    "optimal_assignment",
    "deferred_acceptance",
    "blocking_pairs",
    "check_stability",
    "UNASSIGNED",
]

UNASSIGNED = -1


def _check(scores, mask, capacity, priority):
    scores = np.asarray(scores, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    capacity = np.asarray(capacity, dtype=np.int64)
    n, m = scores.shape
    if mask.shape != (n, m) or capacity.shape != (m,):
        raise ValueError(
            f"shapes differ: scores {scores.shape}, mask {mask.shape}, capacity {capacity.shape}"
        )
    if (capacity < 0).any():
        raise ValueError("capacities must be >= 0")
    prio = np.zeros(n, dtype=bool) if priority is None else np.asarray(priority, dtype=bool)
    if prio.shape != (n,):
        raise ValueError("priority must have one flag per participant")
    mask = mask & (capacity > 0)[None, :]
    return scores, mask, capacity, prio


def optimal_assignment(
    scores, mask, capacity, priority=None, precision: float = 1e-6
) -> np.ndarray:
    """Exact optimal many-to-one assignment as a min-cost flow (OR-Tools).

    Lexicographic objective: first the number of ``priority`` participants placed (when
    given), then the number placed, then the total score, subject to capacities and the
    mask. Scores are rounded to ``precision`` (or coarser for very large instances, so that
    integer costs fit in 64 bits).

    Parameters
    ----------
    scores : ndarray (n, m)
    mask : ndarray (n, m) bool, True where a pair is feasible
    capacity : ndarray (m,) int, places per host
    priority : ndarray (n,) bool, optional

    Returns
    -------
    ndarray (n,) int: the host index of each participant, or ``UNASSIGNED`` (-1)

    Examples
    --------
    >>> optimal_assignment([[0.9, 0.8], [0.7, 0.1]], [[True, True], [True, False]], [1, 1])
    array([1, 0])
    """
    from ortools.graph.python import min_cost_flow

    scores, mask, capacity, prio = _check(scores, mask, capacity, priority)
    n, m = scores.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # integer costs: score in units of S; a placement is worth more than any score total,
    # a priority placement more than any number of other placements
    limit = 4e18
    S = min(1.0 / precision, max(1.0, np.floor(limit / float(n + 2) ** 3)))
    B = S * (n + 1)
    A = (B + S) * (n + 1) if prio.any() else 0.0
    rows, cols = np.nonzero(mask)
    gain = A * prio[rows] + B + np.rint(scores[rows, cols] * S)
    source, sink = 0, n + m + 1
    p_nodes = 1 + np.arange(n)
    h_nodes = 1 + n + np.arange(m)
    tails = np.concatenate([np.full(n, source), 1 + rows, p_nodes, h_nodes])
    heads = np.concatenate([p_nodes, 1 + n + cols, np.full(n, sink), np.full(m, sink)])
    caps = np.concatenate([np.ones(n), np.ones(len(rows)), np.ones(n), capacity]).astype(np.int64)
    costs = np.concatenate([np.zeros(n), -gain, np.zeros(n), np.zeros(m)]).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    pair_arcs = np.arange(n, n + len(rows))
    used = flow.flows(pair_arcs) > 0
    out = np.full(n, UNASSIGNED, dtype=np.int64)
    out[rows[used]] = cols[used]
    return out


def _host_key(prio_i: bool, score: float, i: int) -> tuple:
    """How a host ranks a participant: priority first, then score, then the lower index."""
    return (bool(prio_i), score, -i)


def deferred_acceptance(scores, mask, capacity, priority=None) -> np.ndarray:
    """Participant-proposing deferred acceptance (Gale-Shapley, hospitals/residents).

    Participants rank feasible hosts by score (ties: lower host index first); hosts rank
    participants by the same score, after putting ``priority`` participants first when given
    (ties: lower participant index). The result is stable and participant-optimal.

    Returns
    -------
    ndarray (n,) int: host index per participant, or ``UNASSIGNED`` (-1)

    Examples
    --------
    >>> deferred_acceptance([[0.9, 0.8], [0.95, 0.1]], [[True, True], [True, True]], [1, 1])
    array([1, 0])
    """
    scores, mask, capacity, prio = _check(scores, mask, capacity, priority)
    n, m = scores.shape
    prefs = []
    for i in range(n):
        js = np.flatnonzero(mask[i])
        order = np.lexsort((js, -scores[i, js]))
        prefs.append(js[order].tolist())
    nxt = [0] * n
    held: list[list] = [[] for _ in range(m)]  # min-heaps of (key, i)
    assign = np.full(n, UNASSIGNED, dtype=np.int64)
    free = list(range(n - 1, -1, -1))
    cap = capacity.tolist()
    row_scores = scores  # local for speed
    while free:
        i = free.pop()
        plist = prefs[i]
        k = nxt[i]
        if k >= len(plist):
            continue
        j = plist[k]
        nxt[i] = k + 1
        key = (bool(prio[i]), float(row_scores[i, j]), -i)
        heap = held[j]
        if len(heap) < cap[j]:
            heapq.heappush(heap, (key, i))
            assign[i] = j
        elif key > heap[0][0]:
            _, out = heapq.heapreplace(heap, (key, i))
            assign[i] = j
            assign[out] = UNASSIGNED
            free.append(out)
        else:
            free.append(i)
    return assign


def blocking_pairs(assign, scores, mask, capacity, priority=None) -> list[tuple[int, int]]:
    """Feasible pairs ``(i, j)`` where participant i prefers host j to its assignment and j
    has a free place or prefers i to one it holds (same preferences as
    :func:`deferred_acceptance`). Empty for a stable assignment.
    """
    scores, mask, capacity, prio = _check(scores, mask, capacity, priority)
    assign = np.asarray(assign, dtype=np.int64)
    n, m = scores.shape
    idx = np.arange(n)
    j_idx = np.arange(m)
    placed = assign >= 0
    cur = np.where(placed, scores[idx, np.maximum(assign, 0)], -np.inf)
    cur_j = np.where(placed, assign, m)
    prefers = (scores > cur[:, None]) | (
        (scores == cur[:, None]) & (j_idx[None, :] < cur_j[:, None])
    )
    candidate = mask & prefers & (assign[:, None] != j_idx[None, :])
    used = np.bincount(assign[placed], minlength=m)
    if (used > capacity).any():
        raise ValueError("assignment exceeds a host's capacity")
    # each full host's least preferred participant
    worst_key: list = [None] * m
    for i in np.flatnonzero(placed):
        j = assign[i]
        key = _host_key(prio[i], float(scores[i, j]), int(i))
        if worst_key[j] is None or key < worst_key[j]:
            worst_key[j] = key
    out = []
    for i, j in zip(*np.nonzero(candidate), strict=True):
        if used[j] < capacity[j] or _host_key(prio[i], float(scores[i, j]), int(i)) > worst_key[j]:
            out.append((int(i), int(j)))
    return out


def check_stability(assign, scores, mask, capacity, priority=None) -> list[tuple[int, int]]:
    """The blocking pairs of an assignment (empty when it is stable): an alias of
    :func:`blocking_pairs` under the name the matching literature uses for the check.

    Examples
    --------
    >>> check_stability([1, 0], [[0.9, 0.1], [0.8, 0.7]], [[True, True], [True, True]], [1, 1])
    [(0, 0)]
    """
    return blocking_pairs(assign, scores, mask, capacity, priority)
