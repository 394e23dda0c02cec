"""The programme's hard rules: each a vectorised test and the sentence saying why it fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._state import Fitted, column
from ._stay import common_window, date_overlap_days, duration_overlap

__all__ = ["Rule", "RULES", "feasibility"]


@dataclass(frozen=True)
class Rule:
    """A hard rule: ``holds(S, pi, hj) -> bool (len(pi), m)`` and ``why(S, i, j) -> str``.

    ``label`` names the rule in plain words for tables and filters.
    """

    name: str
    label: str
    holds: Callable
    why: Callable


def _cross_border(S: Fitted, pi, hj) -> np.ndarray:
    return S.P.country[pi][:, None] != column(S.H.country, hj)


def _cross_border_why(S: Fitted, i: int, j: int) -> str:
    country = S.h["country"][j]
    return (
        f"the host is in {country}, the participant's home country; mobility must be cross-border"
    )


def _role_activity(S: Fitted, pi, hj) -> np.ndarray:
    P, H = S.P, S.H
    role_ok = np.where(
        P.is_staff[pi][:, None], column(H.accepts_staff, hj), column(H.accepts_learner, hj)
    )
    return role_ok & H.activities[hj][:, P.activity[pi]].T


def _role_activity_why(S: Fitted, i: int, j: int) -> str:
    H, role = S.H, S.p["role"][i]
    accepted = H.accepts_staff[j] if role == "staff" else H.accepts_learner[j]
    if not accepted:
        return f"the host accepts {S.h['accepts'][j]} only, not {role}"
    offered = ", ".join(a for a, ok in zip(S.vocab.activities, H.activities[j], strict=True) if ok)
    return f"the host does not offer {S.p['activity'][i]} (offers {offered})"


def _duration(S: Fitted, pi, hj) -> np.ndarray:
    lo, hi = duration_overlap(S, pi, hj)
    return lo <= hi


def _duration_why(S: Fitted, i: int, j: int) -> str:
    P, H = S.P, S.H
    return (
        f"stay {P.dmin[i]}-{P.dmax[i]} days does not overlap the host's "
        f"{H.dmin[j]}-{H.dmax[j]} days"
    )


def _dates(S: Fitted, pi, hj) -> np.ndarray:
    lo, _ = duration_overlap(S, pi, hj)
    return date_overlap_days(S, pi, hj) >= lo


def _dates_why(S: Fitted, i: int, j: int) -> str:
    start, end, span = common_window(S, i, j)
    shortest = max(S.P.dmin[i], S.H.dmin[j])
    days = max(int(end - start + 1), 0)
    return (
        f"the date windows overlap {days} days ({span}), "
        f"less than the shortest stay of {shortest} days"
    )


def _capacity(S: Fitted, pi, hj) -> np.ndarray:
    return np.broadcast_to(
        column(S.H.capacity, hj) > 0, (len(pi), column(S.H.capacity, hj).shape[1])
    )


def _accessibility(S: Fitted, pi, hj) -> np.ndarray:
    return ~S.P.needs_access[pi][:, None] | column(S.H.accessible, hj)


def _not_declined(S: Fitted, pi, hj) -> np.ndarray:
    return S.history.not_declined(pi, hj, len(S.H))


def _fixed(text: str) -> Callable:
    return lambda S, i, j: text


RULES: tuple[Rule, ...] = (
    Rule("cross_border", "host abroad", _cross_border, _cross_border_why),
    Rule("role_activity", "accepts this role and activity", _role_activity, _role_activity_why),
    Rule("duration", "stay length fits", _duration, _duration_why),
    Rule("dates", "dates fit", _dates, _dates_why),
    Rule("capacity", "has free places", _capacity, _fixed("the host has no free places")),
    Rule(
        "accessibility",
        "accessible when needed",
        _accessibility,
        _fixed("the participant needs an accessible host and this host is not accessible"),
    ),
    Rule(
        "not_declined",
        "has not declined",
        _not_declined,
        _fixed("the host already declined this participant"),
    ),
)


def feasibility(S: Fitted, pi, hj, check_capacity: bool = True) -> dict[str, np.ndarray]:
    """Each hard rule as a boolean ``(len(pi), m)``; a pair is feasible when all hold.

    ``not_declined`` is tested only when the history records a decline, ``capacity`` only
    when ``check_capacity``.
    """
    out = {}
    for rule in RULES:
        if rule.name == "capacity" and not check_capacity:
            continue
        if rule.name == "not_declined" and not S.history.declined:
            continue
        out[rule.name] = rule.holds(S, pi, hj)
    return out
