"""National scale: rankings for everyone in blocks, and the same steps on Dask.

Every test compares the batch or distributed path with the plain one-id-at-a-time path on
generated samples (the HashingEncoder: only the engine is under test here).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher, insights
from matcher.cli import main
from matcher.encode import CachedEncoder, HashingEncoder
from matcher.engine import top_k, top_k_rows
from matcher.io import validate_table, write_table
from matcher.sample import generate_sample


@pytest.fixture(scope="module")
def frames():
    participants, hosts = generate_sample(150, 60, seed=11)
    participants.loc[::9, "isced_f"] = ""  # some fields guessed from ESCO
    return validate_table(participants, "participants"), validate_table(hosts, "hosts")


@pytest.fixture(scope="module")
def matcher(frames):
    return Matcher(encoder=CachedEncoder(HashingEncoder(64))).fit(*frames)


def _one_by_one(m, ids, k, column, fn, **options):
    frames = [fn(x, k=k, **options).assign(**{column: x}) for x in ids]
    return pd.concat(frames, ignore_index=True)


def _same(batch: pd.DataFrame, single: pd.DataFrame) -> None:
    assert len(batch) > 0
    pd.testing.assert_frame_equal(batch, single[batch.columns], check_dtype=False)


# --- top k -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 12),
    st.integers(0, 14),
    st.integers(0, 2**32 - 1),
)
def test_top_k_rows_is_the_sorted_prefix_ties_by_index(n, m, k, seed):
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 4, (n, m)).astype(np.float32) / 4  # many ties
    mask = rng.random((n, m)) < 0.7
    top = top_k_rows(score, mask, k)
    assert top.shape == (n, min(k, m))
    for r in range(n):
        idx = np.flatnonzero(mask[r])
        expected = idx[np.lexsort((idx, -score[r, idx]))][:k]
        got = top[r][top[r] >= 0]
        assert got.tolist() == expected.tolist()
        assert got.tolist() == top_k(score[r], mask[r], k).tolist()
        assert (top[r][len(got) :] == -1).all()


# --- blocked rankings equal one id at a time ------------------------------------------------


@pytest.fixture(scope="module")
def single(matcher):
    """Every participant's top 6, one participant at a time."""
    ids = matcher.participant_ids_
    return _one_by_one(matcher, ids, 6, "participant_id", matcher.recommend_hosts)


@pytest.mark.parametrize("options", [{}, {"min_score": 0.5}, {"country": ["AT", "DE", "IT"]}])
def test_one_participant_against_many_hosts_is_ranked_as_exactly(frames, monkeypatch, options):
    """Past PRESELECT_HOSTS hosts a ranking is estimated with float32 text similarity and the
    hosts that could reach the top are scored again exactly: the same rows as the exact
    path, even when the estimate is off by as much as its error bound says it may be (the
    hosts' float32 vectors moved by up to 0.009, the bound set to 0.01)."""
    import matcher.engine._matcher as engine
    import matcher.engine._sector as sector

    m = Matcher(encoder=CachedEncoder(HashingEncoder(64))).fit(*frames)
    ids = m.participant_ids_
    exact = _one_by_one(m, ids, 8, "participant_id", m.recommend_hosts, **options)
    H = m._S.H
    assert H.emb64 is not None  # the exact vectors, kept before the float32 ones are moved
    rng = np.random.default_rng(3)
    noise = rng.normal(size=H.emb.shape)
    noise *= 0.009 / np.linalg.norm(noise, axis=1, keepdims=True)
    monkeypatch.setattr(H, "emb", (H.emb + noise).astype(np.float32))
    monkeypatch.setattr(sector, "_COS_ERROR_32", 0.01)
    monkeypatch.setattr(engine, "PRESELECT_HOSTS", 0)
    with sector.approximate_text():  # the estimate does differ from the exact ranking
        approx = m._block(np.array([0]))[0]
    assert not np.allclose(approx, m._block(np.array([0]))[0], atol=1e-4)
    _same(_one_by_one(m, ids, 8, "participant_id", m.recommend_hosts, **options), exact)


@pytest.mark.parametrize("block_pairs", [1, 500, 10**7])
def test_blocked_host_rankings_equal_per_participant(matcher, single, block_pairs):
    batch = pd.concat(list(matcher.recommend_hosts_batch(k=6, block_pairs=block_pairs)))
    _same(batch.reset_index(drop=True), single)
    assert list(batch["participant_id"].unique()) == [
        p for p in matcher.participant_ids_ if p in set(single["participant_id"])
    ]


