"""Speed benchmark: one participant against 1k, 10k and 100k hosts, cached embeddings.

In one run, on the same host embeddings, it times
- bare: a numpy matrix-vector product with argpartition for the top 10 (the floor);
- semantic_search: ``sentence_transformers.util.semantic_search`` (top 10);
- engine: ``Matcher.recommend_hosts(k=10)`` with every criterion, the hard-rule mask and the
  reasons for the ten results (and without reasons);
and prints each as a ratio to bare. Then the full score matrix for the sample data; each
encoder's texts per second; a cold fit of the sample with and without the shipped seed vectors;
and the embedding cache: a second fit over unchanged data encodes nothing.

Hosts beyond the sample's 250 are the sample's hosts repeated with new ids (same texts, so the
cache serves them; timings concern scoring, not encoding).
Run: ``python bench/speed.py [--sizes 1000 10000 100000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import machine, timeit, write_result  # noqa: E402

from matcher import Config, Matcher, load_hosts, load_participants  # noqa: E402
from matcher._config import BUNDLED_MODEL, MULTILINGUAL_MODEL  # noqa: E402
from matcher.encode import CachedEncoder, make_encoder, model_encoder  # noqa: E402
from matcher.engine import esco_anchor_texts  # noqa: E402
from matcher.taxonomy import sample_dir  # noqa: E402


def scaled_hosts(hosts: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = hosts.iloc[rng.integers(0, len(hosts), n)].reset_index(drop=True)
    out["host_id"] = [f"X{i:06d}" for i in range(n)]
    return out


def cold_fit(model_encoder, participants, hosts, seeds: bool) -> tuple[float, int]:
    """Seconds and texts encoded by a first fit on an empty cache (with or without seeds)."""
    from matcher.taxonomy import data_dir

    with tempfile.TemporaryDirectory() as tmp:
        seed_dir = data_dir() / "embeddings" if seeds else None
        enc = CachedEncoder(model_encoder, tmp, seed_dir=seed_dir)
        t0 = time.perf_counter()
        Matcher(Config.from_env(cache_dir=Path(tmp)), encoder=enc).fit(participants, hosts)
        return time.perf_counter() - t0, enc.encoded


def encoding_table(participants, hosts) -> list[str]:
    """Texts per second of each encoder, cold fits of the sample, and the cache at work."""
    short = list(dict.fromkeys(participants["occupation"]))[:200]
    long = (participants["occupation"] + ". " + participants["description"]).tolist()[:200]
    lines = [
        "| encoder | short texts/s | long texts/s | cold fit of the sample, shipped seeds | cold fit, no seeds |",
        "|---|---|---|---|---|",
    ]
    for name in (MULTILINGUAL_MODEL, BUNDLED_MODEL):
        model = model_encoder(Config.from_env(model=name, show_progress=False))
        model.encode(["warm up"])
        t_short = timeit(lambda model=model: model.encode(short), 1, 0)
        t_long = timeit(lambda model=model: model.encode(long), 1, 0)
        seeded = cold_fit(model, participants, hosts, seeds=True)
        if name == BUNDLED_MODEL:
            bare = cold_fit(model, participants, hosts, seeds=False)
            no_seed = f"{bare[0]:.1f} s ({bare[1]:,} texts)"
        else:  # about 8,800 texts, a third of them long: minutes, so estimated from the rates
            n_long, n_short = len(esco_anchor_texts()[1]) + len(participants), 5200
            estimate = n_long * t_long / len(long) + n_short * t_short / len(short)
            no_seed = f"about {estimate / 60:.0f} min (estimated from the rates)"
        lines.append(
            f"| {name} | {len(short) / t_short:.0f} | {len(long) / t_long:.0f} | "
            f"{seeded[0]:.1f} s ({seeded[1]:,} texts encoded) | {no_seed} |"
        )
        print(lines[-1], flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        model = model_encoder(Config.from_env(model=BUNDLED_MODEL, show_progress=False))
        first = CachedEncoder(model, tmp)
        Matcher(encoder=first).fit(participants, hosts)
        second = CachedEncoder(model, tmp)
        t0 = time.perf_counter()
        Matcher(encoder=second).fit(participants, hosts)
        t_second = time.perf_counter() - t0
        changed = participants.copy()
        changed.loc[0, "description"] += " Also interested in regional cuisine."
        third = CachedEncoder(model, tmp)
        Matcher(encoder=third).fit(changed, hosts)
    lines += [
        "",
        f"Embedding cache (MiniLM), sample data: a second fit encodes {second.encoded} texts in "
        f"{t_second:.2f} s; after changing one row, {third.encoded} text(s) encoded.",
    ]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import torch
    from sentence_transformers.util import semantic_search

    torch.set_num_threads(2)
    participants = load_participants(sample_dir() / "participants.csv")
    hosts = load_hosts(sample_dir() / "hosts.csv")
    enc = make_encoder()
    pid = participants["participant_id"].iloc[0]

    lines = [f"Speed, one participant vs N hosts, top 10, median of {args.repeat}; {machine()}", ""]
    lines += [
        "| hosts | bare numpy (ms) | semantic_search (ms) | engine (ms) | engine, no reasons (ms) | engine / bare | semantic_search / bare |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in args.sizes:
        h = scaled_hosts(hosts, n)
        m = Matcher(encoder=enc).fit(participants, h)
        H = np.ascontiguousarray(m.host_vectors_)
        q = np.ascontiguousarray(m.participant_vectors_[0])
        Ht, qt = torch.from_numpy(H), torch.from_numpy(q[None, :])

        def bare(H=H, q=q):
            s = H @ q
            top = np.argpartition(-s, 10)[:10]
            return top[np.argsort(-s[top])]

        t_bare = timeit(bare, args.repeat)
        t_eng = timeit(lambda m=m: m.recommend_hosts(pid, k=10), args.repeat)
        t_eng0 = timeit(lambda m=m: m.recommend_hosts(pid, k=10, explain=False), args.repeat)
        # torch last: its threads keep spinning for a while after a call, and would take a
        # core from whatever is timed next
        t_ss = timeit(lambda qt=qt, Ht=Ht: semantic_search(qt, Ht, top_k=10), args.repeat)
        lines.append(
            f"| {n:,} | {t_bare * 1e3:.2f} | {t_ss * 1e3:.2f} | {t_eng * 1e3:.2f} | {t_eng0 * 1e3:.2f} | {t_eng / t_bare:.1f}x | {t_ss / t_bare:.1f}x |"
        )
        print(lines[-1], flush=True)

    m = Matcher(encoder=enc).fit(participants, hosts)
    t_full = timeit(lambda: m.score_matrix(), 5)
    lines += [
        "",
        f"Full score matrix, sample data ({len(participants)} x {len(hosts)} pairs, every criterion and rule): {t_full * 1e3:.1f} ms",
    ]

    lines += ["", *encoding_table(participants, hosts)]
    text = "\n".join(lines) + "\n"
    print("\n".join(lines[-3:]))
    print(f"written to {write_result('speed.md', text)}")


if __name__ == "__main__":
    main()
