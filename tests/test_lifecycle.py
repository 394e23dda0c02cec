"""The placement lifecycle: the rules (``matcher.lifecycle``) and their enforcement in the
workspace, for every role, on random sequences of steps."""

import pandas as pd
import pytest
from builders import sign_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import lifecycle as lc
from matcher.store import AccessDenied, InvalidStep, Workspace

#: Who takes each step in the tests.
ACTOR = {step: "host" if step in lc.HOST_STEPS else "coordinator" for step in lc.STEPS}


def _reference(state, action):
    """The lifecycle written out by hand, independently of ``lifecycle.ALLOWED``."""
    ok = {
        (None, "shortlist"),
        (None, "propose"),
        ("shortlisted", "propose"),
        ("proposed", "accept"),
        ("proposed", "decline"),
        ("accepted", "complete"),
        ("withdrawn", "shortlist"),
        ("withdrawn", "propose"),
    } | {(s, "withdraw") for s in ("shortlisted", "proposed", "accepted")}
    return (state, action) in ok


@given(st.lists(st.sampled_from(lc.STEPS), max_size=12))
def test_next_state_follows_the_lifecycle(actions):
    state = None
    for action in actions:
        if _reference(state, action):
            state = lc.next_state(state, action)
            assert state == lc.STATE_AFTER[action]
        else:
            with pytest.raises(InvalidStep, match=f"cannot {action}"):
                lc.next_state(state, action)


def test_next_steps_split_by_role():
    for state in [None, *lc.STATES]:
        both = set(lc.next_steps(state, "admin"))
        assert both == {a for a in lc.STEPS if _reference(state, a)}
        assert set(lc.next_steps(state, "coordinator")) | set(lc.next_steps(state, "host")) == both
        assert not set(lc.next_steps(state, "host")) - set(lc.HOST_STEPS)
        assert lc.next_steps(state, "analyst") == ()


@pytest.fixture(scope="module")
def tiny(sample_frames):
    """Two consenting participants of one school and three hosts they may go to."""
    participants, hosts = sample_frames
    consenting = participants[participants["consent_share"]]
    org = consenting["sending_org"].value_counts().index[0]
    two = consenting[consenting["sending_org"] == org].head(2)
    return two, hosts.head(3), org


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(lc.STEPS), min_size=1, max_size=8))
def test_the_workspace_records_exactly_the_valid_steps(tmp_path_factory, tiny, actions):
    participants, hosts, org = tiny
    ws = Workspace(f"sqlite:///{tmp_path_factory.mktemp('ws') / 'w.db'}")
    ws.import_tables(participants, hosts, user=ws.admin_context())
    pid, hid = participants["participant_id"].iloc[0], hosts["host_id"].iloc[0]
    users = {
        "coordinator": sign_in(ws, "c", "coordinator", org),
        "host": sign_in(ws, "h", "host", hid),
    }
    state, recorded = None, 0
    for action in actions:
        rating = 4 if action == "complete" else None
        if _reference(state, action):
            ws.record(users[ACTOR[action]], pid, hid, action, rating=rating)
            state, recorded = lc.STATE_AFTER[action], recorded + 1
        else:
            # a host never learns of a shortlist: answering one is refused as if absent
            with pytest.raises((InvalidStep, AccessDenied)):
                ws.record(users[ACTOR[action]], pid, hid, action, rating=rating)
    assert len(ws.decisions(ws.admin_context())) == recorded
    now = ws.states(users["coordinator"])
    assert list(now["state"]) == ([state] if state else [])
    ws.engine.dispose()


@pytest.fixture
def ws(tmp_path, tiny):
    participants, hosts, org = tiny
    w = Workspace(f"sqlite:///{tmp_path / 'w.db'}")
    w.import_tables(participants, hosts, user=w.admin_context())
    w.coord = sign_in(w, "c", "coordinator", org)
    w.pids, w.hids = list(participants["participant_id"]), list(hosts["host_id"])
    yield w
    w.engine.dispose()


