"""Findings of the security review, each reproduced as an attack that must fail."""

import contextlib
import dataclasses
import statistics
import threading
import time

import pandas as pd
import pytest

from matcher import Config
from matcher.privacy import pseudonym
from matcher.store import (
    DEMO_PASSWORD,
    AccessDenied,
    ImportRefused,
    SignInLocked,
    User,
    Workspace,
    seed_sample,
)
from matcher.store import _data as D

# --- access control and authentication ---

#: The password of the accounts these tests sign in with (long enough for a real account).
PASSWORD = "a long enough password"


def _sign_in(ws, username, role, acts_for=""):
    ws.add_user(username, PASSWORD, role, acts_for, by=ws.admin_context())
    return ws.authenticate(username, PASSWORD)


@pytest.fixture
def ws(tmp_path, sample_frames):
    w = Workspace(f"sqlite:///{tmp_path / 'security.db'}")
    w.admin = w.admin_context()
    w.import_tables(*sample_frames, user=w.admin)
    yield w
    w.engine.dispose()


def _two_schools(participants):
    """Two sending organisations and a consenting participant of the first."""
    first, second = participants["sending_org"].value_counts().index[:2]
    theirs = participants[(participants["sending_org"] == first) & participants["consent_share"]]
    return first, second, theirs["participant_id"].iloc[0]


# finding 4: take-over by import


def test_an_import_cannot_take_over_another_schools_participant(ws, sample_frames):
    participants = sample_frames[0]
    victim_org, attacker_org, pid = _two_schools(participants)
    victim = _sign_in(ws, "victim", "coordinator", victim_org)
    attacker = _sign_in(ws, "attacker", "coordinator", attacker_org)
    ws.record(victim, pid, "H0001", "shortlist", "their own note")
    row = participants[participants["participant_id"] == pid].assign(sending_org=attacker_org)

    with pytest.raises(ImportRefused) as refused:
        ws.import_tables(row, user=attacker)
    assert refused.value.refused == [pid]
    stored = ws.participants(ws.admin).set_index("participant_id")
    assert stored.at[pid, "sending_org"] == victim_org
    with pytest.raises(AccessDenied):
        ws.forget(pid, attacker)
    assert len(ws.decisions(victim)) == 1


def test_a_refused_import_writes_nothing_and_tells_nothing(ws, sample_frames):
    participants = sample_frames[0]
    victim_org, attacker_org, pid = _two_schools(participants)
    attacker = _sign_in(ws, "attacker", "coordinator", attacker_org)
    own = participants[participants["sending_org"] == attacker_org].head(1)
    new_own = own.assign(participant_id="NEW-1", description="changed")
    taken = participants[participants["participant_id"] == pid].assign(sending_org=attacker_org)
    unknown_foreign = own.assign(participant_id="NEW-2", sending_org=victim_org)
    before = ws.participants(ws.admin)

    messages = {}
    for name, rows in {"taken": taken, "unknown": unknown_foreign}.items():
        with pytest.raises(ImportRefused) as refused:
            ws.import_tables(pd.concat([new_own, rows]), user=attacker)
        messages[name] = str(refused.value).replace(rows["participant_id"].iloc[0], "ID")
    # the same reason whether or not the id exists in another organisation
    assert messages["taken"] == messages["unknown"]
    after = ws.participants(ws.admin)
    before.attrs, after.attrs = {}, {}
    pd.testing.assert_frame_equal(after, before)  # not even the own new row was written


# finding 5: hosts see internal notes


def test_a_host_sees_only_proposals_to_it_without_internal_notes(ws, sample_frames):
    participants = sample_frames[0]
    org = participants["sending_org"].value_counts().index[0]
    mine = participants[participants["sending_org"] == org]
    proposed, shortlisted = mine.loc[mine["consent_share"], "participant_id"].iloc[:2]
    refusing = mine.loc[~mine["consent_share"], "participant_id"].iloc[0]
    coord = _sign_in(ws, "coord", "coordinator", org)
    host = _sign_in(ws, "host", "host", "H0003")
    ws.record(coord, shortlisted, "H0003", "shortlist", "internal: German too weak")
    ws.record(coord, refusing, "H0003", "shortlist", "internal: check with family")
    ws.record(coord, proposed, "H0003", "propose", "internal: our best welder")
    with pytest.raises(ValueError, match="consent"):
        ws.record(coord, refusing, "H0003", "propose")

    seen = ws.decisions(host)
    assert list(seen["candidate"]) == [pseudonym(proposed)]
    assert list(seen["state"]) == ["propose"]
    assert not {"participant_id", "sending_org", "username", "action"} & set(seen.columns)
    assert not seen.astype(str).apply(lambda c: c.str.contains("internal")).any().any()
    assert list(ws.open_proposals(host)["candidate"]) == [pseudonym(proposed)]
    ws.respond(host, pseudonym(proposed), "H0003", accept=False, reason="no supervisor")
    assert ws.decisions(host).iloc[0][["state", "reason"]].tolist() == ["decline", "no supervisor"]


# finding 7: forged users


