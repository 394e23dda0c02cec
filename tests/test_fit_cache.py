"""The fit's text side kept on disk (``matcher.engine._persist``) and typed profiles scored
against the fitted hosts (``Matcher.with_participants``): never stale, never another
dataset's, erased with a participant, and scoring as a fresh fit does."""

import dataclasses
from dataclasses import replace

import numpy as np
import pytest

from matcher import Config, Matcher
from matcher.encode import DERIVED_DIR, CachedEncoder, HashingEncoder
from matcher.store import Workspace

# the whole tables matter here (language centroids, placements), a cheap encoder does
N_P, N_H = 60, 40


class CountingEncoder(HashingEncoder):
    """A hashing encoder that records every text it is asked to encode."""

    def __init__(self, dim: int = 64):
        super().__init__(dim)
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return super().encode(texts)


@pytest.fixture
def placed(monkeypatch):
    """How many times a fit placed participants in ESCO (computed its text side)."""
    from matcher.engine import _fit

    calls = []
    real = _fit.link_occupations
    monkeypatch.setattr(_fit, "link_occupations", lambda *a: calls.append(1) or real(*a))
    return calls


@pytest.fixture
def frames(sample_frames):
    p, h = sample_frames
    return p.head(N_P).copy(), h.head(N_H).copy()


def _fit(p, h, cache, config=None, dim=64):
    model = CountingEncoder(dim)
    m = Matcher(config=config, encoder=CachedEncoder(model, cache)).fit(p, h)
    return m, model


def _fresh(p, h, config=None, dim=64):
    """The same fit with nothing kept (no cache directory at all)."""
    config = dataclasses.replace(config or Config.from_env(), fit_cache=False)
    return Matcher(config=config, encoder=CachedEncoder(HashingEncoder(dim))).fit(p, h)


def _same(a: Matcher, b: Matcher) -> None:
    sa, ma = a.score_matrix()
    sb, mb = b.score_matrix()
    np.testing.assert_array_equal(sa, sb)
    np.testing.assert_array_equal(ma, mb)
    assert a.occupation_links_ == b.occupation_links_ and a.nace_links_ == b.nace_links_
    assert (
        a.recommend_hosts(a.participant_ids_[0])["reasons"].tolist()
        == b.recommend_hosts(b.participant_ids_[0])["reasons"].tolist()
    )


def _kept(cache) -> list:
    return sorted((cache / DERIVED_DIR).glob("*.npz"))


def test_a_second_fit_reads_the_text_side_back_and_scores_the_same(frames, tmp_path, placed):
    p, h = frames
    first, model = _fit(p, h, tmp_path)
    assert model.seen and len(_kept(tmp_path)) == 1 and len(placed) == 1
    second, model = _fit(p, h, tmp_path)
    assert len(placed) == 1 and model.seen == []  # read back: nothing placed nor encoded
    _same(second, first)
    _same(second, _fresh(p, h))


def test_changed_data_is_fitted_again_never_read_stale(frames, tmp_path, placed):
    p, h = frames
    _fit(p, h, tmp_path)
    h.loc[3, "description"] = "Industrial bakery: bread and pastry production lines."
    p.loc[5, "occupation"] = "baker"
    changed, model = _fit(p, h, tmp_path)
    assert len(placed) == 2 and len(_kept(tmp_path)) == 2
    _same(changed, _fresh(p, h))


@pytest.mark.parametrize(
    "change", [{"esco_expansion": 0.2}, {"anchor_z_low": 2.0}, {"language_centring": False}]
)
def test_another_configuration_is_fitted_again(frames, tmp_path, change, placed):
    p, h = frames
    _fit(p, h, tmp_path)
    config = Config.from_env(**change)
    other, _ = _fit(p, h, tmp_path, config=config)
    assert len(placed) == 2 and len(_kept(tmp_path)) == 2
    _same(other, _fresh(p, h, config=config))


def test_another_model_is_fitted_again(frames, tmp_path, placed):
    p, h = frames
    _fit(p, h, tmp_path, dim=64)
    other, _ = _fit(p, h, tmp_path, dim=32)
    assert len(placed) == 2 and len(_kept(tmp_path)) == 2
    _same(other, _fresh(p, h, dim=32))


def test_a_code_or_taxonomy_change_is_fitted_again(frames, tmp_path, monkeypatch, placed):
    from matcher.engine import _persist

    p, h = frames
    _fit(p, h, tmp_path)
    monkeypatch.setattr(_persist, "code_fingerprint", lambda: "another release")
    _fit(p, h, tmp_path)
    assert len(placed) == 2 and len(_kept(tmp_path)) == 2


