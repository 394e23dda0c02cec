"""The life of a placement: which step may follow which, and where each pair stands.

A pair (participant, host) goes ``shortlisted -> proposed -> accepted | declined``, an
accepted placement ``-> completed`` (with a rating 1-5), and the sending side may withdraw a
shortlisted, proposed or accepted pair (``-> withdrawn``; a withdrawn pair may be shortlisted
or proposed again). A declined or completed pair is closed. Beside this, a host may mark
*interest* in a candidate: a flag on the pair, not a step.

The rules are plain data and functions here; :mod:`matcher.store` enforces them on every
decision it records, and the dashboard offers only the steps :func:`next_steps` returns.

Examples
--------
>>> next_state(None, "propose")
'proposed'
>>> next_steps("proposed", "coordinator")
('withdraw',)
>>> next_state("proposed", "complete")
Traceback (most recent call last):
...
matcher.lifecycle.InvalidStep: cannot complete a pair that is proposed: only an accepted placement can be completed
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "STEPS",
    "INTEREST",
    "ACTIONS",
    "STATES",
    "STATE_AFTER",
    "ALLOWED",
    "SENDING_STEPS",
    "HOST_STEPS",
    "STATE_COLUMNS",
    "InvalidStep",
    "next_state",
    "next_steps",
    "consent_refusal",
    "current_states",
]

#: The steps of the lifecycle, as decisions record them.
STEPS = ("shortlist", "propose", "accept", "decline", "complete", "withdraw")
#: A host's mark of interest in a candidate (a flag on the pair, not a step).
INTEREST = "interest"
#: Everything a decision may record.
ACTIONS = (*STEPS, INTEREST)
#: The state each step leads to.
STATE_AFTER = {
    "shortlist": "shortlisted",
    "propose": "proposed",
    "accept": "accepted",
    "decline": "declined",
    "complete": "completed",
    "withdraw": "withdrawn",
}
#: Every state of a pair, in lifecycle order.
STATES = tuple(STATE_AFTER.values())
#: The steps allowed from each state (None: nothing recorded for the pair yet).
ALLOWED = {
    None: ("shortlist", "propose"),
    "shortlisted": ("propose", "withdraw"),
    "proposed": ("accept", "decline", "withdraw"),
    "accepted": ("complete", "withdraw"),
    "declined": (),
    "completed": (),
    "withdrawn": ("shortlist", "propose"),
}
#: Steps the sending organisation takes; the host takes the others.
SENDING_STEPS = ("shortlist", "propose", "withdraw", "complete")
#: Steps the host takes (answers to a proposal).
HOST_STEPS = ("accept", "decline")
#: Why a step is refused, by the step: what it needs.
_NEEDS = {
    "shortlist": "only a new or withdrawn pair can be shortlisted",
    "propose": "only a new, shortlisted or withdrawn pair can be proposed",
    "accept": "only an open proposal can be accepted",
    "decline": "only an open proposal can be declined",
    "complete": "only an accepted placement can be completed",
    "withdraw": "only a shortlisted, proposed or accepted pair can be withdrawn",
}
#: Columns of :func:`current_states`.
STATE_COLUMNS = (
    "participant_id",
    "host_id",
    "sending_org",
    "state",
    "since",
    "reason",
    "rating",
    "interested",
    "interested_at",
)


class InvalidStep(ValueError):
    """A decision that does not follow from the pair's current state."""


def next_state(state: str | None, action: str) -> str:
    """The state after ``action`` from ``state`` (None: nothing recorded yet).

    Raises
    ------
    InvalidStep
        When the lifecycle does not allow ``action`` from ``state``, with a message that
        names both and says what the step needs.
    ValueError
        For an action that is no step (see :data:`STEPS`).
    """
    if action not in STEPS:
        raise ValueError(f"'{action}' is not a step; the steps are {', '.join(STEPS)}")
    if state not in ALLOWED:
        raise ValueError(f"unknown state {state!r}")
    if action not in ALLOWED[state]:
        where = "a pair with nothing recorded yet" if state is None else f"a pair that is {state}"
        raise InvalidStep(f"cannot {action} {where}: {_NEEDS[action]}")
    return STATE_AFTER[action]


