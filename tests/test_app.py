"""Every dashboard page with Streamlit's AppTest: renders, and its main interaction works."""

import time
from pathlib import Path

import pytest
from app_driver import run_page
from streamlit.testing.v1 import AppTest

from matcher.store import DEMO_PASSWORD, User
from views.widgets import plain

pytestmark = pytest.mark.model

APP = str(Path(__file__).resolve().parents[1] / "app.py")
BAD = Path(__file__).parent / "data" / "bad"
#: The password of the accounts the tests add to the sample workspace.
PASSWORD = "a long enough password"
#: ``_app``'s default user: the sample workspace's demo admin.
ADMIN = "demo-admin"


@pytest.fixture(autouse=True)
def _sample_workspace(monkeypatch):
    """The app runs on the sample workspace (in MATCHER_WORKSPACE_DIR, see conftest)."""
    monkeypatch.delenv("MATCHER_DATABASE_URL", raising=False)


def _signed_in(username: str, role: str = "", acts_for: str = "") -> User:
    """A handle of the app's workspace for a demo account, or for an account of ``role``
    added on first use (the app's workspace object is shared with the test process)."""
    from views import resources

    ws = resources.workspace()
    if not role:
        return ws.authenticate(username, DEMO_PASSWORD)
    if username not in set(ws.users(ws.admin_context())["username"]):
        ws.add_user(username, PASSWORD, role, acts_for, by=ws.admin_context())
    return ws.authenticate(username, PASSWORD)


def _app(page: str | None = None, user: User | str | None = ADMIN) -> AppTest:
    return run_page(_signed_in(user) if isinstance(user, str) else user, page)


def test_login_with_a_demo_account():
    at = _app(user=None)
    assert at.title[0].value == "matcher"
    assert "Demo accounts" in at.info[0].value
    at.text_input[0].set_value("demo-coordinator")
    at.text_input[1].set_value("wrong")
    at.button[0].click().run()
    assert at.error and "wrong password" in at.error[0].value
    at.text_input[1].set_value("demo")
    at.button[0].click().run()
    assert at.session_state["user"].role == "coordinator"
    assert at.title[0].value == "Find hosts"


def test_an_idle_session_is_signed_out():
    import time

    from views.session import idle_limit_seconds

    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["user"] = _signed_in(ADMIN)
    at.session_state["last_activity"] = time.time() - idle_limit_seconds() - 1
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "matcher" and "user" not in at.session_state
    assert "inactivity" in at.warning[0].value


def test_find_hosts_ranks_k_hosts(sample_matcher):
    at = _app()
    assert at.title[0].value == "Find hosts"
    table = at.dataframe[0].value
    expected = sample_matcher.recommend_hosts("P0001", k=10)
    assert list(table["host_id"]) == list(expected["host_id"])
    # the trade fit explains the order, as on the host's side (a second walk, session 7)
    tiers = [{"strong": 2, "partial": 1, "other": 0}[t] for t in table["trade"]]
    assert tiers == sorted(tiers, reverse=True)
    at.selectbox(key="fh_participant").set_value("P0007").run()
    assert list(at.dataframe[0].value["host_id"]) == list(
        sample_matcher.recommend_hosts("P0007", k=10)["host_id"]
    )
    home = sample_matcher.participants_.set_index("participant_id").at["P0007", "home_country"]
    same = sample_matcher.hosts_.loc[sample_matcher.hosts_["country"] == home, "host_id"]
    # the host box follows the participant: it shows the new participant's top host
    assert at.selectbox(key="fh_host_P0007").value == at.dataframe[0].value["host_id"].iloc[0]
    at.selectbox(key="fh_host_P0007").set_value(same.iloc[0]).run()
    assert any("host in another country" in e.value for e in at.error)  # a label, not a code


def _places_table(at):
    """The table of towns, km and costs beside the map (in rank order)."""
    (table,) = [d.value for d in at.dataframe if {"city", "km", "cost"} <= set(d.value.columns)]
    return table