def test_complete_needs_an_accepted_placement_and_a_rating(ws):
    pid, hid = ws.pids[0], ws.hids[0]
    with pytest.raises(InvalidStep, match="only an accepted placement can be completed"):
        ws.record(ws.coord, pid, hid, "complete", rating=5)
    ws.record(ws.coord, pid, hid, "propose")
    with pytest.raises(ValueError, match="cannot complete a pair that is proposed"):
        ws.record(ws.coord, pid, hid, "complete", rating=5)
    ws.respond(sign_in(ws, "h", "host", hid), ws.pseudonym(pid), hid, accept=True)
    with pytest.raises(InvalidStep, match="needs a rating"):
        ws.record(ws.coord, pid, hid, "complete")
    ws.record(ws.coord, pid, hid, "complete", "went well", rating=5)
    with pytest.raises(InvalidStep, match="completed"):
        ws.record(ws.coord, pid, hid, "withdraw")
    row = ws.states(ws.coord).iloc[0]
    assert (row["state"], row["rating"], row["reason"]) == ("completed", 5, "went well")


def test_states_give_accepted_placements_and_open_proposals(ws):
    (p1, p2), (h1, h2, h3) = ws.pids, ws.hids
    ws.record(ws.coord, p1, h1, "propose")
    ws.record(ws.coord, p1, h2, "shortlist", "maybe")
    ws.record(ws.coord, p2, h3, "propose")
    ws.respond(sign_in(ws, "h3", "host", h3), ws.pseudonym(p2), h3, accept=True)
    now = ws.states(ws.coord).set_index(["participant_id", "host_id"])["state"]
    assert now.to_dict() == {(p1, h1): "proposed", (p1, h2): "shortlisted", (p2, h3): "accepted"}
    again = lc.current_states(ws.history())  # the same from the raw history
    assert again.set_index(["participant_id", "host_id"])["state"].to_dict() == now.to_dict()
    with pytest.raises(AccessDenied):
        ws.states(sign_in(ws, "h1", "host", h1))


def test_a_host_marks_interest_and_the_school_sees_it(ws):
    (p1, p2), (h1, h2, _) = ws.pids, ws.hids
    host = sign_in(ws, "h1", "host", h1)
    ws.mark_interest(host, ws.pseudonym(p1), h1, "we need a cook in May")
    with pytest.raises(InvalidStep, match="already"):
        ws.mark_interest(host, ws.pseudonym(p1), h1)
    with pytest.raises(AccessDenied):
        ws.mark_interest(host, ws.pseudonym(p2), h2)  # not its host
    with pytest.raises(KeyError):
        ws.mark_interest(host, p2, h1)  # an id is no pseudonym
    with pytest.raises(AccessDenied):
        ws.record(ws.coord, p1, h1, "interest")
    seen = ws.interests(ws.coord)
    assert seen[["participant_id", "host_id", "state"]].values.tolist() == [[p1, h1, ""]]
    assert list(ws.interests(host)["candidate"]) == [ws.pseudonym(p1)]
    ws.record(ws.coord, p1, h1, "propose")
    assert ws.interests(ws.coord)["state"].tolist() == ["proposed"]
    with pytest.raises(InvalidStep, match="answer the proposal"):
        ws.mark_interest(host, ws.pseudonym(p1), h1)
    states = ws.states(ws.coord)
    assert states[["state", "interested"]].values.tolist() == [["proposed", True]]


def test_a_proposal_opens_the_profile_to_that_host_only(ws, tiny):
    participants = tiny[0].set_index("participant_id")
    (p1, p2), (h1, h2, _) = ws.pids, ws.hids
    host = sign_in(ws, "h1", "host", h1)
    with pytest.raises(AccessDenied):
        ws.candidate_profile(host, ws.pseudonym(p1), h1)
    ws.record(ws.coord, p1, h1, "propose")
    ws.record(ws.coord, p2, h2, "propose")
    with pytest.raises(AccessDenied):
        ws.candidate_profile(host, ws.pseudonym(p2), h1)  # proposed to another host
    profile = ws.candidate_profile(host, ws.pseudonym(p1), h1)
    assert profile["candidate"] == ws.pseudonym(p1)
    assert profile["occupation"] == participants.at[p1, "occupation"]
    assert profile["description"] == participants.at[p1, "description"]
    assert profile["languages"] == participants.at[p1, "languages"]
    assert pd.Timestamp(profile["available_from"]) == participants.at[p1, "available_from"] or (
        pd.isna(profile["available_from"]) and pd.isna(participants.at[p1, "available_from"])
    )
    ws.record(ws.coord, p1, h1, "withdraw")
    with pytest.raises(AccessDenied):
        ws.candidate_profile(host, ws.pseudonym(p1), h1)  # withdrawn: closed again
