"""Cohort allocation with limited places: optimal (min-cost flow, or a mixed-integer
programme with groups or a budget) and stable (deferred acceptance), with an inclusion
priority, groups placed together, accompanying persons, kept placements, a ceiling per
project and a budget ceiling.

Large cohorts are solved on a sparse candidate graph (each participant's best hosts,
scored in blocks) and the optimum is certified for the full instance with the flow's dual
prices; see :func:`solve`.
"""

from ._allocate import (
    ACCOMPANYING_ROLE,
    METHODS,
    PRIORITIES,
    Allocation,
    MatcherScores,
    allocate,
    cohort_arrays,
    project_ceilings,
)
from ._kept import KEPT_LABELS, kept_placements
from ._problem import DenseScores
from ._solve import Solution, SolverSettings, solve
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
    "ACCOMPANYING_ROLE",
    "cohort_arrays",
    "project_ceilings",
    "kept_placements",
    "KEPT_LABELS",
    "optimal_assignment",
    "deferred_acceptance",
    "blocking_pairs",
    "check_stability",
    "solve",
    "Solution",
    "SolverSettings",
    "DenseScores",
    "MatcherScores",
    "UNASSIGNED",
]
