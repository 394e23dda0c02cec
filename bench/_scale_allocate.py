"""Allocation at national scale (issue #16, item 2): ``matcher allocate --method optimal`` on
sample-generated cohorts, in child processes measured with ``/usr/bin/time -v``.

Each run is the command line itself (load, fit, allocate, write the CSV) with the project's
HashingEncoder in place of the model, so that only the engine and the allocation are timed.
In one run:
- 10,000 x 2,000, every feasible pair handed to the solver (the dense path, the baseline)
  against the sparse candidate graph with its certificate: same optimum, time and memory;
- 40,000 x 10,000 on the sparse graph (the target: <= 600 s, certified optimal, < 8 GB);
- the 40,000 x 10,000 cohort without its groups' members (the case the flow certifies
  exactly);
- with ``--big``, 100,000 x 30,000.

Run: ``python bench/scale.py allocate [--big]`` (or ``python bench/_scale_allocate.py [--big]
[--only without]`` for some rows).
Figures: ``bench/results/scale-allocate.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, machine, write_result  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: Where generated samples are kept between runs (they take minutes to write).
CACHE = Path(os.environ.get("MATCHER_BENCH_CACHE", Path(tempfile.gettempdir()) / "matcher-bench"))
#: What the child runs: the CLI with the HashingEncoder in place of the model.
CHILD = (
    "import sys, matcher.encode as e; "
    "e.make_encoder = lambda config=None: e.HashingEncoder(); "
    "from matcher.cli import main; sys.exit(main(sys.argv[1:]))"
)
SUMMARY_KEYS = ("placed", "participants", "total_score", "optimality", "candidate_hosts")
SUMMARY_KEYS += ("scoring_seconds", "solve_seconds")


def sample(n: int, m: int) -> Path:
    """A ``matcher sample`` of n participants and m hosts (written once, then reused)."""
    out = CACHE / f"{n}x{m}"
    if not (out / "hosts.csv").exists():
        cmd = ["sample", "--out", str(out), "--participants", str(n), "--hosts", str(m)]
        subprocess.run([sys.executable, "-c", CHILD, *cmd], check=True, env=_env())
    return out


def without_groups(data: Path) -> Path:
    """The cohort ``data`` without its groups: every group's learners and accompanying
    persons left out (a group mobility's stay fits no activity of a learner alone). Without
    groups the optimum is the certified flow's (no integer programme)."""
    import pandas as pd

    out = data.with_name(data.name + "-without-groups")
    if not (out / "hosts.csv").exists():
        out.mkdir(parents=True, exist_ok=True)
        p = pd.read_csv(data / "participants.csv", dtype=str, keep_default_na=False)
        p = p[(p["role"] != "accompanying") & (p["group_id"] == "")]
        p.to_csv(out / "participants.csv", index=False)
        (out / "hosts.csv").write_bytes((data / "hosts.csv").read_bytes())
    return out


def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", MATCHER_SHOW_PROGRESS="0")
    return env | {k: str(v) for k, v in extra.items()}


def _time_v(stderr: str) -> dict:
    """Wall seconds, CPU seconds and peak resident memory (GB) from ``/usr/bin/time -v``."""

    def field(name):
        return re.search(rf"{re.escape(name)}: (.+)", stderr).group(1).strip()

    clock = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(v * 60**k for k, v in enumerate(reversed(clock)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_gb": int(field("Maximum resident set size (kbytes)")) / 1e6,
    }


def killed(stderr: str) -> dict:
    """The row of a run the kernel killed (signal 9, out of memory): how far and how big."""
    out = _time_v(stderr) | {"participants": "", "placed": "", "total_score": ""}
    out["optimality"] = "killed by the out-of-memory killer (signal 9)"
    return out | {"candidate_hosts": "80"}


def allocate_run(data: Path, **env) -> dict:
    """``matcher allocate --method optimal`` on ``data`` in a child process, measured."""
    with tempfile.TemporaryDirectory() as tmp:  # no workspace: the plain scores
        out = Path(tmp) / "allocation.csv"
        cmd = ["/usr/bin/time", "-v", sys.executable, "-c", CHILD, "allocate", "--method"]
        cmd += ["optimal", "--participants", str(data / "participants.csv")]
        cmd += ["--hosts", str(data / "hosts.csv"), "--out", str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, env=_env(**env))
        if "Command terminated by signal 9" in done.stderr:  # the kernel's out-of-memory killer
            return killed(done.stderr)
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
    summary = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in SUMMARY_KEYS:
            summary[key] = value.strip()
    return _time_v(done.stderr) | summary


def _row(label: str, r: dict) -> str:
    return (
        f"| {label} | {float(r['wall']):.0f} | {float(r['cpu']):.0f} | {r['rss_gb']:.2f} | "
        f"{r.get('scoring_seconds', '')} | {r.get('solve_seconds', '')} | {r['candidate_hosts']} | "
        f"{r['placed']} / {r['participants']} | {r['total_score']} | {r['optimality']} |"
    )


def run(big: bool = False, plain: bool = True, only=None) -> str:
    """Run the allocation rows of the scale benchmark; returns (and writes) the table
    (``plain``: also the 40k cohort without groups, the certified flow's case; ``only``:
    the rows whose label holds one of these words, added below the file's last table)."""
    lines = [
        f"Allocation at scale, one run; {machine()}; load average {os.getloadavg()[0]:.1f}",
        "",
    ]
    lines += [
        "| run | wall s | CPU s | peak RSS GB | scoring s | solve + certificate s | candidates | placed | total score | optimality |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    small = sample(10_000, 2_000)
    runs = [
        (
            "10,000 x 2,000, every feasible pair (baseline)",
            small,
            {"MATCHER_ALLOCATION_FULL_PAIRS": 10**12},
        ),
        ("10,000 x 2,000, sparse graph + certificate", small, {}),
        ("40,000 x 10,000, sparse graph + certificate", sample(40_000, 10_000), {}),
    ]
    if plain:
        label = "40,000 x 10,000 without the groups' members, sparse graph + certificate"
        runs.append((label, without_groups(sample(40_000, 10_000)), {}))
    if big:
        runs.append(("100,000 x 30,000, sparse graph + certificate", sample(100_000, 30_000), {}))
    if only:
        runs = [r for r in runs if any(word in r[0] for word in only)]
    results = {}
    for label, data, env in runs:
        results[label] = allocate_run(data, **env)
        lines.append(_row(label, results[label]))
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n\n```json\n" + json.dumps(results, indent=1) + "\n```\n"
    if only:  # some rows: added below the last full run's table
        old = (RESULTS / "scale-allocate.md").read_text(encoding="utf-8")
        text = old + "\n" + text
    print(f"written to {write_result('scale-allocate.md', text)}")
    return text


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--big", action="store_true", help="also 100,000 x 30,000")
    ap.add_argument("--only", nargs="+", help="rows whose label holds one of these words")
    args = ap.parse_args()
    run(args.big, only=args.only)
