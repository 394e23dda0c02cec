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
        # pick another participant: the ranking follows
        page.get_by_test_id("stSelectbox").first.click()
        page.keyboard.type("P0002")
        page.keyboard.press("Enter")
        other = sample_matcher.recommend_hosts("P0002", k=10)["host_id"].iloc[0]
        page.get_by_text(re.compile(rf"^Top match {other}:")).wait_for(timeout=60_000)
    assert (SHOTS / "find_hosts.png").stat().st_size > 10_000


def test_host_account_sees_only_its_candidates(app_url):
    with browser_page() as page:
        login(page, app_url, "demo-host")
        page.get_by_text("Browse candidates").first.wait_for(timeout=120_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=120_000)
        body = page.content()
        assert "fewer_opportunities" not in body and "needs_accessibility" not in body
        assert "Find hosts" not in page.locator("[data-testid='stSidebarNav']").inner_text()
        page.screenshot(path=str(SHOTS / "candidates.png"), full_page=True)
