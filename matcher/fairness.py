"""Fairness: how much exposure groups of participants get in the hosts' top-k lists and in
allocations, and a re-ranking that guarantees a minimum exposure, with its cost measured.

Groups may be special-category (fewer opportunities): this module is for analysts, who see
aggregates only; hosts never see the flag, only the re-ranked lists.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["exposure", "rerank_min_share", "allocation_exposure"]


def _position_weights(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2))


def rerank_min_share(
    order: np.ndarray, scores: np.ndarray, protected: np.ndarray, k: int, min_share: float
) -> np.ndarray:
    """Top-k of ``order`` (best first) with at least ``ceil(min_share * k)`` protected items
    when that many are available: the lowest-scored unprotected items give way to the
    best-scored protected ones left out; the list is then sorted by score again.

    Examples
    --------
    >>> order = np.array([0, 1, 2, 3])
    >>> rerank_min_share(order, np.array([.9, .8, .7, .6]), np.array([False, False, False, True]), 2, 0.5)
    array([0, 3])
    """
    top = list(order[:k])
    need = math.ceil(min_share * min(k, len(order)))
    have = [i for i in top if protected[i]]
    extra = [i for i in order[k:] if protected[i]][: max(0, need - len(have))]
    if extra:
        unprot = sorted((i for i in top if not protected[i]), key=lambda i: scores[i])
        for out, inn in zip(unprot, extra, strict=False):
            top[top.index(out)] = inn
    top.sort(key=lambda i: (-scores[i], i))
    return np.array(top, dtype=np.int64)


def exposure(
    matcher,
    group: str = "fewer_opportunities",
    k: int = 10,
    min_share: float | None = None,
    consenting_only: bool = True,
) -> tuple[pd.DataFrame, dict]:
    """Exposure per group in every host's top-k candidate list.

    Exposure of a list position r is ``1 / log2(r + 1)``. Per group: its share of the
    eligible candidates (feasible for at least one host), its share of the total exposure,
    and their ratio (1 = proportional). With ``min_share`` the lists are first re-ranked by
    :func:`rerank_min_share` for ``group == True`` (a boolean group); the summary reports the
    mean score of the lists before and after, i.e. the cost.
    """
    p = matcher.participants_
    scores, mask = matcher.score_matrix()
    if consenting_only:
        mask = mask & p["consent_share"].to_numpy(bool)[:, None]
    values = p[group].to_numpy()
    protected = values.astype(bool) if min_share is not None else None
    weights = _position_weights(k)
    exp = np.zeros(len(p))
    before, after = [], []
    for j in range(scores.shape[1]):
        cand = np.flatnonzero(mask[:, j])
        if len(cand) == 0:
            continue
        s = scores[cand, j]
        order = cand[np.lexsort((cand, -s))]
        top = order[:k]
        before.append(scores[top, j].mean())
        if min_share is not None:
            top = rerank_min_share(order, scores[:, j], protected, k, min_share)
        after.append(scores[top, j].mean())
        exp[top] += weights[: len(top)]
    eligible = mask.any(axis=1)
    df = pd.DataFrame({"group": values, "eligible": eligible, "exposure": exp})
    out = (
        df.groupby("group")
        .agg(
            participants=("eligible", "size"),
            eligible=("eligible", "sum"),
            exposure=("exposure", "sum"),
        )
        .reset_index()
    )
    out["share_of_eligible"] = out["eligible"] / max(out["eligible"].sum(), 1)
    out["share_of_exposure"] = out["exposure"] / max(out["exposure"].sum(), 1e-12)
    out["exposure_ratio"] = out["share_of_exposure"] / out["share_of_eligible"].replace(0, np.nan)
    summary = {
        "k": k,
        "lists": len(before),
        "mean_score_before": float(np.mean(before)) if before else 0.0,
        "mean_score_after": float(np.mean(after)) if after else 0.0,
    }
    summary["cost"] = summary["mean_score_before"] - summary["mean_score_after"]
    return out.rename(columns={"group": group}), summary


def allocation_exposure(allocation, matcher, group: str = "fewer_opportunities") -> pd.DataFrame:
    """Placement rate and mean score per group in an allocation."""
    from .evaluate import placement_metrics

    return placement_metrics(allocation, matcher, by=group)