def test_find_hosts_shows_towns_distances_costs_a_map_and_contacts(sample_matcher):
    at = _app()
    table = _places_table(at)  # beside the map, in rank order
    expected = sample_matcher.recommend_hosts("P0001", k=10)
    assert list(at.dataframe[0].value["host_id"]) == list(expected["host_id"])
    assert list(table["rank"]) == list(range(1, 11))
    assert list(table["city"]) == list(expected["city"]) and table["city"].ne("").all()
    km = sample_matcher.distance_matrix(["P0001"], list(expected["host_id"]))[0]
    assert list(table["km"].round(3)) == list(km.round(3))
    assert (table["cost"] == "rates not set").all()  # the shipped rates table sets no amount
    assert any("amounts of your call year are not set" in c.value for c in at.caption)
    assert not at.get("vega_lite_chart")  # no chart until asked for: bars in plain HTML
    at.toggle(key="fh_show_map").set_value(True).run()
    maps = [c for c in at.get("vega_lite_chart") if "mercator" in str(c.proto.spec)]
    spec = str(maps[0].proto.spec) if maps else ""
    assert maps and not any(x in spec for x in ('"url"', "cartocdn", "mapbox"))  # nothing fetched
    hid = at.selectbox(key="fh_host_P0001").value
    email = sample_matcher.hosts_.set_index("host_id").at[hid, "email"]
    (contact,) = [c.value for c in at.caption if c.value.startswith("**Contact:**")]
    assert plain(email or "none given") in contact
    at.slider(key="fh_max_km").set_value(800).run()  # largest distance from the sending town
    near = _places_table(at)
    assert len(near) and (near["km"] <= 800).all()
    assert list(at.dataframe[0].value["host_id"]) == list(
        sample_matcher.recommend_hosts("P0001", k=10, max_km=800)["host_id"]
    )


def test_find_hosts_and_allocation_show_costs_once_rates_are_set(
    sample_matcher, tmp_path, monkeypatch
):
    import numpy as np
    import pandas as pd

    from matcher import budget

    table = pd.read_csv(budget.rates_path(), dtype=str, keep_default_na=False)
    table["figure"] = [str(10 * (k + 1)) for k in range(len(table))]  # test figures only
    table.to_csv(tmp_path / "rates.csv", index=False)
    monkeypatch.setenv("MATCHER_RATES_FILE", str(tmp_path / "rates.csv"))
    at = _app()
    ranked = at.dataframe[0].value
    shown = _places_table(at)
    rates = budget.load_rates(tmp_path / "rates.csv")
    costs = budget.cost_matrix(sample_matcher, ["P0001"], list(ranked["host_id"]), rates=rates)[0]
    assert list(shown["cost"]) == [f"EUR {c:,.0f}" for c in costs] and np.isfinite(costs).all()
    at = _app("views/allocate.py")
    at.button[0].click().run()
    _, total = budget.allocation_costs(sample_matcher, at.session_state["allocation"], rates=rates)
    assert any(f"EUR {total:,.0f}" in c.value for c in at.caption)


def test_allocation_page_keeps_to_a_budget_ceiling(sample_matcher, tmp_path, monkeypatch):
    """The page's budget ceiling prices the pairs from the rates table and caps the total of
    the coordinator's cohort; without amounts it says so and does not run."""
    import pandas as pd

    from matcher import budget

    at = _app("views/allocate.py", user=_signed_in("demo-coordinator"))
    at.number_input(key="al_budget").set_value(50_000).run()
    at.button[0].click().run()
    assert (
        "allocation" not in at.session_state
        and "fills them in the rates table" in at.error[0].value
    )
    assert "MATCHER_RATES_FILE" not in at.error[0].value and "README" not in at.error[0].value
    table = pd.read_csv(budget.rates_path(), dtype=str, keep_default_na=False)
    table["figure"] = [str(10 * (k + 1)) for k in range(len(table))]  # test figures only
    table.to_csv(tmp_path / "rates.csv", index=False)
    monkeypatch.setenv("MATCHER_RATES_FILE", str(tmp_path / "rates.csv"))
    rates = budget.load_rates(tmp_path / "rates.csv")
    at.number_input(key="al_budget").set_value(0).run()
    at.button[0].click().run()
    free = at.session_state["allocation"]
    _, free_total = budget.allocation_costs(sample_matcher, free, rates=rates)
    ceiling = int(0.7 * free_total)
    at.number_input(key="al_budget").set_value(ceiling).run()
    at.button[0].click().run()
    assert not at.exception and not at.error
    capped = at.session_state["allocation"]
    _, total = budget.allocation_costs(sample_matcher, capped, rates=rates)
    assert set(capped.assignments["participant_id"]) == set(free.assignments["participant_id"])
    assert total <= ceiling < free_total and capped.summary["total_cost"] == pytest.approx(total)
    left = capped.summary["budget_left"]
    assert any(f"EUR {left:,.0f} of the budget ceiling left" in c.value for c in at.caption)


def test_coordinator_sees_only_own_participants(sample_matcher):
    p = sample_matcher.participants_
    org = p["sending_org"].value_counts().index[0]
    at = _app(user=_signed_in(f"c-{org}", "coordinator", org))
    options = at.selectbox(key="fh_participant").options
    own = set(p.loc[p["sending_org"] == org, "participant_id"])
    assert {o.split(" - ")[0] for o in options} == own


