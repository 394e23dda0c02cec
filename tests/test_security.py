"""Attacks from the security review, each reproduced against the package: they must fail."""

import csv
import hashlib
import io
import itertools
import re
import sqlite3

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher, privacy
from matcher.cli import main
from matcher.encode import CachedEncoder, HashingEncoder
from matcher.privacy import MIN_GROUP, pseudonym, set_pseudonym_key, suppression_mask
from matcher.store import AccessDenied, User, Workspace, pseudonym_key

# --- pseudonyms, erasure, aggregates ---

ANALYST = User("ana", "analyst")
#: Every id of the sample's scheme: what an attacker enumerates.
ALL_SAMPLE_IDS = [f"P{i:04d}" for i in range(10_000)]


def _old_pseudonym(participant_id: str, salt: str = "matcher") -> str:
    """The pseudonym of matcher <= schema 4: BLAKE2b under a public default salt."""
    digest = hashlib.blake2b(f"{salt}:{participant_id}".encode(), digest_size=4)
    return "C-" + digest.hexdigest().upper()


def _guessable_pseudonyms(participant_id: str) -> set[str]:
    """What an attacker who knows the code but no secret can compute for an id."""
    return {
        _old_pseudonym(participant_id),
        pseudonym(participant_id, key=b"matcher"),
        pseudonym(participant_id, key=b""),
    }


@pytest.fixture(autouse=True)
def _no_process_key(monkeypatch):
    """Each test resolves the pseudonym key itself, from no salt."""
    monkeypatch.delenv(privacy.SALT_ENV, raising=False)
    set_pseudonym_key(None)
    yield
    set_pseudonym_key(None)


@pytest.fixture
def ws(tmp_path, sample_frames):
    w = Workspace(f"sqlite:///{tmp_path / 'ws.db'}")
    w.import_tables(*sample_frames)
    yield w
    w.engine.dispose()


def test_pseudonyms_are_not_reversed_by_enumerating_ids(ws):
    shown = set(ws.candidates(User("h", "host", host_id="H0001"))["candidate"])
    table = {guess: pid for pid in ALL_SAMPLE_IDS for guess in _guessable_pseudonyms(pid)}
    assert shown and not shown & set(table)


def test_pseudonyms_are_long_stable_per_workspace_and_differ_across_workspaces(ws, tmp_path):
    first = ws.pseudonym("P0001")
    assert first.startswith("C-") and len(first) == 2 + privacy.PSEUDONYM_DIGITS == 14
    assert Workspace(ws.url).pseudonym("P0001") == first
    other = Workspace(f"sqlite:///{tmp_path / 'other.db'}")
    assert other.pseudonym("P0001") != first
    assert len(ws.pseudonym_key()) == 32 and ws.pseudonym_key() != other.pseudonym_key()


def test_the_salt_variable_overrides_the_secret(ws, monkeypatch):
    monkeypatch.setenv(privacy.SALT_ENV, "a long operator secret")
    assert ws.pseudonym("P0001") == pseudonym("P0001", key=b"a long operator secret")


def test_no_key_means_the_default_workspace_secret_never_a_public_one(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'default.db'}"
    monkeypatch.setenv("MATCHER_DATABASE_URL", url)
    made = pseudonym("P0001")
    assert made == Workspace(url).pseudonym("P0001") == pseudonym("P0001", pseudonym_key(url))
    assert made not in _guessable_pseudonyms("P0001")


def test_matcher_and_workspace_pseudonyms_agree(ws, sample_frames):
    set_pseudonym_key(ws.pseudonym_key())
    m = Matcher(encoder=HashingEncoder()).fit(*sample_frames)
    assert m.pseudonym("P0001") == ws.pseudonym("P0001")
    listed = m.recommend_participants("H0001", k=20, explain=False)["candidate"]
    assert set(listed) <= set(ws.candidates(User("h", "host", host_id="H0001"))["candidate"])


def test_cli_candidates_use_the_workspace_key(ws, capsys, monkeypatch):
    monkeypatch.setattr("matcher.encode.make_encoder", lambda config=None: HashingEncoder())
    args = ["candidates", "--host", "H0001", "--top", "3", "--format", "csv", "--db", ws.url]
    assert main(args) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    shown = {r["candidate"] for r in rows}
    assert shown and shown <= set(ws.candidates(User("h", "host", host_id="H0001"))["candidate"])


