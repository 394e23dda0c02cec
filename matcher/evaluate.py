"""Offline evaluation of rankings and allocations: metrics as plain functions over arrays,
and helpers that run them on a fitted matcher, overall and by group.

Relevance comes from labels or from recorded outcomes (accepted or completed placements).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "precision_at_k",
    "recall_at_k",
    "hit_at_k",
    "ndcg_at_k",
    "reciprocal_rank",
    "catalogue_coverage",
    "ranking_metrics",
    "evaluate_rankings",
    "placement_metrics",
    "relevance_from_history",
]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first (ties by index)."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    return order[:k]


def precision_at_k(scores, relevance, k: int) -> float:
    """Share of the top k that is relevant (relevance > 0).

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.1], [1, 0, 1], k=2)
    0.5
    """
    scores, relevance = np.asarray(scores, float), np.asarray(relevance, float)
    top = _top(scores, k)
    return float((relevance[top] > 0).sum() / k)


def recall_at_k(scores, relevance, k: int) -> float:
    """Share of the relevant items found in the top k (0 when nothing is relevant).

    Examples
    --------
    >>> recall_at_k([0.9, 0.8, 0.1], [1, 0, 1], k=2)
    0.5
    """
    scores, relevance = np.asarray(scores, float), np.asarray(relevance, float)
    n_rel = int((relevance > 0).sum())
    if n_rel == 0:
        return 0.0
    return float((relevance[_top(scores, k)] > 0).sum() / n_rel)


def hit_at_k(scores, relevance, k: int) -> float:
    """1 when anything relevant is in the top k."""
    return float(recall_at_k(scores, relevance, k) > 0)


def ndcg_at_k(scores, relevance, k: int) -> float:
    """Normalised discounted cumulative gain with graded relevance (gain = relevance).

    Ties in ``scores`` are broken by position, so it equals
    ``sklearn.metrics.ndcg_score`` whenever the scores have no ties.

    Examples
    --------
    >>> round(ndcg_at_k([0.9, 0.8, 0.1], [0, 1, 1], k=3), 4)
    0.6934
    """
    scores, relevance = np.asarray(scores, float), np.asarray(relevance, float)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = relevance[_top(scores, k)]
    dcg = float((gains * discounts[: len(gains)]).sum())
    ideal = np.sort(relevance)[::-1][:k]
    idcg = float((ideal * discounts[: len(ideal)]).sum())
    return dcg / idcg if idcg > 0 else 0.0


def reciprocal_rank(scores, relevance) -> float:
    """1 / position of the first relevant item (0 when none)."""
    scores, relevance = np.asarray(scores, float), np.asarray(relevance, float)
    order = _top(scores, len(scores))
    hits = np.flatnonzero(relevance[order] > 0)
    return float(1.0 / (hits[0] + 1)) if len(hits) else 0.0


def catalogue_coverage(recommended, catalogue) -> float:
    """Share of the catalogue (e.g. all hosts) that appears in at least one recommendation list."""
    catalogue = set(catalogue)
    return len(set(recommended) & catalogue) / len(catalogue) if catalogue else 0.0


def ranking_metrics(scores, relevance, k: int = 10) -> dict:
    """All ranking metrics for one query."""
    return {
        f"precision@{k}": precision_at_k(scores, relevance, k),
        f"recall@{k}": recall_at_k(scores, relevance, k),
        f"hit@{k}": hit_at_k(scores, relevance, k),
        f"ndcg@{k}": ndcg_at_k(scores, relevance, k),
        "mrr": reciprocal_rank(scores, relevance),
    }


def relevance_from_history(history: pd.DataFrame) -> pd.DataFrame:
    """Graded relevance from outcomes: completed with rating >= 4 -> 2, accepted or completed
    -> 1, declined -> 0. Returns ``participant_id, host_id, relevance``."""
    if history.empty:
        return pd.DataFrame(columns=["participant_id", "host_id", "relevance"])
    order = {"decline": 0, "accept": 1, "complete": 2}
    h = history[history["action"].isin(order)].copy()
    grade = np.where(h["action"] == "decline", 0, 1)
    high = (h["action"] == "complete") & (pd.to_numeric(h["rating"], errors="coerce") >= 4)
    h["relevance"] = np.where(high, 2, grade)
    return h.groupby(["participant_id", "host_id"], as_index=False)["relevance"].max()


def evaluate_rankings(
    matcher,
    relevance: pd.DataFrame,
    k: int = 10,
    by: str | list | None = None,
    feasible_only: bool = True,
) -> pd.DataFrame:
    """Ranking metrics per participant who has a labelled host, overall or per group.

    ``relevance``: ``participant_id, host_id, relevance`` (0 = not relevant). The engine's
    scores rank every host (infeasible ones last when ``feasible_only``). With ``by``
    (participant columns such as ``home_country``, ``role``, ``fewer_opportunities`` or
    ``field``) the means are per group, with the group size. Accompanying persons take no
    place of their own and are left out.
    """
    placed = matcher.participants_.loc[
        matcher.participants_["role"] != "accompanying", "participant_id"
    ]
    rel = relevance[
        relevance["participant_id"].isin(placed) & relevance["host_id"].isin(matcher.host_ids_)
    ]
    pids = list(pd.unique(rel["participant_id"]))
    if not pids:
        raise ValueError("no labelled pair matches the matcher's participants and hosts")
    scores, mask = matcher.score_matrix(pids)
    if feasible_only:
        scores = np.where(mask, scores, scores - 10.0)
    rows = []
    for r, pid in enumerate(pids):
        grades = np.zeros(len(matcher.host_ids_))
        mine = rel.loc[rel["participant_id"] == pid]
        grades[matcher.host_index(mine["host_id"])] = mine["relevance"].to_numpy(float)
        if grades.max() <= 0:
            continue
        rows.append({"participant_id": pid, **ranking_metrics(scores[r], grades, k)})
    per = pd.DataFrame(rows)
    if by is None:
        return (
            per.drop(columns=["participant_id"])
            .mean()
            .to_frame("value")
            .T.assign(participants=len(per))
        )
    groups = _groups(matcher, by)
    per = per.merge(groups, on="participant_id")
    by = [by] if isinstance(by, str) else list(by)
    out = per.drop(columns=["participant_id"]).groupby(by).mean()
    out["participants"] = per.groupby(by).size()
    return out.reset_index()


def _groups(matcher, by) -> pd.DataFrame:
    from .insights import _broad_name

    p = matcher.participants_.copy()
    p["field"] = [_broad_name(link.field) for link in matcher.occupation_links_]
    cols = [by] if isinstance(by, str) else list(by)
    return p[["participant_id", *cols]]


def placement_metrics(allocation, matcher=None, by: str | list | None = None) -> pd.DataFrame:
    """Placement rate and mean score of an allocation, overall or per participant group."""
    a = allocation.assignments.copy()
    a["placed"] = a["status"] == "assigned"
    if by is None:
        return pd.DataFrame(
            [
                {
                    "participants": len(a),
                    "placement_rate": a["placed"].mean(),
                    "mean_score": a.loc[a["placed"], "score"].mean(),
                }
            ]
        )
    if matcher is None:
        raise ValueError("grouping needs the matcher (for participant attributes)")
    a = a.merge(_groups(matcher, by), on="participant_id")
    by = [by] if isinstance(by, str) else list(by)
    g = a.groupby(by)
    return pd.DataFrame(
        {
            "participants": g.size(),
            "placement_rate": g["placed"].mean(),
            "mean_score": g["score"].mean(),
        }
    ).reset_index()