def test_blocked_host_rankings_with_filters_equal_per_participant(matcher):
    options = {"country": ["DE", "AT", "IT", "FR", "ES"], "min_score": 0.4, "explain": False}
    ids = list(matcher.participant_ids_[::3])
    batch = pd.concat(list(matcher.recommend_hosts_batch(ids, k=4, block_pairs=300, **options)))
    single = _one_by_one(matcher, ids, 4, "participant_id", matcher.recommend_hosts, **options)
    _same(batch.reset_index(drop=True), single)
    assert batch["country"].isin(options["country"]).all() and (batch["score"] >= 0.4).all()


@pytest.mark.parametrize("reveal", [False, True])
def test_blocked_candidate_rankings_equal_per_host(matcher, reveal):
    options = {"pseudonymise": not reveal, "consenting_only": not reveal}
    batch = pd.concat(list(matcher.recommend_participants_batch(k=5, block_pairs=700, **options)))
    single = _one_by_one(
        matcher, matcher.host_ids_, 5, "host_id", matcher.recommend_participants, **options
    )
    _same(batch.reset_index(drop=True), single)


def test_blocked_best_matches_equal_the_whole_matrix(matcher, monkeypatch):
    placed = insights.placed_rows(matcher)  # accompanying persons take no place
    scores, mask = matcher.score_matrix(matcher.participant_ids_[placed])
    monkeypatch.setattr(matcher, "config_", matcher.config_.__class__(block_pairs=200))
    bm = insights.best_matches(matcher)
    assert bm["participant_id"].tolist() == matcher.participant_ids_[placed].tolist()
    has = mask.any(axis=1)
    best = np.where(mask, scores, -np.inf).argmax(axis=1)
    assert (bm["feasible_hosts"].to_numpy() == mask.sum(axis=1)).all()
    assert (bm["best_host"].to_numpy()[has] == matcher.host_ids_[best[has]]).all()
    assert np.allclose(bm["best_score"].to_numpy()[has], scores[has, best[has]])


# --- command line --------------------------------------------------------------------------


@pytest.fixture()
def data_files(tmp_path, frames):
    write_table(frames[0], tmp_path / "p.csv")
    write_table(frames[1], tmp_path / "h.csv")
    return ["--participants", str(tmp_path / "p.csv"), "--hosts", str(tmp_path / "h.csv")]


@pytest.fixture()
def hashing(monkeypatch, tmp_path):
    enc = HashingEncoder(64)
    monkeypatch.setattr("matcher.encode.make_encoder", lambda config=None: enc)
    monkeypatch.setattr("matcher.encode.model_encoder", lambda config=None: enc)
    monkeypatch.setenv("MATCHER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MATCHER_BLOCK_PAIRS", "1000")


def _csv(capsys) -> list[dict]:
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_cli_recommend_for_everyone_streams_the_per_participant_rows(data_files, hashing, capsys):
    assert main(["recommend", *data_files, "--top", "3", "--format", "csv"]) == 0
    everyone = _csv(capsys)
    ids = sorted({r["participant_id"] for r in everyone})[:4]
    picked = [a for i in ids for a in ("--participant", i)]
    assert main(["recommend", *data_files, *picked, "--top", "3", "--format", "csv"]) == 0
    assert [r for r in everyone if r["participant_id"] in ids] == _csv(capsys)
    assert len({r["participant_id"] for r in everyone}) > 100


