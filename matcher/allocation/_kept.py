"""Placements an allocation keeps: accepted by the host, locked by hand, or proposed and
still open (when the coordinator keeps open proposals)."""

from __future__ import annotations

import pandas as pd

__all__ = ["kept_placements", "open_proposals_released", "KEPT_LABELS", "PROPOSAL_STATES"]

#: The decisions that make a proposal's state (the latest one counts); shortlists do not.
PROPOSAL_STATES = ("propose", "withdraw", "accept", "decline", "complete")
#: Why a placement is kept, in the words the results use; the first reason found wins.
KEPT_LABELS = {
    "accept": "accepted by the host",
    "lock": "locked by hand",
    "propose": "open proposal kept",
}


def _latest_states(decisions: pd.DataFrame) -> pd.DataFrame:
    """The latest proposal state of each (participant, host) pair, in decision order."""
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=["participant_id", "host_id", "action", "order"])
    d = decisions.reset_index(drop=True)
    order = d["id"] if "id" in d else pd.Series(range(len(d)), index=d.index)
    d = d.assign(order=order)
    d = d[d["action"].isin(PROPOSAL_STATES)].sort_values("order", kind="stable")
    return d.groupby(["participant_id", "host_id"], as_index=False).tail(1)


def kept_placements(
    decisions: pd.DataFrame | None = None,
    locks: pd.DataFrame | None = None,
    keep_proposals: bool = True,
) -> pd.DataFrame:
    """One placement to keep per participant, and why.

    Parameters
    ----------
    decisions : DataFrame, optional
        Decisions as the workspace returns them (``participant_id, host_id, action`` and
        ``id`` for their order); a pair's latest proposal state counts.
    locks : DataFrame, optional
        Placements locked by hand (``participant_id, host_id``).
    keep_proposals : bool
        Keep open proposals (the latest one per participant) as placements; False
        releases them to the allocation.

    Returns
    -------
    DataFrame ``participant_id, host_id, kept``, where ``kept`` is a value of
    :data:`KEPT_LABELS`: an accepted placement comes first, then a lock, then an open
    proposal; a participant's most recent one of its kind wins.

    Examples
    --------
    >>> d = pd.DataFrame({"id": [1, 2, 3], "participant_id": ["P1", "P1", "P2"],
    ...                   "host_id": ["H1", "H1", "H2"], "action": ["propose", "accept", "propose"]})
    >>> kept_placements(d, keep_proposals=False).values.tolist()
    [['P1', 'H1', 'accepted by the host']]
    """
    states = _latest_states(decisions)
    parts = [states[states["action"] == "accept"].assign(kind="accept")]
    if locks is not None and not locks.empty:
        lk = locks[["participant_id", "host_id"]].reset_index(drop=True)
        parts.append(lk.assign(kind="lock", order=range(len(lk))))
    if keep_proposals:
        parts.append(states[states["action"] == "propose"].assign(kind="propose"))
    cols = ["participant_id", "host_id", "kind", "order"]
    rank = {k: r for r, k in enumerate(KEPT_LABELS)}
    allp = pd.concat([p[cols] for p in parts], ignore_index=True)
    allp = allp.assign(rank=allp["kind"].map(rank)).sort_values(
        ["rank", "order"], ascending=[True, False], kind="stable"
    )
    first = allp.drop_duplicates("participant_id", keep="first")
    return pd.DataFrame(
        {
            "participant_id": first["participant_id"].astype(str).to_numpy(),
            "host_id": first["host_id"].astype(str).to_numpy(),
            "kept": first["kind"].map(KEPT_LABELS).to_numpy(),
        }
    )


def open_proposals_released(decisions, kept: pd.DataFrame) -> pd.DataFrame:
    """Open proposals not kept (released to the allocation): ``participant_id, host_id``."""
    states = _latest_states(decisions)
    open_ = states[states["action"] == "propose"][["participant_id", "host_id"]]
    merged = open_.merge(kept, on=["participant_id", "host_id"], how="left")
    return merged[merged["kept"].isna()][["participant_id", "host_id"]].reset_index(drop=True)
