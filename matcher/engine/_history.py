"""What the workspace's history says about a pair: past cooperation between the sending
organisation and the host, and hosts that already declined a participant."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "History",
    "build_history",
    "cooperation_score",
    "cooperation_reason",
    "NEUTRAL",
    "OUTCOME_VALUE",
]

#: Cooperation score of a pair with no earlier cooperation.
NEUTRAL = 0.5
#: Value of one participant's final outcome at a host (a completed placement: its rating).
OUTCOME_VALUE = {"accept": 0.75, "decline": 0.25}
_RANK = {"propose": 0, "shortlist": 0, "withdraw": 0, "accept": 1, "decline": 2, "complete": 3}


@dataclass
class History:
    """Decisions indexed for scoring: cooperation per (sending organisation, host), declines."""

    org_of: np.ndarray  # (n_p,) int index of the participant's sending organisation
    coop: np.ndarray  # (n_orgs, n_h) float32 cooperation score
    summary: dict = field(default_factory=dict)  # (org_idx, h) -> text
    declined: dict = field(default_factory=dict)  # p_idx -> ndarray of host indices

    def cooperation(self, pi, hj) -> np.ndarray:
        """Cooperation score ``(len(pi), n_hosts_in_block)``."""
        return self.coop[self.org_of[pi]][:, hj]

    def not_declined(self, pi, hj, n_hosts: int) -> np.ndarray:
        """``(len(pi), n_hosts_in_block)``: False where the host already declined the participant."""
        cols = np.arange(n_hosts)[hj]
        ok = np.ones((len(pi), len(cols)), dtype=bool)
        for r, i in enumerate(pi):
            hs = self.declined.get(int(i))
            if hs is not None:
                ok[r] = ~np.isin(cols, hs)
        return ok


def build_history(
    history: pd.DataFrame | None, participants: pd.DataFrame, hosts: pd.DataFrame
) -> History:
    """Index a decisions table (``participant_id, host_id, sending_org, action, rating``)."""
    orgs = {o: k for k, o in enumerate(pd.unique(participants["sending_org"]))}
    org_of = np.array([orgs[o] for o in participants["sending_org"]], dtype=np.int64)
    coop = np.full((max(len(orgs), 1), len(hosts)), NEUTRAL, dtype=np.float32)
    hist = History(org_of=org_of, coop=coop)
    if history is None or history.empty:
        return hist
    h_index = {h: j for j, h in enumerate(hosts["host_id"])}
    p_index = {p: i for i, p in enumerate(participants["participant_id"])}
    final: dict = {}
    for rec in history.sort_values("at" if "at" in history else history.columns[0]).to_dict(
        "records"
    ):
        key = (rec["participant_id"], rec["host_id"])
        old = final.get(key)
        if old is None or _RANK.get(rec["action"], 0) >= _RANK.get(old["action"], 0):
            final[key] = rec
    values: dict = {}
    for (pid, hid), rec in final.items():
        j = h_index.get(hid)
        org = orgs.get(rec["sending_org"])
        if j is None or org is None:
            continue
        action = rec["action"]
        if (
            action == "complete"
            and rec.get("rating") is not None
            and not pd.isna(rec.get("rating"))
        ):
            v = (float(rec["rating"]) - 1.0) / 4.0
        elif action in OUTCOME_VALUE:
            v = OUTCOME_VALUE[action]
        else:
            continue
        values.setdefault((org, j), []).append((action, v))
        if action == "decline" and pid in p_index:
            i = p_index[pid]
            hist.declined[i] = np.append(hist.declined.get(i, np.zeros(0, dtype=np.int64)), j)
    for (org, j), vs in values.items():
        coop[org, j] = float(np.mean([v for _, v in vs]))
        done = [v for a, v in vs if a == "complete"]
        parts = []
        if done:
            parts.append(
                f"{len(done)} placement(s) completed, mean rating {1 + 4 * np.mean(done):.1f}/5"
            )
        n_acc = sum(a == "accept" for a, _ in vs)
        n_dec = sum(a == "decline" for a, _ in vs)
        if n_acc:
            parts.append(f"{n_acc} accepted")
        if n_dec:
            parts.append(f"{n_dec} declined")
        hist.summary[(org, j)] = "; ".join(parts)
    return hist


def cooperation_score(S, pi, hj) -> np.ndarray:
    """Past cooperation of the participant's sending organisation with the host: ``(len(pi), m)``."""
    return S.history.cooperation(pi, hj)


def cooperation_reason(S, i: int, j: int) -> str:
    """The sentence for the cooperation score."""
    past = S.history.summary.get((int(S.history.org_of[i]), j))
    if past:
        return f"earlier with this sending organisation: {past}"
    return "no earlier cooperation with this sending organisation"
