"""The floor under bench/app.py's concurrent-sessions figure: ten browser sessions at once of
a *minimal* Streamlit page (a title and a 10-row table, nothing of matcher), on this machine.

bench/app.py times ten headless Chromium sessions of the dashboard at once against one at a
time, with the browsers on the same 2 cores as the server. This script times the same thing
for the smallest Streamlit page there is, with the same browser and flags: what the browsers
and Streamlit's own front end cost, which no change to matcher can remove. If the minimal
page cannot stay within 3x of its single session here, neither can any Streamlit dashboard.

Run: ``python bench/app_floor.py [--sessions 10] [--singles 3]``.
Figures: ``bench/results/app-floor.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import machine, write_result  # noqa: E402
from app_driver import CHROMIUM_ARGS, chromium_path, free_port  # noqa: E402

from app import VIEWPORT, _timed_sessions  # noqa: E402

MINIMAL_APP = """
import pandas as pd
import streamlit as st

st.title("Minimal")
st.dataframe(pd.DataFrame({"rank": range(1, 11), "host": [f"H{i:04d}" for i in range(10)]}))
st.write("rendered")
"""


async def _open(browser, url: str) -> float:
    """A new user (new context, empty cache): open the page to its table."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        t0 = time.perf_counter()
        await page.goto(url)
        await page.get_by_text("rendered").wait_for(timeout=300_000)
        await page.locator("[data-testid=stDataFrame]").wait_for(timeout=300_000)
        return time.perf_counter() - t0
    finally:
        await context.close()


async def _run(url: str, n: int, singles: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            await _open(browser, url)  # the server's first session
            return await _timed_sessions(url, n, singles, lambda k: _open(browser, url))
        finally:
            await browser.close()


def measure(n: int, singles: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "minimal.py"
        app.write_text(MINIMAL_APP, encoding="utf-8")
        port = free_port()
        cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
        cmd += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            url = f"http://localhost:{port}"
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    import urllib.request

                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            return asyncio.run(_run(url, n, singles))
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--singles", type=int, default=3)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    r = measure(args.sessions, args.singles)
    one, many = statistics.median(r["single"]), statistics.median(r["many"])
    server_cpu, browser_cpu = r["cpu"]
    text = "\n".join(
        [
            "# The floor of concurrent sessions (bench/app_floor.py)",
            "",
            f"{machine()}; load average {load:.1f} before the run. A minimal Streamlit page (a",
            "title and a 10-row table), headless Chromium with the flags of bench/app.py, each",
            "session a new browser context (new user), timed from opening the page to the table.",
            "",
            "| single session, median s | "
            f"{args.sessions} at once, median s | ratio | server CPU s a session | "
            "browsers' CPU s a session |",
            "|---|---|---|---|---|",
            f"| {one:.2f} | {many:.2f} | {many / one:.1f}x | {server_cpu / args.sessions:.2f} | "
            f"{browser_cpu / args.sessions:.2f} |",
            "",
            f"single sessions (s): {', '.join(f'{x:.2f}' for x in r['single'])}; "
            f"at once (s): {', '.join(f'{x:.1f}' for x in sorted(r['many']))}",
            "",
        ]
    )
    print(text)
    print(f"written to {write_result('app-floor.md', text)}")


if __name__ == "__main__":
    main()
