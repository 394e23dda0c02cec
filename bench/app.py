"""Dashboard speed in a real browser (headless Chromium), this tree against a baseline commit
measured in the same run.

Each source tree (the baseline's files are taken with ``git archive`` into a temporary folder;
nothing in the repository changes) has its own fresh embedding cache and sample workspace:

- **starts**: the dashboard (``python -m views.serve``, or ``streamlit run app.py`` for a
  tree without it) is started 1 + ``--warm`` times per tree, the trees
  taking turns so that a change in the machine's load touches both alike. The first start is
  a new user's (cold: only the shipped seed vectors; the sample workspace is created), the
  next are warm (a new server process after one has run). Each time, with the browser already
  open: process start to server ready and to the first rendered ranking (signing in as the
  demo admin on the way); then the **first typed profile** of that process (submit to its
  ranking) and a second one; then the **interactions**, each timed from the browser action to
  the new content: back to the dataset, opening "Why this host?" on other hosts, switching
  participant, adding a country filter.
- **concurrent sessions**: a new warm server process serves one session (warming it), then
  single sessions one after another, then ``--sessions`` sessions at once; each is timed from
  opening the page to its first ranking, signing in on the way. Twice: as new users (each a
  new context of one Chromium, empty cache: every session compiles Streamlit's scripts) and
  as returning users (each its own Chromium profile that used the dashboard before: cache
  kept, cookies cleared). The CPU seconds the server and the browsers use for the sessions
  at once are recorded: on this one machine the browsers' work, which in use runs on each
  user's own computer, competes with the server's.

What each page must show (the top host after each action) is computed first by the engine of
the tree under test (``bench/_app_expect.py``), so that every wait ends on the new content.
The 1-minute load average is recorded with every row (2 cores shared with other work).
Run: ``python bench/app.py [--baseline REV] [--warm 2] [--sessions 10] [--no-baseline]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import machine, write_result  # noqa: E402
from app_driver import (  # noqa: E402
    CHROMIUM_ARGS,
    ROOT,
    browser_page,
    chromium_path,
    idle,
    login,
    running_app,
    settle,
    wait_for_ranking,
)

#: The dashboard before the speed work of issues #12 and #14: main just before that work was
#: first merged (it lacks the travel and scale features merged since, which add work).
BASELINE = "5aa7d75"
#: Longest wait for one step (ms).
WAIT = 120_000


def source_tree(rev: str, into: Path) -> Path:
    """The files of commit ``rev`` in a new folder under ``into`` (``git archive``)."""
    out = into / f"tree-{rev}"
    out.mkdir()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=True
    ).stdout
    tar_path = into / f"{rev}.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(out, filter="data")
    tar_path.unlink()
    return out


def expectations(root: Path, cache: Path) -> dict:
    """What the pages should show, by the engine of ``root`` (its own embedding cache, so
    that the servers' caches stay fresh)."""
    env = {**os.environ, "PYTHONPATH": str(root), "MATCHER_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_app_expect.py"))],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def _timed(page, action, done) -> float:
    """Seconds from ``action`` to ``done`` and the end of the script run it started, on a
    page that has finished its earlier runs (not timed)."""
    settle(page)
    t = time.perf_counter()
    action()
    done()
    idle(page, WAIT)
    return time.perf_counter() - t


def _top_match(page, host: str):
    return lambda: page.get_by_text(re.compile(rf"^Top match {host}:")).wait_for(timeout=WAIT)


def _pick(box, page, text: str, option: bool = False):
    """Choose ``text`` in a select box: type it, then Enter (``option``: once the list shows
    only the option named so)."""

    def act():
        box.click()
        page.keyboard.type(text)
        if option:  # Enter picks the highlighted option: wait until the list is filtered
            page.get_by_role("option", name=text, exact=True).wait_for(timeout=WAIT)
        page.keyboard.press("Enter")

    return act


def _box(page, kind: str, label: str):
    """The select box (``kind``: its test id) labelled ``label``."""
    return page.get_by_test_id(kind).filter(has=page.get_by_text(label, exact=True)).first


def typed_profiles(page, exp: dict) -> list[float]:
    """Type each profile of ``exp`` on Find hosts; seconds from submit to its ranking."""
    page.get_by_text("New profile", exact=True).click()
    page.get_by_label("Occupation or programme").wait_for(timeout=WAIT)
    page.get_by_text("Top match").first.wait_for(state="detached", timeout=WAIT)
    times = []
    for occupation, description, host in exp["typed"]:
        page.get_by_label("Occupation or programme").fill(occupation)
        page.get_by_label("Goals, skills, interests").fill(description)
        submit = page.get_by_role("button", name="Find hosts")
        times.append(_timed(page, submit.click, _top_match(page, host)))
    return times


