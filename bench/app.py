"""Dashboard speed in a real browser: process start to first ranking, and per interaction.

Starts ``streamlit run app.py`` (warm embedding cache and sample workspace: the first run
fills them, so run it twice), opens it in
headless Chromium, signs in with a demo account and waits for the ranked table on Find hosts; then switches participant several
times and times until the new ranking is shown.
Run: ``python bench/app.py``.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import machine, write_result  # noqa: E402
from app_driver import browser_page, login, running_app, wait_for_ranking  # noqa: E402

from matcher import Matcher, load_hosts, load_participants  # noqa: E402
from matcher.taxonomy import sample_dir  # noqa: E402


def main() -> None:
    warnings.simplefilter("ignore")
    m = Matcher().fit(
        load_participants(sample_dir() / "participants.csv"), load_hosts(sample_dir() / "hosts.csv")
    )  # warms the cache
    pids = ["P0002", "P0003", "P0004", "P0005", "P0006"]
    expected = {p: m.recommend_hosts(p, k=10)["host_id"].iloc[0] for p in pids}
    t0 = time.perf_counter()
    # a sample workspace of its own, kept between runs (warm, like a second start of the app)
    ws_dir = Path(__file__).resolve().parents[1] / ".matcher" / "bench-workspace"
    ws_dir.mkdir(parents=True, exist_ok=True)
    with running_app({"MATCHER_WORKSPACE_DIR": str(ws_dir)}) as url, browser_page() as page:
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
    lines = [
        f"Dashboard in headless Chromium, sample data, warm embedding cache; {machine()}",
        "",
        "| measure | seconds |",
        "|---|---|",
        f"| process start to server ready | {t_server:.2f} |",
        f"| process start to first rendered ranking | {t_first:.2f} |",
        f"| change participant to new ranking (median of {len(times)}) | {statistics.median(times):.2f} |",
        f"| change participant to new ranking (worst) | {max(times):.2f} |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    print(f"written to {write_result('app.md', text)}")


if __name__ == "__main__":
    main()
