"""Placements locked by hand in the workspace, and allocations that keep accepted, locked and
proposed placements (issue #14, item 4)."""

import warnings

import numpy as np
import pytest
import sqlalchemy as sa
from builders import sign_in

from matcher import Matcher, allocate
from matcher.encode import HashingEncoder
from matcher.store import AccessDenied, Workspace


def _own_and_other(ws, org):
    p = ws.participants(ws.admin)
    return (
        p.loc[p["sending_org"] == org, "participant_id"].iloc[0],
        p.loc[p["sending_org"] != org, "participant_id"].iloc[0],
    )


def test_a_coordinator_locks_and_unlocks_their_own_participants_only(ws, sample_frames):
    org = sample_frames[0]["sending_org"].iloc[0]
    anna = sign_in(ws, "anna", "coordinator", org)
    own, other = _own_and_other(ws, org)
    ws.lock(anna, own, "H0001", "agreed on the phone")
    ws.lock(anna, own, "H0002")  # a new lock replaces the old one
    mine = ws.locks(anna)
    assert mine[["participant_id", "host_id", "username"]].values.tolist() == [
        [own, "H0002", "anna"]
    ]
    with pytest.raises(AccessDenied):
        ws.lock(anna, other, "H0001")
    with pytest.raises(KeyError, match="host_id"):
        ws.lock(anna, own, "H-none")
    with pytest.raises(KeyError, match="participant_id"):
        ws.lock(anna, "P-none", "H0001")
    ws.lock(ws.admin, other, "H0003")
    assert set(ws.locks(ws.admin)["participant_id"]) == {own, other}
    assert set(ws.locks(anna)["participant_id"]) == {own}  # not another school's lock
    assert ws.unlock(anna, own) is True and ws.unlock(anna, own) is False
    log = ws.audit_log(ws.admin)
    assert (log["action"] == "lock").sum() == 3 and (log["action"] == "unlock").sum() == 1
    assert not log["target"].str.contains(own).any()  # participants by keyed hash only


def test_hosts_and_analysts_cannot_lock(ws):
    host = sign_in(ws, "h", "host", "H0001")
    analyst = sign_in(ws, "a", "analyst")
    pid = ws.participants(ws.admin)["participant_id"].iloc[0]
    for user in (host, analyst):
        with pytest.raises(AccessDenied):
            ws.lock(user, pid, "H0001")
        with pytest.raises(AccessDenied):
            ws.locks(user)


def test_forgetting_a_participant_deletes_their_lock(ws):
    pid = ws.participants(ws.admin)["participant_id"].iloc[0]
    ws.lock(ws.admin, pid, "H0001")
    ws.forget(pid, ws.admin)
    with ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM locks")).scalar() == 0


@pytest.fixture(scope="module")
def small():
    from matcher.io import validate_table
    from matcher.sample import generate_sample

    warnings.simplefilter("ignore")
    p, h = generate_sample(60, 40, seed=3)
    p, h = validate_table(p, "participants"), validate_table(h, "hosts")
    return p, h, Matcher(encoder=HashingEncoder()).fit(p, h)


def _infeasible_host(m, pid):
    scores, mask = m.score_matrix([pid])
    return m.host_ids_[int(np.flatnonzero(~mask[0])[0])] if (~mask[0]).any() else None


def test_allocation_keeps_accepted_locked_and_proposed_placements(tmp_path, small):
    p, h, m = small
    ws = Workspace(f"sqlite:///{tmp_path}/w.db")
    admin = ws.admin_context()
    ws.import_tables(p.assign(consent_share=True), h, user=admin)
    base = allocate(m).assignments.set_index("participant_id")
    placed = base[base["status"] == "assigned"]
    # three participants sent elsewhere than the allocation would choose
    a, b, c = placed.index[:3]
    other = lambda pid: next(x for x in m.host_ids_ if x != base.loc[pid, "host_id"])  # noqa: E731
    ha, hb, hc = other(a), other(b), other(c)
    ws.record(admin, a, ha, "propose")
    ws.record(admin, a, ha, "accept")
    ws.lock(admin, b, hb, "by hand")
    ws.record(admin, c, hc, "propose")
    kept = allocate(m, decisions=ws.decisions(admin), locks=ws.locks(admin))
    got = kept.assignments.set_index("participant_id")
    assert got.loc[a, ["host_id", "kept"]].tolist() == [ha, "accepted by the host"]
    assert got.loc[b, ["host_id", "kept"]].tolist() == [hb, "locked by hand"]
    assert got.loc[c, ["host_id", "kept"]].tolist() == [hc, "open proposal kept"]
    assert kept.summary["kept: accepted by the host"] == 1
    assert kept.summary["kept: open proposal kept"] == 1
    released = allocate(
        m, decisions=ws.decisions(admin), locks=ws.locks(admin), keep_proposals=False
    )
    got = released.assignments.set_index("participant_id")
    assert got.loc[c, "kept"] == "" and got.loc[c, "host_id"] == base.loc[c, "host_id"]
    assert released.summary["open proposals released"] == 1
    assert got.loc[a, "host_id"] == ha and got.loc[b, "host_id"] == hb
    # kept placements take their places first
    used = released.hosts.set_index("host_id")["places_used"]
    assert used[ha] >= 1 and used[hb] >= 1
    ws.engine.dispose()


def test_allocation_places_groups_together_and_leaves_companions_out_of_the_counts(small):
    p, h, _ = small
    p = p.copy()
    learners = p.index[p["role"] == "learner"][:3]
    p["group_id"] = ""
    p.loc[learners, "group_id"] = "G1"
    m = Matcher(encoder=HashingEncoder()).fit(p, h)
    res = allocate(m)
    a = res.assignments.set_index("participant_id")
    hosts = set(a.loc[p.loc[learners, "participant_id"], "host_id"])
    assert len(hosts) == 1
    assert res.summary["groups"] == 1
    assert "group_id" in res.assignments.columns


def test_each_ka122_project_places_at_most_its_ceiling(small, monkeypatch):
    import matcher.taxonomy as tx
    from matcher.allocation import project_ceilings
    from matcher.programme import counted_for_cap

    table = {
        "KA121": {"label": "accredited", "max_participants": None, "checked": True},
        "KA122": {"label": "short-term", "max_participants": 3, "checked": False},
    }
    monkeypatch.setattr(tx, "project_types", lambda: table, raising=False)
    p, h, _ = small
    p = p.copy()
    p["project_type"] = np.where(np.arange(len(p)) % 3 == 0, "KA121", "KA122")
    p["project_id"] = np.where(np.arange(len(p)) % 2 == 0, "IT-1", "IT-2")
    project, ceiling = project_ceilings(p)
    assert ceiling.tolist() == [3, 3]
    assert (project[p["project_type"].to_numpy() == "KA121"] == -1).all()
    m = Matcher(encoder=HashingEncoder()).fit(p, h)
    for method in ("optimal", "stable"):
        a = allocate(m, method).assignments.merge(
            p[["participant_id", "project_type", "project_id"]].assign(
                counted=counted_for_cap(p)  # not accompanying persons nor preparatory visits
            )
        )
        placed = a[(a["status"] == "assigned") & (a["project_type"] == "KA122") & a["counted"]]
        assert placed.groupby("project_id").size().max() <= 3
        assert (placed.groupby("project_id").size() == 3).all()  # the ceiling binds here
        assert ((a["status"] == "assigned") & (a["project_type"] == "KA121")).sum() > 3
