"""Deferred acceptance over units (participants alone or groups), and its blocking pairs.

Units propose down their candidate lists (best unit score first, ties: lower host index).
A host ranks units by ``(has a priority member, mean score of the place-taking members,
lower first member)``; it holds units whose places fit its free places, and takes a unit
that does not fit only by rejecting units it ranks lower, worst first, when that makes room.
A project with a ceiling rejects its worst-ranked held unit when over it; under a budget, a
proposal that would take the total cost over the ceiling is rejected. With participants
alone this is participant-proposing deferred acceptance (Gale-Shapley, hospitals/residents):
stable and participant-optimal.

A *blocking pair* is a feasible ``(unit, host)`` where the unit prefers the host to what it
has and the host has room for it, or could make room by rejecting units it ranks lower. A
unit left out because its project reached its ceiling blocks nothing.
"""

from __future__ import annotations

import heapq

import numpy as np

from ._graph import CandidateGraph, unit_blocks, unit_rows
from ._problem import NO_CAP, UNASSIGNED, Problem

__all__ = ["deferred_units", "blocking_units"]


class _Market:
    """The state of deferred acceptance: what each host and project holds."""

    def __init__(self, problem: Problem, cost_of):
        self.p = problem
        self.room = problem.free.astype(np.int64).tolist()
        self.held: list[list] = [[] for _ in range(problem.m)]  # min-heaps (key, u, version)
        self.proj_room = problem.project_free.astype(np.int64).tolist()
        self.proj_held: list[list] = [[] for _ in self.proj_room]
        self.assign = np.full(problem.n_units, UNASSIGNED, dtype=np.int64)
        self.key: list = [None] * problem.n_units
        self.version = [0] * problem.n_units
        self.spent = 0.0
        self.cost_of = cost_of  # (u, j) -> cost, or None without a budget
        self.rejected: list[int] = []

    def _valid(self, entry, j) -> bool:
        _, u, ver = entry
        return self.version[u] == ver and self.assign[u] == j

    def _leave(self, u: int) -> None:
        j = int(self.assign[u])
        self.room[j] += int(self.p.size[u])
        k = self.p.unit_project[u]
        if k >= 0:
            self.proj_room[k] += int(self.p.size[u])
        if self.cost_of is not None:
            self.spent -= self.cost_of(u, j)
        self.assign[u] = UNASSIGNED
        self.version[u] += 1
        self.rejected.append(u)

    def _make_room(self, j: int, key, need: int) -> list | None:
        """Units to reject at ``j`` (ranked below ``key``) to free ``need`` places, or None."""
        heap, out, room = self.held[j], [], self.room[j]
        while room < need and heap:
            if not self._valid(heap[0], j):
                heapq.heappop(heap)
                continue
            if heap[0][0] >= key:
                break
            out.append(heapq.heappop(heap))
            room += int(self.p.size[out[-1][1]])
        if room >= need:
            return out
        for entry in out:
            heapq.heappush(heap, entry)
        return None

    def propose(self, u: int, j: int, key) -> None:
        """Unit ``u`` proposes to host ``j``: held, or rejected (``u`` in ``rejected``)."""
        need = int(self.p.size[u])
        extra = 0.0 if self.cost_of is None else self.cost_of(u, j)
        if self.cost_of is not None and self.spent + extra > self.p.budget + 1e-9:
            self.rejected.append(u)
            return
        out = self._make_room(j, key, need)
        if out is None:
            self.rejected.append(u)
            return
        for _, w, _ in out:
            self._leave(w)
        self.assign[u], self.key[u] = j, key
        self.room[j] -= need
        self.spent += extra
        heapq.heappush(self.held[j], (key, u, self.version[u]))
        k = self.p.unit_project[u]
        if k >= 0 and self.p.project_free[k] < NO_CAP:
            self.proj_room[k] -= need
            heapq.heappush(self.proj_held[k], (key, u, self.version[u]))
            self._trim_project(k)

    def _trim_project(self, k: int) -> None:
        """Reject the project's worst-ranked units while it is over its ceiling."""
        heap = self.proj_held[k]
        while self.proj_room[k] < 0 and heap:
            key, w, ver = heapq.heappop(heap)
            if self.version[w] == ver and self.assign[w] >= 0:
                self._leave(w)


def _preferences(problem: Problem, graph: CandidateGraph):
    """Candidate edges in each unit's order of preference, with the units' edge ranges."""
    order = np.lexsort((graph.host, -graph.score, graph.unit))
    starts = np.searchsorted(graph.unit[order], np.arange(problem.n_units + 1))
    return graph.host[order], graph.score[order], order, starts


