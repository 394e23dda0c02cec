"""Allocation benchmark: optimal and stable against scipy and the `matching` library.

Instances come from ``matcher sample`` (realistic feasibility: countries, roles, durations,
dates, accessibility, capacities 1-6) scored by the engine with the bundled model. In one run,
from the same score matrix and mask:
- ours, optimal: min-cost flow (OR-Tools) over feasible pairs;
- scipy: ``linear_sum_assignment`` on the dense matrix of expanded places (one column per
  place plus one 'unassigned' column per participant): the same optimum;
- ours, stable: participant-proposing deferred acceptance;
- matching: ``matching.games.HospitalResident`` (game built from the same preference lists,
  resident-optimal), the same stable matching.
Run: ``python bench/allocation.py [--sizes 2000x500 10000x2000]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _common import machine, write_result  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from matcher import Matcher  # noqa: E402
from matcher.allocation import blocking_pairs, deferred_acceptance, optimal_assignment  # noqa: E402
from matcher.encode import make_encoder  # noqa: E402
from matcher.io import validate_table  # noqa: E402
from matcher.sample import generate_sample  # noqa: E402


def lsa_expanded(scores, mask, capacity):
    n, _ = scores.shape
    places = np.repeat(np.arange(len(capacity)), capacity)
    # float64: in float32, n + 1 + score keeps only ~3 decimals of the score at n = 10k
    cost = np.where(mask[:, places], -(n + 1.0 + scores[:, places].astype(np.float64)), 1e9)
    cost = np.hstack([cost, np.zeros((n, n))])
    rows, cols = linear_sum_assignment(cost)
    assign = np.full(n, -1)
    real = cols < len(places)
    assign[rows[real]] = places[cols[real]]
    return assign


def matching_hr(scores, mask, capacity):
    from matching.games import HospitalResident

    n, m = scores.shape
    residents = {}
    for i in range(n):
        js = np.flatnonzero(mask[i])
        if len(js):
            residents[i] = js[np.lexsort((js, -scores[i, js]))].tolist()
    hospitals = {}
    for j in range(m):
        iis = np.flatnonzero(mask[:, j])
        hospitals[j] = iis[np.lexsort((iis, -scores[iis, j]))].tolist()
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {j: int(c) for j, c in enumerate(capacity)}
    )
    assign = np.full(n, -1)
    for h, rs in game.solve(optimal="resident").items():
        for r in rs:
            assign[r.name] = h.name
    return assign


def in_big_stack(fn):
    """Run fn in a thread with a large stack: `matching` deep-copies its player graph
    recursively, which overflows the default stack on instances of this size."""
    import threading

    sys.setrecursionlimit(10**7)
    threading.stack_size(1 << 30)
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("out", fn()))
    t.start()
    t.join()
    threading.stack_size(0)
    return box["out"]


def timed(fn):
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["2000x500", "10000x2000"])
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    enc = make_encoder()
    lines = [f"Allocation, one run per size; {machine()}", ""]
    lines += [
        "| participants x hosts | places | feasible pairs | optimal (s) | scipy dense LSA (s) | LSA / optimal | same optimum | stable (s) | matching HR (s) | matching / stable | same matching |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        n, m = (int(x) for x in size.split("x"))
        participants, hosts = generate_sample(n, m, seed=n + m)
        hosts["capacity"] = np.random.default_rng(1).integers(1, 6, m)  # 1-5 places
        participants = validate_table(participants, "participants")
        hosts = validate_table(hosts, "hosts")
        matcher = Matcher(encoder=enc).fit(participants, hosts)
        scores, mask = matcher.score_matrix()
        cap = matcher.hosts_["capacity"].to_numpy()
        opt, t_opt = timed(lambda: optimal_assignment(scores, mask, cap))  # noqa: B023
        ref, t_lsa = timed(lambda: lsa_expanded(scores, mask, cap))  # noqa: B023
        total = lambda a, s=scores: float(s[a >= 0, a[a >= 0]].astype(np.float64).sum())  # noqa: E731
        # our costs round each score to 1e-6: the totals may differ by half that per placement
        tol = 0.5e-6 * (opt >= 0).sum() + 1e-9
        same_opt = (opt >= 0).sum() == (ref >= 0).sum() and abs(total(opt) - total(ref)) <= tol
        stable, t_st = timed(lambda: deferred_acceptance(scores, mask, cap))  # noqa: B023
        assert blocking_pairs(stable, scores, mask, cap) == []
        hr, t_hr = in_big_stack(lambda: timed(lambda: matching_hr(scores, mask, cap)))  # noqa: B023
        same_stable = bool((hr == stable).all())
        lines.append(
            f"| {n:,} x {m:,} | {int(cap.sum()):,} | {int(mask.sum()):,} | {t_opt:.2f} | {t_lsa:.2f} | {t_lsa / t_opt:.1f}x | {same_opt} | {t_st:.2f} | {t_hr:.2f} | {t_hr / t_st:.1f}x | {same_stable} |"
        )
        print(lines[-1], flush=True)
        print(
            f"  placed: optimal {(opt >= 0).sum()} (total {total(opt):.4f}), scipy {(ref >= 0).sum()} (total {total(ref):.4f}), stable {(stable >= 0).sum()} (total {total(stable):.4f})",
            flush=True,
        )
    text = "\n".join(lines) + "\n"
    print(f"written to {write_result('allocation.md', text)}")


if __name__ == "__main__":
    main()
