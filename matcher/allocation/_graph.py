"""The sparse candidate graph: each unit's best feasible hosts, built block by block.

A block of units is scored against every host (their members' rows from the score source,
summed for the score and combined with AND for feasibility), the ``k`` best feasible hosts
of each unit are kept (and, under a budget, its ``k`` cheapest), and for every unit the
count of feasible hosts and the best score left out are remembered: what the certificate
of optimality (``_flow``) and the reasons for not placing someone need, without a second
pass over every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import Problem

__all__ = ["CandidateGraph", "unit_rows", "unit_blocks", "build_graph"]


@dataclass
class CandidateGraph:
    """Candidate pairs ``(unit, host)`` with the unit's score there, sorted by unit then host.

    Attributes
    ----------
    unit, host : ndarray (E,) int64
    score : ndarray (E,) float64, sum of the scores of the unit's place-taking members
    cost : ndarray (E,) float64 or None, sum of the costs of all the unit's members
    n_feasible : ndarray (U,) int64, feasible hosts of each unit (kept or not)
    pruned_best : ndarray (U,) float64, best score among the feasible hosts left out
        (``-inf`` when none is left out)
    k : int, hosts kept per unit by score (``m``: every feasible host)
    bits : ndarray (U, ceil(m / 8)) uint8 or None, every feasible pair packed in bits (None
        when every feasible pair is kept), so the certificate finds the pairs to check again
        without scoring every pair again
    """

    unit: np.ndarray
    host: np.ndarray
    score: np.ndarray
    cost: np.ndarray | None
    n_feasible: np.ndarray
    pruned_best: np.ndarray
    k: int
    bits: np.ndarray | None = None  # (U, ceil(m / 8)) uint8: every feasible pair, packed
    aside: tuple | None = None  # left-out pairs scored again: (unit, host, score, cost)

    def feasible(self, units: np.ndarray, m: int) -> np.ndarray:
        """``(len(units), m)`` bool: the feasible pairs of ``units`` (kept or not)."""
        return np.unpackbits(self.bits[units], axis=1, count=m).astype(bool)

    @property
    def n_edges(self) -> int:
        """Number of candidate pairs."""
        return len(self.unit)

    @property
    def complete(self) -> bool:
        """Whether every feasible pair is a candidate (nothing was left out)."""
        return bool(np.isneginf(self.pruned_best).all())

    def starts(self, n_units: int) -> np.ndarray:
        """``(U + 1,)``: unit ``u``'s edges are ``starts[u]:starts[u + 1]``."""
        return np.searchsorted(self.unit, np.arange(n_units + 1))

    def put_aside(self, unit, host, score, cost=None) -> None:
        """Keep left-out pairs that were scored (not candidates), so they are not scored
        again (indices as int32: 16 bytes a pair without costs)."""
        parts = [unit.astype(np.int32), host.astype(np.int32), score, cost]
        if self.aside is not None:
            parts = [
                None if a is None else np.concatenate([a, b])
                for a, b in zip(self.aside, parts, strict=True)
            ]
        self.aside = tuple(parts)

    def take_aside(self, keep: np.ndarray) -> tuple:
        """Remove the pairs ``~keep`` from those put aside and return them."""
        taken = tuple(None if a is None else a[~keep] for a in self.aside)
        self.aside = tuple(None if a is None else a[keep] for a in self.aside)
        return taken

    def add(self, unit, host, score, cost=None) -> None:
        """Add candidate pairs (not already in the graph) and keep the order."""
        self.unit = np.concatenate([self.unit, unit.astype(np.int64)])
        self.host = np.concatenate([self.host, host.astype(np.int64)])
        self.score = np.concatenate([self.score, score])
        if self.cost is not None:
            self.cost = np.concatenate([self.cost, cost])
        order = np.lexsort((self.host, self.unit))
        self.unit, self.host, self.score = self.unit[order], self.host[order], self.score[order]
        if self.cost is not None:
            self.cost = self.cost[order]

    def relabel(self, old: np.ndarray, host_ok: np.ndarray) -> CandidateGraph:
        """The graph of another problem over the same hosts whose units are single
        participants: its unit ``u`` is this graph's unit ``old[u]`` (-1: a unit with no
        pair), and pairs to hosts where ``host_ok`` is False are dropped (they became full).

        What was known of the pairs left out is kept (``n_feasible``, ``pruned_best``, the
        packed feasibility, the pairs put aside): upper bounds for the new problem, whose
        feasible pairs are a subset, so its certificate stays exact. ``old`` increases where
        it is not -1, so the pairs stay sorted.
        """
        old = np.asarray(old, dtype=np.int64)
        new_of = np.full(len(self.n_feasible) + 1, -1, dtype=np.int64)
        new_of[old[old >= 0]] = np.flatnonzero(old >= 0)
        new_of = new_of[:-1]
        keep = (new_of[self.unit] >= 0) & host_ok[self.host]
        have = old >= 0
        n_feasible = np.zeros(len(old), dtype=np.int64)
        n_feasible[have] = self.n_feasible[old[have]]
        pruned = np.full(len(old), -np.inf)
        pruned[have] = self.pruned_best[old[have]]
        bits = None
        if self.bits is not None:
            bits = np.zeros((len(old), self.bits.shape[1]), dtype=np.uint8)
            bits[have] = self.bits[old[have]]
        out = CandidateGraph(
            new_of[self.unit[keep]], self.host[keep], self.score[keep],
            None if self.cost is None else self.cost[keep], n_feasible, pruned, self.k, bits,
        )  # fmt: skip
        if self.aside is not None:
            u, j = self.aside[0], self.aside[1]
            ok = (new_of[u] >= 0) & host_ok[j]
            out.aside = tuple(None if a is None else a[ok] for a in self.aside)
            out.aside = (new_of[u[ok]].astype(np.int32), *out.aside[1:])
        return out

    def combine(self, other: CandidateGraph) -> CandidateGraph:
        """One graph from two over the same units, each unit's pairs in one of them."""
        cost = None if self.cost is None else np.concatenate([self.cost, other.cost])
        out = CandidateGraph(
            np.concatenate([self.unit, other.unit]), np.concatenate([self.host, other.host]),
            np.concatenate([self.score, other.score]), cost,
            self.n_feasible + other.n_feasible, np.maximum(self.pruned_best, other.pruned_best),
            self.k, None if self.bits is None else self.bits | other.bits,
        )  # fmt: skip
        order = np.lexsort((out.host, out.unit))
        out.unit, out.host, out.score = out.unit[order], out.host[order], out.score[order]
        if cost is not None:
            out.cost = out.cost[order]
        for aside in (self.aside, other.aside):
            if aside is not None:
                out.put_aside(*aside)
        return out


