"""Learning from outcomes: does the learned model beat the hand weights on held-out data?

A synthetic history (``matcher.learning.synthetic_history``: hosts with a hidden preference,
language first) on the sample data; participants split 70/30; the model is fitted on the
training participants' outcomes and compared, on the held-out participants, with the
hand-weighted score: AUC of good vs bad outcomes, and NDCG@10 of the engine's host ranking
against the outcomes (good = relevant). Also the 5-fold grouped cross-validation.
Run: ``python bench/learning.py``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _common import machine, write_result  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from matcher import Config, Matcher, evaluate, learning, load_hosts, load_participants  # noqa: E402
from matcher.encode import make_encoder  # noqa: E402
from matcher.taxonomy import sample_dir  # noqa: E402


def main() -> None:
    warnings.simplefilter("ignore")
    enc = make_encoder()
    participants = load_participants(sample_dir() / "participants.csv")
    hosts = load_hosts(sample_dir() / "hosts.csv")
    m = Matcher(encoder=enc).fit(participants, hosts)
    history = learning.synthetic_history(m, 2000, seed=3)
    X, y, groups = learning.training_set(m, history)
    cv = learning.compare_with_hand_weights(X, y, groups, m.weights_)

    rng = np.random.default_rng(0)
    pids = np.array(sorted(set(groups)))
    test_p = set(rng.choice(pids, size=int(0.3 * len(pids)), replace=False))
    test = np.array([g in test_p for g in groups])
    scorer = learning.fit_scorer(X[~test], y[~test])
    hand = sum(X[c].to_numpy() * w for c, w in m.weights_.items() if c in X)
    p_learned = scorer.score({c: X[test][c].to_numpy() for c in X.columns})
    auc_l, auc_h = roc_auc_score(y[test], p_learned), roc_auc_score(y[test], hand[test])

    held = history[history["participant_id"].isin(test_p)]
    rel = evaluate.relevance_from_history(held)
    learned_m = Matcher(Config.from_env(scorer="learned"), encoder=enc, scorer=scorer).fit(
        participants, hosts
    )
    nd_h = evaluate.evaluate_rankings(m, rel, k=10)["ndcg@10"].iloc[0]
    nd_l = evaluate.evaluate_rankings(learned_m, rel, k=10)["ndcg@10"].iloc[0]

    hidden = learning.HIDDEN_PREFERENCE["weights"]
    lines = [
        f"Learning from outcomes, synthetic history of 2,000 proposals on the sample ({cv['pairs']} labelled pairs, {cv['positive_share']:.0%} good); {machine()}",
        "",
        "| measure | hand weights | learned | learned - hand |",
        "|---|---|---|---|",
        f"| AUC, 5-fold CV grouped by participant | {cv['auc_hand_weights']:.3f} | {cv['auc_learned']:.3f} | {cv['auc_learned'] - cv['auc_hand_weights']:+.3f} |",
        f"| AUC, held-out 30% of participants | {auc_h:.3f} | {auc_l:.3f} | {auc_l - auc_h:+.3f} |",
        f"| NDCG@10 of host rankings vs held-out outcomes | {nd_h:.3f} | {nd_l:.3f} | {nd_l - nd_h:+.3f} |",
        "",
        "Hidden preference "
        + ", ".join(f"{k} {v:.2f}" for k, v in hidden.items())
        + "; learned weights "
        + ", ".join(f"{k} {v:.2f}" for k, v in scorer.weights().items() if v >= 0.01)
        + ".",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    print(f"written to {write_result('learning.md', text)}")


if __name__ == "__main__":
    main()
