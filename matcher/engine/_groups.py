"""Groups of learners and their accompanying persons: whether a host takes the whole group,
why not, and how an accompanying person's scores follow the group.

A group is the rows sharing a ``group_id``: its learners take one place each and travel
together (one stay, one window); its accompanying persons take no place and go where the
learners go. The group's stay is what all its learners accept (the longest of their shortest
stays to the shortest of their longest) and its window what all of them are available for.
"""

from __future__ import annotations

import numpy as np

from .. import taxonomy as tx
from ._prepare import OPEN_END, OPEN_START
from ._state import Fitted, column
from ._stay import day

__all__ = ["GROUP_PARTS", "group_parts", "group_why", "group_label"]

#: What a host must offer a whole group, in the order the reasons are told.
GROUP_PARTS = ("stay", "window", "takes", "activity", "access", "declined", "places")


def _stay(S: Fitted, gg, hj) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(S.G.dmin[gg][:, None], column(S.H.dmin, hj))
    hi = np.minimum(S.G.dmax[gg][:, None], column(S.H.dmax, hj))
    return lo, hi


def _window(S: Fitted, gg, hj) -> np.ndarray:
    """Days the group and the host are both available, from the day both countries take part."""
    G, H = S.G, S.H
    joins = np.maximum(G.joins[gg][:, None], column(H.joins, hj))
    start = np.maximum(np.maximum(G.start[gg][:, None], column(H.start, hj)), joins)
    end = np.minimum(G.end[gg][:, None], column(H.end, hj))
    return end - start + 1


def _offers(S: Fitted, gg, hj) -> np.ndarray:
    act = S.G.activity[gg]
    offered = S.H.activities[hj][:, np.maximum(act, 0)].T & (act >= 0)[:, None]
    return column(S.H.accepts_learner, hj) & offered


def _not_declined(S: Fitted, gg, hj) -> np.ndarray:
    """False where the host declined a member of the group."""
    out = np.ones((len(gg), column(S.H.capacity, hj).shape[1]), dtype=bool)
    if not S.history.declined:
        return out
    for g in np.unique(gg):
        members = S.G.members[g]
        out[gg == g] = S.history.not_declined(members, hj, len(S.H)).all(axis=0)
    return out


_PARTS = {
    "stay": lambda S, gg, hj: np.less_equal(*_stay(S, gg, hj)),
    "window": lambda S, gg, hj: _window(S, gg, hj) >= _stay(S, gg, hj)[0],
    "takes": lambda S, gg, hj: column(S.H.takes_groups, hj) | (S.G.size[gg] < 2)[:, None],
    "activity": _offers,
    "access": lambda S, gg, hj: ~S.G.needs_access[gg][:, None] | column(S.H.accessible, hj),
    "declined": _not_declined,
    "places": lambda S, gg, hj: column(S.H.capacity, hj) >= S.G.size[gg][:, None],
}


def group_parts(S: Fitted, gg, hj, parts=GROUP_PARTS) -> dict[str, np.ndarray]:
    """What each group of ``gg`` (group indices) meets at each host: ``{part: (len(gg), m)}``.

    Parts: ``stay`` (a stay length all learners and the host accept), ``window`` (long enough
    common dates), ``takes`` (the host takes groups; one learner needs not), ``activity`` (the
    host takes learners on the group's activity), ``access`` (accessible when a member needs
    it), ``declined`` (no member declined by the host), ``places`` (a place per learner).
    """
    width = column(S.H.capacity, hj).shape[1]
    return {p: np.broadcast_to(_PARTS[p](S, gg, hj), (len(gg), width)) for p in parts}


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def group_label(S: Fitted, g: int) -> str:
    """``group 'G01' (3 learners)``; one learner with the person accompanying them:
    ``group 'A01' (1 learner and 1 accompanying person)``."""
    k = int(S.G.size[g])
    with_ = len(S.G.members[g]) - len(S.G.learners[g])
    if k == 1 and with_:
        return f"group '{S.G.ids[g]}' (1 learner and {_count(with_, 'accompanying person')})"
    return f"group '{S.G.ids[g]}' ({_count(k, 'learner')})"


def _part_why(S: Fitted, g: int, j: int, part: str) -> str:
    what, G, H = group_label(S, g), S.G, S.H
    lo = max(int(G.dmin[g]), int(H.dmin[j]))
    activity = tx.programme_activities().at[S.vocab.activities[max(G.activity[g], 0)], "label"]
    return {
        "stay": f"{what} stays {G.dmin[g]}-{G.dmax[g]} days together (what all its learners "
        f"accept), which does not overlap the host's {H.dmin[j]}-{H.dmax[j]} days",
        "window": f"the dates {what} and the host share are fewer than the stay of {lo} days "
        f"(group available {_span(G.start[g], G.end[g])})",
        "takes": f"the host does not take groups, and {what} travels together",
        "activity": f"the host does not take learners on the group's activity ({activity})",
        "access": f"a member of {what} needs an accessible host and this host is not accessible",
        "declined": f"the host already declined a member of {what}",
        "places": f"the host has {_count(int(H.capacity[j]), 'place')} and {what} needs "
        f"{G.size[g]} (its learners go together; accompanying persons take no place)",
    }[part]


def _span(start: float, end: float) -> str:
    first = day(start) if start != OPEN_START else "..."
    last = day(end) if end != OPEN_END else "..."
    return f"{first} to {last}"


def group_why(S: Fitted, i: int, j: int, places: bool) -> str:
    """Why the host cannot take participant ``i``'s whole group (places, or the rest)."""
    g = int(S.P.group[i])
    names = ("places",) if places else GROUP_PARTS[:-1]
    found = group_parts(S, np.array([g]), np.array([j]), names)
    broken = [_part_why(S, g, j, p) for p in names if not bool(found[p][0, 0])]
    return "; ".join(broken)
