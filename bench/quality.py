"""Quality benchmark: does the engine rank relevant sectors above plain text similarity?

Labelled set (``data/taxonomies/vet_occupations.csv``, labelled by hand, see
``data/README.md``): 57 VET occupations from ESCO are the learners (ESCO preferred label as
occupation, ESCO description as free text, no ISCED-F code: the engine must infer it). Every
NACE Rev. 2.1 class is a host (class name as sector, group and division names as description).
Relevance: 2 for the classes labelled for the occupation, 1 for other classes in the same NACE
group, 0 otherwise.

Compared in one run, on the same texts: TF-IDF cosine, plain all-MiniLM-L6-v2 cosine, and the
engine (``Matcher`` with the default configuration, hosts' NACE codes given, participants' ISCED-F
fields inferred), plus two ablations: the engine without the taxonomy, and with the fields given.

Run: ``python bench/quality.py``; prints a Markdown table and writes bench/results/quality.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import machine, write_result  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import ndcg_score  # noqa: E402

from matcher import Config, Matcher  # noqa: E402
from matcher import taxonomy as tx  # noqa: E402
from matcher.encode import make_encoder  # noqa: E402
from matcher.io import HOSTS, PARTICIPANTS  # noqa: E402

K = 10


def build():
    occ = tx.vet_occupations()
    esco = tx.esco_occupations()
    low = esco["preferred_label"].str.lower()
    rows = []
    for i, r in enumerate(occ.itertuples()):
        desc = esco.loc[low == r.occupation.lower(), "description"].iloc[0]
        rows.append(
            {
                "participant_id": f"Q{i:03d}",
                "role": "learner",
                "activity": "short_term",
                "home_country": "IT",
                "sending_org": "bench",
                "occupation": r.occupation,
                "isced_f": "",
                "description": desc,
                "languages": "",
                "duration_min_days": 14,
                "duration_max_days": 30,
                "available_from": pd.NaT,
                "available_to": pd.NaT,
                "preferred_countries": "",
                "fewer_opportunities": False,
                "needs_accessibility": False,
                "consent_share": True,
            }
        )
    participants = pd.DataFrame(rows, columns=list(PARTICIPANTS.names))
    nace = tx.nace_codes()
    classes = nace[nace["level"] == 4]
    hosts = pd.DataFrame(
        {
            "host_id": classes["code"].to_numpy(),
            "name": classes["name"].to_numpy(),
            "country": "DE",
            "city": "",
            "org_type": "company",
            "oid": "",
            "nace_code": classes["code"].to_numpy(),
            "sector": classes["name"].to_numpy(),
            "description": [
                f"{nace.loc[c[:4], 'name']}. {nace.loc[c[:2], 'name']}." for c in classes["code"]
            ],
            "languages": "",
            "accepts": "both",
            "activities": "",
            "duration_min_days": 1,
            "duration_max_days": 365,
            "capacity": 1,
            "available_from": pd.NaT,
            "available_to": pd.NaT,
            "accessible": True,
            "inclusion_support": True,
        },
        columns=list(HOSTS.names),
    )
    for frame in (participants, hosts):
        for c in ("available_from", "available_to"):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    relevance = np.zeros((len(participants), len(hosts)))
    codes = hosts["host_id"].to_numpy()
    groups = np.array([c[:4] for c in codes])
    for i, r in enumerate(occ.itertuples()):
        for c in r.nace_classes:
            relevance[i, groups == c[:4]] = np.maximum(relevance[i, groups == c[:4]], 1)
            relevance[i, codes == c] = 2
    return participants, hosts, relevance


def metrics(scores: np.ndarray, relevance: np.ndarray) -> dict:
    top = np.argsort(-scores, axis=1, kind="stable")[:, :K]
    hit = np.mean([(relevance[i, top[i]] == 2).any() for i in range(len(top))])
    first = []
    for i in range(len(scores)):
        order = np.argsort(-scores[i], kind="stable")
        pos = np.flatnonzero(relevance[i, order] == 2)
        first.append(1.0 / (pos[0] + 1) if len(pos) else 0.0)
    return {
        "NDCG@10": ndcg_score(relevance, scores, k=K),
        "hit@10": hit,
        "MRR": float(np.mean(first)),
    }


def main() -> None:
    participants, hosts, relevance = build()
    p_text = (participants["occupation"] + ". " + participants["description"]).tolist()
    h_text = (hosts["sector"] + ". " + hosts["description"]).tolist()
    results = {}

    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(p_text + h_text)
    results["TF-IDF cosine"] = metrics(
        (tfidf.transform(p_text) @ tfidf.transform(h_text).T).toarray(), relevance
    )

    enc = make_encoder()
    results["MiniLM cosine (plain)"] = metrics(enc.encode(p_text) @ enc.encode(h_text).T, relevance)

    m = Matcher(encoder=enc).fit(participants, hosts)
    scores, mask = m.score_matrix()
    assert mask.all(), "every pair is feasible in this set"
    results["engine, hosts with NACE code"] = metrics(scores, relevance)

    # ablations: without the taxonomy (text alone), and with the ISCED-F field given
    no_tax = Matcher(Config.from_env(text_weight=1.0), encoder=enc).fit(participants, hosts)
    results["engine without taxonomy (ablation)"] = metrics(no_tax.score_matrix()[0], relevance)
    given = participants.assign(isced_f=tx.vet_occupations()["isced_f"].to_numpy())
    oracle = Matcher(encoder=enc).fit(given, hosts)
    results["engine, ISCED-F given (not inferred)"] = metrics(oracle.score_matrix()[0], relevance)

    base = results["MiniLM cosine (plain)"]["NDCG@10"]
    lines = [
        f"Quality on {len(participants)} ESCO VET occupations x {len(hosts)} NACE Rev. 2.1 classes "
        f"(graded relevance, k={K}); {machine()}",
        "",
        "| method | NDCG@10 | hit@10 | MRR | NDCG@10 vs plain MiniLM |",
        "|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['NDCG@10']:.3f} | {r['hit@10']:.3f} | {r['MRR']:.3f} | {r['NDCG@10'] - base:+.3f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    print(f"written to {write_result('quality.md', text)}")


if __name__ == "__main__":
    main()
