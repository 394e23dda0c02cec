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
        """Keep left-out pairs that were scored (not candidates), so they are not scored again."""
        parts = [unit, host, score, cost if cost is not None else np.zeros(len(unit))]
        if self.aside is not None:
            parts = [np.concatenate([a, b]) for a, b in zip(self.aside, parts, strict=True)]
        self.aside = tuple(parts)

    def take_aside(self, keep: np.ndarray) -> tuple:
        """Remove the pairs ``~keep`` from those put aside and return them."""
        taken = tuple(a[~keep] for a in self.aside)
        self.aside = tuple(a[keep] for a in self.aside)
        return taken

    def add(self, unit, host, score, cost=None) -> None:
        """Add candidate pairs (not already in the graph) and keep the order."""
        self.unit = np.concatenate([self.unit, unit])
        self.host = np.concatenate([self.host, host])
        self.score = np.concatenate([self.score, score])
        if self.cost is not None:
            self.cost = np.concatenate([self.cost, cost])
        order = np.lexsort((self.host, self.unit))
        self.unit, self.host, self.score = self.unit[order], self.host[order], self.score[order]
        if self.cost is not None:
            self.cost = self.cost[order]


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
    problem: Problem, source, k: int, pairs: int, k_cheap: int = 0, progress=None
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
    """
    units = np.arange(problem.n_units)
    n_feasible = np.zeros(problem.n_units, dtype=np.int64)
    pruned = np.full(problem.n_units, -np.inf)
    parts: list[tuple] = []
    bits = [] if k < problem.m else None
    done = 0
    for block in unit_blocks(problem, units, pairs):
        score, ok, cost = unit_rows(problem, source, block)
        keep = _keep(score, ok, cost, k, k_cheap)
        n_feasible[block] = ok.sum(axis=1)
        left = ok & ~keep
        pruned[block] = np.where(
            left.any(axis=1), np.where(left, score, -np.inf).max(axis=1), -np.inf
        )
        if bits is not None:
            bits.append(np.packbits(ok, axis=1))
        r, c = np.nonzero(keep)
        parts.append((block[r], c, score[r, c], None if cost is None else cost[r, c]))
        done += len(block)
        if progress is not None:
            progress(done, problem.n_units)
    cat = lambda i, dt: np.concatenate([p[i] for p in parts]) if parts else np.zeros(0, dt)  # noqa: E731
    costs = cat(3, np.float64) if problem.cost is not None else None
    packed = None
    if bits is not None:
        packed = np.concatenate(bits) if bits else np.zeros((0, (problem.m + 7) // 8), np.uint8)
    return CandidateGraph(
        cat(0, np.int64), cat(1, np.int64), cat(2, np.float64), costs, n_feasible, pruned, k,
        packed,
    )  # fmt: skip
