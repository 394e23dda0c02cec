"""Why a participant was not placed, in plain words, from what the solver knows."""

from __future__ import annotations

import numpy as np

from ._solve import Solution

__all__ = ["why_unassigned", "RULES_SHOWN"]

#: Rules named in a reason (the ones ruling out most hosts).
RULES_SHOWN = 3
#: Hosts named as the closest in a reason.
CLOSEST_SHOWN = 3
#: Participants whose rules are counted in one block.
_RULE_BLOCK = 256


def _rule_counts(m, pids, hids) -> list[str]:
    """For each participant, the rules that rule out most hosts, as one phrase."""
    from ..labels import rule_phrase

    out = []
    for s in range(0, len(pids), _RULE_BLOCK):
        _, rules = m.components_matrix(list(pids[s : s + _RULE_BLOCK]), list(hids))
        counts = {r: (~np.asarray(ok)).sum(axis=1) for r, ok in rules.items()}
        for k in range(len(pids[s : s + _RULE_BLOCK])):
            top = sorted(((int(c[k]), r) for r, c in counts.items() if c[k]), reverse=True)
            top = top[:RULES_SHOWN]
            out.append(", ".join(rule_phrase(r, c) for c, r in top))
    return out


def _closest(sol: Solution, u: int, starts, hids) -> str:
    """The unit's best candidate hosts with their (mean) scores."""
    g = sol.graph
    e = np.arange(starts[u], starts[u + 1])
    e = e[np.argsort(-g.score[e], kind="stable")][:CLOSEST_SHOWN]
    size = max(int(sol.problem.size[u]), 1)
    return ", ".join(f"{hids[g.host[k]]} ({g.score[k] / size:.2f})" for k in e)


def _group_words(frame, p, u: int, k: int) -> str:
    """``group G (n places): `` for a group, empty for a participant alone."""
    if p.ptr[u + 1] - p.ptr[u] <= 1:
        return ""
    gid = frame["group_id"].iat[k] if "group_id" in frame else ""
    return f"group {gid} ({int(p.size[u])} places): "


def _left_behind(sol: Solution, hids, u: int, k: int) -> str:
    """An accompanying person whose group's learners are kept at a host they cannot join."""
    host = hids[sol.problem.forced[u]]
    if sol.left_behind.get(k) == "budget":
        return (
            f"their group's learners are kept at {host}, but the budget ceiling left after the "
            "kept placements does not cover this accompanying person: raise the ceiling or "
            "release a kept placement"
        )
    return (
        f"their group's learners are kept at {host}, but the programme's rules rule out "
        f"{host} for this accompanying person (Explain names the rule): the group needs "
        "someone else to accompany it"
    )


def _project_full(sol: Solution, u: int) -> bool:
    p = sol.problem
    k = p.unit_project[u]
    if k < 0:
        return False
    placed = (sol.assign[p.members[p.ptr[:-1]]] >= 0) & (p.unit_project == k)
    return int(p.size[placed].sum()) >= int(p.project_free[k])


def _one(sol, frame, hids, u, k, starts, room) -> str | None:
    """The reason for participant ``k`` of unit ``u``; None: count its rules."""
    p, g = sol.problem, sol.graph
    head = _group_words(frame, p, u, k)
    if p.size[u] == 0 and p.forced[u] >= 0:
        return _left_behind(sol, hids, u, k)
    if p.size[u] == 0:
        return "an accompanying person goes with learners: give them the group_id of the learners they accompany"
    if g.n_feasible[u] == 0:
        if p.forced[u] >= 0:
            return f"{head}the group's kept members are at {hids[p.forced[u]]}, which has no room or no fit for the rest"
        if head:
            return (
                head
                + "no host can take the whole group under the programme's rules with enough free places"
            )
        return None
    closest = _closest(sol, u, starts, hids)
    if _project_full(sol, u):
        return (
            f"{head}its project already has the most participants it may place; closest: {closest}"
        )
    hosts = g.host[starts[u] : starts[u + 1]]
    if (room[hosts] < p.size[u]).all():
        if g.n_feasible[u] == 1:
            which = "the one host that meets the rules is full"
        elif g.n_feasible[u] == len(hosts):
            which = f"all {g.n_feasible[u]} hosts that meet the rules are full"
        else:
            which = "its best hosts are full"
        return f"{head}{which}; closest: {closest}"
    if p.budget is not None:
        return f"{head}not placed within the budget ceiling; closest: {closest}"
    return f"{head}not placed: the places went to participants the method or the hosts preferred; closest: {closest}"


def why_unassigned(m, frame, hids, sol: Solution, used) -> dict[int, str]:
    """Reason per unplaced participant (row of ``frame``): no feasible host (the rules
    that rule out most hosts), a group no host can take whole, an accompanying person
    without a group or unable to join their group's kept learners (the rules, or the
    budget), a project at its ceiling, full hosts, or others preferred.

    Returns
    -------
    dict ``row -> text``
    """
    p = sol.problem
    unit_of = p.unit_of()
    starts = sol.graph.starts(p.n_units)
    room = p.capacity - np.asarray(used)
    out: dict[int, str] = {}
    count_rules = []
    for k in np.flatnonzero(sol.assign < 0):
        text = _one(sol, frame, hids, int(unit_of[k]), int(k), starts, room)
        if text is None:
            count_rules.append(int(k))
        else:
            out[int(k)] = text
    pids = frame["participant_id"].to_numpy()[count_rules]
    for k, words in zip(count_rules, _rule_counts(m, pids, hids), strict=True):
        out[k] = (
            f"no host meets the programme's rules: {words}"
            if words
            else "every host that meets the rules is full"
        )
    return out
