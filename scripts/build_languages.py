"""Write data/taxonomies/languages_iso639_1.csv from pycountry's ISO 639 tables.

Run once when pycountry's data changes: ``python scripts/build_languages.py``.
"""

import csv
from pathlib import Path

import pycountry

out = Path(__file__).resolve().parents[1] / "data" / "taxonomies" / "languages_iso639_1.csv"
rows = sorted((lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2"))
with out.open("w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(["code", "name"])
    w.writerows(rows)
print(f"wrote {len(rows)} languages to {out}")