def test_the_setting_turns_it_off(frames, tmp_path):
    p, h = frames
    _fit(p, h, tmp_path, config=Config.from_env(fit_cache=False))
    assert _kept(tmp_path) == []


def test_no_organisation_reads_anothers_fit_and_files_hold_no_personal_text(
    frames, tmp_path, placed
):
    p, h = frames
    orgs = p["sending_org"].unique()[:2]
    mine, theirs = (p[p["sending_org"] == o].reset_index(drop=True) for o in orgs)
    _fit(theirs, h, tmp_path)
    m, _ = _fit(mine, h, tmp_path)  # the same hosts, other participants: a new fit
    assert len(placed) == 2
    assert set(m.participant_ids_) == set(mine["participant_id"])
    _same(m, _fresh(mine, h))
    words = {*p["participant_id"], *p["description"], *p["sending_org"], *h["host_id"]}
    for path in _kept(tmp_path):
        with np.load(path, allow_pickle=False) as data:
            strings = {
                str(x) for name in data.files if data[name].dtype.kind == "U" for x in data[name]
            }
        assert not strings & {w for w in words if w}


def test_a_damaged_file_is_ignored(frames, tmp_path, placed):
    p, h = frames
    first, _ = _fit(p, h, tmp_path)
    (path,) = _kept(tmp_path)
    path.write_bytes(b"not an archive")
    again, _ = _fit(p, h, tmp_path)
    assert len(placed) == 2
    _same(again, first)


def test_forgetting_a_participant_deletes_the_fits_that_hold_their_texts(frames, tmp_path, placed):
    p, h = frames
    ws = Workspace(f"sqlite:///{tmp_path / 'ws.db'}")
    admin = ws.admin_context()
    ws.import_tables(p, h, user=admin)
    cache = tmp_path / "cache"
    pid = p["participant_id"].iloc[7]
    _fit(p, h, cache)
    without = p[p["participant_id"] != pid].reset_index(drop=True)
    _fit(without, h, cache)
    assert len(_kept(cache)) == 2
    ws.forget(pid, admin, cache_dir=cache)
    assert len(_kept(cache)) == 1
    _fit(without, h, cache)
    assert len(placed) == 2 and len(_kept(cache)) == 1  # the fit without them was kept


def test_a_typed_profile_scores_as_one_more_participant_of_the_fit(frames, tmp_path):
    p, h = frames
    one = p.iloc[[11]]
    others = p.drop(index=11).reset_index(drop=True)
    m, model = _fit(others, h, tmp_path)
    before = m.score_matrix()[0].copy()
    typed = m.with_participants(one)
    pid = one["participant_id"].iloc[0]
    assert list(typed.participant_ids_) == [pid] and typed.hosts_ is m.hosts_
    # the profile's vector is centred as in a fit that includes it; the hosts' vectors stay
    # as fitted without it (their language centroids would move by that one text)
    whole = _fresh(p, h)
    np.testing.assert_allclose(
        typed.participant_vectors_[0], whole.participant_vectors_[11], atol=1e-5
    )
    np.testing.assert_array_equal(typed.host_vectors_, m.host_vectors_)
    mine, theirs = typed.occupation_links_[0], whole.occupation_links_[11]
    assert replace(mine, confidence=0.0) == replace(theirs, confidence=0.0)
    assert mine.confidence == pytest.approx(theirs.confidence, abs=1e-6)  # BLAS blocks differ
    typed_c, whole_c = typed.components_matrix()[0], whole.components_matrix([pid])[0]
    for name in set(typed_c) - {"sector"}:
        np.testing.assert_array_equal(typed_c[name], whole_c[name])
    np.testing.assert_array_equal(m.score_matrix()[0], before)  # the base is left as it was


def test_a_new_profile_encodes_only_its_own_texts(frames, tmp_path):
    p, h = frames
    m, model = _fit(p, h, tmp_path)
    model.seen.clear()
    one = p.iloc[[0]].copy()
    one["participant_id"] = "NEW"
    one["occupation"] = "Konditor"
    one["description"] = "Ausbildung zum Konditor, Torten und Feingebäck."
    m.with_participants(one)
    # only the profile's own texts reach the model: the hosts are not encoded again
    assert sorted(model.seen) == sorted({one["occupation"].iloc[0], _text(one)})


def _text(one) -> str:
    from matcher.engine._fit import participant_texts

    return participant_texts(one)[0]