def test_hand_built_users_are_refused(ws, sample_frames):
    forged = User("x", "admin")
    for call in (
        lambda u: ws.participants(u),
        lambda u: ws.decisions(u),
        lambda u: ws.users(u),
        lambda u: ws.audit_log(u),
        lambda u: ws.forget("P0001", u),
        lambda u: ws.import_tables(sample_frames[0], user=u),
        lambda u: ws.add_user("mallory", PASSWORD, "admin", by=u),
        lambda u: ws.record(u, "P0001", "H0001", "shortlist"),
    ):
        with pytest.raises(PermissionError):
            call(forged)
    coord = _sign_in(ws, "coord", "coordinator", "Berufsschule Vienna")
    with pytest.raises(PermissionError):  # a real handle with its role changed
        ws.participants(dataclasses.replace(coord, role="admin", organisation=""))
    with pytest.raises(PermissionError):  # a handle of another workspace object
        ws.participants(Workspace(ws.url).admin_context())
    ws.sign_out(coord)
    with pytest.raises(PermissionError):
        ws.participants(coord)


def test_no_method_defaults_to_an_admin(ws):
    for call in (ws.participants, ws.decisions, ws.users, ws.audit_log, ws.open_proposals):
        with pytest.raises(TypeError):
            call()
    with pytest.raises(TypeError):
        ws.forget("P0001")


# finding 8: authentication


def test_failed_sign_ins_lock_the_user_name(tmp_path):
    config = Config(login_max_failures=3, login_lockout_minutes=0.01)
    ws = Workspace(f"sqlite:///{tmp_path / 'lock.db'}", config=config)
    ws.add_user("anna", PASSWORD, "analyst", by=ws.admin_context())
    for name in ("anna", "nobody"):  # a lock tells nothing about which names exist
        for _ in range(3):
            assert ws.authenticate(name, "wrong password!") is None
        with pytest.raises(SignInLocked, match="try again"):
            ws.authenticate(name, PASSWORD)
    time.sleep(config.login_lockout_minutes * 60 + 0.1)
    assert ws.authenticate("anna", PASSWORD).role == "analyst"


def test_the_default_lockout_is_five_failures_in_fifteen_minutes():
    config = Config()
    assert (config.login_max_failures, config.login_window_minutes) == (5, 15)
    assert (config.login_lockout_minutes, config.session_idle_minutes) == (15, 30)
    env = {"MATCHER_LOGIN_MAX_FAILURES": "7", "MATCHER_SESSION_IDLE_MINUTES": "5"}
    assert Config.from_env(env).login_max_failures == 7
    assert Config.from_env(env).session_idle_minutes == 5.0


def test_an_unknown_user_name_takes_as_long_as_a_known_one(tmp_path):
    ws = Workspace(f"sqlite:///{tmp_path / 'timing.db'}", config=Config(login_max_failures=100))
    ws.add_user("anna", PASSWORD, "analyst", by=ws.admin_context())

    def seconds(name):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            ws.authenticate(name, "wrong password!")
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = seconds("anna"), seconds("nobody")
    assert unknown > known / 2, (known, unknown)


def test_passwords_and_user_names(ws):
    with pytest.raises(ValueError, match="12"):
        ws.add_user("bob", "elevenchars", "analyst", by=ws.admin)
    ws.add_user("bob", "twelve chars", "analyst", by=ws.admin)
    for name in ("", "  ", " bob2"):
        with pytest.raises(ValueError, match="user name"):
            ws.add_user(name, PASSWORD, "analyst", by=ws.admin)


def test_demo_accounts_keep_their_short_password(tmp_path):
    ws = Workspace(f"sqlite:///{tmp_path / 'sample.db'}")
    assert seed_sample(ws)
    assert ws.authenticate("demo-admin", DEMO_PASSWORD).role == "admin"


# finding 13: withdrawn proposals, concurrent imports


def test_a_host_cannot_accept_a_withdrawn_proposal(ws, sample_frames):
    participants = sample_frames[0]
    org, _, pid = _two_schools(participants)
    coord = _sign_in(ws, "coord", "coordinator", org)
    host = _sign_in(ws, "host", "host", "H0002")
    ws.record(coord, pid, "H0002", "propose")
    ws.record(coord, pid, "H0002", "withdraw", "placed elsewhere")
    with pytest.raises(ValueError, match="withdrawn"):
        ws.record(host, pid, "H0002", "accept")
    with pytest.raises(ValueError, match="withdrawn"):
        ws.respond(host, pseudonym(pid), "H0002", accept=True)
    assert ws.open_proposals(host).empty
    assert list(ws.decisions(host)["state"]) == ["withdraw"]


def test_concurrent_identical_imports_count_consistently(tmp_path, sample_frames, monkeypatch):
    """Both imports read before either writes, unless the import holds the write lock."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    Workspace(url).engine.dispose()
    participants = sample_frames[0]
    both_read = threading.Barrier(2)
    read = D._existing

    def read_then_wait(*args):
        found = read(*args)
        # with the lock, the other import waits for it: it reads after this one wrote
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=3)
        return found

    monkeypatch.setattr(D, "_existing", read_then_wait)
    reports, errors = [], []

    def run():
        w = Workspace(url)
        try:
            reports.append(w.import_tables(participants, user=w.admin_context()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            w.engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(r.added["participants"] for r in reports) == [0, len(participants)]
    assert sorted(r.unchanged["participants"] for r in reports) == [0, len(participants)]
