"""Cohort allocation with limited places: optimal (min-cost flow) and stable (deferred
acceptance), with an inclusion priority."""

from ._allocate import METHODS, PRIORITIES, Allocation, allocate
from ._solvers import (
    UNASSIGNED,
    blocking_pairs,
    check_stability,
    deferred_acceptance,
    optimal_assignment,
)

__all__ = [
    "allocate",
    "Allocation",
    "METHODS",
    "PRIORITIES",
    "optimal_assignment",
    "deferred_acceptance",
    "blocking_pairs",
    "check_stability",
    "UNASSIGNED",
]
