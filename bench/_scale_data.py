"""Instances for the scale benchmarks: ``matcher sample`` tables, made once and kept.

Generating 40,000 x 10,000 takes minutes, so each size is kept (validated) in
``.matcher/bench-scale/`` and reused by every part; CSV copies feed the command line.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".matcher" / "bench-scale"


def instance(n: int, m: int, seed: int = 16):
    """Validated ``(participants, hosts)`` of ``generate_sample(n, m, seed)``, cached on disk."""
    from matcher.io import validate_table
    from matcher.sample import generate_sample

    path = CACHE / f"sample-{n}x{m}-{seed}.pkl"
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    t = time.perf_counter()
    participants, hosts = generate_sample(n, m, seed=seed)
    tables = validate_table(participants, "participants"), validate_table(hosts, "hosts")
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(tables, f)
    print(f"  generated {n:,} x {m:,} in {time.perf_counter() - t:.0f} s", flush=True)
    return tables


def csv_files(n: int, m: int, seed: int = 16) -> tuple[Path, Path]:
    """The instance as CSV files (for ``matcher`` on the command line)."""
    from matcher.io import write_table

    p, h = CACHE / f"p-{n}x{m}-{seed}.csv", CACHE / f"h-{n}x{m}-{seed}.csv"
    if not (p.exists() and h.exists()):
        participants, hosts = instance(n, m, seed)
        write_table(participants, p)
        write_table(hosts, h)
    return p, h


def timed_command(argv: list[str], env: dict, stdout) -> tuple[float, float]:
    """Wall seconds and peak resident memory (GB) of a command, from ``/usr/bin/time -v``."""
    t = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *argv], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True
    )
    wall = time.perf_counter() - t
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise RuntimeError(f"{argv[:3]} exited {done.returncode}")
    kb = next(
        int(line.split(":")[1]) for line in done.stderr.splitlines() if "Maximum resident" in line
    )
    return wall, kb / 1024**2


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far, in GB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