def test_an_import_that_would_make_pseudonyms_collide_is_refused(
    tmp_path, sample_frames, monkeypatch
):
    monkeypatch.setattr(privacy, "PSEUDONYM_DIGITS", 1)  # 16 pseudonyms for 400 participants
    w = Workspace(f"sqlite:///{tmp_path / 'ws.db'}")
    with pytest.raises(ValueError, match="share a pseudonym"):
        w.import_tables(sample_frames[0])
    assert w.participants().empty


def test_upgrade_from_version_4_rekeys_the_audit_log(tmp_path, sample_frames):
    from matcher.store import _tables as T

    url = f"sqlite:///{tmp_path / 'v4.db'}"
    w = Workspace(url)
    w.import_tables(*sample_frames)
    sha1 = {p: "sha1:" + hashlib.sha1(p.encode()).hexdigest()[:12] for p in ("P0001", "GONE")}
    with w.engine.begin() as conn:
        conn.execute(T.secrets.delete())
        conn.execute(sa.text("UPDATE meta SET value='4' WHERE key='schema_version'"))
        for pid, ref in sha1.items():
            conn.execute(
                T.audit.insert().values(
                    at=sa.func.now(),
                    username="c",
                    action="propose",
                    target=f"{ref}->H0001",
                    details=f"note about {pid}",
                )
            )
    w.engine.dispose()
    log = Workspace(url).audit_log()
    assert not log["target"].str.contains("sha1:").any()
    assert "note about P0001" in set(log["details"]) and "note about GONE" not in set(
        log["details"]
    )


def _leaks(log, needles) -> bool:
    text = log.astype(str)
    return any(
        text.apply(lambda col, n=n: col.str.contains(n, regex=False)).any().any() for n in needles
    )


def test_forget_leaves_no_note_and_no_reversible_hash_in_the_audit_log(ws, sample_frames):
    pid = "P0003"
    org = sample_frames[0].set_index("participant_id").at[pid, "sending_org"]
    ws.record(User("c", "coordinator", org), pid, "H0004", "shortlist", "lives with a carer")
    ws.forget(pid, cache_dir=None)
    log = ws.audit_log()
    assert (log["action"] == "forget").any()
    assert not _leaks(log, ["lives with a carer", pid])
    text = " ".join(log.astype(str).to_numpy().ravel())
    runs = re.findall(r"[0-9a-f]{12,}", text)
    windows = {run[i : i + 12] for run in runs for i in range(len(run) - 11)}
    assert not windows & {hashlib.sha1(p.encode()).hexdigest()[:12] for p in ALL_SAMPLE_IDS}


def _disk_keys(cache_dir) -> set[bytes]:
    con = sqlite3.connect(cache_dir / "embeddings.sqlite")
    tables = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'emb_%'")]
    keys = {bytes(k) for t in tables for (k,) in con.execute(f"SELECT key FROM {t}")}
    con.close()
    return keys


def test_forget_deletes_the_participants_cached_vectors(ws, sample_frames, tmp_path):
    participants, hosts = sample_frames
    pid = "P0003"
    cache = tmp_path / "cache"
    others = participants[participants["participant_id"] != pid].reset_index(drop=True)
    for dim in (16, 32):  # two models: two tables in one cache file
        Matcher(encoder=CachedEncoder(HashingEncoder(dim), cache)).fit(others, hosts)
    before = _disk_keys(cache)
    for dim in (16, 32):
        Matcher(encoder=CachedEncoder(HashingEncoder(dim), cache)).fit(participants, hosts)
    theirs = _disk_keys(cache) - before
    assert theirs
    removed = ws.forget(pid, cache_dir=cache)
    assert removed["embeddings"] >= len(theirs) and not theirs & _disk_keys(cache)


def test_cached_encoder_forgets_in_memory_too(tmp_path):
    enc = CachedEncoder(HashingEncoder(16), tmp_path)
    enc.encode(["a cook from Lyon", "a baker"])
    assert enc.forget(["a cook from Lyon"]) == 1
    enc.encode(["a cook from Lyon", "a baker"])
    assert (enc.encoded, enc.hits) == (3, 1)


