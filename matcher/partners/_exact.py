"""Exact consortium search: every combination of the candidates is tried."""

from __future__ import annotations

import itertools

from ._consortium import ConsortiumProblem

__all__ = ["EXACT_METHOD", "exact_search"]

EXACT_METHOD = "exact"


def exact_search(problem: ConsortiumProblem) -> list[tuple[float, tuple]]:
    """Value every valid choice of ``problem.n_partners`` among the candidates.

    Exact over the candidate pool, so meant for small pools (``C(pool, n_partners)``
    combinations).

    Parameters
    ----------
    problem : ConsortiumProblem

    Returns
    -------
    list of (float, tuple of int)
        ``(value, partners)`` for every combination that meets the country rule, partners in
        candidate order.
    """
    return [
        (problem.value(combo), combo)
        for combo in itertools.combinations(problem.candidates, problem.n_partners)
        if problem.is_valid(combo)
    ]