def interactions(page, exp: dict) -> dict[str, list[float]]:
    """Seconds per interaction, by kind, after the first ranking and the typed profiles."""
    out = {"back": [], "why": [], "participant": [], "filter": []}
    back = page.get_by_text("From the dataset", exact=True).click
    out["back"].append(_timed(page, back, _top_match(page, exp["first"][1])))
    host_box = _box(page, "stSelectbox", "Host")
    for host, score in exp["whys"]:
        value = page.get_by_test_id("stMetricValue").get_by_text(score, exact=True)
        done = lambda v=value: v.wait_for(timeout=WAIT)  # noqa: E731
        out["why"].append(_timed(page, _pick(host_box, page, host), done))
    participant_box = _box(page, "stSelectbox", "Participant")
    for pid, host in exp["switches"]:
        pick = _pick(participant_box, page, pid)
        out["participant"].append(_timed(page, pick, _top_match(page, host)))
    page.get_by_text("Filters", exact=True).click()
    country_box = _box(page, "stMultiSelect", "Country")
    country_box.wait_for(timeout=WAIT)
    for country, host in exp["filters"]:
        pick = _pick(country_box, page, country, option=True)
        out["filter"].append(_timed(page, pick, _top_match(page, host)))
        page.keyboard.press("Escape")
    return out


def one_start(root: Path, env: dict, exp: dict) -> dict:
    """A server process from start to first ranking, then its typed profiles and interactions."""
    with browser_page() as page:  # the browser is open before the server starts, as a user's
        t0 = time.perf_counter()
        with running_app(env, root=root) as url:
            ready = time.perf_counter() - t0
            return _after_start(page, url, t0, ready, exp)


def _after_start(page, url: str, t0: float, ready: float, exp: dict) -> dict:
    login(page, url)
    wait_for_ranking(page)
    first = time.perf_counter() - t0
    typed = typed_profiles(page, exp)
    steps = interactions(page, exp)
    return {"ready": ready, "first": first, "typed": typed, **steps}


VIEWPORT = {"width": 1400, "height": 1000}


async def _first_ranking(context, url: str) -> float:
    """Seconds from opening the app in a new tab of ``context`` to its first ranking."""
    page = await context.new_page()
    try:
        t = time.perf_counter()
        await page.goto(url)
        await page.get_by_label("User name").wait_for(timeout=WAIT)
        await page.get_by_label("User name").fill("demo-admin")
        await page.get_by_label("Password", exact=True).fill("demo")
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_text("Top match").first.wait_for(timeout=WAIT)
        await page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT)
        return time.perf_counter() - t
    finally:
        await page.close()