def test_find_hosts_new_profile():
    at = _app()
    at.radio[0].set_value("New profile").run()
    at.text_input[0].set_value("hairdresser")
    [town] = [t for t in at.text_input if t.label == "Town of the sending school"]
    town.set_value("Bologna")
    at.button[0].click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 10 and (table["country"] != "IT").all()
    profile = at.session_state["fh_profile"].iloc[0]
    assert profile["home_city"] == "Bologna" and profile["travel_mode"] == "standard"


def test_a_typed_profile_is_scored_against_the_shared_fitted_hosts():
    from views import resources, session

    at = _app()
    fitted = resources.fitted_matchers()
    key = "ws:" + resources.workspace().version()
    base = fitted.get_or_fit(key, lambda: pytest.fail("the workspace was fitted again"))
    before = set(fitted.keys())  # noqa: SIM118
    at.radio[0].set_value("New profile").run()
    at.text_input[0].set_value("Friseurin")
    at.button[0].click().run()
    assert not at.exception
    _, typed = at.session_state[session.UPLOAD_PROFILE_MATCHER]
    assert typed.hosts_ is base.hosts_ and set(fitted.keys()) == before  # no refit, no new fit
    expected = base.with_participants(at.session_state["fh_profile"]).recommend_hosts("NEW")
    assert list(at.dataframe[0].value["host_id"]) == list(expected["host_id"])


def test_candidates_are_consenting_and_pseudonymised(sample_matcher):
    at = _app("views/candidates.py", user=_signed_in("h-H0005", "host", "H0005"))
    table = at.dataframe[0].value
    assert "participant_id" not in table.columns and "sending_org" not in table.columns
    assert not {"fewer_opportunities", "needs_accessibility"} & set(table.columns)
    p = sample_matcher.participants_
    allowed = {sample_matcher.pseudonym(x) for x in p.loc[p["consent_share"], "participant_id"]}
    assert set(table["candidate"]) <= allowed
    assert at.selectbox(key="bc_host").options == [
        o for o in at.selectbox(key="bc_host").options if o.startswith("H0005")
    ]
    # the trade fit explains the order (found in a walk: a score of 0.51 above one of 0.64)
    tiers = {"strong": 2, "partial": 1, "other": 0}
    order = [tiers[t] for t in table["trade"]]
    assert order == sorted(order, reverse=True) and set(table["trade"]) <= set(tiers)


def test_allocation_assigns_or_explains_everyone(sample_matcher):
    at = _app("views/allocate.py")
    at.button[0].click().run()
    assert not at.exception
    result = at.session_state["allocation"]
    a = result.assignments
    assert len(a) == len(sample_matcher.participants_)
    assert ((a["status"] == "assigned") | (a["reason"].str.len() > 0)).all()
    assert [m.label for m in at.metric][0] == "Placed"
    assert result.warnings  # on the sample, courses with participants from one country
    (shown,) = [w.value for w in at.warning if "Check before you confirm" in w.value]
    assert all(f"- {plain(text)}" in shown for text in result.warnings)  # escaped: data
    assert len(at.get("download_button")) == 2


def test_insights_ranks_shortages_and_exports_every_aggregate(sample_matcher):
    import json

    from matcher import Config, insights

    at = _app("views/insights.py", user=_signed_in("demo-analyst"))
    config = Config.from_env()
    best = insights.best_matches(sample_matcher, config)
    well = (best["good_hosts"] >= config.good_fit_hosts).mean()
    assert at.metric[0].label == "Well covered" and at.metric[0].value == f"{well:.0%}"
    assert 0.2 < well < 0.95  # discriminates, unlike "has a host" (near 100%)
    table = at.dataframe[0].value
    expected = insights.shortages(sample_matcher)
    assert list(table["gap"]) == list(expected["gap"]) and table["gap"].is_monotonic_decreasing
    assert ((table["demand"] - table["places"]).round(2) == table["gap"]).all()
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5
    for chart in charts:  # a chart holds aggregates, never a row per participant
        assert "participant_id" not in chart.proto.spec and "P0001" not in str(chart.proto)
    heat = next(json.loads(c.proto.spec) for c in charts if "Places short" in c.proto.spec)
    scale = heat["encoding"]["color"]["scale"]
    assert scale["domainMid"] == 0 and scale["domain"][0] == -scale["domain"][1]
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == 7 and all(lab.startswith("Download") for lab in labels)