def unit_blocks(problem: Problem, units: np.ndarray, pairs: int) -> list[np.ndarray]:
    """Split ``units`` into blocks whose members times the hosts stay near ``pairs``."""
    if len(units) == 0:
        return []
    rows = max(1, pairs // max(problem.m, 1))
    ends = np.cumsum(np.diff(problem.ptr)[units])
    cuts = np.flatnonzero(np.diff((ends - 1) // rows)) + 1
    return np.split(units, cuts)


def unit_rows(problem: Problem, source, units: np.ndarray, hosts: np.ndarray | None = None):
    """Scores, feasibility and costs of ``units`` against every host (or ``hosts`` only).

    Returns
    -------
    score : ndarray (b, m) float64, sum over the place-taking members
    mask : ndarray (b, m) bool, every member feasible, enough free places, the forced host
    cost : ndarray (b, m) float64 or None, sum over all members
    """
    lens = np.diff(problem.ptr)[units]
    offsets = np.r_[0, np.cumsum(lens)[:-1]]
    rows = problem.members[np.repeat(problem.ptr[units] - offsets, lens) + np.arange(lens.sum())]
    cols = np.arange(problem.m) if hosts is None else np.asarray(hosts, dtype=np.int64)
    scores, mask = source.rows(rows) if hosts is None else source.rows(rows, cols)
    weighted = np.where((problem.places[rows] > 0)[:, None], np.asarray(scores, np.float64), 0.0)
    if len(rows) == len(units):  # no group in the block: one member per unit
        score, ok = weighted, np.array(mask, dtype=bool)
    else:
        score = np.add.reduceat(weighted, offsets, axis=0)
        ok = np.logical_and.reduceat(np.asarray(mask, dtype=bool), offsets, axis=0)
    size = problem.size[units]
    ok &= (problem.free[cols][None, :] >= size[:, None]) & (size[:, None] > 0)
    forced = problem.forced[units]
    if (forced >= 0).any():
        r = np.flatnonzero(forced >= 0)
        ok[r] &= cols[None, :] == forced[r][:, None]
    cost = None
    if problem.cost is not None:
        c = np.asarray(problem.cost[rows], dtype=np.float64)[:, cols]
        cost = np.add.reduceat(c, offsets, axis=0)
    return score, ok, cost


def _keep(score, ok, cost, k: int, k_cheap: int) -> np.ndarray:
    """``(b, m)`` bool: the pairs kept, the ``k`` best (and ``k_cheap`` cheapest) feasible."""
    b, m = score.shape
    if k >= m:
        return ok.copy()
    keep = np.zeros((b, m), dtype=bool)
    r = np.arange(b)[:, None]
    best = np.argpartition(np.where(ok, -score, np.inf), k - 1, axis=1)[:, :k]
    keep[r, best] = True
    if cost is not None and k_cheap > 0:
        cheap = np.argpartition(
            np.where(ok, np.nan_to_num(cost, nan=np.inf), np.inf), min(k_cheap, m) - 1, axis=1
        )
        keep[r, cheap[:, :k_cheap]] = True
    return keep & ok


def build_graph(
    problem: Problem, source, k: int, pairs: int, k_cheap: int = 0, progress=None, units=None
) -> CandidateGraph:
    """Score every unit in blocks and keep its best hosts (see the module notes).

    Parameters
    ----------
    k : int
        Hosts kept per unit by score; ``>= m`` keeps every feasible pair.
    pairs : int
        Pairs scored per block (bounds the memory).
    k_cheap : int
        Also keep each unit's cheapest feasible hosts (with a budget).
    progress : callable, optional
        ``progress(done, total)`` after each block, in units.
    units : ndarray, optional
        Score these units only (increasing); the others get no pair and nothing left out.
    """
    units = np.arange(problem.n_units) if units is None else np.asarray(units, np.int64)
    n_feasible = np.zeros(problem.n_units, dtype=np.int64)
    pruned = np.full(problem.n_units, -np.inf)
    parts: list[tuple] = []
    bits = [] if k < problem.m else None
    done, n_units = 0, len(units)
    for block in unit_blocks(problem, units, pairs):
        score, ok, cost = unit_rows(problem, source, block)
        keep = _keep(score, ok, cost, k, k_cheap)
        n_feasible[block] = ok.sum(axis=1)
        left = ok & ~keep
        pruned[block] = np.where(
            left.any(axis=1), np.where(left, score, -np.inf).max(axis=1), -np.inf
        )
        if bits is not None:
            bits.append((block, np.packbits(ok, axis=1)))
        r, c = np.nonzero(keep)
        parts.append((block[r], c, score[r, c], None if cost is None else cost[r, c]))
        done += len(block)
        if progress is not None:
            progress(done, n_units)
    cat = lambda i, dt: np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, dt)  # noqa: E731
    costs = cat(3, np.float64) if problem.cost is not None else None
    packed = None
    if bits is not None:
        packed = np.zeros((problem.n_units, (problem.m + 7) // 8), np.uint8)
        for block, b in bits:
            packed[block] = b
    return CandidateGraph(
        cat(0, np.int64), cat(1, np.int64), cat(2, np.float64), costs, n_feasible, pruned, k,
        packed,
    )  # fmt: skip
