"""The persistent workspace on SQLite and PostgreSQL: transactions, roles, privacy, concurrency."""

import threading

import pandas as pd
import pytest
import sqlalchemy as sa
from builders import PASSWORD, sign_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import hosts_tables, participants_tables

from matcher.cli import main
from matcher.privacy import SPECIAL_CATEGORY
from matcher.store import SCHEMA_VERSION, AccessDenied, User, Workspace
from matcher.store import _data as D


def _counts(ws):
    with ws.engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("participants", "hosts", "decisions")
        }


def test_roundtrip_and_reimport_reports_no_change(ws, sample_frames):
    participants, hosts = sample_frames
    back = ws.participants(ws.admin)
    expected = participants.sort_values("participant_id").reset_index(drop=True)
    back.attrs, expected.attrs = {}, {}
    pd.testing.assert_frame_equal(back, expected)
    report = ws.import_tables(participants, hosts, user=ws.admin)
    assert report.total_changes() == 0 and report.unchanged == {"participants": 400, "hosts": 250}
    changed = participants.copy()
    changed.loc[5, "description"] = "New goals."
    report = ws.import_tables(changed, user=ws.admin)
    assert report.changed == {"participants": 1} and report.added == {"participants": 0}


def test_crash_midway_leaves_the_database_unchanged(ws, sample_frames, monkeypatch):
    participants, hosts = sample_frames
    before = ws.participants(ws.admin)
    grown = pd.concat(
        [participants, participants.assign(participant_id=participants["participant_id"] + "-B")],
        ignore_index=True,
    )
    grown.loc[0, "description"] = "changed"
    calls = {"n": 0}
    original = D._write_chunk

    def failing(conn, stmt, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash after the first half")
        return original(conn, stmt, rows)

    monkeypatch.setattr(D, "CHUNK", 200)
    monkeypatch.setattr(D, "_write_chunk", failing)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ws.import_tables(grown, hosts, user=ws.admin)
    after = ws.participants(ws.admin)
    before.attrs, after.attrs = {}, {}
    pd.testing.assert_frame_equal(after, before)


def test_cli_import_of_a_bad_file_changes_nothing(ws_url, tmp_path, capsys):
    from pathlib import Path

    bad = Path(__file__).parent / "data" / "bad" / "p_bad_cefr.csv"
    assert main(["import", "--participants", str(bad), "--db", ws_url]) == 2
    assert "row 3, column languages" in capsys.readouterr().err
    assert _counts(Workspace(ws_url))["participants"] == 0


def test_export_is_formula_safe(ws, sample_frames, tmp_path):
    from openpyxl import load_workbook

    p = sample_frames[0].head(3).copy()
    p.loc[0, "description"] = '=HYPERLINK("http://evil")'
    p.loc[1, "occupation"] = "@SUM(A1)"
    ws.import_tables(p, user=ws.admin)
    csv_dir = tmp_path / "csv"
    ws.export(csv_dir, ws.admin)
    text = (csv_dir / "participants.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text
    wb = load_workbook(ws.export(tmp_path / "ws.xlsx", ws.admin)[0])
    assert wb.sheetnames == ["participants", "hosts"]
    assert all(c.data_type != "f" for sheet in wb for row in sheet.iter_rows() for c in row)


def test_accounts_and_passwords(ws):
    ws.add_user("anna", "correct horse battery", "coordinator", "Berufsschule Vienna", by=ws.admin)
    with pytest.raises(ValueError, match="at least"):
        ws.add_user("bob", "short", "analyst", by=ws.admin)
    with pytest.raises(ValueError, match="needs --org"):
        ws.add_user("carl", "long enough password", "host", by=ws.admin)
    with ws.engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT password_hash FROM users WHERE username='anna'")
        ).scalar()
    assert stored.startswith("$argon2") and "horse" not in stored
    assert ws.authenticate("anna", "wrong password") is None
    assert ws.authenticate("anna", "correct horse battery") == User(
        "anna", "coordinator", "Berufsschule Vienna"
    )
    anna = ws.authenticate("anna", "correct horse battery")
    with pytest.raises(AccessDenied):
        ws.add_user("eve", "long enough password", "admin", by=anna)


def test_roles(ws, sample_frames):
    participants = sample_frames[0]
    org = participants["sending_org"].iloc[0]
    coord = sign_in(ws, "c", "coordinator", org)
    mine = ws.participants(coord)
    assert (
        set(mine["sending_org"]) == {org}
        and len(mine) == (participants["sending_org"] == org).sum()
    )
    analyst = sign_in(ws, "a", "analyst")
    with pytest.raises(AccessDenied):
        ws.participants(analyst)
    agg = ws.aggregates(analyst, "home_country")
    small = agg["suppressed"]
    assert small.any() and agg.loc[small, "participants"].isna().all()
    assert (agg.loc[~small, "participants"] >= 5).all()
    with pytest.raises(AccessDenied):
        ws.aggregates(analyst, "fewer_opportunities")
    with pytest.raises(AccessDenied):
        ws.candidates(sign_in(ws, "h", "host", "H0001"), "H0002")


def test_decision_flow_and_history_feed_the_engine(ws, sample_frames, encoder):
    from matcher import Matcher

    participants, hosts = sample_frames
    m0 = Matcher(encoder=encoder).fit(participants, hosts)
    pid = "P0001"
    hid = m0.recommend_hosts(pid, k=2)["host_id"].iloc[0]
    org = participants.set_index("participant_id").at[pid, "sending_org"]
    coord, host = sign_in(ws, "c", "coordinator", org), sign_in(ws, "h", "host", hid)
    with pytest.raises(AccessDenied):
        ws.record(host, pid, hid, "accept")  # nothing proposed yet
    ws.record(coord, pid, hid, "shortlist")
    ws.record(coord, pid, hid, "propose", "strong sector fit")
    assert list(ws.open_proposals(host)["candidate"]) == [ws.pseudonym(pid)]
    with pytest.raises(AccessDenied):
        ws.record(coord, pid, hid, "accept")
    with pytest.raises(AccessDenied):
        ws.record(sign_in(ws, "c2", "coordinator", "Other School"), pid, hid, "propose")
    ws.record(host, pid, hid, "decline", "no places in that month")
    assert ws.open_proposals(host).empty
    seen_by_host = ws.decisions(host)
    assert "participant_id" not in seen_by_host and set(seen_by_host["candidate"]) == {
        ws.pseudonym(pid)
    }
    m = Matcher(encoder=encoder).fit(participants, hosts, history=ws.history())
    e = m.explain(pid, hid)
    assert not e.feasible and "not_declined" in e.broken_rules
    assert hid not in set(m.recommend_hosts(pid, k=50)["host_id"])
    _, mask = m.score_matrix([pid], [hid, *[h for h in hosts["host_id"][:5] if h != hid]])
    assert not mask[0, 0]  # the same rule in block scoring (index arrays, not a slice)
    assert e.components["cooperation"] == pytest.approx(0.25)
    other = participants[
        (participants["sending_org"] == org) & (participants["participant_id"] != pid)
    ]
    if len(other):
        assert (
            "1 declined" in m.explain(other["participant_id"].iloc[0], hid).reasons["cooperation"]
        )


def test_completed_placements_raise_cooperation(ws, sample_frames, encoder):
    from matcher import Matcher

    participants, hosts = sample_frames
    pid, hid = "P0002", "H0010"
    org = participants.set_index("participant_id").at[pid, "sending_org"]
    coord = sign_in(ws, "c", "coordinator", org)
    ws.record(coord, pid, hid, "propose")
    ws.record(sign_in(ws, "h", "host", hid), pid, hid, "accept")
    ws.record(coord, pid, hid, "complete", rating=5)
    m = Matcher(encoder=encoder).fit(participants, hosts, history=ws.history())
    assert m.explain(pid, hid).components["cooperation"] == 1.0
    assert "mean rating 5.0/5" in m.explain(pid, hid).reasons["cooperation"]
    with pytest.raises(ValueError, match="rating"):
        ws.record(coord, pid, hid, "propose", rating=3)


def test_concurrent_writers_lose_nothing(ws, sample_frames):
    participants = sample_frames[0]
    org = participants["sending_org"].iloc[0]
    pids = list(participants.loc[participants["sending_org"] == org, "participant_id"])
    errors = []

    def worker(k):
        w = Workspace(ws.url)
        coord = w.authenticate("c", PASSWORD)
        try:
            for n in range(20):
                w.record(
                    coord,
                    pids[n % len(pids)],
                    f"H{(k * 20 + n) % 250 + 1:04d}",
                    "shortlist",
                    f"t{k}-{n}",
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            w.engine.dispose()

    sign_in(ws, "c", "coordinator", org)
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    reasons = set(ws.decisions(ws.admin)["reason"])
    assert {f"t{k}-{n}" for k in range(5) for n in range(20)} <= reasons


def test_forget(ws, sample_frames, capsys):
    participants = sample_frames[0]
    pid = "P0003"
    org = participants.set_index("participant_id").at[pid, "sending_org"]
    ws.record(sign_in(ws, "c", "coordinator", org), pid, "H0004", "shortlist")
    assert main(["forget", "--participant", pid, "--db", ws.url]) == 0
    assert pid not in set(ws.participants(ws.admin)["participant_id"])
    assert pid not in set(ws.decisions(ws.admin)["participant_id"])
    log = ws.audit_log(ws.admin)
    assert (log["action"] == "forget").any()
    assert not log.astype(str).apply(lambda col: col.str.contains(pid)).any().any()


def test_upgrade_from_version_1(tmp_path):
    """A version-1 workspace (no models table) is upgraded in place."""
    from matcher.store import _tables as T

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    old = [t for t in T.metadata.sorted_tables if t.name not in ("models", "organisations")]
    T.metadata.create_all(engine, tables=old)
    with engine.begin() as conn:
        conn.execute(T.meta.insert().values(key="schema_version", value="1"))
    engine.dispose()
    ws = Workspace(url)
    assert ws.schema_version() == SCHEMA_VERSION == 5
    assert {"models", "organisations"} <= set(sa.inspect(ws.engine).get_table_names())


def test_upgrade_from_version_3_moves_host_ids_out_of_organisation(tmp_path):
    """Up to version 3 a host account's host id sat in ``users.organisation``."""
    from matcher.store import _tables as T

    url = f"sqlite:///{tmp_path / 'v3.db'}"
    engine = sa.create_engine(url)
    T.metadata.create_all(engine, tables=[t for t in T.metadata.sorted_tables if t is not T.users])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE users (username VARCHAR(128) PRIMARY KEY, password_hash TEXT NOT"
                " NULL, role VARCHAR(16) NOT NULL, organisation TEXT NOT NULL, demo BOOLEAN NOT"
                " NULL, created_at DATETIME NOT NULL)"
            )
        )
        for name, role, org in (("h", "host", "H0007"), ("c", "coordinator", "School A")):
            conn.execute(
                sa.text("INSERT INTO users VALUES (:u, 'x', :r, :o, 0, '2026-01-01 00:00:00')"),
                {"u": name, "r": role, "o": org},
            )
        conn.execute(T.meta.insert().values(key="schema_version", value="3"))
    engine.dispose()
    ws = Workspace(url)
    assert ws.schema_version() == SCHEMA_VERSION
    listed = ws.users(ws.admin_context()).set_index("username")
    assert listed.loc["h", ["organisation", "host_id"]].tolist() == ["", "H0007"]
    assert listed.loc["c", ["organisation", "host_id"]].tolist() == ["School A", ""]


def test_host_accounts_act_for_a_host_id(ws):
    made = ws.add_user("hanna", "long enough password", "host", "H0002", by=ws.admin)
    assert made == User("hanna", "host", host_id="H0002") and made.organisation == ""
    assert ws.authenticate("hanna", "long enough password").host_id == "H0002"
    with pytest.raises(ValueError, match="host_id"):
        User("h", "host", "H0002")  # a host id is not a sending organisation
    with pytest.raises(ValueError, match="host_id"):
        User("c", "coordinator", "School", host_id="H0002")


def test_reads_keep_the_contract_dtypes_without_validating_again(ws, sample_frames, monkeypatch):
    from matcher.io import _load

    def no_validation(*args, **kwargs):
        raise AssertionError("the store validated again on read")

    monkeypatch.setattr(_load, "validate_frame", no_validation)  # what every validation runs
    both = (ws.participants(ws.admin), ws.hosts(ws.admin))
    for frame, back in zip(sample_frames, both, strict=True):
        assert back.dtypes.to_dict() == frame.dtypes.to_dict()
    empty = Workspace(ws.url.replace("workspace.db", "empty.db")) if "sqlite" in ws.url else None
    if empty is not None:
        hosts = empty.hosts(empty.admin_context())
        assert hosts.dtypes.to_dict() == sample_frames[1].dtypes.to_dict()
        empty.engine.dispose()


def test_rules_for_frames_held_outside_the_workspace(ws, sample_frames):
    from matcher.store import hosts_for, lead_organisations, participants_for

    participants, hosts = sample_frames
    org = participants["sending_org"].iloc[0]
    coord = sign_in(ws, "c", "coordinator", org)
    assert set(participants_for(coord, participants)["participant_id"]) == set(
        ws.participants(coord)["participant_id"]
    )
    with pytest.raises(AccessDenied):
        participants_for(User("a", "analyst"), participants)
    assert list(hosts_for(User("h", "host", host_id="H0003"), hosts)["host_id"]) == ["H0003"]
    assert len(hosts_for(ws.admin, hosts)) == len(hosts)
    orgs = pd.DataFrame({"org_id": ["O1", "O2"], "name": [org, "Other"]})
    assert list(lead_organisations(coord, orgs)["org_id"]) == ["O1"]
    assert len(lead_organisations(ws.admin, orgs)) == 2


def test_import_upload_keeps_what_the_user_may_import(ws, sample_frames):
    participants, hosts = sample_frames
    org = participants["sending_org"].iloc[0]
    report = ws.import_upload(sign_in(ws, "c", "coordinator", org), participants, hosts)
    assert report.unchanged == {"participants": int((participants["sending_org"] == org).sum())}
    report = ws.import_upload(ws.admin, participants, hosts)
    assert report.unchanged == {"participants": len(participants), "hosts": len(hosts)}
    with pytest.raises(AccessDenied):
        ws.import_upload(sign_in(ws, "a", "analyst"), participants)


def test_version_changes_with_every_write(ws):
    before = ws.version()
    orgs_before = ws.version("organisations")
    ws.record(ws.admin, "P0001", "H0001", "shortlist")
    assert ws.version() != before and ws.version("organisations") == orgs_before


def test_organisations_import_and_export(ws, tmp_path):
    from matcher.io import load_organisations
    from matcher.taxonomy import sample_dir

    orgs = load_organisations(sample_dir() / "organisations.csv")
    report = ws.import_tables(organisations=orgs, user=ws.admin)
    assert report.added == {"organisations": len(orgs)}
    back = ws.organisations()
    assert list(back["org_id"]) == sorted(orgs["org_id"])
    with pytest.raises(AccessDenied):
        ws.import_tables(organisations=orgs, user=sign_in(ws, "c", "coordinator", "x"))
    names = {p.name for p in ws.export(tmp_path / "out", ws.admin)}
    assert names == {"participants.csv", "hosts.csv", "organisations.csv"}


def test_schema_version_guard(ws):
    assert ws.schema_version() == SCHEMA_VERSION
    with ws.engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value='99' WHERE key='schema_version'"))
    with pytest.raises(RuntimeError, match="upgrade matcher"):
        Workspace(ws.url)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(participants_tables(max_rows=8), hosts_tables(max_rows=4), st.data())
def test_a_host_never_sees_more_than_it_may(tmp_path_factory, participants, hosts, data):
    ws = Workspace(f"sqlite:///{tmp_path_factory.mktemp('ws') / 'w.db'}")
    ws.import_tables(participants, hosts, user=ws.admin_context())
    hid = data.draw(st.sampled_from(list(hosts["host_id"])))
    host = sign_in(ws, "h", "host", hid)
    seen = ws.candidates(host)
    allowed = {
        ws.pseudonym(p) for p in participants.loc[participants["consent_share"], "participant_id"]
    }
    assert set(seen["candidate"]) == allowed
    assert not set(SPECIAL_CATEGORY) & set(seen.columns)
    assert not {"participant_id", "sending_org"} & set(seen.columns)
    for other in set(hosts["host_id"]) - {hid}:
        with pytest.raises(AccessDenied):
            ws.candidates(host, other)
    assert ws.decisions(host).empty
    ws.engine.dispose()


def test_a_workspace_gains_new_optional_contract_columns(ws, sample_frames):
    """A column added to a data contract after a workspace was made is added to its table,
    empty, without a numbered migration; the rows read back as if the column were blank."""
    url = ws.engine.url.render_as_string(hide_password=False)
    with ws.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE hosts DROP COLUMN city"))
    ws.engine.dispose()
    again = Workspace(url)
    assert "city" in {c["name"] for c in sa.inspect(again.engine).get_columns("hosts")}
    hosts = again.hosts()
    assert len(hosts) == len(sample_frames[1])
    assert hosts["city"].fillna("").eq("").all()
    again.engine.dispose()