def host_key(problem: Problem, u: int, unit_score: float) -> tuple:
    """How a host ranks unit ``u``: a priority member, then the mean score, then the lower
    first member."""
    size = max(int(problem.size[u]), 1)
    first = int(problem.members[problem.ptr[u]])
    return (bool(problem.prio[u] > 0), float(unit_score) / size, -first)


def deferred_units(problem: Problem, graph: CandidateGraph) -> np.ndarray:
    """Deferred acceptance over the candidate lists (see the module notes).

    Returns
    -------
    ndarray (U,) int64: host per unit, -1 where none took it
    """
    hosts, scores, order, starts = _preferences(problem, graph)
    cost_of = None
    if problem.budget is not None:
        where = {(int(graph.unit[e]), int(graph.host[e])): float(graph.cost[e]) for e in order}
        cost_of = lambda u, j: where[(u, j)]  # noqa: E731
    market = _Market(problem, cost_of)
    nxt = starts[:-1].tolist()
    ends = starts[1:].tolist()
    free = list(range(problem.n_units - 1, -1, -1))
    while free:
        u = free.pop()
        if nxt[u] >= ends[u]:
            continue
        e = nxt[u]
        nxt[u] = e + 1
        market.propose(u, int(hosts[e]), host_key(problem, u, scores[e]))
        while market.rejected:
            free.append(market.rejected.pop())
    return market.assign


def _held_keys(problem: Problem, graph: CandidateGraph, unit_host):
    """Per host: its held units' keys (sorted) with their sizes, the places left, and each
    unit's score where it is (``-inf``: not placed)."""
    on = unit_host[graph.unit] == graph.host
    current = np.full(problem.n_units, -np.inf)
    current[graph.unit[on]] = graph.score[on]
    held: list[list] = [[] for _ in range(problem.m)]
    room = problem.free.astype(np.int64).copy()
    for u in np.flatnonzero(unit_host >= 0):
        j = int(unit_host[u])
        held[j].append((host_key(problem, int(u), current[u]), int(problem.size[u])))
        room[j] -= int(problem.size[u])
    for h in held:
        h.sort()
    return held, room, current


def _worst(held, m: int):
    """Each host's lowest-ranked held key as arrays (``flag, mean, -first``); none: +inf."""
    flag = np.full(m, 2, dtype=np.int64)
    mean = np.full(m, np.inf)
    neg_first = np.full(m, np.iinfo(np.int64).max)
    for j, h in enumerate(held):
        if h:
            (f, s, nf), _ = h[0]
            flag[j], mean[j], neg_first[j] = int(f), s, nf
    return flag, mean, neg_first


def blocking_units(problem: Problem, source, graph: CandidateGraph, unit_host, pairs: int):
    """Blocking pairs ``(unit, host)`` of an assignment, over every feasible pair of the
    instance (scored again in blocks), not only the candidates."""
    held, room, current = _held_keys(problem, graph, unit_host)
    w_flag, w_mean, w_first = _worst(held, problem.m)
    counted = (unit_host >= 0) & (problem.unit_project >= 0)
    p_used = np.bincount(
        problem.unit_project[counted],
        weights=problem.size[counted],
        minlength=len(problem.project_free),
    )
    full_project = np.r_[p_used >= problem.project_free, False]  # -1 (no project): never
    out = []
    cols = np.arange(problem.m)
    for block in unit_blocks(problem, np.arange(problem.n_units), pairs):
        score, ok, _ = unit_rows(problem, source, block)
        size = np.maximum(problem.size[block], 1)[:, None]
        mean = score / size
        at = unit_host[block]
        cur_mean = current[block] / size[:, 0]
        better = (mean > cur_mean[:, None]) | (
            (mean == cur_mean[:, None])
            & (cols[None, :] < np.where(at >= 0, at, problem.m)[:, None])
        )
        cand = ok & better & (cols[None, :] != at[:, None])
        proj = problem.unit_project[block]
        stuck = (at < 0) & (proj >= 0) & full_project[proj]
        cand[stuck] = False
        flag = (problem.prio[block] > 0).astype(np.int64)[:, None]
        first = -problem.members[problem.ptr[block]][:, None]
        above = (flag > w_flag) | (
            (flag == w_flag) & ((mean > w_mean) | ((mean == w_mean) & (first > w_first)))
        )
        single = (problem.size[block] <= 1)[:, None]
        hit = cand & single & ((room[None, :] >= 1) | above)
        for r, j in zip(*np.nonzero(cand & ~single), strict=True):
            u = int(block[r])
            key = host_key(problem, u, score[r, j])
            evictable = sum(s for k, s in held[j] if k < key)
            hit[r, j] = room[j] + evictable >= problem.size[u]
        out += [(int(block[r]), int(j)) for r, j in zip(*np.nonzero(hit), strict=True)]
    return out
