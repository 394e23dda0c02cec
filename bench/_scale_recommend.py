"""Recommendations for everyone: blocked batch against the per-participant loop.

1. Engine only (HashingEncoder), 10,000 x 2,000: ``recommend_hosts`` for a random 1,000
   participants one at a time (the loop, per participant, times 10,000) against
   ``recommend_hosts_batch`` for all 10,000, reasons built for every row written; the rows
   of those 1,000 compared.
2. ``matcher recommend`` for all 40,000 participants x 10,000 hosts (top 10, CSV), the
   command line under ``/usr/bin/time -v`` (wall and peak resident memory), the default
   model (multilingual-e5-small) with the embedding cache filled by an in-process fit just
   before (the fit is timed too).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
from _scale_data import CACHE, csv_files, instance, timed_command

from matcher import Config, Matcher
from matcher.encode import CachedEncoder, HashingEncoder, make_encoder


def _engine_only(n: int, m: int, loop_sample: int) -> list[str]:
    participants, hosts = instance(n, m)
    matcher = Matcher(encoder=CachedEncoder(HashingEncoder(384))).fit(participants, hosts)
    ids = matcher.participant_ids_
    picked = set(np.random.default_rng(0).choice(ids, loop_sample, replace=False))
    t = time.perf_counter()
    single = [matcher.recommend_hosts(p, k=10).assign(participant_id=p) for p in ids if p in picked]
    per_participant = (time.perf_counter() - t) / loop_sample
    t = time.perf_counter()
    kept, rows = [], 0
    for block in matcher.recommend_hosts_batch(k=10):
        rows += len(block)
        kept.append(block[block["participant_id"].isin(picked)])
    batch = time.perf_counter() - t
    got = pd.concat(kept, ignore_index=True)
    want = pd.concat(single, ignore_index=True)[got.columns]
    same = got.equals(want) or _close(got, want)
    loop = per_participant * n
    return [
        f"Engine only (HashingEncoder), {n:,} participants x {m:,} hosts, top 10 with reasons:",
        "",
        "| per-participant loop | batch in blocks | batch speed-up | rows written | same rows as the loop |",
        "|---|---|---|---|---|",
        f"| {loop:.0f} s ({per_participant * 1e3:.1f} ms a participant, timed on {loop_sample:,}) "
        f"| {batch:.1f} s | {loop / batch:.1f}x | {rows:,} | {'yes' if same else 'NO'} |",
    ]


def _close(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
        return True
    except AssertionError:
        return False


def _command_line(n: int, m: int, loop_sample: int) -> list[str]:
    p_csv, h_csv = csv_files(n, m)
    cache = CACHE / "embeddings-default"
    config = Config(cache_dir=cache)
    encoder = make_encoder(config)
    t = time.perf_counter()
    matcher = Matcher(config, encoder=encoder).fit(*instance(n, m))
    first_fit = time.perf_counter() - t
    ids = matcher.participant_ids_[:: max(1, n // loop_sample)][:loop_sample]
    t = time.perf_counter()
    for p in ids:
        matcher.recommend_hosts(p, k=10)
    loop = (time.perf_counter() - t) / len(ids) * n
    del matcher
    env = {
        **os.environ,
        "MATCHER_CACHE_DIR": str(cache),
        "MATCHER_DATABASE_URL": f"sqlite:///{CACHE / 'no-workspace.db'}",  # not created
        "HF_HUB_OFFLINE": "1",
    }
    out_path = CACHE / f"recommend-{n}x{m}.csv"
    argv = ["matcher", "recommend", "--participants", str(p_csv), "--hosts", str(h_csv)]
    with out_path.open("w") as out:
        wall, rss = timed_command([*argv, "--top", "10", "--format", "csv"], env, out)
    with out_path.open() as f:
        lines = sum(1 for _ in f) - 1
    return [
        "",
        f"`matcher recommend` for all {n:,} participants x {m:,} hosts, top 10, CSV "
        f"({config.model}, the default; the embedding cache filled by an in-process fit just "
        "before), "
        "`/usr/bin/time -v`:",
        "",
        "| wall (s), whole command | peak resident memory | rows written | the in-process fit before it | per-participant loop (estimated) |",
        "|---|---|---|---|---|",
        f"| {wall:.0f} | {rss:.2f} GB | {lines:,} | {first_fit:.0f} s, {encoder.encoded:,} texts "
        f"encoded | {loop:.0f} s (timed on {len(ids):,} participants) |",
    ]


def run(args) -> list[str]:
    """This part's section of ``scale.md``."""
    small = (2000, 500, 200) if args.quick else (10000, 2000, 1000)
    large = (4000, 1000, 100) if args.quick else (40000, 10000, 200)
    lines = ["## Recommendations for everyone (item 1)", ""]
    lines += _engine_only(*small)
    print("\n".join(lines), flush=True)
    lines += _command_line(*large)
    return lines
