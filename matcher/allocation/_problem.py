"""An allocation problem as the solvers see it: hosts with free places and *units*.

A unit is what is placed as one: a participant alone, or a group (``group``: every
participant sharing a value), accompanying persons included. A unit goes to one host or
nowhere; it takes the places of its members (``places``: 1 for a learner or staff member, 0
for an accompanying person), counts them as placed and scores the sum of their scores.
Fixed placements (``fixed``) are kept as they are: they are no unit, their places are taken
from the hosts first, and a group with a fixed member may only join that member's host
(:func:`matcher.allocation.solve` first keeps its accompanying persons there too, their
cost reserved, where the rules and the budget allow).

Scores and feasibility are read through a *score source* (``rows(idx)`` -> scores and mask
of those participants against every host), so that a large instance is scored in blocks and
never held whole.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["DenseScores", "Problem", "make_problem", "split_groups", "UNASSIGNED", "NO_CAP"]

UNASSIGNED = -1
#: A project's ceiling when it has none.
NO_CAP = np.iinfo(np.int64).max // 4


class DenseScores:
    """A score source over dense arrays: ``rows(idx)`` slices them.

    Parameters
    ----------
    scores : array-like (n, m)
    mask : array-like (n, m) bool, True where a pair is feasible

    Examples
    --------
    >>> src = DenseScores([[0.9, 0.1]], [[True, False]])
    >>> src.n_participants, src.n_hosts
    (1, 2)
    >>> src.rows(np.array([0]))[1].tolist()
    [[True, False]]
    """

    def __init__(self, scores, mask):
        self.scores = np.asarray(scores, dtype=np.float64)
        self.mask = np.asarray(mask, dtype=bool)
        if self.scores.ndim != 2 or self.mask.shape != self.scores.shape:
            raise ValueError(f"shapes differ: scores {self.scores.shape}, mask {self.mask.shape}")
        self.n_participants, self.n_hosts = self.scores.shape

    def rows(self, idx, hosts=None):
        """Scores ``(len(idx), m)`` and mask ``(len(idx), m)`` of participants ``idx``
        (against ``hosts`` only, when given)."""
        if hosts is None:
            return self.scores[idx], self.mask[idx]
        return self.scores[np.ix_(idx, hosts)], self.mask[np.ix_(idx, hosts)]


@dataclass
class Problem:
    """Validated inputs, fixed placements taken out, participants gathered into units.

    Participant arrays are ``(n,)``, host arrays ``(m,)``, unit arrays ``(U,)``; unit ``u``'s
    members are ``members[ptr[u]:ptr[u + 1]]`` (its first member first).
    """

    n: int
    m: int
    capacity: np.ndarray  # places per host, as given
    free: np.ndarray  # places left once the fixed placements are in
    priority: np.ndarray
    places: np.ndarray
    fixed: np.ndarray
    project: np.ndarray  # project index per participant, -1 for none
    project_free: np.ndarray  # places each project may still place (NO_CAP: no ceiling)
    cost: np.ndarray | None
    budget: float | None  # what is left of the ceiling once the fixed placements are paid
    ptr: np.ndarray
    members: np.ndarray
    size: np.ndarray  # places a unit takes
    prio: np.ndarray  # places of priority participants in a unit
    unit_project: np.ndarray
    forced: np.ndarray  # the only host a unit may join (a fixed member's), or -1

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.size)

    @property
    def grouped(self) -> bool:
        """Whether some unit takes more than one place (then the optimum needs a MIP)."""
        return bool((self.size > 1).any())

    @property
    def capped(self) -> bool:
        """Whether some project has a ceiling on its placements."""
        return bool((self.project_free < NO_CAP).any())

    def unit_of(self) -> np.ndarray:
        """``(n,)``: the unit of each participant, -1 for fixed ones."""
        out = np.full(self.n, -1, dtype=np.int64)
        out[self.members] = np.repeat(np.arange(self.n_units), np.diff(self.ptr))
        return out

    def expand(self, unit_host: np.ndarray) -> np.ndarray:
        """``(n,)`` host per participant from ``(U,)`` host per unit, fixed ones kept."""
        out = self.fixed.copy()
        out[self.members] = np.repeat(unit_host, np.diff(self.ptr))
        return out


def _array(x, n: int, default, dtype, name: str) -> np.ndarray:
    """``x`` as an ``(n,)`` array, or ``default`` everywhere when None."""
    if x is None:
        return np.full(n, default, dtype=dtype)
    a = np.asarray(x, dtype=dtype)
    if a.shape != (n,):
        raise ValueError(f"{name} must have one value per participant ({n}), got {a.shape}")
    return a


def _projects(project, max_placed, n: int, fixed_places) -> tuple[np.ndarray, np.ndarray]:
    """Project index per participant and the places each project may still place.

    ``max_placed`` is one ceiling for every project, or one per project index.
    """
    if max_placed is None:
        return np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    project = np.zeros(n, dtype=np.int64) if project is None else project
    project = _array(project, n, -1, np.int64, "project")
    n_projects = int(project.max(initial=-1)) + 1
    ceiling = np.asarray(max_placed, dtype=np.int64)
    if ceiling.ndim == 0:
        ceiling = np.full(n_projects, int(ceiling), dtype=np.int64)
    if ceiling.shape != (n_projects,) or (ceiling < 0).any():
        raise ValueError(f"max_placed must be one ceiling >= 0, or one per project ({n_projects})")
    counted = project >= 0
    used = np.bincount(project[counted], weights=fixed_places[counted], minlength=n_projects)
    return project, np.maximum(ceiling - used.astype(np.int64), 0)


def _units(group, fixed, places, priority, project):
    """Members of each unit (groups together, fixed participants left out), units in the
    order of their first member."""
    free_rows = np.flatnonzero(fixed < 0)
    key = free_rows.copy()
    in_group = group[free_rows] >= 0
    if in_group.any():
        ids, inv = np.unique(group[free_rows][in_group], return_inverse=True)
        first = np.full(len(ids), len(group), dtype=np.int64)
        np.minimum.at(first, inv, free_rows[in_group])
        key[in_group] = first[inv]
    order = np.lexsort((free_rows, key))
    members, key = free_rows[order], key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(members) else key
    ptr = np.r_[starts, len(members)].astype(np.int64)
    size = np.add.reduceat(places[members], starts) if len(members) else starts
    prio = np.add.reduceat(places[members] * priority[members], starts) if len(members) else starts
    # a unit's project: its members' (one counted member is enough; the others have none)
    unit_project = np.maximum.reduceat(project[members], starts) if len(members) else starts
    forced = np.full(len(starts), UNASSIGNED, dtype=np.int64)
    where: dict[int, int] = {}  # a group's first kept member's host
    for i in np.flatnonzero((group >= 0) & (fixed >= 0)):
        where.setdefault(int(group[i]), int(fixed[i]))
    for u, i in enumerate(members[starts]) if where else ():
        forced[u] = where.get(int(group[i]), UNASSIGNED)
    return (
        ptr,
        members,
        size.astype(np.int64),
        prio.astype(np.int64),
        unit_project.astype(np.int64),
        forced,
    )


def make_problem(
    n: int,
    capacity,
    priority=None,
    *,
    group=None,
    places=None,
    fixed=None,
    cost=None,
    budget=None,
    max_placed=None,
    project=None,
) -> Problem:
    """Check the solver arguments and build the :class:`Problem` (see the module notes).

    ``max_placed`` caps the places placed per project (``project``: ``(n,)`` int, -1 for
    none; default: the whole cohort is one project); fixed placements count towards it.
    """
    capacity = np.asarray(capacity, dtype=np.int64)
    if capacity.ndim != 1 or (capacity < 0).any():
        raise ValueError("capacity must be one integer >= 0 per host")
    m = len(capacity)
    priority = _array(priority, n, False, bool, "priority")
    group = _array(group, n, -1, np.int64, "group")
    places = _array(places, n, 1, np.int64, "places")
    fixed = _array(fixed, n, UNASSIGNED, np.int64, "fixed")
    if not np.isin(places, (0, 1)).all():
        raise ValueError("places must be 1 (learner or staff) or 0 (accompanying person)")
    if ((fixed < -1) | (fixed >= m)).any():
        raise ValueError(f"fixed must be a host index (0-{m - 1}) or -1")
    taken = np.bincount(fixed[fixed >= 0], weights=places[fixed >= 0], minlength=m)
    free = np.maximum(capacity - taken.astype(np.int64), 0)
    fixed_places = np.where(fixed >= 0, places, 0)
    project, project_free = _projects(project, max_placed, n, fixed_places)
    if cost is not None and np.shape(cost) != (n, m):
        raise ValueError(f"cost must be (n, m) = ({n}, {m}), got {np.shape(cost)}")
    if budget is not None and cost is None:
        raise ValueError("a budget needs the cost of each pair (cost)")
    kept = np.flatnonzero(fixed >= 0)
    fixed_cost = 0.0 if cost is None else float(np.nansum(np.asarray(cost[kept, fixed[kept]])))
    ptr, members, size, prio, unit_project, forced = _units(group, fixed, places, priority, project)
    return Problem(
        n, m, capacity, free, priority, places, fixed, project,
        np.where(project_free >= 0, project_free, 0), cost,
        None if budget is None else float(budget) - fixed_cost,
        ptr, members, size, prio, unit_project, forced,
    )  # fmt: skip


def split_groups(problem: Problem) -> Problem:
    """The relaxation of ``problem``: every place-taking participant a unit of its own (a
    group's forced host kept) and no budget. Its optimum bounds the problem's."""
    unit_of = problem.unit_of()
    rows = np.flatnonzero((problem.fixed < 0) & (problem.places > 0))
    ptr = np.arange(len(rows) + 1, dtype=np.int64)
    forced = problem.forced[unit_of[rows]] if len(rows) else np.zeros(0, np.int64)
    return replace(
        problem,
        cost=None,
        budget=None,
        ptr=ptr,
        members=rows,
        size=problem.places[rows].astype(np.int64),
        prio=(problem.places[rows] * problem.priority[rows]).astype(np.int64),
        unit_project=problem.project[rows],
        forced=forced,
    )
