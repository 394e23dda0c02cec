"""Real-browser tests: the dashboard in headless Chromium, driven by Playwright; the
workflows check what the workspace recorded, not only what the page shows."""

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from app_driver import (
    browser_page,
    chromium_path,
    login,
    pick,
    running_app,
    settle,
    tick_row,
    wait_for_ranking,
)

pytestmark = [pytest.mark.browser, pytest.mark.model]

SHOTS = Path(__file__).resolve().parents[1] / ".matcher" / "screenshots"


@pytest.fixture(scope="module")
def app():
    """A fresh dashboard on its own sample workspace, and that workspace's URL."""
    if chromium_path() is None:
        pytest.skip(
            "Chromium is not installed here (make test installs the Debian package chromium)"
        )
    pytest.importorskip("playwright")
    import tempfile

    with (
        tempfile.TemporaryDirectory() as ws_dir,
        running_app({"MATCHER_WORKSPACE_DIR": ws_dir}) as url,
    ):
        yield SimpleNamespace(url=url, db=f"sqlite:///{Path(ws_dir) / 'sample-workspace.db'}")


@pytest.fixture(scope="module")
def app_url(app):
    return app.url


def test_find_hosts_in_a_real_browser(app_url, sample_matcher):
    expected = sample_matcher.recommend_hosts("P0001", k=10)
    with browser_page() as page:
        login(page, app_url)
        caption = wait_for_ranking(page)
        assert caption.startswith(f"Top match {expected['host_id'].iloc[0]}:"), caption
        assert "sector fit" in caption
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "find_hosts.png"), full_page=True)
        assert _fits_without_sideways_scrolling(page)  # at 1400 px
        # pick another participant: the ranking follows
        page.get_by_test_id("stSelectbox").first.click()
        page.keyboard.type("P0002")
        page.keyboard.press("Enter")
        other = sample_matcher.recommend_hosts("P0002", k=10)["host_id"].iloc[0]
        page.get_by_text(re.compile(rf"^Top match {other}:")).wait_for(timeout=60_000)
    assert (SHOTS / "find_hosts.png").stat().st_size > 10_000


