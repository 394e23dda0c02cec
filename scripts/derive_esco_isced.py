"""Derive ESCO occupation -> ISCED-F 2013 detailed field, shipped as data.

Each ESCO occupation is compared with every ISCED-F detailed field of the crosswalk
(``data/taxonomies/isced_nace.csv``: the field's name and the occupations trained in it) with
the bundled MiniLM model; its preferred label and its full text vote equally, and the most
similar field is kept with that similarity. The NACE side follows from the crosswalk.
Run: ``python scripts/derive_esco_isced.py`` (about three minutes on two cores when the
embedding cache is cold, seconds when warm).
"""

import csv

import numpy as np

from matcher import Config
from matcher import taxonomy as tx
from matcher.encode import make_encoder


def field_similarity(encoder, texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Similarity ``(len(texts), n_fields)`` of each text to each ISCED-F field of the crosswalk.

    A field is described by its name and the phrases in the crosswalk's ``keywords``; its
    similarity to a text is the best over those phrases (one embedding of a long keyword list
    blurs them all).
    """
    cw = tx.isced_nace()
    codes = list(cw.index)
    owner, phrases = [], []
    for f, code in enumerate(codes):
        for phrase in [tx.isced_name(code), *cw.loc[code, "keywords"].split(";")]:
            owner.append(f)
            phrases.append(phrase.strip())
    sims = encoder.encode(list(texts)) @ encoder.encode(phrases).T
    owner = np.asarray(owner)
    out = np.stack([sims[:, owner == f].max(axis=1) for f in range(len(codes))], axis=1)
    return codes, out


out = tx.taxonomy_dir() / "esco_isced.csv"
# the table was derived with the MiniLM model; keep it so that the derivation is reproducible
enc = make_encoder(Config.from_env(model="bundled:all-MiniLM-L6-v2"))
esco = tx.esco_occupations()
labels = esco["preferred_label"].tolist()
texts = [f"{r.preferred_label}. {r.description}" for r in esco.itertuples()]
codes, by_label = field_similarity(enc, labels)
_, by_text = field_similarity(enc, texts)
sims = 0.5 * by_label + 0.5 * by_text
best = sims.argmax(axis=1)
with out.open("w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(["uri", "preferred_label", "isced_f", "similarity"])
    for i, r in enumerate(esco.itertuples()):
        w.writerow([r.uri, r.preferred_label, codes[best[i]], f"{sims[i, best[i]]:.3f}"])
print(f"wrote {len(esco)} rows to {out}")
