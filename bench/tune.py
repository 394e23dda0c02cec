"""Tune the sector criterion on the development parts only (never on a test part).

For each encoder: a grid over settings of the sector criterion (how strongly profiles and
offers are expanded with ESCO and NACE texts, the crosswalk's weight, language centring, ESCO
placement); mean NDCG@10 over the dev parts of the three sets. Then,
for the chosen setting, the cosine quantiles of relevant and irrelevant pairs, from which the
encoder's ``similarity_range`` and the sector gate are set.

Run: ``python bench/tune.py [e5|MiniLM]``; writes bench/results/tune-<model>.md. The grid
below is the last round (offers expanded with ESCO); earlier rounds are kept as
bench/results/tune-*-round<N>.md (1: expansions, crosswalk weight, centroid prior;
2: ESCO placement of profiles). Each round kept the best setting of the rounds before.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _common import write_result  # noqa: E402
from _sets import crosslingual_set, esco_set, vet_set  # noqa: E402
from quality import MODELS, metrics  # noqa: E402

from matcher import Config, Matcher  # noqa: E402
from matcher.encode import make_encoder  # noqa: E402

GRID = {
    "host_esco_expansion": (0.0, 0.5, 1.0, 1.5),
    "nace_expansion": (1.5,),
}


def dev_sets():
    return [s.part("dev") for s in (vet_set(), esco_set(), crosslingual_set())]


def evaluate(sets, encoder, config) -> tuple[list[float], list[float]]:
    ndcg, hit = [], []
    for s in sets:
        m = Matcher(config, encoder=encoder).fit(s.participants, s.hosts)
        comps, _ = m.components_matrix()
        r = metrics(comps["sector"] + 1e-6 * m.score_matrix()[0], s.relevance)
        ndcg.append(r["NDCG@10"])
        hit.append(r["hit@10"])
    return ndcg, hit


def cosine_quantiles(sets, encoder, config) -> list[str]:
    """Quantiles of the expanded-text cosine for grade-2 and grade-0 pairs (dev parts)."""
    lines = [
        "| set | relevant p10 | p25 | p50 | irrelevant p50 | p90 | p99 |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sets:
        m = Matcher(config, encoder=encoder).fit(s.participants, s.hosts)
        cos = m.participant_vectors_ @ m.host_vectors_.T
        rel, irr = cos[s.relevance == 2], cos[s.relevance == 0]
        q = (
            np.quantile(rel, [0.1, 0.25, 0.5]).tolist()
            + np.quantile(irr, [0.5, 0.9, 0.99]).tolist()
        )
        lines.append(f"| {s.name} | " + " | ".join(f"{v:.3f}" for v in q) + " |")
    return lines


def main(model: str = "e5") -> None:
    encoder = make_encoder(Config.from_env(model=MODELS[model]))
    sets = dev_sets()
    names = " | ".join(GRID)
    lines = [
        f"Tuning on the dev parts, {model}",
        "",
        f"| {names} | vet | esco | crosslingual | mean NDCG@10 | mean hit@10 |",
        "|---|" + "---|" * (len(GRID) + 4),
    ]
    best = None
    for values in itertools.product(*GRID.values()):
        cfg = Config.from_env(model=MODELS[model], **dict(zip(GRID, values, strict=True)))
        ndcg, hit = evaluate(sets, encoder, cfg)
        mean = float(np.mean(ndcg))
        head = " | ".join(str(v) for v in values)
        cells = " | ".join(f"{v:.3f}" for v in ndcg)
        lines.append(f"| {head} | {cells} | {mean:.3f} | {np.mean(hit):.3f} |")
        print(lines[-1], flush=True)
        if best is None or mean > best[0]:
            best = (mean, cfg)
    lines += ["", "best: " + ", ".join(f"{k}={getattr(best[1], k)}" for k in GRID), ""]
    lines += cosine_quantiles(sets, encoder, best[1])
    text = "\n".join(lines) + "\n"
    print(text)
    write_result(f"tune-{model}.md", text)


if __name__ == "__main__":
    main(*sys.argv[1:])