def _states(pid: str) -> dict:
    """The workspace's state of each of ``pid``'s pairs (what is recorded, not shown)."""
    from views import resources

    ws = resources.workspace()
    now = ws.states(ws.admin_context())
    return dict(now.loc[now["participant_id"] == pid, ["host_id", "state"]].values.tolist())


def _consenting(sample_matcher, skip: int) -> str:
    """A consenting participant of the sample (``skip`` of them first: tests share the app's
    workspace, each takes its own participant)."""
    p = sample_matcher.participants_
    return p.loc[p["consent_share"], "participant_id"].iloc[skip]


def test_decisions_offer_only_the_valid_next_steps(sample_matcher):
    at = _app("views/decisions.py")
    first = at.selectbox(key="dc_participant").value
    other = at.selectbox(key=f"dc_host_{first}")
    other.set_value(other.options[3].split(" - ")[0]).run()  # a host picked for another
    pid = _consenting(sample_matcher, 5)
    at.selectbox(key="dc_participant").set_value(pid).run()
    # what is shown is what is recorded: the host box shows pid's best host, not the last pick
    box = at.selectbox(key=f"dc_host_{pid}")
    host = box.value
    assert box.options[0].startswith(f"{host} - ")
    assert {b.key for b in at.button} >= {"dc_shortlist", "dc_propose"}
    assert not {"dc_complete", "dc_withdraw", "dc_accept"} & {b.key for b in at.button}
    at.text_input(key=f"dc_reason_{pid}_{host}_0").set_value("strong kitchen")
    at.button(key="dc_propose").click().run()
    assert any("Recorded: proposed" in s.value for s in at.success)
    assert _states(pid) == {host: "proposed"}
    last = resources_history().iloc[-1]
    assert (last["participant_id"], last["reason"]) == (pid, "strong kitchen")
    assert at.text_input(key=f"dc_reason_{pid}_{host}_1").value == ""  # the note empties
    # proposed: the sending side may only withdraw; completing is not offered
    assert {b.key for b in at.button if b.key and b.key.startswith("dc_")} == {"dc_withdraw"}
    hat = _app("views/decisions.py", user=_signed_in(f"h-{host}", "host", host))
    pick = hat.selectbox(key="dh_pick")
    assert pick.value.startswith(sample_matcher.pseudonym(pid))
    profile = hat.table[0].value
    assert "Goals" in profile.iloc[:, 0].tolist()
    shown = " ".join(profile.astype(str).values.ravel())
    assert pid not in shown and "fewer" not in shown.lower()
    hat.button(key="dh_accept").click().run()
    assert any("Recorded: accepted" in s.value for s in hat.success)
    assert _states(pid) == {host: "accepted"}
    assert any("No open proposals" in i.value for i in hat.info)  # the answered one left
    # back on the sending side the state follows: complete or withdraw, and the agreement
    at.run()
    keys = {b.key for b in at.button if b.key and b.key.startswith("dc_")}
    assert keys == {"dc_complete", "dc_withdraw"}
    downloads = {d.key for d in at.get("download_button")}
    assert f"la_{pid}_{host}_download" in downloads and "dc_placements_xlsx" in downloads
    # the agreement as edited is kept with the placement and opens as saved
    import datetime as dt

    from views import resources

    at.date_input(key=f"la_{pid}_{host}_end").set_value(dt.date(2027, 9, 30))
    at.text_input(key=f"la_{pid}_{host}_tutor").set_value("Jo Tutor")
    at.button(key=f"la_{pid}_{host}_save").click().run()
    assert any("Saved the learning agreement" in s.value for s in at.success)
    ws = resources.workspace()
    kept = ws.agreements(ws.admin_context()).set_index("participant_id").loc[pid, "fields"]
    assert kept["end"] == "2027-09-30" and kept["sending_tutor"] == "Jo Tutor"
    fresh = _app("views/decisions.py")
    fresh.selectbox(key="dc_participant").set_value(pid).run()
    fresh.selectbox(key=f"dc_host_{pid}").set_value(host).run()
    assert fresh.date_input(key=f"la_{pid}_{host}_end").value == dt.date(2027, 9, 30)
    assert fresh.text_input(key=f"la_{pid}_{host}_tutor").value == "Jo Tutor"
    at.button(key="dc_complete").click().run()
    assert _states(pid) == {host: "completed"}
    assert any("no further step" in i.value for i in at.info)


def resources_history():
    from views import resources

    return resources.workspace().history()