async def _session(browser, url: str) -> float:
    """A new user: a new browser context (empty cache), open page to first ranking."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        return await _first_ranking(context, url)
    finally:
        await context.close()


async def _returning_user(pw, url: str, folder: str):
    """A browser with its own profile that has used the dashboard before (its cache holds
    the app's scripts; its cookies are cleared), as a returning user's."""
    context = await pw.chromium.launch_persistent_context(
        folder,
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
    await _first_ranking(context, url)
    await context.clear_cookies()
    return context


def _cpu(pids_of) -> float:
    """CPU seconds used so far by the processes ``pids_of()`` names and by their children
    that have ended (0 without psutil)."""
    try:
        import psutil
    except ImportError:
        return 0.0
    total = 0.0
    for pid in pids_of():
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def _server_pids(url: str) -> list[int]:
    import psutil

    port = url.rsplit(":", 1)[1]

    def server(cmdline: str) -> bool:  # streamlit run app.py, or python -m views.serve
        return "streamlit" in cmdline or "views.serve" in cmdline

    return [
        p.pid
        for p in psutil.process_iter(["cmdline"])
        if server(" ".join(p.info["cmdline"] or [])) and port in (p.info["cmdline"] or [])
    ]


def _browser_pids() -> list[int]:
    import psutil

    out = []
    for p in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):  # ended meanwhile
            if "chrom" in p.name().lower():
                out.append(p.pid)
    return out


async def _timed_sessions(url: str, n: int, singles: int, open_one) -> dict:
    """``singles`` sessions one after another, then ``n`` at once (``open_one(k)``: open
    page to first ranking for the k-th), with the CPU seconds used for the ``n``."""
    single = [await open_one(k) for k in range(singles)]
    cpu = [_cpu(lambda: _server_pids(url)), _cpu(_browser_pids)]
    many = await asyncio.gather(*(open_one(singles + k) for k in range(n)))
    cpu = [_cpu(lambda: _server_pids(url)) - cpu[0], _cpu(_browser_pids) - cpu[1]]
    return {"single": single, "many": list(many), "cpu": cpu}


async def _sessions(url: str, n: int, singles: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            out = {"warm": await _session(browser, url)}
            out["new"] = await _timed_sessions(url, n, singles, lambda k: _session(browser, url))
        finally:
            await browser.close()
        with tempfile.TemporaryDirectory() as tmp:
            users = [await _returning_user(pw, url, f"{tmp}/{k}") for k in range(n + singles)]
            try:
                out["returning"] = await _timed_sessions(
                    url, n, singles, lambda k: _first_ranking(users[k], url)
                )
            finally:
                for context in users:
                    await context.close()
    return out


def concurrent(root: Path, env: dict, n: int, singles: int = 3) -> dict:
    """One new warm server process: its first session, single sessions, then ``n`` at once
    (with the CPU seconds the server and the browser used for those)."""
    with running_app(env, root=root) as url:
        return asyncio.run(_sessions(url, n, singles))


@dataclass
class Tree:
    """A source tree under test, with its own fresh embedding cache and sample workspace."""

    name: str
    root: Path
    env: dict
    exp: dict
    starts: list = field(default_factory=list)
    sessions: dict = field(default_factory=dict)


def prepare(name: str, rev: str | None, work: Path) -> Tree:
    """The tree of commit ``rev`` (None: this checkout) in ``work``, and its expectations."""
    work.mkdir()
    root = source_tree(rev, work) if rev else ROOT
    env = {
        "MATCHER_WORKSPACE_DIR": str(work / "ws"),
        "MATCHER_CACHE_DIR": str(work / "cache"),
        # as on a user's machine, a start compiles the sources once and later starts reuse that
        "PYTHONDONTWRITEBYTECODE": None,
    }
    Path(env["MATCHER_WORKSPACE_DIR"]).mkdir()
    return Tree(name, root, env, expectations(root, work / "expect-cache"))


def measure(trees: list[Tree], n: int, warm: int) -> None:
    """Every figure, the trees taking turns start by start (so that a change in the
    machine's load touches both alike); the load average is recorded with each."""
    labels = ["cold (first start)", *(f"warm ({k + 2}. start)" for k in range(warm))]
    for label in labels:
        for tree in trees:
            load = os.getloadavg()[0]
            tree.starts.append(
                {"label": label, "load": load, **one_start(tree.root, tree.env, tree.exp)}
            )
            print(tree.name, tree.starts[-1], flush=True)
    for tree in trees:
        tree.sessions = {"load": os.getloadavg()[0], **concurrent(tree.root, tree.env, n)}
        print(tree.name, "sessions", tree.sessions, flush=True)


def _med(xs) -> str:
    return f"{statistics.median(xs):.2f}"


def report(trees: list[Tree], n: int) -> str:
    """The Markdown tables of ``bench/results/app.md``."""
    lines = [
        "| tree | start | load | server ready (s) | first ranking (s) | first typed profile (s) | "
        "second typed profile (s) | why this host, median (s) | change participant, median "
        "(s) | add a filter, median (s) | back to the dataset (s) | worst interaction (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label in [s["label"] for s in trees[0].starts]:
        for tree in trees:
            (s,) = [x for x in tree.starts if x["label"] == label]
            every = [*s["why"], *s["participant"], *s["filter"], *s["back"]]
            lines.append(
                f"| {tree.name} | {label} | {s['load']:.1f} | {s['ready']:.2f} | "
                f"{s['first']:.2f} | {s['typed'][0]:.2f} | {s['typed'][1]:.2f} | "
                f"{_med(s['why'])} | {_med(s['participant'])} | {_med(s['filter'])} | "
                f"{s['back'][0]:.2f} | {max(every):.2f} |"
            )
    lines += [
        "",
        "Sessions on one warm server process (after its first), open page to first ranking "
        f"(sign-in included), one at a time and {n} at once. New users: each a new context of "
        "one Chromium (empty cache). Returning users: each its own Chromium profile that has "
        "used the dashboard before (cache kept, cookies cleared).",
        "",
        f"| tree | load | users | single session, median of 3 (s) | {n} at once, median (s) | "
        f"{n} at once, worst (s) | median / single | CPU for the {n}: server, browsers (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for tree in trees:
        for users in ("new", "returning"):
            s = tree.sessions[users]
            single, many = statistics.median(s["single"]), statistics.median(s["many"])
            lines.append(
                f"| {tree.name} | {tree.sessions['load']:.1f} | {users} | {single:.2f} | "
                f"{many:.2f} | {max(s['many']):.2f} | {many / single:.1f}x | "
                f"{s['cpu'][0]:.1f}, {s['cpu'][1]:.1f} |"
            )
    return "\n".join(lines) + "\n"


def _load() -> str:
    return "load average before: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    """Measure the baseline and this tree, write ``bench/results/app.md``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    ap.add_argument("--no-baseline", action="store_true", help="measure this tree only")
    ap.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    ap.add_argument("--warm", type=int, default=2, help="warm starts after the cold one")
    ap.add_argument("--out", default="app.md", help="file name in bench/results/")
    args = ap.parse_args()
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load = _load()
    with tempfile.TemporaryDirectory() as tmp:
        wanted = [] if args.no_baseline else [(f"baseline {args.baseline}", args.baseline)]
        wanted.append((f"this tree ({head})", None))
        trees = [prepare(name, rev, Path(tmp) / (rev or "head")) for name, rev in wanted]
        measure(trees, args.sessions, args.warm)
    text = f"Dashboard in headless Chromium, sample data; {machine()}; {load}\n\n" + report(
        trees, args.sessions
    )
    print(text)
    print(f"written to {write_result(args.out, text)}")


if __name__ == "__main__":
    main()
