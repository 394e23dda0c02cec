"""Split the ESCO `description` field into preferred label / alt-label run / description.

The `description` column of esco_occupations_en.csv holds the preferred label, the
alternative labels and the scope note run together with single spaces.  The scope
note starts at the first capitalised word that begins a sentence.  The preferred
label is taken as the longest prefix of the label run that the scope note's first
words repeat (in the plural, usually: "metal drawing machine operator ... Metal
drawing machine operators set up ...").  Where no such prefix exists the result is
flagged (`sure=False`) and must be checked by hand.
"""

import csv
import re
import sys
from pathlib import Path

ESCO = Path("/work/shared/taxonomies/esco_occupations_en.csv")

_DESC_START = re.compile(r"(?:^|\s)([A-Z][a-z]+)")


def _plural_ok(label_word, desc_word):
    lw, dw = label_word.lower(), desc_word.lower().strip(",.;:")
    if "/" in lw and lw.count("/") == dw.count("/"):
        return all(_plural_ok(a, b) for a, b in zip(lw.split("/"), dw.split("/"), strict=False))
    if dw == lw:
        return True
    for a, b in (
        ("", "s"),
        ("", "es"),
        ("y", "ies"),
        ("man", "men"),
        ("person", "persons"),
        ("person", "people"),
        ("woman", "women"),
        ("child", "children"),
    ):
        if lw.endswith(a) and dw == lw[: len(lw) - len(a)] + b:
            return True
    return False


def split(text):
    text = " ".join(text.split())
    m = _DESC_START.search(text)
    if not m:
        return text, "", False
    cut = m.start(1)
    labels, desc = text[:cut].strip(), text[cut:]
    lw, dw = labels.split(), desc.split()
    for k in range(min(len(lw), len(dw), 12), 0, -1):
        if all(_plural_ok(lw[i], dw[i]) for i in range(k)):
            return " ".join(lw[:k]), desc, True
    return labels, desc, False


def load():
    out = []
    with open(ESCO, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pref, desc, sure = split(row["description"])
            labels_run = " ".join(row["description"].split())[
                : len(" ".join(row["description"].split())) - len(desc)
            ].strip()
            out.append(
                {"id": row["id"], "pref": pref, "labels": labels_run, "desc": desc, "sure": sure}
            )
    return out


if __name__ == "__main__":
    rows = load()
    pat = re.compile(sys.argv[1], re.I) if len(sys.argv) > 1 else None
    for r in rows:
        if pat is None or pat.search(r["labels"]):
            print(("  " if r["sure"] else "? ") + r["pref"] + "  |  " + r["id"].rsplit("/", 1)[1])
