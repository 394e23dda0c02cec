"""Recommendations for everyone on Dask: LocalCluster of 1 and 2 workers against the local
batch, the same rows; the per-pair cost measured there scaled to 1,000,000 x 300,000."""

from __future__ import annotations

import pickle
import time

import pandas as pd
from _scale_data import instance

from matcher import Matcher
from matcher import cluster as mc
from matcher.encode import CachedEncoder, HashingEncoder


def _timed_cluster(matcher, workers: int, partition: int):
    client = mc.local_cluster(n_workers=workers)
    try:
        list(mc.recommend_hosts(matcher, client, k=10, partition_size=50))  # workers warm
        t = time.perf_counter()
        out = pd.concat(
            list(mc.recommend_hosts(matcher, client, k=10, partition_size=partition)),
            ignore_index=True,
        )
        return out, time.perf_counter() - t
    finally:
        client.close()
        client.cluster.close()


def _estimate(cost: float, host_bytes: float) -> list[str]:
    pairs = 1_000_000 * 300_000
    lines = [
        "",
        f"Estimate for 1,000,000 participants x 300,000 hosts ({pairs:.1e} pairs) at "
        f"{cost * 1e9:.0f} ns a pair and worker core:",
        "",
        "| workers (1 core each) | recommend-all, hours |",
        "|---|---|",
    ]
    for n in (10, 50, 100, 500):
        lines.append(f"| {n} | {pairs * cost / n / 3600:.1f} |")
    lines += [
        "",
        "Assumptions: the cost per pair stays what this run measured (every criterion, rule and "
        "the top 10 of each row, reasons for the rows written), i.e. linear in pairs; worker "
        "cores as fast as these; each worker holds the fitted host side, "
        f"about {host_bytes * 300_000 / 1e9:.1f} GB for 300,000 hosts "
        f"({host_bytes:.0f} bytes a host, measured here), scattered once; results stream back "
        "partition by partition (about 10 rows a participant), so the network carries output, "
        "not scores. Fitting (encoding through the cache, ESCO and NACE placement) stays on the "
        "client and is not included; encoding can run on the workers too (`ClusterEncoder`).",
    ]
    return lines


def run(args) -> list[str]:
    """This part's section of ``scale.md``."""
    n, m = (1500, 400) if args.quick else (10000, 2000)
    matcher = Matcher(encoder=CachedEncoder(HashingEncoder(384))).fit(*instance(n, m))
    t = time.perf_counter()
    local = pd.concat(list(matcher.recommend_hosts_batch(k=10)), ignore_index=True)
    t_local = time.perf_counter() - t
    lines = [
        "## Dask (item 4)",
        "",
        f"Recommend-all, top 10 with reasons, {n:,} x {m:,} (HashingEncoder), partitions of "
        "1,000 participants:",
        "",
        "| run | wall (s) | worker-seconds per pair | rows identical to the local run |",
        "|---|---|---|---|",
        f"| local, in-process | {t_local:.1f} | {t_local / (n * m) * 1e9:.0f} ns | - |",
    ]
    cost = t_local / (n * m)
    for workers in (1, 2):
        out, wall = _timed_cluster(matcher, workers, 1000)
        cost = wall * workers / (n * m)
        same = out.equals(local)
        lines.append(
            f"| LocalCluster, {workers} worker(s) | {wall:.1f} | {cost * 1e9:.0f} ns | {'yes' if same else 'NO'} |"
        )
        print(lines[-1], flush=True)
    S = matcher._S  # the host side every worker holds (float64 vectors included)
    host_side = (S.H.emb64, S.H, S.hosts, S.nace, S.tax_by_field)
    host_bytes = len(pickle.dumps(host_side)) / m
    return lines + _estimate(cost, host_bytes)
