"""Dashboard speed in a real browser: process start to first ranking, and per interaction.

Starts ``streamlit run app.py`` three times on one fresh embedding cache and workspace: the
first start is a new user's (cold: only the shipped seed vectors, the sample workspace created),
the next two are warm. Each time it opens the app in headless Chromium, signs in with a demo
account, waits for the ranked table on Find hosts, then switches participant several times and
times until the new ranking is shown.
Run: ``python bench/app.py``.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import machine, write_result  # noqa: E402
from app_driver import browser_page, login, running_app, wait_for_ranking  # noqa: E402

from matcher import Matcher, load_hosts, load_participants  # noqa: E402
from matcher.taxonomy import sample_dir  # noqa: E402


def measure(env: dict, pids: list[str], expected: dict) -> tuple[float, float, list[float]]:
    """Server ready, first rendered ranking (both from process start), and per-change times."""
    t0 = time.perf_counter()
    with running_app(env) as url, browser_page() as page:
        t_server = time.perf_counter() - t0
        login(page, url)  # the sample workspace's demo admin
        wait_for_ranking(page)
        t_first = time.perf_counter() - t0
        times = []
        for pid in pids:
            t = time.perf_counter()
            page.get_by_test_id("stSelectbox").first.click()
            page.keyboard.type(pid)
            page.keyboard.press("Enter")
            page.get_by_text(re.compile(rf"^Top match {expected[pid]}:")).wait_for(timeout=60_000)
            times.append(time.perf_counter() - t)
    return t_server, t_first, times


def main() -> None:
    warnings.simplefilter("ignore")
    m = Matcher().fit(
        load_participants(sample_dir() / "participants.csv"), load_hosts(sample_dir() / "hosts.csv")
    )
    pids = ["P0002", "P0003", "P0004", "P0005", "P0006"]
    expected = {p: m.recommend_hosts(p, k=10)["host_id"].iloc[0] for p in pids}
    lines = [
        f"Dashboard in headless Chromium, sample data; {machine()}",
        "",
        "| start | process start to server ready (s) | to first rendered ranking (s) | change participant, median (s) | worst (s) |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        # a fresh machine: empty embedding cache (only the shipped seed vectors), no workspace
        env = {"MATCHER_WORKSPACE_DIR": f"{tmp}/ws", "MATCHER_CACHE_DIR": f"{tmp}/cache"}
        Path(env["MATCHER_WORKSPACE_DIR"]).mkdir()
        for label in ("cold (first start)", "warm (second start)", "warm (third start)"):
            t_server, t_first, times = measure(env, pids, expected)
            lines.append(
                f"| {label} | {t_server:.2f} | {t_first:.2f} | "
                f"{statistics.median(times):.2f} | {max(times):.2f} |"
            )
            print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    print(f"written to {write_result('app.md', text)}")


if __name__ == "__main__":
    main()
