"""Sanity checks for the cross-lingual VET matching benchmark (stdlib only).

Usage: python3 data/bench/crosslingual/check.py [path/to/nace_rev2_1.csv]
Exits non-zero on the first class of error found; prints language counts.
"""

import csv
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
NACE = (
    Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[1] / "taxonomies" / "nace_rev2_1.csv"
)
if not NACE.exists():  # worktrees may not carry the taxonomies; fall back to the main checkout
    NACE = Path("/work/main/data/taxonomies/nace_rev2_1.csv")
ISCED = NACE.with_name("isced_f_2013.csv")

LANG_COUNTRY = {
    "de": {"DE", "AT", "LU", "BE", "LI"},
    "fr": {"FR", "BE", "LU"},
    "nl": {"NL", "BE"},
    "it": {"IT", "MT"},
    "es": {"ES"},
    "pt": {"PT"},
    "pl": {"PL"},
    "fi": {"FI"},
    "el": {"EL", "CY"},
    "cs": {"CZ"},
    "sv": {"SE", "FI"},
    "hu": {"HU"},
    "ro": {"RO"},
    "en": {"IE", "MT"},
    "sk": {"SK"},
    "sl": {"SI"},
    "hr": {"HR"},
    "bg": {"BG"},
    "da": {"DK"},
    "et": {"EE"},
    "lv": {"LV"},
    "lt": {"LT"},
    "is": {"IS"},
    "no": {"NO"},
    "tr": {"TR"},
    "mk": {"MK"},
}

errors = []


def read(name):
    with open(HERE / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


nace4 = set()
with open(NACE, newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter=";"):
        if r["level"] == "4":
            nace4.add(r["code"])
isced_detailed = set()
if ISCED.exists():
    with open(ISCED, newline="", encoding="utf-8") as f:
        isced_detailed = {r["code"] for r in csv.DictReader(f) if r["level"] == "detailed"}

trades, hosts, profiles = read("trades.csv"), read("hosts.csv"), read("profiles.csv")
T = {t["trade_id"]: t for t in trades}

for rows, key in ((trades, "trade_id"), (hosts, "host_id"), (profiles, "profile_id")):
    dup = [k for k, c in Counter(r[key] for r in rows).items() if c > 1]
    if dup:
        errors.append(f"duplicate {key}: {dup}")

for t in trades:
    codes = t["nace_codes"].split(";")
    bad = [c for c in codes if c not in nace4]
    if bad:
        errors.append(f"{t['trade_id']}: nace_codes not level-4 NACE 2.1: {bad}")
    if isced_detailed and t["isced_f"] not in isced_detailed:
        errors.append(f"{t['trade_id']}: isced_f {t['isced_f']} not an ISCED-F detailed field")
    if t["split"] not in ("dev", "test"):
        errors.append(f"{t['trade_id']}: bad split {t['split']}")
    for r in filter(None, t["related"].split(";")):
        if r not in T:
            errors.append(f"{t['trade_id']}: unknown related {r}")
        elif t["trade_id"] not in T[r]["related"].split(";"):
            errors.append(f"{t['trade_id']}: related {r} not symmetric")
        if r == t["trade_id"]:
            errors.append(f"{t['trade_id']}: related to itself")

for rows, n, cc_col, kind in (
    (hosts, 3, "country", "hosts"),
    (profiles, 4, "home_country", "profiles"),
):
    by_trade = {}
    for r in rows:
        if r["trade_id"] not in T:
            errors.append(f"{kind}: unknown trade {r['trade_id']}")
            continue
        by_trade.setdefault(r["trade_id"], []).append(r["lang"])
        if r[cc_col] not in LANG_COUNTRY.get(r["lang"], ()):
            errors.append(f"{kind}: {r} country does not fit lang")
        for col in r:
            if not r[col].strip() and col != "related":
                errors.append(f"{kind}: empty {col} in {r}")
            if r[col] != r[col].strip() or "  " in r[col]:
                errors.append(f"{kind}: stray whitespace in {col} of {list(r.values())[0]}")
    for tid in T:
        langs = by_trade.get(tid, [])
        if len(langs) != n:
            errors.append(f"{kind}: {tid} has {len(langs)} rows, expected {n}")
        if len(set(langs)) != len(langs):
            errors.append(f"{kind}: {tid} repeats a language {langs}")

for h in hosts:
    if h["nace_code"] not in nace4:
        errors.append(f"{h['host_id']}: nace_code {h['nace_code']} not level-4 NACE 2.1")
    elif h["trade_id"] in T and h["nace_code"] not in T[h["trade_id"]]["nace_codes"].split(";"):
        errors.append(f"{h['host_id']}: nace_code {h['nace_code']} not in {h['trade_id']}'s list")

hl, pl = Counter(h["lang"] for h in hosts), Counter(p["lang"] for p in profiles)
allc = hl + pl
print(f"trades {len(trades)}  hosts {len(hosts)}  profiles {len(profiles)}  languages {len(allc)}")
print(f"split: {dict(Counter(t['split'] for t in trades))}")
print(f"{'lang':5}{'hosts':>7}{'profiles':>10}{'total':>7}")
for lang, c in allc.most_common():
    print(f"{lang:5}{hl[lang]:7d}{pl[lang]:10d}{c:7d}")
print(f"English share: hosts {hl['en'] / len(hosts):.1%}, profiles {pl['en'] / len(profiles):.1%}")
same = sum(
    1 for p in profiles for h in hosts if p["trade_id"] == h["trade_id"] and p["lang"] == h["lang"]
)
tot = sum(1 for p in profiles for h in hosts if p["trade_id"] == h["trade_id"])
print(f"relevance-2 pairs: {tot}, of which same-language: {same}")
if errors:
    print("\nERRORS:")
    print("\n".join(errors))
    sys.exit(1)
print("OK")
