"""Analyst toolkit: metrics against scikit-learn and by hand, learning, fairness."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import ndcg_score

from matcher import Config, Matcher, evaluate, fairness, learning
from matcher.fairness import rerank_min_share

# --- metrics ---------------------------------------------------------------------------------


def test_hand_computed_examples():
    scores = [0.9, 0.8, 0.7, 0.6, 0.5]
    rel = [0, 2, 0, 1, 0]
    assert evaluate.precision_at_k(scores, rel, 2) == 0.5
    assert evaluate.precision_at_k(scores, rel, 5) == 0.4
    assert evaluate.recall_at_k(scores, rel, 2) == 0.5
    assert evaluate.recall_at_k(scores, rel, 4) == 1.0
    assert evaluate.hit_at_k(scores, rel, 1) == 0.0 and evaluate.hit_at_k(scores, rel, 2) == 1.0
    assert evaluate.reciprocal_rank(scores, rel) == 0.5
    dcg = 2 / np.log2(3) + 1 / np.log2(5)
    idcg = 2 / np.log2(2) + 1 / np.log2(3)
    assert evaluate.ndcg_at_k(scores, rel, 5) == pytest.approx(dcg / idcg)
    assert evaluate.ndcg_at_k(scores, [0, 0, 0, 0, 0], 5) == 0.0
    assert evaluate.catalogue_coverage(["H1", "H2", "H2"], ["H1", "H2", "H3", "H4"]) == 0.5


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 30), st.integers(1, 10), st.integers(0, 2**31 - 1))
def test_ndcg_matches_scikit_learn(n, k, seed):
    rng = np.random.default_rng(seed)
    scores = rng.permutation(n).astype(float)  # no ties
    rel = rng.integers(0, 3, n).astype(float)
    if rel.sum() == 0:
        rel[0] = 1
    assert evaluate.ndcg_at_k(scores, rel, k) == pytest.approx(ndcg_score([rel], [scores], k=k))


def test_relevance_from_history():
    import pandas as pd

    h = pd.DataFrame(
        [
            ("P1", "H1", "propose", None),
            ("P1", "H1", "accept", None),
            ("P1", "H1", "complete", 5),
            ("P2", "H1", "decline", None),
            ("P3", "H2", "complete", 2),
        ],
        columns=["participant_id", "host_id", "action", "rating"],
    )
    rel = (
        evaluate.relevance_from_history(h)
        .set_index(["participant_id", "host_id"])["relevance"]
        .to_dict()
    )
    assert rel == {("P1", "H1"): 2, ("P2", "H1"): 0, ("P3", "H2"): 1}


# --- learning --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def history(sample_matcher):
    return learning.synthetic_history(sample_matcher, 1200, seed=5)


@pytest.mark.model
def test_learning_recovers_the_hidden_preference(sample_matcher, history):
    X, y, groups = learning.training_set(sample_matcher, history)
    assert len(y) > 800 and 0.3 < y.mean() < 0.9
    cv = learning.compare_with_hand_weights(X, y, groups, sample_matcher.weights_)
    assert cv["auc_learned"] > cv["auc_hand_weights"] + 0.1
    w = learning.fit_scorer(X, y).weights()
    assert max(w, key=w.get) == "language"
    assert w["language"] == pytest.approx(0.55, abs=0.1)


@pytest.mark.model
def test_learned_scorer_in_the_engine(sample_matcher, history, encoder, tmp_path):
    from matcher.store import Workspace

    X, y, _ = learning.training_set(sample_matcher, history)
    scorer = learning.fit_scorer(X, y)
    ws = Workspace(f"sqlite:///{tmp_path / 'w.db'}")
    ws.save_scorer(scorer, user=ws.admin_context())
    loaded = ws.load_scorer()
    assert loaded.coef == scorer.coef
    p, h = sample_matcher.participants_, sample_matcher.hosts_
    with pytest.raises(ValueError, match="matcher learn"):
        Matcher(Config.from_env(scorer="learned"), encoder=encoder).fit(p, h)
    m = Matcher(Config.from_env(scorer="learned"), encoder=encoder, scorer=loaded).fit(p, h)
    r = m.recommend_hosts("P0001", k=5)
    assert (
        set(r["components"].iloc[0]) >= {"sector", "language"} and r["reasons"].iloc[0]["language"]
    )
    hid = r["host_id"].iloc[0]
    back = m.recommend_participants(
        hid, k=500, consenting_only=False, pseudonymise=False
    ).set_index("participant_id")
    assert back.at["P0001", "score"] == pytest.approx(r["score"].iloc[0])
    e = m.explain("P0001", hid)
    expected = 1 / (
        1 + np.exp(-(loaded.intercept + sum(loaded.coef[c] * e.components[c] for c in loaded.coef)))
    )
    assert e.score == pytest.approx(expected, abs=1e-5)


@pytest.mark.model
def test_evaluate_rankings_by_group(sample_matcher, history):
    rel = evaluate.relevance_from_history(history)
    overall = evaluate.evaluate_rankings(sample_matcher, rel, k=10)
    by_role = evaluate.evaluate_rankings(sample_matcher, rel, k=10, by="role")
    assert set(by_role["role"]) == {"learner", "staff"}
    assert by_role["participants"].sum() == overall["participants"].iloc[0]
    assert 0 < overall["ndcg@10"].iloc[0] <= 1


# --- fairness --------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.integers(3, 30), st.integers(1, 10), st.floats(0.0, 1.0), st.integers(0, 2**31 - 1))
def test_rerank_guarantees_the_minimum_share(n, k, share, seed):
    rng = np.random.default_rng(seed)
    scores = rng.random(n)
    protected = rng.random(n) < 0.3
    order = np.lexsort((np.arange(n), -scores))
    top = rerank_min_share(order, scores, protected, k, share)
    assert len(top) == min(k, n) and len(set(top)) == len(top)
    need = int(np.ceil(share * min(k, n)))
    assert protected[top].sum() >= min(need, protected.sum())
    assert list(top) == sorted(top, key=lambda i: (-scores[i], i))
    plain = order[:k]
    assert scores[top].mean() <= scores[plain].mean() + 1e-12


@pytest.mark.model
def test_exposure_report_and_its_cost(sample_matcher):
    base, s0 = fairness.exposure(sample_matcher)
    assert base["share_of_exposure"].sum() == pytest.approx(1.0)
    fair, s1 = fairness.exposure(sample_matcher, min_share=0.3)
    ratio = lambda df: df.set_index("fewer_opportunities").at[True, "exposure_ratio"]  # noqa: E731
    assert ratio(fair) > ratio(base)
    assert s1["cost"] >= 0 and s0["cost"] == 0