def test_cli_json_stream_is_one_array(data_files, hashing, capsys):
    import json

    assert main(["candidates", *data_files, "--top", "2", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records and {"host_id", "candidate", "score", "reasons"} <= set(records[0])
    assert all(len(r["candidate"]) == 14 for r in records)  # pseudonyms, never ids


# --- Dask ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[1, 2], ids=["1 worker", "2 workers"])
def client(request):
    from matcher.cluster import local_cluster

    c = local_cluster(n_workers=request.param)
    yield c
    c.close()
    c.cluster.close()


def test_dask_rankings_equal_the_local_ones(matcher, client, monkeypatch):
    from matcher import cluster, privacy

    # a key set in the client process (as the dashboard sets its workspace's) names the
    # candidates on the workers too
    monkeypatch.setattr(privacy, "_active_key", b"client-process key")
    local = pd.concat(list(matcher.recommend_hosts_batch(k=5)), ignore_index=True)
    remote = pd.concat(list(cluster.recommend_hosts(matcher, client, k=5, partition_size=37)))
    pd.testing.assert_frame_equal(local, remote.reset_index(drop=True))
    local = pd.concat(list(matcher.recommend_participants_batch(k=4)), ignore_index=True)
    remote = cluster.recommend_participants(matcher, client, k=4, partition_size=20)
    pd.testing.assert_frame_equal(local, pd.concat(list(remote), ignore_index=True))


def test_dask_aggregates_equal_the_local_ones(matcher, client):
    from matcher import cluster

    pd.testing.assert_frame_equal(
        insights.best_matches(matcher), cluster.best_matches(matcher, client, 50)
    )
    assert insights.coverage(matcher) == cluster.coverage(matcher, client, partition_size=50)
    pd.testing.assert_frame_equal(
        insights.supply_demand(matcher), cluster.supply_demand(matcher, client, 50)
    )


def test_dask_encoding_equals_the_local_model(frames, client):
    from matcher.cluster import ClusterEncoder

    texts = list(frames[0]["occupation"] + ". " + frames[0]["description"])
    remote = ClusterEncoder(HashingEncoder(64), client, texts_per_task=40)
    assert np.array_equal(remote.encode(texts), HashingEncoder(64).encode(texts))
    assert remote.identity == HashingEncoder(64).identity  # the cache serves both


def test_cli_scheduler_gives_the_local_output(data_files, hashing, client, capsys):
    address = client.scheduler.address
    assert main(["recommend", *data_files, "--top", "2", "--format", "csv"]) == 0
    local = capsys.readouterr().out
    assert (
        main(["recommend", *data_files, "--top", "2", "--format", "csv", "--scheduler", address])
        == 0
    )
    assert capsys.readouterr().out == local


def test_an_unreachable_scheduler_is_one_line(data_files, hashing, capsys):
    args = ["recommend", *data_files, "--scheduler", "tcp://127.0.0.1:9", "--format", "csv"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "tcp://127.0.0.1:9" in err and "Traceback" not in err


# --- ONNX backend ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minilm_backends(tmp_path_factory):
    pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    from matcher import Config
    from matcher.encode import model_encoder

    export = tmp_path_factory.mktemp("onnx")
    torch_enc = model_encoder(
        Config.from_env(model="bundled:all-MiniLM-L6-v2", show_progress=False)
    )
    onnx_enc = model_encoder(
        Config.from_env(model="bundled:all-MiniLM-L6-v2", encoder_backend="onnx", cache_dir=export)
    )
    return torch_enc, onnx_enc


@pytest.mark.model
def test_onnx_backend_gives_the_torch_vectors_and_rankings(minilm_backends, sample_frames):
    torch_enc, onnx_enc = minilm_backends
    assert onnx_enc.identity == torch_enc.identity  # one cache serves both
    participants, hosts = sample_frames
    profiles = list(dict.fromkeys(participants["occupation"] + ". " + participants["description"]))
    offers = list(dict.fromkeys(hosts["sector"] + ". " + hosts["description"]))  # unique texts
    sims = {}
    for name, enc in (("torch", torch_enc), ("onnx", onnx_enc)):
        p, h = enc.encode(profiles[:80]), enc.encode(offers)
        sims[name] = p @ h.T
    assert np.abs(sims["torch"] - sims["onnx"]).max() < 1e-5
    order = {name: np.argsort(-s, axis=1, kind="stable") for name, s in sims.items()}
    ranked = np.take_along_axis(sims["torch"], order["torch"], axis=1)
    clear = (ranked[:, 9] - ranked[:, 10]) > 1e-5  # no near-tie at the 10th place
    gaps = -np.diff(ranked[:, :10], axis=1) > 1e-5  # no near-tie inside the top 10
    for r in np.flatnonzero(clear & gaps.all(axis=1)):
        assert order["torch"][r, :10].tolist() == order["onnx"][r, :10].tolist()
    assert (clear & gaps.all(axis=1)).mean() > 0.5  # the check covered most profiles


def test_an_unknown_encoder_backend_is_refused():
    from matcher import Config
    from matcher.encode import model_encoder

    with pytest.raises(ValueError, match="MATCHER_ENCODER_BACKEND"):
        model_encoder(Config.from_env(model="bundled:all-MiniLM-L6-v2", encoder_backend="tpu"))