def _recovered_by_differencing(ws, n_total: int) -> int:
    """Suppressed cells an analyst pins down from published cells and known totals."""
    recovered = 0
    dims = ["home_country", "role", "activity", "isced_f", "participant_id"]
    for d1, d2 in itertools.product(dims, dims + [None]):
        try:
            margin = ws.aggregates(ANALYST, d1, min_group=1)
            table = ws.aggregates(ANALYST, [d1] if d2 is None else [d1, d2], min_group=1)
        except (ValueError, AccessDenied):
            continue
        recovered += int((table["participants"] < MIN_GROUP).sum())  # shown outright
        known = {None: n_total} if d2 is None else margin.set_index(d1)["participants"]
        for group, cells in table.groupby(d1 if d2 else (lambda _: None)):
            hidden = cells["suppressed"]
            if hidden.sum() == 1 and not np.isnan(known.get(group, np.nan)):
                recovered += 1
    return recovered


def test_aggregates_cannot_be_differenced(ws, sample_frames):
    assert _recovered_by_differencing(ws, len(sample_frames[0])) == 0


def test_aggregates_floor_dimensions_and_hidden_totals(ws, sample_frames):
    n_total = len(sample_frames[0])
    admin = User("root", "admin")
    for bad in ("participant_id", "fewer_opportunities", ["home_country", "role"]):
        with pytest.raises(ValueError, match="exactly one of"):
            ws.aggregates(admin, bad)
    for dim in privacy.AGGREGATE_DIMENSIONS:
        table = ws.aggregates(ANALYST, dim, min_group=1)
        shown = table.loc[~table["suppressed"], "participants"]
        assert (shown >= MIN_GROUP).all()
        k, hidden = int(table["suppressed"].sum()), n_total - int(shown.sum())
        assert k == 0 or (k >= 2 and hidden > k)
        assert (
            table.loc[table["suppressed"], ["fewer_opportunities_rate", "consent_rate"]]
            .isna()
            .all()
            .all()
        )


def _compositions(total: int, parts: int):
    """Every way to write ``total`` as ``parts`` positive integers."""
    if parts == 1:
        yield (total,)
        return
    for first in range(1, total - parts + 2):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _feasible_values(counts, mask) -> list[set]:
    """For each suppressed group, every size it may have given the published ones and the
    total (each listed group has at least one member): brute force."""
    hidden = [i for i, m in enumerate(mask) if m]
    if not hidden:
        return []
    total = int(np.asarray(counts)[hidden].sum())
    seen = [set() for _ in hidden]
    for alt in _compositions(total, len(hidden)):
        for s, v in zip(seen, alt, strict=True):
            s.add(v)
    return seen


def _check_unrecoverable(counts, min_group) -> None:
    mask = suppression_mask(counts, min_group)
    assert not (np.asarray(counts)[~mask] < MIN_GROUP).any()
    if mask.all() and (len(counts) == 1 or sum(counts) <= len(counts)):
        return  # nothing is published: what the total tells, it tells without the table
    assert all(len(values) >= 2 for values in _feasible_values(counts, mask))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 12), min_size=1, max_size=5),
    st.integers(-3, MIN_GROUP),
)
def test_no_suppressed_group_is_recoverable_from_the_published_ones_and_the_total(counts, floor):
    _check_unrecoverable(counts, floor)


def test_no_suppressed_group_is_recoverable_exhaustively_for_small_tables():
    for n in range(1, 4):
        for counts in itertools.product(range(1, 10), repeat=n):
            _check_unrecoverable(list(counts), MIN_GROUP)


def test_host_side_score_ignores_special_category_data(sample_frames):
    participants, hosts = sample_frames
    base = participants.iloc[[0]].assign(consent_share=True)
    plain = base.assign(
        participant_id="PX-PLAIN", fewer_opportunities=False, needs_accessibility=False
    )
    special = base.assign(
        participant_id="PX-SPECIAL", fewer_opportunities=True, needs_accessibility=True
    )
    import pandas as pd

    both = pd.concat([participants, plain, special], ignore_index=True)
    set_pseudonym_key(b"a test key")
    m = Matcher(encoder=HashingEncoder()).fit(both, hosts)
    accessible = set(hosts.loc[hosts["accessible"], "host_id"])
    hid = next(h for h in m.recommend_hosts("PX-SPECIAL", k=50)["host_id"] if h in accessible)
    ranked = m.recommend_participants(hid, k=len(both), explain=False).set_index("candidate")
    a, b = ranked.loc[m.pseudonym("PX-PLAIN")], ranked.loc[m.pseudonym("PX-SPECIAL")]
    assert a["score"] == b["score"] and abs(int(a["rank"]) - int(b["rank"])) == 1
    assert "fewer_opportunities" not in ranked and "needs_accessibility" not in ranked