def _fits_without_sideways_scrolling(page) -> bool:
    """Whether the first table's columns fit its width (no horizontal scroll bar)."""
    scroller = page.locator("[data-testid='stDataFrame'] .dvn-scroller").first
    scroller.wait_for(timeout=60_000)
    return scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_host_account_sees_only_its_candidates(app_url):
    with browser_page() as page:
        login(page, app_url, "demo-host")
        page.get_by_text("Browse candidates").first.wait_for(timeout=120_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
        body = page.content()
        assert "fewer_opportunities" not in body and "needs_accessibility" not in body
        assert "Find hosts" not in page.locator("[data-testid='stSidebarNav']").inner_text()
        page.get_by_text("Why this candidate?").wait_for(timeout=120_000)
        assert _fits_without_sideways_scrolling(page)
        page.screenshot(path=str(SHOTS / "candidates.png"), full_page=True)


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_a_reload_keeps_the_session_and_sign_out_ends_it(app_url):
    with browser_page() as page:
        login(page, app_url, "demo-coordinator")
        wait_for_ranking(page)
        cookie = next(c for c in page.context.cookies() if c["name"] == "matcher_session")
        assert cookie["value"] and cookie["sameSite"] == "Strict"
        page.get_by_role("link", name="Allocate a cohort").click()
        page.get_by_role("button", name="Run allocation").click()
        page.get_by_text("Places used").first.wait_for(timeout=120_000)
        placed = page.get_by_test_id("stMetricValue").first.inner_text()

        page.reload()  # still signed in, on the same page, with the allocation
        page.get_by_text("Places used").first.wait_for(timeout=120_000)
        assert page.get_by_test_id("stMetricValue").first.inner_text() == placed
        assert "demo-coordinator" in page.get_by_test_id("stSidebar").inner_text()
        assert page.get_by_label("Password", exact=True).count() == 0

        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("User name").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        left = [c for c in page.context.cookies() if c["name"] == "matcher_session"]
        assert not left or not left[0]["value"]  # the cookie is deleted
        page.reload()
        page.get_by_label("User name").wait_for(timeout=60_000)
        # the old cookie, replayed, no longer opens the session: sign-out ended it
        page.context.add_cookies([{**cookie, "sameSite": "Strict"}])
        page.reload()
        page.get_by_label("User name").wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert "Sign out" not in page.content()


def test_analyst_exports_the_ranked_shortages(app_url, sample_matcher, tmp_path):
    import pandas as pd

    from matcher import insights

    with browser_page() as page:
        login(page, app_url, "demo-analyst")
        page.get_by_role("heading", name="Shortages of places").wait_for(timeout=120_000)
        page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=120_000)
        page.wait_for_timeout(2000)
        page.screenshot(path=str(SHOTS / "insights.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download shortages (CSV)").click()
        path = tmp_path / "shortages.csv"
        download.value.save_as(path)
        text = _main_text(page)
    exported = pd.read_csv(path, encoding="utf-8-sig")
    expected = insights.shortages(sample_matcher)
    assert list(exported.columns) == ["rank", "field", "country", "places", "demand", "gap"]
    assert len(exported) == len(expected) > 0
    assert list(exported["field"]) == list(expected["field"])
    assert list(exported["country"]) == list(expected["country"])
    assert exported["gap"].is_monotonic_decreasing and (exported["gap"] > 0).all()
    assert ((exported["demand"] - exported["places"]).round(2) == exported["gap"]).all()
    assert "1/3" in text  # fractional demand is explained on the page


# --- the workflows of issue 14 -------------------------------------------------------------

PASSWORD = "a long enough password"


def _workspace(app):
    """The app's workspace, opened by the test (the app creates it on its first page)."""
    from matcher.store import Workspace

    return Workspace(app.db)


def _host_account(ws, host_id):
    """A signed-in host account acting for ``host_id`` (created on first use)."""
    admin = ws.admin_context()
    name = f"host-{host_id}"
    if name not in set(ws.users(admin)["username"]):
        ws.add_user(name, PASSWORD, "host", host_id, by=admin)
    return ws.authenticate(name, PASSWORD)


def _state(ws, pid, hid) -> str:
    now = ws.states(ws.admin_context())
    row = now[(now["participant_id"] == pid) & (now["host_id"] == hid)]
    return row["state"].iloc[0] if len(row) else ""


def test_coordinator_workflow_search_shortlist_propose_accepted_document(app, sample_matcher):
    from docx import Document
    from openpyxl import load_workbook

    with browser_page(1400, 1400) as page:
        login(page, app.url, "demo-coordinator")
        wait_for_ranking(page)
        ws = _workspace(app)
        coordinator = ws.users(ws.admin_context()).set_index("username").loc["demo-coordinator"]
        p = ws.participants(ws.admin_context())
        mine = p[(p["sending_org"] == coordinator["organisation"]) & p["consent_share"]]
        pid = mine["participant_id"].iloc[1]
        hosts = list(sample_matcher.recommend_hosts(pid, k=10)["host_id"])
        # search
        pick(page, 0, pid)
        page.get_by_text(re.compile(rf"^Top match {hosts[0]}:")).wait_for(timeout=60_000)
        # shortlist two ticked hosts, with a note
        tick_row(page, 0)
        tick_row(page, 1)
        page.get_by_role("textbox", name="Note for the ticked hosts").fill("both near the sea")
        page.get_by_role("button", name="Shortlist", exact=True).click()
        page.get_by_text(f"Shortlisted for {pid}").wait_for(timeout=60_000)
        settle(page)
        assert [_state(ws, pid, h) for h in hosts[:2]] == ["shortlisted", "shortlisted"]
        assert set(ws.decisions(ws.admin_context())["reason"]) >= {"both near the sea"}
        # propose the first
        tick_row(page, 0)
        page.get_by_role("button", name="Propose", exact=True).click()
        page.get_by_text(f"Proposed for {pid}").wait_for(timeout=60_000)
        settle(page)
        assert _state(ws, pid, hosts[0]) == "proposed"
        # the host accepts (its own workflow is the next test)
        ws.respond(_host_account(ws, hosts[0]), ws.pseudonym(pid), hosts[0], accept=True)
        assert _state(ws, pid, hosts[0]) == "accepted"
        # the document, from the accepted placement
        page.get_by_role("link", name="Decisions").click()
        page.get_by_role("heading", name="Decisions").wait_for(timeout=60_000)
        pick(page, 0, pid)
        page.get_by_text("Now: accepted").wait_for(timeout=60_000)
        assert page.get_by_role("button", name="Complete").is_visible()
        assert page.get_by_role("button", name="Propose").count() == 0
        page.get_by_role("textbox", name="Tutor at your school").fill("Maria Weber")
        page.get_by_role("textbox", name="Tutor at your school").press("Tab")
        page.wait_for_timeout(1500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "decisions_agreement.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the draft (DOCX)").click()
        doc = Document(download.value.path())
        text = "\n".join(
            [x.text for x in doc.paragraphs]
            + [c.text for t in doc.tables for r in t.rows for c in r.cells]
        )
        host_name = sample_matcher.hosts_.set_index("host_id").at[hosts[0], "name"]
        assert pid in text and host_name in text and "Maria Weber" in text
        with page.expect_download() as download:
            page.get_by_role("button", name="Agreed placements (XLSX)").click()
        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
        assert [(r[0], r[4]) for r in rows] == [(pid, hosts[0])]
    ws.engine.dispose()


def test_host_workflow_browse_interest_accept_decline(app, sample_matcher):
    with browser_page(1400, 1400) as page:
        login(page, app.url, "demo-host")
        page.get_by_role("heading", name="Browse candidates").wait_for(timeout=120_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
        ws = _workspace(app)
        host = ws.users(ws.admin_context()).set_index("username").at["demo-host", "host_id"]
        ranked = sample_matcher.recommend_participants(host, k=10)
        # the test process pseudonymises under its own key, the app under its workspace's
        ids = sample_matcher.participants_["participant_id"]
        by_pseudonym = {sample_matcher.pseudonym(p): p for p in ids}
        first, second = (by_pseudonym[c] for c in ranked["candidate"].iloc[:2])
        # interest in the first candidate (the one the select box starts on)
        page.get_by_role("textbox", name="Note to the sending school").fill("a place in May")
        page.get_by_role("button", name="Mark interest").click()
        page.get_by_text("Interest marked in").wait_for(timeout=60_000)
        marks = ws.interests(ws.admin_context())
        assert (first, host) in set(zip(marks["participant_id"], marks["host_id"], strict=True))
        assert _state(ws, first, host) == ""  # interest is no step of the lifecycle
        page.screenshot(path=str(SHOTS / "candidates_interest.png"), full_page=True)
        # the sending school proposes both (the admin acts for it here)
        admin = ws.admin_context()
        ws.record(admin, first, host, "propose")
        ws.record(admin, second, host, "propose")
        page.get_by_role("link", name="Decisions").click()
        page.get_by_role("heading", name="Decisions").wait_for(timeout=60_000)
        page.get_by_text("The candidate's profile").wait_for(timeout=60_000)
        pick(page, 0, ws.pseudonym(first))
        page.get_by_text(ws.pseudonym(first)).first.wait_for(timeout=60_000)
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "Goals" in body and "Languages and levels" in body
        assert first not in body and second not in body
        assert "fewer" not in body.lower() and "accessib" not in body.lower()
        page.screenshot(path=str(SHOTS / "decisions_host.png"), full_page=True)
        page.get_by_role("button", name="Accept").click()
        page.get_by_text("Recorded: accepted").wait_for(timeout=60_000)
        assert _state(ws, first, host) == "accepted"
        # the second: declined, with the reason
        page.get_by_role("textbox", name="Note (why, for a decline)").fill("no tutor in July")
        page.get_by_role("button", name="Decline").click()
        page.get_by_text("Recorded: declined").wait_for(timeout=60_000)
        assert _state(ws, second, host) == "declined"
        last = ws.history().iloc[-1]
        assert (last["participant_id"], last["action"], last["reason"]) == (
            second,
            "decline",
            "no tutor in July",
        )
        page.get_by_text("No open proposals").wait_for(timeout=60_000)
    ws.engine.dispose()
