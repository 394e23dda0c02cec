"""Build labels.csv from the hand-written labels_src.txt.

labels_src.txt lines:  occupation | isco_hint | primary codes | related codes | note
The ESCO id is resolved from the exact preferred label (esco_parse.py).  For the
few occupations whose preferred label cannot be told apart from the alternative
labels automatically, the label must be the start of exactly one occupation's
label run; those are listed on stderr for a manual look.

split: "dev" if int(sha1(esco_id)) is even, else "test" (fixed before any tuning).
Run:  python3 build_labels.py && python3 check.py
"""

import csv
import hashlib
import sys
from pathlib import Path

from esco_parse import load

HERE = Path(__file__).resolve().parent


def split_of(esco_id):
    return "dev" if int(hashlib.sha1(esco_id.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def main():
    occ = [r for r in load() if "/occupation/" in r["id"]]
    by_pref = {}
    for r in occ:
        by_pref.setdefault(r["pref"], []).append(r)
    out, errors = [], []
    section = ""
    for line in (HERE / "labels_src.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        label, isco, prim, rel, note = [p.strip() for p in line.split("|")]
        hits = by_pref.get(label, [])
        if len(hits) != 1:
            hits = [r for r in occ if not r["sure"] and (r["labels"] + " ").startswith(label + " ")]
            if len(hits) == 1:
                print(
                    f"resolved by label-run prefix: {label!r} -> {hits[0]['id']} | {hits[0]['labels'][:80]}",
                    file=sys.stderr,
                )
        if len(hits) != 1:
            errors.append(f"{label!r}: {len(hits)} matches")
            continue
        out.append(
            {
                "esco_id": hits[0]["id"],
                "occupation": label,
                "isco_hint": isco,
                "primary": ";".join(prim.split()),
                "related": ";".join(rel.split()),
                "split": split_of(hits[0]["id"]),
                "note": note,
                "sector": section,
            }
        )
    if errors:
        sys.exit("unresolved:\n  " + "\n  ".join(errors))
    with open(HERE / "labels.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(
            f,
            fieldnames=[
                "esco_id",
                "occupation",
                "isco_hint",
                "primary",
                "related",
                "split",
                "note",
                "sector",
            ],
        )
        w.writeheader()
        w.writerows(out)
    print(f"wrote {len(out)} rows to labels.csv")


if __name__ == "__main__":
    main()
