"""Learning the weights from outcomes.

Each recorded outcome (accepted, declined, completed with a rating) is a labelled pair; its
features are the engine's per-criterion components. A logistic regression over them predicts a
good placement; its coefficients are learned weights, so explanations still show the same
components. ``synthetic_history`` makes a history driven by a documented hidden preference, so
that the learning can be shown recovering it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engine import CRITERIA

__all__ = [
    "LearnedScorer",
    "pair_features",
    "training_set",
    "fit_scorer",
    "compare_with_hand_weights",
    "synthetic_history",
    "HIDDEN_PREFERENCE",
]

#: The hidden preference of the synthetic hosts: they care most about language, then
#: sector and duration; logit = SCALE * (weights . components) + BIAS.
HIDDEN_PREFERENCE = {
    "weights": {"language": 0.55, "sector": 0.25, "duration": 0.20},
    "scale": 10.0,
    "bias": -7.0,
}


@dataclass
class LearnedScorer:
    """``score = sigmoid(intercept + coef . components)``, one coefficient per criterion."""

    coef: dict
    intercept: float
    metrics: dict = field(default_factory=dict)

    def score(self, components: dict) -> np.ndarray:
        """Probability of a good placement from the criteria: same shape as each component."""
        z = np.float32(self.intercept)
        for name, w in self.coef.items():
            z = z + np.float32(w) * components[name]
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)

    def weights(self) -> dict:
        """Coefficients as shares of the positive total, comparable to hand weights."""
        pos = {k: max(v, 0.0) for k, v in self.coef.items()}
        total = sum(pos.values()) or 1.0
        return {k: v / total for k, v in pos.items()}

    def to_json(self) -> str:
        """The model as JSON (coefficients, intercept, metrics)."""
        return json.dumps({"coef": self.coef, "intercept": self.intercept, "metrics": self.metrics})

    @classmethod
    def from_json(cls, text: str) -> LearnedScorer:
        """A model saved by :meth:`to_json`; refuses unknown criteria."""
        d = json.loads(text)
        unknown = set(d["coef"]) - set(CRITERIA)
        if unknown:
            raise ValueError(f"the saved model uses unknown criteria {sorted(unknown)}")
        return cls(d["coef"], float(d["intercept"]), d.get("metrics", {}))


def pair_features(matcher, participant_ids, host_ids) -> pd.DataFrame:
    """Components of each (participant, host) pair: ``(n_pairs, n_criteria)``."""
    comps, _ = matcher.components_pairs(participant_ids, host_ids, check_capacity=False)
    return pd.DataFrame({name: comps[name] for name in CRITERIA})


def training_set(matcher, history: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Features, labels (1 = good placement) and groups (participant) from outcomes.

    Good: accepted, or completed with rating >= 4. Bad: declined, or completed with rating <= 2.
    The cooperation criterion is left out: it is computed from the same outcomes.
    """
    from .evaluate import relevance_from_history

    h = history[
        history["participant_id"].isin(matcher.participant_ids_)
        & history["host_id"].isin(matcher.host_ids_)
    ]
    rel = relevance_from_history(h)
    done = h[h["action"] == "complete"].groupby(["participant_id", "host_id"])["rating"].max()
    rel = rel.merge(
        done.rename("rating").reset_index(), on=["participant_id", "host_id"], how="left"
    )
    poor = pd.to_numeric(rel["rating"], errors="coerce") <= 2
    y = np.where(poor, 0, (rel["relevance"] > 0).astype(int))
    X = pair_features(matcher, rel["participant_id"], rel["host_id"]).drop(columns=["cooperation"])
    return X, y, rel["participant_id"].to_numpy()


def fit_scorer(X: pd.DataFrame, y: np.ndarray, C: float = 1.0) -> LearnedScorer:
    """Logistic regression of outcomes ``y`` (n,) on criteria ``X`` (n, n_criteria)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=2000).fit(X.to_numpy(), y)
    return LearnedScorer(
        {c: float(w) for c, w in zip(X.columns, model.coef_[0], strict=True)},
        float(model.intercept_[0]),
    )


def compare_with_hand_weights(
    X: pd.DataFrame, y: np.ndarray, groups: np.ndarray, weights: dict, folds: int = 5, seed: int = 0
) -> dict:
    """Cross-validated AUC of the learned model against the hand-weighted score, same folds
    (grouped by participant, so no participant is in both training and test)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    hand = sum(X[c].to_numpy() * w for c, w in weights.items() if c in X)
    learned_auc, hand_auc = [], []
    for train, test in cv.split(X, y, groups):
        if len(set(y[test])) < 2:
            continue
        scorer = fit_scorer(X.iloc[train], y[train])
        p = scorer.score({c: X.iloc[test][c].to_numpy() for c in X.columns})
        learned_auc.append(roc_auc_score(y[test], p))
        hand_auc.append(roc_auc_score(y[test], hand[test]))
    return {
        "auc_learned": float(np.mean(learned_auc)),
        "auc_hand_weights": float(np.mean(hand_auc)),
        "folds": len(learned_auc),
        "pairs": int(len(y)),
        "positive_share": float(np.mean(y)),
    }


def synthetic_history(
    matcher, n_proposals: int = 1500, seed: int = 0, hidden: dict | None = None
) -> pd.DataFrame:
    """Decisions that a population of hosts with a hidden preference would produce.

    Coordinators propose one of each participant's 15 best feasible hosts (by the engine's
    hand-weighted score); the host accepts with probability
    ``sigmoid(scale * (hidden weights . components) + bias)`` (:data:`HIDDEN_PREFERENCE`:
    language matters most); accepted placements are completed with a rating that grows with
    the same utility. Returns ``participant_id, host_id, sending_org, action, rating, at``.
    """
    hidden = hidden or HIDDEN_PREFERENCE
    rng = np.random.default_rng(seed)
    p = matcher.participants_
    scores, mask = matcher.score_matrix()
    rows = []
    t0 = pd.Timestamp("2025-09-01", tz="UTC")
    # accompanying persons go with their learners: nobody proposes them a place
    alone = (p["role"] != "accompanying").to_numpy()
    candidates = [i for i in range(len(p)) if mask[i].any() and alone[i]]
    for n in range(n_proposals):
        i = candidates[rng.integers(len(candidates))]
        feasible = np.flatnonzero(mask[i])
        top = feasible[np.argsort(-scores[i, feasible])][:15]
        j = int(top[rng.integers(len(top))])
        pid, hid, org = p.at[i, "participant_id"], matcher.host_ids_[j], p.at[i, "sending_org"]
        comps, _ = matcher.components_pairs([pid], [hid])
        u = sum(w * float(comps[c][0]) for c, w in hidden["weights"].items())
        prob = 1.0 / (1.0 + np.exp(-(hidden["scale"] * u + hidden["bias"])))
        at = t0 + pd.Timedelta(hours=n)
        rows.append((pid, hid, org, "propose", None, at))
        if rng.random() < prob:
            rows.append((pid, hid, org, "accept", None, at + pd.Timedelta(days=3)))
            rating = int(np.clip(np.round(1 + 4 * prob + rng.normal(0, 0.5)), 1, 5))
            rows.append((pid, hid, org, "complete", rating, at + pd.Timedelta(days=60)))
        else:
            rows.append((pid, hid, org, "decline", None, at + pd.Timedelta(days=3)))
    return pd.DataFrame(
        rows, columns=["participant_id", "host_id", "sending_org", "action", "rating", "at"]
    )