def test_a_host_declines_and_the_note_does_not_carry_over(sample_matcher):
    pid = _consenting(sample_matcher, 6)
    at = _app("views/decisions.py")
    at.selectbox(key="dc_participant").set_value(pid).run()
    host = at.selectbox(key=f"dc_host_{pid}").value
    at.button(key="dc_propose").click().run()
    hat = _app("views/decisions.py", user=_signed_in(f"h-{host}", "host", host))
    key = hat.selectbox(key="dh_pick").value
    hat.text_input(key=f"dh_reason_{key}_0").set_value("no supervisor that month")
    hat.button(key="dh_decline").click().run()
    assert any("Recorded: declined" in s.value for s in hat.success)
    assert _states(pid) == {host: "declined"}
    last = resources_history().iloc[-1]
    assert (last["action"], last["reason"]) == ("decline", "no supervisor that month")
    history = hat.dataframe[-1].value
    assert "candidate" in history.columns and "participant_id" not in history.columns


def test_find_hosts_shortlists_and_proposes_the_ticked_hosts(sample_matcher):
    pid = _consenting(sample_matcher, 7)
    at = _app()
    at.selectbox(key="fh_participant").set_value(pid).run()
    ranked = at.dataframe[0].value
    hosts = list(ranked["host_id"])
    at.session_state[f"fh_table_{pid}_0"] = {"selection": {"rows": [0, 2], "columns": []}}
    at.run()
    at.text_input(key=f"fh_note_{pid}_0").set_value("two good kitchens")
    at.button(key="fh_shortlist").click().run()
    assert not at.exception
    assert _states(pid) == {hosts[0]: "shortlisted", hosts[2]: "shortlisted"}
    assert any("Shortlisted" in s.value for s in at.success)
    assert list(at.dataframe[0].value["decision"].iloc[[0, 2]]) == ["shortlisted"] * 2
    assert at.text_input(key=f"fh_note_{pid}_1").value == ""
    # propose one shortlisted and one new host; then again: the second time both are refused
    at.session_state[f"fh_table_{pid}_1"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    at.button(key="fh_propose").click().run()
    assert _states(pid) == {hosts[0]: "proposed", hosts[1]: "proposed", hosts[2]: "shortlisted"}
    at.session_state[f"fh_table_{pid}_2"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="fh_propose").click().run()
    assert any("not recorded" in w.value and "cannot propose" in w.value for w in at.warning)
    export = next(d for d in at.get("download_button") if d.key == "fh_shortlist_xlsx")
    assert export.proto.label == "Shortlist (XLSX)"


def test_a_host_marks_interest_and_the_coordinator_sees_it(sample_matcher):
    hid = "H0007"
    hat = _app("views/candidates.py", user=_signed_in(f"h-{hid}", "host", hid))
    cand = hat.selectbox(key=f"bc_pick_{hid}").value
    hat.text_input(key=f"bc_note_{cand}_0").set_value("we have a place in May")
    hat.button(key="bc_interest").click().run()
    assert any("Interest marked" in s.value for s in hat.success)
    assert hat.button(key="bc_interest").disabled  # marked once
    pid = next(
        p
        for p in sample_matcher.participants_["participant_id"]
        if sample_matcher.pseudonym(p) == cand
    )
    from views import resources

    marks = resources.workspace().interests(resources.workspace().admin_context())
    assert (pid, hid) in set(zip(marks["participant_id"], marks["host_id"], strict=True))
    at = _app("views/decisions.py")
    seen = at.dataframe[0].value
    assert (pid, hid) in set(zip(seen["participant"], seen["host"], strict=True))


def test_bad_upload_changes_nothing():
    at = _app("views/data.py")
    content = (BAD / "p_bad_cefr.csv").read_bytes()
    at.file_uploader(key="up_participants").upload("p_bad_cefr.csv", content, "text/csv")
    at.run()
    at.button[0].click().run()
    assert any("problem" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert (problems["row"] == 3).any() and (problems["column"] == "languages").any()
    assert "dataset" not in at.session_state


def test_valid_upload_replaces_the_dataset(tmp_path):
    from matcher.sample import write_sample

    pp, hp = write_sample(tmp_path, 30, 20, seed=5)
    at = _app("views/data.py")
    at.file_uploader(key="up_participants").upload("participants.csv", pp.read_bytes(), "text/csv")
    at.file_uploader(key="up_hosts").upload("hosts.csv", hp.read_bytes(), "text/csv")
    at.run()
    at.button[0].click().run()
    assert not at.exception
    ds = at.session_state["dataset"]
    assert len(ds["participants"]) == 30 and len(ds["hosts"]) == 20


def test_find_partners_suggests_valid_consortia():
    at = _app("views/partners.py")
    assert at.title[0].value == "Find partners"
    assert len(at.dataframe[0].value) == 10
    assert len(at.expander) >= 1 and "score" in at.expander[0].label
    assert any(c.value.startswith("Found by") for c in at.caption)  # how, in words
    assert not any(c.value.startswith("Search:") for c in at.caption)
    at.radio(key="fp_action").set_value("KA210").run()
    assert not at.exception


def test_a_reload_resumes_the_session_with_its_results(monkeypatch):
    from views import resources, session

    at = _app(user=None)
    at.text_input[0].set_value("demo-coordinator")
    at.text_input[1].set_value(DEMO_PASSWORD)
    at.button[0].click().run()
    token = at.session_state["session_token"]
    assert resources.workspace().resume_session(token).username == "demo-coordinator"
    at.switch_page("views/allocate.py").run()
    at.button[0].click().run()
    placed = at.session_state["allocation"].summary["placed"]

    monkeypatch.setattr(session, "browser_cookie", lambda: token)  # a reload sends the cookie
    time.sleep(1.1)  # tokens are signed to the second: a renewed one differs a second later
    again = AppTest.from_file(APP, default_timeout=180)
    again.run()
    again.switch_page("views/allocate.py").run()
    assert not again.exception
    assert again.session_state["user"].username == "demo-coordinator"
    assert again.session_state["allocation"].summary["placed"] == placed
    resumed = again.session_state["session_token"]
    assert resumed != token  # rotated on resume

    again.button(key="sign_out").click().run()
    assert again.title[0].value == "matcher"
    assert resources.workspace().resume_session(resumed) is None
    forged = AppTest.from_file(APP, default_timeout=180)
    monkeypatch.setattr(session, "browser_cookie", lambda: token + "x")
    forged.run()
    assert forged.title[0].value == "matcher" and "user" not in forged.session_state


def test_an_identity_provider_signs_in_an_existing_account(monkeypatch):
    from views import session

    _signed_in("anna@school.example", "coordinator", "Berufliche Schule Berlin 2")
    monkeypatch.setattr(session, "identity_provider", lambda: True)
    at = AppTest.from_file(APP, default_timeout=180)
    at.user = {"is_logged_in": True, "email": "anna@school.example"}
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["user"].username == "anna@school.example"
    assert at.title[0].value == "Find hosts"
    stranger = AppTest.from_file(APP, default_timeout=180)
    stranger.user = {"is_logged_in": True, "email": "nobody@school.example"}
    stranger.run()
    assert "user" not in stranger.session_state
    assert any("No account" in e.value for e in stranger.error)
    out = AppTest.from_file(APP, default_timeout=180)
    out.user = {"is_logged_in": False}
    out.run()
    assert [b.label for b in out.button][0] == "Sign in with your organisation's account"


def test_import_says_what_it_adds_and_leaves_out_before_and_after(sample_paths):
    from views import resources

    org = "Berufliche Schule Berlin 2"
    at = _app("views/data.py", user=_signed_in("demo-coordinator"))
    assert len(at.get("download_button")) == 3  # the templates: two CSV, one XLSX
    pp, hp = sample_paths
    at.file_uploader(key="up_participants").upload("participants.csv", pp.read_bytes(), "text/csv")
    at.file_uploader(key="up_hosts").upload("hosts.csv", hp.read_bytes(), "text/csv")
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    ws = resources.workspace()
    before = ws.participants(ws.admin_context())
    own = int((before["sending_org"] == org).sum())
    preview = " ".join(m.value for m in at.markdown)
    assert f"{own} already up to date" in preview
    assert (
        f"{len(before) - own} participants left out: they name another sending organisation"
        in preview.replace("\\", "")
    )
    assert "250 hosts left out: host offers are imported by an administrator" in preview.replace(
        "\\", ""
    )
    assert "upsert" not in preview and "--" not in preview
    at.button(key="import_upload").click().run()
    report = at.session_state["import_report"]
    assert report.written and report.unchanged == {"participants": own}
    assert [r.rows for r in report.refused] == [len(before) - own, 250]
    assert any("Imported" in s.value for s in at.success)
    after = ws.participants(ws.admin_context())
    before.attrs, after.attrs = {}, {}
    import pandas as pd

    pd.testing.assert_frame_equal(after, before)  # nothing of another school was written


def _by_label(widgets, text):
    return next(w for w in widgets if w.label.startswith(text))


def test_a_typed_profile_is_saved_as_a_participant_with_consent():
    from views import resources

    org = "Berufliche Schule Berlin 2"
    at = _app(user=_signed_in("demo-coordinator"))
    at.radio[0].set_value("New profile").run()
    at.button[0].click().run()
    _by_label(at.text_input, "Participant id").set_value("P-SAVED-1")
    _by_label(at.button, "Save participant").click().run()
    assert any("consent" in e.value for e in at.error)  # nothing saved without consent
    ws = resources.workspace()
    assert "P-SAVED-1" not in set(ws.participants(ws.admin_context())["participant_id"])
    _by_label(at.checkbox, "The participant (or their guardian) agreed").check()
    _by_label(at.checkbox, "The participant agrees to be shown").check()
    _by_label(at.button, "Save participant").click().run()
    assert not at.exception, at.exception
    saved = ws.participants(ws.admin_context()).set_index("participant_id").loc["P-SAVED-1"]
    assert saved["sending_org"] == org and saved["occupation"] == "cook"
    assert bool(saved["consent_share"]) and not bool(saved["fewer_opportunities"])
    _by_label(at.button, "Save participant").click().run()  # the same id again: refused
    assert any("already a participant" in e.value for e in at.error)


def test_filters_are_saved_per_user(sample_matcher):
    at = _app(user=_signed_in("demo-coordinator"))
    at.multiselect(key="fh_country").set_value(["DE", "AT"]).run()
    at.text_input(key="find_hosts_saved_name").set_value("German-speaking").run()
    at.button(key="find_hosts_saved_save").click().run()
    assert any("Filters saved" in s.value for s in at.success)

    later = _app(user=_signed_in("demo-coordinator"))
    assert later.multiselect(key="fh_country").value == []
    later.selectbox(key="find_hosts_saved_pick").set_value("German-speaking").run()
    later.button(key="find_hosts_saved_apply").click().run()
    assert later.multiselect(key="fh_country").value == ["DE", "AT"]
    assert set(later.dataframe[0].value["country"]) <= {"DE", "AT"}
    other = _app(user=_signed_in("demo-admin"))  # another user does not see them
    assert other.selectbox(key="find_hosts_saved_pick").options == [""]


def test_allocation_keeps_open_proposals_or_releases_them_and_locks_by_hand():
    from views import resources

    ws = resources.workspace()
    admin = ws.admin_context()
    coordinator = _signed_in("demo-coordinator")
    at = _app("views/allocate.py", user=coordinator)
    at.button[0].click().run()
    first = at.session_state["allocation"].assignments
    consenting = set(ws.participants(admin).query("consent_share")["participant_id"])
    placed = first[(first["status"] == "assigned") & first["participant_id"].isin(consenting)]
    placed = placed.iloc[0]
    pid = placed["participant_id"]
    m = at.session_state["allocation"].solution
    # propose the participant to a feasible host other than the one the allocation chose
    g = m.graph
    unit = m.problem.unit_of()[list(first["participant_id"]).index(pid)]
    hosts = [h for h in g.host[g.unit == unit]]
    hids = at.session_state["allocation"].hosts["host_id"].tolist()
    other = next(hids[j] for j in hosts if hids[j] != placed["host_id"])
    ws.record(admin, pid, other, "propose")
    try:
        at.button[0].click().run()
        kept = at.session_state["allocation"].assignments.set_index("participant_id")
        assert kept.loc[pid, ["host_id", "kept"]].tolist() == [other, "open proposal kept"]
        assert any("Kept as they were: open proposal kept, 1" in c.value for c in at.caption)
        at.radio(key="al_proposals").set_value(False).run()
        at.button[0].click().run()
        released = at.session_state["allocation"]
        assert released.assignments.set_index("participant_id").loc[pid, "kept"] == ""
        assert released.summary["open proposals released"] == 1
        # lock the first assigned placement from the table's selection
        at.session_state["al_assigned"] = {"selection": {"rows": [0], "columns": []}}
        at.run()
        at.button(key="al_lock").click().run()
        locks = ws.locks(coordinator)
        assert len(locks) == 1
        at.button[0].click().run()
        row = at.session_state["allocation"].assignments.set_index("participant_id")
        assert row.loc[locks["participant_id"].iloc[0], "kept"] == "locked by hand"
        at.multiselect(key="al_unlock").set_value(list(locks["participant_id"])).run()
        at.button(key="al_unlock_go").click().run()
        assert ws.locks(coordinator).empty
    finally:
        ws.record(admin, pid, other, "withdraw")
        for p in ws.locks(admin)["participant_id"]:
            ws.unlock(admin, p)


def test_allocation_summary_in_sentences_warnings_escaped_and_kept_before_the_reason():
    """The summary's sentences start with a capital; a warning (it names hosts: data) shows
    as written, never as Markdown; the assignments table shows why a placement was kept
    before the long reason, so that it is seen without scrolling sideways."""
    at = _app("views/allocate.py", user=_signed_in("demo-coordinator"))
    at.button[0].click().run()
    result = at.session_state["allocation"]
    result.summary["kept: accepted by the host"] = 1
    result.warnings.append("*Big* [Host](http://a.invalid) (H0001): check with the provider")
    at.run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if "accepted by the host" in c.value)
    assert ". Kept as they were: accepted by the host, 1" in caption, caption
    shown = at.warning[0].value
    assert plain("*Big* [Host](http://a.invalid) (H0001)") in shown
    assert "[Host](http" not in shown
    table = next(d.value for d in at.dataframe if "kept" in d.value.columns)
    columns = list(table.columns)
    assert columns.index("kept") < columns.index("reason") == len(columns) - 1


def test_where_each_placement_stands_shows_no_rating_as_empty_not_none():
    import pandas as pd

    from views.widgets import states_table

    states = pd.DataFrame(
        {
            "participant_id": ["P1", "P2"],
            "host_id": ["H1", "H2"],
            "state": ["shortlisted", "completed"],
            "since": pd.to_datetime(["2026-01-02", "2026-01-01"]),
            "reason": ["", "went well"],
            "rating": [float("nan"), 4.0],
            "interested": [False, False],
        }
    )
    assert states_table(states)["rating"].tolist() == ["", "4"]


def test_criterion_bars_are_plain_html_with_every_value_in_words():
    from views.widgets import component_bars

    html = component_bars({"sector": 0.62, "inclusion": None, "<b>x</b>": 1.7})
    assert "width:62.0%" in html and ">0.62<" in html
    assert "does not apply" in html and 'aria-label="inclusion does not apply"' in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html  # names escaped
    assert "width:100.0%" in html and ">1.00<" in html  # clipped to the 0-1 scale


def test_the_map_names_towns_as_the_table_beside_it_does():
    """The map labels a town as the data names it ("St. Julian's"), as the table beside it
    does, not as the gazetteer does ("San Ġiljan"); the gazetteer's name only when none is
    given (a host placed by coordinates)."""
    from types import SimpleNamespace

    import numpy as np

    from views.places import _town

    places = SimpleNamespace(
        given=np.array(["St. Julian's", ""]), name=np.array(["San Ġiljan", "Valletta"])
    )
    assert [_town(places, 0), _town(places, 1)] == ["St. Julian's", "Valletta"]


def test_a_failed_allocation_leaves_no_older_result_on_the_page():
    """Found in a walk (session 7): with a budget ceiling and no rates, the error appeared
    above the previous run's "13 / 13 ... Certified optimal" and its downloads."""
    at = _app("views/allocate.py", user=_signed_in("demo-coordinator"))
    at.button[0].click().run()
    assert "allocation" in at.session_state and at.metric
    at.number_input(key="al_budget").set_value(50_000).run()
    at.button[0].click().run()
    assert "fills them in the rates table" in at.error[0].value
    assert "allocation" not in at.session_state and not at.metric
    assert not any(b.label == "Download XLSX" for b in at.get("download_button"))


def test_propose_is_offered_disabled_with_the_reason_when_the_participant_did_not_consent(
    sample_matcher,
):
    """Found in a walk (session 7): Propose was enabled for a participant who did not
    consent to share their profile; clicking it then said they cannot be proposed."""
    p = sample_matcher.participants_
    pid = p.loc[~p["consent_share"].astype(bool), "participant_id"].iloc[0]
    at = _app()
    at.selectbox(key="fh_participant").set_value(pid).run()
    at.session_state[f"fh_table_{pid}_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    propose = at.button(key="fh_propose")
    assert propose.disabled and "did not consent" in propose.help
    assert not at.button(key="fh_shortlist").disabled  # the coordinator's own list: allowed
    ok = _consenting(sample_matcher, 3)
    at.selectbox(key="fh_participant").set_value(ok).run()
    at.session_state[f"fh_table_{ok}_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.button(key="fh_propose").disabled


def test_a_stable_allocation_says_what_stable_means():
    """Found in a walk (session 7): "0 blocking pairs over every feasible host" is jargon."""
    at = _app("views/allocate.py", user=_signed_in("demo-coordinator"))
    at.radio[0].set_value("stable").run()
    at.button[0].click().run()
    assert at.session_state["allocation"].summary["method"] == "stable"
    caption = " ".join(c.value for c in at.caption)
    assert "would both rather be together than with whom they got" in caption, caption
    assert "blocking pairs" not in caption
