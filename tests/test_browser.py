"""One real-browser test: the dashboard in headless Chromium, driven by Playwright."""

import re
from pathlib import Path

import pytest
from app_driver import browser_page, chromium_path, login, running_app, wait_for_ranking

pytestmark = [pytest.mark.browser, pytest.mark.model]

SHOTS = Path(__file__).resolve().parents[1] / ".matcher" / "screenshots"


@pytest.fixture(scope="module")
def app_url():
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
        yield url


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
