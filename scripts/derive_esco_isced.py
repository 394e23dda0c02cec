"""Derive ESCO occupation -> ISCED-F 2013 detailed field, shipped as data.

Each ESCO occupation is compared with every ISCED-F detailed field of the crosswalk
(``data/taxonomies/isced_nace.csv``: the field's name and the occupations trained in it) with
the bundled MiniLM model; its preferred label and its full text vote equally, and the most
similar field is kept with that similarity. The NACE side follows from the crosswalk.
Run: ``python scripts/derive_esco_isced.py`` (about three minutes on two cores when the
embedding cache is cold, seconds when warm).
"""

import csv

from matcher import taxonomy as tx
from matcher.encode import make_encoder
from matcher.engine._links import field_similarity

out = tx.taxonomy_dir() / "esco_isced.csv"
enc = make_encoder()
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
