"""Quality benchmark: does the engine rank the right trade first, in any language?

Three labelled sets (``bench/_sets.py``), each split into a development part (the only one
used to tune weights, floors and cut-offs: ``bench/tune.py``) and a test part reported here
and never tuned on:

- ``vet``: 57 ESCO VET occupations x 651 NACE Rev. 2.1 classes, labelled by the team that wrote
  the crosswalk;
- ``esco``: 307 ESCO occupations x 651 NACE classes, labelled independently of the crosswalk;
- ``crosslingual``: 192 profiles x 144 host offers written in 26 languages, hosts' NACE codes
  withheld; NDCG over all hosts, and over the hosts written in another language than the
  profile only ("other-language pool").

Compared in one run on the same texts: TF-IDF cosine, each encoder's plain cosine, and the
engine with each encoder, plus the engine without taxonomy knowledge (ablation).

Run: ``python bench/quality.py``; prints Markdown and writes bench/results/quality.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _common import machine, write_result  # noqa: E402
from _sets import crosslingual_set, esco_set, vet_set  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import ndcg_score  # noqa: E402

from matcher import Config, Matcher  # noqa: E402
from matcher._config import BUNDLED_MODEL, MULTILINGUAL_MODEL  # noqa: E402
from matcher.encode import make_encoder  # noqa: E402

K = 10
MODELS = {"MiniLM": BUNDLED_MODEL, "e5": MULTILINGUAL_MODEL}


def metrics(scores: np.ndarray, relevance: np.ndarray, pool: np.ndarray | None = None) -> dict:
    """NDCG@10, hit@10 (a grade-2 host in the top 10) and MRR of the first grade-2 host.

    ``pool`` (n_p, n_h) bool restricts each participant's candidates.
    """
    if pool is not None:
        scores = np.where(pool, scores, -np.inf)
        relevance = np.where(pool, relevance, 0)
    keep = (relevance == 2).any(axis=1)
    scores, relevance = scores[keep], relevance[keep]
    order = np.argsort(-scores, axis=1, kind="stable")
    ranked = np.take_along_axis(relevance, order, axis=1)
    first = np.argmax(ranked == 2, axis=1)
    finite = np.where(np.isfinite(scores), scores, -1e9)
    return {
        "NDCG@10": float(ndcg_score(relevance, finite, k=K)),
        "hit@10": float((ranked[:, :K] == 2).any(axis=1).mean()),
        "MRR": float(np.mean(1.0 / (first + 1))),
        "n": int(keep.sum()),
    }


def texts(s):
    p = (s.participants["occupation"] + ". " + s.participants["description"]).tolist()
    h = (s.hosts["sector"] + ". " + s.hosts["description"]).tolist()
    return p, h


def method_scores(s, encoders: dict, config_overrides: dict | None = None) -> dict:
    """Scores ``(n_p, n_h)`` of every method on one set."""
    p_text, h_text = texts(s)
    out = {}
    tfidf = TfidfVectorizer(sublinear_tf=True).fit(p_text + h_text)
    out["TF-IDF cosine"] = (tfidf.transform(p_text) @ tfidf.transform(h_text).T).toarray()
    for name, enc in encoders.items():
        out[f"{name} cosine (plain)"] = enc.encode(p_text) @ enc.encode(h_text).T
    for name, enc in encoders.items():
        cfg = Config.from_env(model=MODELS[name], **(config_overrides or {}))
        out[f"engine, {name}"] = engine_scores(s, enc, cfg)
    enc = encoders["e5"]
    ablation = Config.from_env(
        model=MODELS["e5"],
        taxonomy_weight=0.0,
        esco_expansion=0.0,
        nace_expansion=0.0,
        host_esco_expansion=0.0,
    )
    out["engine, e5, without taxonomy (ablation)"] = engine_scores(s, enc, ablation)
    return out


def engine_scores(s, encoder, config) -> np.ndarray:
    """The engine's ranking key (``Matcher.ranking_keys``): strong sector fits first, then
    the other hosts of the trade, each by score, then the rest by sector fit."""
    m = Matcher(config, encoder=encoder).fit(s.participants, s.hosts)
    scores, mask = m.score_matrix()
    assert mask.all(), "every pair is feasible in these sets"
    return m.ranking_keys()


def table(title: str, rows: dict[str, dict]) -> list[str]:
    lines = [f"**{title}**", "", "| method | NDCG@10 | hit@10 | MRR | n |", "|---|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['NDCG@10']:.3f} | {r['hit@10']:.3f} | {r['MRR']:.3f} | {r['n']} |"
        )
    return [*lines, ""]


def language_table(s, scores: dict[str, np.ndarray], methods: list[str]) -> list[str]:
    head = "| profile language | n | " + " | ".join(methods) + " |"
    lines = [head, "|---|---|" + "---|" * len(methods)]
    for lang in sorted(set(s.p_lang), key=lambda x: (-np.sum(s.p_lang == x), x)):
        rows = s.p_lang == lang
        vals = [metrics(scores[m][rows], s.relevance[rows])["NDCG@10"] for m in methods]
        lines.append(f"| {lang} | {rows.sum()} | " + " | ".join(f"{v:.3f}" for v in vals) + " |")
    return [*lines, ""]


def report_set(s, encoders) -> list[str]:
    lines = []
    for split in ("dev", "test"):
        part = s.part(split)
        scores = method_scores(part, encoders)
        if s.p_lang is not None:
            scores.pop("TF-IDF cosine")
        rows = {name: metrics(sc, part.relevance) for name, sc in scores.items()}
        lines += table(f"{s.name}, {split} part ({len(part.participants)} profiles)", rows)
        if s.p_lang is not None:
            other = part.p_lang[:, None] != part.h_lang[None, :]
            rows = {name: metrics(sc, part.relevance, other) for name, sc in scores.items()}
            lines += table(f"{s.name}, {split} part, other-language pool", rows)
            if split == "test":
                lines += ["NDCG@10 per profile language, test part, all hosts:", ""]
                lines += language_table(part, scores, list(scores))
    return lines


def main() -> None:
    encoders = {name: make_encoder(Config.from_env(model=m)) for name, m in MODELS.items()}
    lines = [f"Quality (k={K}, graded relevance); {machine()}", ""]
    for s in (vet_set(), esco_set(), crosslingual_set()):
        lines += report_set(s, encoders)
    text = "\n".join(lines) + "\n"
    print(text)
    print(f"written to {write_result('quality.md', text)}")


if __name__ == "__main__":
    main()
