"""The programme's hard rules: each a vectorised test and the sentence saying why it fails.

Figures (months, days, countries by programme year) come from ``programme.csv`` through the
fitted arrays; a rule never holds a literal of its own. An accompanying person goes where
their learners go: the rules about the stay, the activity and the places are the group's
(``whole_group`` and ``group_places``), not theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import taxonomy as tx
from ..labels import label
from ._groups import group_parts, group_why
from ._prepare import OPEN_END
from ._state import Fitted, column
from ._stay import common_window, date_overlap_days, day, duration_overlap, no_overlap

__all__ = ["Rule", "RULES", "SPECIAL_CATEGORY_RULES", "feasibility", "host_side", "programme_start"]


def _always(S: Fitted) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """A hard rule: ``holds(S, pi, hj) -> bool (len(pi), m)`` and ``why(S, i, j) -> str``.

    ``label`` names the rule in plain words for tables and filters; ``applies(S)`` is False
    when the rule cannot fail on the fitted data (no group, no recent graduate...), so that it
    costs nothing there.
    """

    name: str
    label: str
    holds: Callable
    why: Callable
    applies: Callable = field(default=_always)


def _unless_accompanying(S: Fitted, pi, ok: np.ndarray) -> np.ndarray:
    """``ok`` with the rows of accompanying persons set True: the group's rules decide where
    they go (left as it is when the block has none)."""
    accompanying = S.P.accompanying[pi]
    return ok | accompanying[:, None] if accompanying.any() else ok


def _cross_border(S: Fitted, pi, hj) -> np.ndarray:
    return S.P.country[pi][:, None] != column(S.H.country, hj)


def _cross_border_why(S: Fitted, i: int, j: int) -> str:
    country = S.h["country"][j]
    return (
        f"the host is in {country}, the participant's home country; mobility must be cross-border"
    )


def programme_start(S: Fitted, pi, hj) -> np.ndarray:
    """Earliest day a stay can start, ``(len(pi), m)``: both available and both countries in
    the programme (Switzerland and the United Kingdom from 2027)."""
    start = np.maximum(S.P.start[pi][:, None], column(S.H.start, hj))
    if not _late_joiners(S):
        return np.maximum(start, S.P.joins[pi][:, None])  # every country from the same day
    return np.maximum(start, np.maximum(S.P.joins[pi][:, None], column(S.H.joins, hj)))


def _programme_year(S: Fitted, pi, hj) -> np.ndarray:
    lo, _ = duration_overlap(S, pi, hj)
    end = np.minimum(S.P.end[pi][:, None], column(S.H.end, hj))
    return end - programme_start(S, pi, hj) + 1 >= lo


def _programme_year_why(S: Fitted, i: int, j: int) -> str:
    home, host = S.p["home_country"][i], S.h["country"][j]
    later = home if S.P.joins[i] >= S.H.joins[j] else host
    joins = tx.country_joins()[later].isoformat()
    name = tx.countries().at[later, "name"]
    _, end, span = common_window(S, i, j)
    return (
        f"{name} takes part in Erasmus+ from {joins} (programme.csv); the common window "
        f"{span} leaves no stay of {max(S.P.dmin[i], S.H.dmin[j])} days from then"
    )


def _late_joiners(S: Fitted) -> bool:
    return bool(len(S.P) and len(S.H)) and max(S.P.joins.max(), S.H.joins.max()) > min(
        S.P.joins.min(), S.H.joins.min()
    )


def _role_activity(S: Fitted, pi, hj) -> np.ndarray:
    P, H = S.P, S.H
    role_ok = np.where(
        P.is_staff[pi][:, None], column(H.accepts_staff, hj), column(H.accepts_learner, hj)
    )
    return _unless_accompanying(S, pi, role_ok & H.activities[hj][:, P.activity[pi]].T)


def _role_activity_why(S: Fitted, i: int, j: int) -> str:
    H, role = S.H, S.p["role"][i]
    accepted = H.accepts_staff[j] if role == "staff" else H.accepts_learner[j]
    if not accepted:
        return f"the host accepts {S.h['accepts'][j]} only, not {role}"
    offered = [a for a, ok in zip(S.vocab.activities, H.activities[j], strict=True) if ok]
    offers = ", ".join(label(a) for a in offered) or "no activity"
    return f"the host does not offer {label(S.p['activity'][i])} (offers {offers})"


def _at_event(S: Fitted, pi, hj) -> np.ndarray:
    competes = S.P.activity[pi] == S.vocab.activities.index("skills_competition")
    return ~competes[:, None] | column(S.H.is_event, hj)


def _at_event_why(S: Fitted, i: int, j: int) -> str:
    kind = S.h["org_type"][j].replace("_", " ")
    return f"a skills competition takes place at an event; this host is a {kind}, not an event"


def _duration(S: Fitted, pi, hj) -> np.ndarray:
    lo, hi = duration_overlap(S, pi, hj)
    return _unless_accompanying(S, pi, lo <= hi)


def _duration_why(S: Fitted, i: int, j: int) -> str:
    P, H = S.P, S.H
    return (
        f"stay {P.dmin[i]}-{P.dmax[i]} days does not overlap the host's "
        f"{H.dmin[j]}-{H.dmax[j]} days"
    )


def _dates(S: Fitted, pi, hj) -> np.ndarray:
    lo, _ = duration_overlap(S, pi, hj)
    return _unless_accompanying(S, pi, date_overlap_days(S, pi, hj) >= lo)


def _dates_why(S: Fitted, i: int, j: int) -> str:
    start, end, span = common_window(S, i, j)
    shortest = max(S.P.dmin[i], S.H.dmin[j])
    days = int(end - start + 1)
    if days <= 0:
        return f"the date windows have {no_overlap(S, i, j)}"
    return (
        f"the date windows overlap {days} days ({span}), "
        f"less than the shortest stay of {shortest} days"
    )


def _recent_graduate(S: Fitted, pi, hj) -> np.ndarray:
    deadline = S.P.grad_deadline[pi]
    rows = np.flatnonzero(deadline < OPEN_END)
    ok = np.ones((len(pi), _width(S, hj)), dtype=bool)
    if len(rows):
        ok[rows] = programme_start(S, np.asarray(pi)[rows], hj) <= deadline[rows][:, None]
    return ok


def _recent_graduate_why(S: Fitted, i: int, j: int) -> str:
    months = tx.programme_figure("recent_graduate_months")
    start = programme_start(S, np.array([i]), np.array([j]))[0, 0]
    return (
        f"a recent graduate's mobility starts within {months} months of graduation, by "
        f"{day(S.P.grad_deadline[i])}; with this host it can start {day(start)} at the earliest"
    )


def _has_graduates(S: Fitted) -> bool:
    return bool((S.P.grad_deadline < OPEN_END).any())


def _employed(S: Fitted, pi, hj) -> np.ndarray:
    return np.broadcast_to(~S.P.not_employed[pi][:, None], (len(pi), _width(S, hj)))


def _width(S: Fitted, hj) -> int:
    return column(S.H.capacity, hj).shape[1]


def _capacity(S: Fitted, pi, hj) -> np.ndarray:
    return _unless_accompanying(S, pi, column(S.H.capacity, hj) > 0)


def _accessibility(S: Fitted, pi, hj) -> np.ndarray:
    return ~S.P.needs_access[pi][:, None] | column(S.H.accessible, hj)


_GROUP_PARTS = ("stay", "window", "takes", "activity", "access", "declined")


def _group(S: Fitted, pi, hj, parts=_GROUP_PARTS):
    """Members of a group (learners and accompanying persons): the host takes the whole group."""
    g = S.P.group[pi]
    rows = np.flatnonzero(g >= 0)
    if not len(rows):
        return np.ones((len(pi), 1), dtype=bool)  # broadcast over the hosts by the caller
    ok = np.ones((len(pi), _width(S, hj)), dtype=bool)
    found = group_parts(S, g[rows], hj, parts)
    ok[rows] = np.logical_and.reduce([found[p] for p in parts])
    return ok


def _group_places(S: Fitted, pi, hj) -> np.ndarray:
    return _group(S, pi, hj, parts=("places",))


def _has_groups(S: Fitted) -> bool:
    return len(S.G) > 0


def _not_declined(S: Fitted, pi, hj) -> np.ndarray:
    return S.history.not_declined(pi, hj, len(S.H))


def _fixed(text: str) -> Callable:
    return lambda S, i, j: text


RULES: tuple[Rule, ...] = (
    Rule("cross_border", "host abroad", _cross_border, _cross_border_why),
    Rule(
        "programme_year",
        "both countries in the programme on these dates",
        _programme_year,
        _programme_year_why,
        _late_joiners,
    ),
    Rule("role_activity", "accepts this role and activity", _role_activity, _role_activity_why),
    Rule("event", "skills competitions at events", _at_event, _at_event_why),
    Rule("duration", "stay length fits", _duration, _duration_why),
    Rule("dates", "dates fit", _dates, _dates_why),
    Rule(
        "recent_graduate",
        "recent graduate starts in time",
        _recent_graduate,
        _recent_graduate_why,
        _has_graduates,
    ),
    Rule(
        "employed_by_sender",
        "staff of the sending organisation",
        _employed,
        _fixed(
            "staff must be employed by or regularly work for the sending organisation, and the "
            "file says this person does not"
        ),
        lambda S: bool(S.P.not_employed.any()),
    ),
    Rule("capacity", "has free places", _capacity, _fixed("the host has no free places")),
    Rule(
        "accessibility",
        "accessible when needed",
        _accessibility,
        _fixed("the participant needs an accessible host and this host is not accessible"),
    ),
    Rule(
        "whole_group",
        "takes the whole group",
        _group,
        lambda S, i, j: group_why(S, i, j, places=False),
        _has_groups,
    ),
    Rule(
        "group_places",
        "places for the whole group",
        _group_places,
        lambda S, i, j: group_why(S, i, j, places=True),
        _has_groups,
    ),
    Rule(
        "not_declined",
        "has not declined",
        _not_declined,
        _fixed("the host already declined this participant"),
        lambda S: bool(S.history.declined),
    ),
)

#: Rules that read special-category data (GDPR art. 9, ``privacy.SPECIAL_CATEGORY``), and the
#: parts of the group rule that do: what a host is shown never depends on them.
SPECIAL_CATEGORY_RULES = ("accessibility",)
_SPECIAL_GROUP_PARTS = ("access",)

#: Rules about free places, left out when places are handled elsewhere (allocation).
_PLACE_RULES = ("capacity", "group_places")


def feasibility(S: Fitted, pi, hj, check_capacity: bool = True) -> dict[str, np.ndarray]:
    """Each hard rule that applies as a boolean ``(len(pi), m)``; a pair is feasible when all
    hold.

    A rule is tested only when it can fail on the fitted data (``Rule.applies``); the rules
    about places only when ``check_capacity``.
    """
    out = {}
    for rule in RULES:
        if rule.name in _PLACE_RULES and not check_capacity:
            continue
        if not rule.applies(S):
            continue
        out[rule.name] = np.broadcast_to(rule.holds(S, pi, hj), (len(pi), _width(S, hj)))
    return out


def host_side(S: Fitted, pi, hj, rules: dict[str, np.ndarray]) -> np.ndarray:
    """Feasible pairs ``(len(pi), m)`` as a host may learn them: every rule of ``rules``
    (:func:`feasibility`'s) but those on special-category data.

    Which hosts list a candidate must not tell who needs an accessible host: hosts that are
    not accessible would otherwise never see those candidates, and two hosts comparing their
    lists (or one intermediary with two host records) would learn it. So a host's candidates
    are listed as if nobody needed one; the coordinator's side, proposals and allocations
    keep the rule.
    """
    kept = [
        ok for name, ok in rules.items() if name not in (*SPECIAL_CATEGORY_RULES, "whole_group")
    ]
    if "whole_group" in rules:
        parts = tuple(p for p in _GROUP_PARTS if p not in _SPECIAL_GROUP_PARTS)
        kept.append(np.broadcast_to(_group(S, pi, hj, parts), rules["whole_group"].shape))
    if not kept:
        return np.ones((len(pi), _width(S, hj)), dtype=bool)
    return np.logical_and.reduce(kept)