def next_steps(state: str | None, role: str) -> tuple[str, ...]:
    """The steps ``role`` may take from ``state``, in lifecycle order.

    A coordinator takes :data:`SENDING_STEPS`, a host :data:`HOST_STEPS`, an admin either;
    other roles take none.

    Examples
    --------
    >>> next_steps(None, "coordinator")
    ('shortlist', 'propose')
    >>> next_steps("proposed", "host")
    ('accept', 'decline')
    >>> next_steps("accepted", "admin")
    ('complete', 'withdraw')
    """
    steps = {"coordinator": SENDING_STEPS, "host": HOST_STEPS, "admin": STEPS}.get(role, ())
    return tuple(a for a in ALLOWED.get(state, ()) if a in steps)


def consent_refusal(step: str, participant_id: str, consent: bool) -> str | None:
    """Why ``step`` may not be taken for a participant who did not consent to share their
    profile with hosts (a proposal shows it to the host), or None when it may.

    Examples
    --------
    >>> consent_refusal("propose", "P1", False)
    'P1 did not consent to share their profile with hosts: they cannot be proposed'
    >>> consent_refusal("shortlist", "P1", False) is None
    True
    """
    if step == "propose" and not consent:
        return (
            f"{participant_id} did not consent to share their profile with hosts: they "
            "cannot be proposed"
        )
    return None


def current_states(decisions: pd.DataFrame) -> pd.DataFrame:
    """Where each (participant, host) pair stands, from its recorded decisions.

    Parameters
    ----------
    decisions : DataFrame
        Decisions oldest first or with an ``id`` (or ``at``) to order them by:
        ``participant_id, host_id, sending_org, action`` and optionally ``reason``,
        ``rating``, ``at``.

    Returns
    -------
    DataFrame, one row per pair with any decision, ordered by participant and host
        ``participant_id``, ``host_id``, ``sending_org``, ``state`` (the state after the
        pair's latest step, see :data:`STATES`; empty when a host only marked interest),
        ``since`` (when it took that state), ``reason`` (that step's note), ``rating``
        (of a completed placement, else NaN), ``interested`` (a host marked interest) and
        ``interested_at`` (when first).

    Examples
    --------
    >>> d = pd.DataFrame({"participant_id": ["P1", "P1", "P2"], "host_id": ["H1"] * 3,
    ...     "sending_org": ["S"] * 3, "action": ["interest", "propose", "shortlist"]})
    >>> current_states(d)[["participant_id", "state", "interested"]].values.tolist()
    [['P1', 'proposed', True], ['P2', 'shortlisted', False]]
    """
    d = decisions.copy()
    for col in ("reason", "at"):
        if col not in d:
            d[col] = "" if col == "reason" else pd.NaT
    if "rating" not in d:
        d["rating"] = float("nan")
    order = "id" if "id" in d else None
    d = d.sort_values(order, kind="stable") if order else d
    keys = ["participant_id", "host_id"]
    steps = d[d["action"].isin(STEPS)].groupby(keys, sort=False).tail(1)
    steps = steps.assign(state=steps["action"].map(STATE_AFTER), since=steps["at"])
    marks = d[d["action"] == INTEREST].groupby(keys, sort=False).head(1)
    marks = marks[[*keys, "sending_org", "at"]].rename(columns={"at": "interested_at"})
    marks["interested"] = True
    out = steps[[*keys, "sending_org", "state", "since", "reason", "rating"]].merge(
        marks, on=keys, how="outer", suffixes=("", "_mark")
    )
    out["sending_org"] = out["sending_org"].fillna(out.pop("sending_org_mark"))
    out["interested"] = out["interested"].fillna(False).astype(bool)
    out["state"] = out["state"].fillna("")
    out["reason"] = out["reason"].fillna("")
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce").where(out["state"] == "completed")
    return out.sort_values(keys).reset_index(drop=True)[list(STATE_COLUMNS)]
