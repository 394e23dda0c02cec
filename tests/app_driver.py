"""Start the dashboard in a real Streamlit server and drive it with headless Chromium.

Shared by the browser test, ``bench/app.py`` and ``scripts/screenshots.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(env: dict | None = None, timeout: float = 120.0, root: Path = ROOT):
    """Yield the URL of a fresh dashboard server (``python -m views.serve``, as ``make run``
    starts it) on a free loopback port (the app of the source tree ``root``: this checkout
    unless a benchmark compares another)."""
    port = free_port()
    # the README's start (make run): views.serve, i.e. streamlit run app.py with the first
    # imports preloaded; a tree without it (a benchmark's baseline) is started as it was
    start = ["-m", "views.serve"] if (root / "views" / "serve.py").exists() else None
    cmd = [
        sys.executable,
        *(start or ["-m", "streamlit", "run", str(root / "app.py")]),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}  # None: unset
    full_env = {k: v for k, v in full_env.items() if v is not None}
    # that tree's package first (not an installed copy from another checkout)
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), full_env.get("PYTHONPATH")]))
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=root, env=full_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(
                        "streamlit did not start:\n" + log.read().decode(errors="replace")[-3000:]
                    )
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("no Chromium found (apt-get install chromium)")
    with sync_playwright() as pw:  # Playwright gives the browser a fresh, empty profile
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def login(
    page, url: str, username: str = "demo-admin", password: str = "demo", timeout_ms: int = 120_000
):
    """Sign in on the login page (the sample workspace's demo accounts)."""
    page.goto(url)
    page.get_by_label("User name").wait_for(timeout=timeout_ms)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_for_ranking(page, timeout_ms: int = 120_000):
    """Wait until Find hosts shows its ranked table and the top-match caption."""
    page.get_by_text("Top match").first.wait_for(timeout=timeout_ms)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=timeout_ms)
    return page.get_by_text("Top match").first.inner_text()


#: True while a script run is under way: the running icon, or elements of the last run.
_BUSY = (
    "() => !!document.querySelector("
    '\'[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"]\')'
)


def idle(page, timeout_ms: int = 60_000) -> None:
    """Wait, with no fixed pause, until no script run is under way (for timing)."""
    page.wait_for_function(f"() => !({_BUSY})()", timeout=timeout_ms)


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app has finished its script run (twice idle, 300 ms apart), so that
    no element of the previous run is still on the page."""
    for _ in range(2):
        page.wait_for_timeout(300)
        idle(page, timeout_ms)


def pick(page, index: int, text: str) -> None:
    """Choose ``text`` in the ``index``-th select box of the page (typed, then Enter)."""
    settle(page)
    page.get_by_test_id("stSelectbox").nth(index).click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    settle(page)


#: Height (pixels) of a header or a row of ``st.dataframe``, and the middle of its selection box.
ROW_HEIGHT, SELECT_BOX_X = 35, 12


def tick_row(page, row: int) -> None:
    """Tick (or untick) a row of the page's first table by its selection box."""
    settle(page)
    box = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    y = box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2
    page.mouse.click(box["x"] + SELECT_BOX_X, y)
    settle(page)


def run_page(user, page: str | None = None):
    """The app under Streamlit's AppTest, run once signed in as ``user`` (a handle issued by
    the app's workspace, or None for the sign-in page), then switched to ``page``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    if user is not None:
        at.session_state["user"] = user
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at
