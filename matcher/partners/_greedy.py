"""Greedy consortium search, for candidate pools too large to enumerate.

The objective (sum of partner scores plus a bonus per distinct type and country) is monotone
submodular, so greedy selection under a size constraint reaches at least ``1 - 1/e`` (about
63%) of the optimum.
"""

from __future__ import annotations

from ._consortium import ConsortiumProblem

__all__ = ["GREEDY_METHOD", "greedy_search"]

GREEDY_METHOD = "greedy (>= 63% of optimum)"


def greedy_search(problem: ConsortiumProblem, n_starts: int) -> list[tuple[float, tuple]]:
    """Grow one consortium greedily from each of the ``n_starts`` best candidates.

    Parameters
    ----------
    problem : ConsortiumProblem
    n_starts : int
        Number of best-ranked candidates used as first partner (at least one is used).

    Returns
    -------
    list of (float, tuple of int)
        ``(value, partners)`` for each grown consortium that meets the country rule,
        partners sorted by position.
    """
    found = []
    for first in problem.candidates[: max(n_starts, 1)]:
        chosen = [first]
        while len(chosen) < problem.n_partners:
            rest = (c for c in problem.candidates if c not in chosen)
            chosen.append(max(rest, key=lambda c: problem.value([*chosen, c])))
        if problem.is_valid(chosen):
            found.append((problem.value(chosen), tuple(sorted(chosen))))
    return found
