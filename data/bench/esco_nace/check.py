"""Validate labels.csv against the ESCO and NACE Rev. 2.1 files and print counts (stdlib only).

Checks: every code is a level-4 NACE Rev. 2.1 class; every esco_id is an ESCO occupation in
the ESCO file; primary has 1-4 codes, related 0-6, no code in both; ids unique; split is
dev/test and follows the sha1 rule.  Exit status 1 on any failure.
"""

import collections
import csv
import hashlib
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path("/work/shared/taxonomies")
ESCO = SHARED / "esco_occupations_en.csv"
NACE = SHARED / "nace_rev2_1.csv"


def main():
    with open(NACE, newline="", encoding="utf-8") as f:
        nace4 = {
            r["code"]: r["name"] for r in csv.DictReader(f, delimiter=";") if r["level"] == "4"
        }
    with open(ESCO, newline="", encoding="utf-8") as f:
        esco = {r["id"]: r["description"] for r in csv.DictReader(f)}
    with open(HERE / "labels.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    errs, seen = [], set()
    n_codes = collections.Counter()
    for i, r in enumerate(rows, start=2):
        where = f"line {i} ({r['occupation']})"
        eid = r["esco_id"]
        if eid in seen:
            errs.append(f"{where}: duplicate esco_id")
        seen.add(eid)
        if "/esco/occupation/" not in eid or eid not in esco:
            errs.append(f"{where}: esco_id not an occupation in {ESCO.name}")
        elif not " ".join(esco[eid].split()).startswith(r["occupation"]):
            errs.append(f"{where}: occupation label is not the start of the ESCO text")
        prim = [c for c in r["primary"].split(";") if c]
        rel = [c for c in r["related"].split(";") if c]
        if not 1 <= len(prim) <= 4:
            errs.append(f"{where}: {len(prim)} primary codes (want 1-4)")
        if len(rel) > 6:
            errs.append(f"{where}: {len(rel)} related codes (want 0-6)")
        for c in prim + rel:
            if not re.fullmatch(r"\d\d\.\d\d", c) or c not in nace4:
                errs.append(f"{where}: {c!r} is not a NACE Rev. 2.1 level-4 code")
        if set(prim) & set(rel) or len(set(prim)) != len(prim) or len(set(rel)) != len(rel):
            errs.append(f"{where}: repeated code")
        want = "dev" if int(hashlib.sha1(eid.encode()).hexdigest(), 16) % 2 == 0 else "test"
        if r["split"] != want:
            errs.append(f"{where}: split {r['split']!r}, rule says {want!r}")
        n_codes["primary"] += len(prim)
        n_codes["related"] += len(rel)

    splits = collections.Counter(r["split"] for r in rows)
    print(f"occupations: {len(rows)}  (dev {splits['dev']}, test {splits['test']})")
    print(
        f"codes: {n_codes['primary']} primary, {n_codes['related']} related; "
        f"{len({c for r in rows for c in (r['primary'] + ';' + r['related']).split(';') if c})} distinct classes "
        f"of {len(nace4)}"
    )
    sections = collections.Counter(c[:2] for r in rows for c in r["primary"].split(";"))
    print(f"primary codes by NACE division: {len(sections)} divisions used")
    if "sector" in rows[0]:
        per = collections.defaultdict(collections.Counter)
        for r in rows:
            per[r["sector"]][r["split"]] += 1
        for s, c in per.items():
            print(f"  {s:40s} dev {c['dev']:3d}  test {c['test']:3d}")
    if errs:
        print(f"\n{len(errs)} problem(s):")
        print("\n".join("  " + e for e in errs))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
