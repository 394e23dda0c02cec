"""Invariants of the engine over random data (plumbing with a cheap deterministic encoder)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import hosts_tables, participants_tables

from matcher import Matcher
from matcher import taxonomy as tx
from matcher.encode import CachedEncoder, HashingEncoder
from matcher.engine import CRITERIA

ENCODER = CachedEncoder(HashingEncoder(128))
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def feasible_reference(p, h) -> bool:
    """The programme's hard rules, written plainly for one pair."""
    if p["home_country"] == h["country"]:
        return False
    if h["accepts"] != "both" and h["accepts"] != p["role"]:
        return False
    acts = [a for a in h["activities"].split(";") if a]
    if acts and p["activity"] not in acts:
        return False
    # skills competitions take place at events, and events host nothing else
    if (p["activity"] == "skills_competition") != (h["org_type"] == tx.EVENT):
        return False
    lo = max(p["duration_min_days"], h["duration_min_days"])
    hi = min(p["duration_max_days"], h["duration_max_days"])
    if lo > hi:
        return False
    starts = [d for d in (p["available_from"], h["available_from"]) if not pd.isna(d)]
    ends = [d for d in (p["available_to"], h["available_to"]) if not pd.isna(d)]
    if starts and ends and (min(ends) - max(starts)).days + 1 < lo:
        return False
    if h["capacity"] <= 0:
        return False
    return not (p["needs_accessibility"] and not h["accessible"])


@SETTINGS
@given(participants_tables(max_rows=6), hosts_tables(max_rows=10), st.integers(1, 5))
def test_recommendations_respect_every_rule(participants, hosts, k):
    m = Matcher(encoder=ENCODER).fit(participants, hosts)
    _, mask = m.score_matrix()
    for i, p in participants.iterrows():
        for j, h in hosts.iterrows():
            assert mask[i, j] == feasible_reference(p, h), (p.to_dict(), h.to_dict())
    for i, p in participants.iterrows():
        r = m.recommend_hosts(p["participant_id"], k=k)
        assert len(r) <= k
        # hosts of the right trade first, best score first; then the nearest trades
        assert r["sector_match"].is_monotonic_decreasing
        assert r.loc[r["sector_match"], "score"].is_monotonic_decreasing
        pairs = zip(r["components"], r["sector_match"], strict=True)
        others = [c["sector"] for c, ok in pairs if not ok]
        assert others == sorted(others, reverse=True)
        assert len(r) == min(k, int(mask[i].sum()))
        for hid, comps, reasons in zip(r["host_id"], r["components"], r["reasons"], strict=True):
            j = m.host_index([hid])[0]
            assert feasible_reference(p, hosts.iloc[j])
            assert set(comps) == set(CRITERIA) == set(reasons)


@SETTINGS
@given(participants_tables(max_rows=5), hosts_tables(max_rows=6))
def test_score_is_the_same_from_both_sides(participants, hosts):
    m = Matcher(encoder=ENCODER).fit(participants, hosts)
    scores, mask = m.score_matrix()
    for j, hid in enumerate(hosts["host_id"]):
        r = m.recommend_participants(hid, k=100, consenting_only=False, pseudonymise=False)
        for pid, s in zip(r["participant_id"], r["score"], strict=True):
            i = m.participant_index([pid])[0]
            assert mask[i, j]
            # the same number up to float32 rounding (BLAS sums blocks of different shapes
            # in different orders)
            assert abs(s - scores[i, j]) < 1e-6
            mine = m.explain(pid, hid)
            assert abs(mine.score - s) < 1e-6 and mine.feasible
    assert np.all((scores >= 0) & (scores <= 1 + 1e-6))


@SETTINGS
@given(participants_tables(max_rows=5), hosts_tables(max_rows=6))
def test_hosts_never_see_non_consenting_or_special_category(participants, hosts):
    m = Matcher(encoder=ENCODER).fit(participants, hosts)
    consenting = set(participants.loc[participants["consent_share"], "participant_id"])
    allowed = {m.pseudonym(p) for p in consenting}
    for hid in hosts["host_id"]:
        r = m.recommend_participants(hid, k=50)
        assert set(r["candidate"]) <= allowed
        assert not {
            "participant_id",
            "sending_org",
            "fewer_opportunities",
            "needs_accessibility",
        } & set(r.columns)


def test_cache_encodes_each_text_once(tmp_path, sample_frames):
    participants, hosts = (f.head(40).copy() for f in sample_frames)
    first = CachedEncoder(HashingEncoder(64), tmp_path)
    Matcher(encoder=first).fit(participants, hosts)
    assert first.encoded > 0
    second = CachedEncoder(HashingEncoder(64), tmp_path)
    Matcher(encoder=second).fit(participants, hosts)
    assert second.encoded == 0 and second.encoder.calls == 0
    participants.loc[3, "description"] = "A new text nobody wrote before."
    third = CachedEncoder(HashingEncoder(64), tmp_path)
    Matcher(encoder=third).fit(participants, hosts)
    assert third.encoded == 1


def test_activity_vocabulary_matches_taxonomy():
    assert len(tx.ACTIVITIES) == len(tx.activity_limits())


def test_cache_reports_progress_on_long_batches(tmp_path):
    calls = []
    enc = CachedEncoder(
        HashingEncoder(32), tmp_path, progress=lambda done, total: calls.append((done, total))
    )
    enc.encode([f"text {i}" for i in range(300)])
    assert calls == [(128, 300), (256, 300), (300, 300)]
    calls.clear()
    enc.encode([f"text {i}" for i in range(300)])
    assert calls == []  # nothing new to encode
