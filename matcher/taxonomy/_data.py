"""Taxonomies and programme tables, loaded once from ``data/taxonomies`` (CSV files with
provenance in ``data/README.md``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = [
    "data_dir",
    "taxonomy_dir",
    "sample_dir",
    "programme",
    "programme_activities",
    "partnership_actions",
    "activity_limits",
    "distance_bands",
    "travel_days",
    "TRAVEL_MODES",
    "ACTIVITIES",
    "ROLES",
    "ORG_TYPES",
    "PARTNER_TYPES",
    "ACCEPTS",
    "countries",
    "programme_countries",
    "normalise_country",
    "languages",
    "CEFR_LEVELS",
    "cefr_rank",
    "language_name",
    "isced_fields",
    "isced_name",
    "normalise_isced",
    "nace_codes",
    "nace_name",
    "normalise_nace",
    "isced_nace",
    "esco_occupations",
    "vet_occupations",
]

ROLES = ("learner", "staff")
ACCEPTS = ("learner", "staff", "both")
ORG_TYPES = ("company", "public_body", "ngo", "vet_institution", "intermediary")
#: Organisation types of KA2 cooperation partnerships.
PARTNER_TYPES = (
    "vet_provider",
    "company",
    "chamber",
    "social_partner",
    "public_authority",
    "ngo",
    "higher_education",
    "research",
    "intermediary",
)
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")


def data_dir() -> Path:
    """Folder with ``taxonomies/`` and ``sample/``.

    ``MATCHER_DATA_DIR`` wins; then the copy inside an installed wheel; then the
    repository's ``data/`` next to the package (editable installs and checkouts).
    """
    from .._config import Config

    configured = Config.from_env().data_dir
    if configured:
        return Path(configured)
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "taxonomies").is_dir():
            return candidate
    raise FileNotFoundError(
        "matcher's data folder was not found: set MATCHER_DATA_DIR to the folder that holds "
        "taxonomies/ and sample/"
    )


def taxonomy_dir() -> Path:
    """Folder of the taxonomy and programme tables."""
    return data_dir() / "taxonomies"


def sample_dir() -> Path:
    """Folder of the bundled sample data."""
    return data_dir() / "sample"


def _read(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(taxonomy_dir() / name, dtype=str, keep_default_na=False, **kwargs)


# --- programme -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def programme() -> pd.DataFrame:
    """The one table of programme figures: mobility activities and KA2 partnership actions.

    Columns ``key, kind (mobility|partnership|distance_band|travel_days), role, label,
    min_days, max_days, min_orgs, min_countries, lump_sums_eur, checked, source, min_km,
    max_km``.
    """
    return _read("programme.csv").set_index("key", drop=False)


@lru_cache(maxsize=1)
def programme_activities() -> pd.DataFrame:
    """The mobility activities: ``activity, role, label, min_days, max_days``."""
    df = programme()
    df = df[df["kind"] == "mobility"].rename(columns={"key": "activity"}).copy()
    df["min_days"] = df["min_days"].astype(int)
    df["max_days"] = df["max_days"].astype(int)
    return df.set_index("activity", drop=False)


@lru_cache(maxsize=1)
def partnership_actions() -> dict[str, dict]:
    """KA2 actions: ``{"KA210": {"min_orgs": 2, "min_countries": 2, "months": (6, 24), ...}}``."""
    df = programme()
    out = {}
    for r in df[df["kind"] == "partnership"].itertuples():
        out[r.key] = {
            "label": r.label,
            "min_orgs": int(r.min_orgs),
            "min_countries": int(r.min_countries),
            "days": (int(r.min_days), int(r.max_days)),
            "lump_sums_eur": tuple(int(x) for x in r.lump_sums_eur.split(";")),
        }
    return out


@lru_cache(maxsize=1)
def activity_limits() -> dict[str, tuple[str, int, int]]:
    """``{activity: (role, min_days, max_days)}``."""
    return {
        r.activity: (r.role, int(r.min_days), int(r.max_days))
        for r in programme_activities().itertuples()
    }


@lru_cache(maxsize=1)
def distance_bands() -> pd.DataFrame:
    """The Commission's travel distance bands: ``key, label, min_km, max_km`` (``max_km``
    NaN for the last, open band), nearest first.

    A distance falls in the band whose ``min_km`` is the largest not above it; under the
    first band's ``min_km`` there is no band (no travel support).
    """
    df = programme()
    df = df[df["kind"] == "distance_band"][["key", "label", "min_km", "max_km", "checked"]].copy()
    df["min_km"] = df["min_km"].astype(float)
    df["max_km"] = pd.to_numeric(df["max_km"].replace("", None)).astype(float)
    return df.sort_values("min_km").reset_index(drop=True)


#: How a participant travels: ``standard``, or ``green`` (train, bus, bike or car-sharing
#: for the main part of the trip).
TRAVEL_MODES = ("standard", "green")


@lru_cache(maxsize=1)
def travel_days() -> dict[str, int]:
    """Funded travel days per travel mode: ``{"standard": 2, "green": 6}`` (programme table)."""
    df = programme()
    rows = df[df["kind"] == "travel_days"]
    pairs = zip(rows["key"], rows["max_days"], strict=True)
    return {key.removeprefix("travel_"): int(d) for key, d in pairs}


ACTIVITIES = (
    "short_term",
    "long_term",
    "skills_competition",
    "group",
    "job_shadowing",
    "teaching",
    "training_course",
)


# --- countries ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def countries() -> pd.DataFrame:
    """Programme countries (EU-27 and the six associated), keyed by the EU code (EL for Greece)."""
    df = _read("countries.csv")
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    df["languages"] = df["languages"].str.split(";")
    return df.set_index("code", drop=False)


def programme_countries() -> tuple[str, ...]:
    """Codes of the 33 programme countries (EL for Greece), in the table's order."""
    return tuple(countries().index)


@lru_cache(maxsize=4096)
def normalise_country(value: str) -> tuple[str | None, str | None]:
    """Return ``(code, None)`` for a programme country, else ``(None, reason)``.

    Accepts ISO 3166-1 alpha-2 and the EU forms; Greece is stored as ``EL`` (``GR`` accepted).
    """
    import pycountry

    code = value.strip().upper()
    if code == "GR":
        code = "EL"
    table = countries()
    if code in table.index:
        return code, None
    if code == "UK":
        return None, "UK (United Kingdom) is not an Erasmus+ programme country"
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is not None:
        return None, f"{code} ({country.name}) is not an Erasmus+ programme country"
    if len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            alpha2 = "EL" if country.alpha_2 == "GR" else country.alpha_2
            return None, f"'{value}' is a 3-letter code; write the 2-letter code {alpha2}"
    return None, f"unknown country code '{value}' (use ISO 3166-1 alpha-2, e.g. DE, EL, NO)"


# --- languages ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def languages() -> dict[str, str]:
    """ISO 639-1 code to English name."""
    df = _read("languages_iso639_1.csv")
    return dict(zip(df["code"], df["name"], strict=True))


#: Names where the ISO 639-1 table's name reads oddly in a sentence.
_LANGUAGE_NAMES = {"el": "Greek", "nb": "Norwegian Bokmål", "no": "Norwegian"}


def language_name(code: str) -> str:
    """English name of an ISO 639-1 language code, as it reads in a sentence.

    Examples
    --------
    >>> language_name("de"), language_name("el")
    ('German', 'Greek')
    """
    return _LANGUAGE_NAMES.get(code) or languages().get(code, code)


def cefr_rank(level: str) -> int:
    """A1 -> 1 ... C2 -> 6, native -> 7."""
    return CEFR_LEVELS.index(level) + 1


# --- ISCED-F 2013 ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def isced_fields() -> pd.DataFrame:
    """ISCED-F 2013 fields: ``code, level (broad|narrow|detailed), parent, name``."""
    return _read("isced_f_2013.csv").set_index("code", drop=False)


@lru_cache(maxsize=1024)
def isced_name(code: str) -> str:
    """English name of an ISCED-F 2013 field."""
    return str(isced_fields().loc[code, "name"])


def normalise_isced(value: str) -> tuple[str | None, str | None]:
    """Canonical ISCED-F code for ``value`` (leading zeros restored), or a reason."""
    code = value.strip()
    if code.endswith(".0"):  # a number that went through a spreadsheet
        code = code[:-2]
    table = isced_fields()
    if code in table.index:
        return code, None
    if code.isdigit():
        for width in (2, 3, 4):
            padded = code.zfill(width)
            if len(code) < width and padded in table.index:
                return padded, None
    return None, f"unknown ISCED-F 2013 code '{value}' (e.g. 1013, 0715, 101, 10)"


# --- NACE Rev. 2.1 --------------------------------------------------------------------------

# Rev. 2 classes that no longer exist in Rev. 2.1, mapped to their Rev. 2.1 successor
# (Delegated Regulation (EU) 2023/137: motor-vehicle repair moved to division 95).
_NACE_REV2_MOVED = {
    "45.20": "95.31",
    "45.2": "95.3",
    "45.40": "95.32",
}


@lru_cache(maxsize=1)
def nace_codes() -> pd.DataFrame:
    """NACE Rev. 2.1 sections, divisions, groups and classes: ``code, parent, level, name``."""
    df = _read("nace_rev2_1.csv", sep=";")
    df = df[df["level"].isin(["1", "2", "3", "4"])][["code", "parentCode", "level", "name"]]
    df = df.rename(columns={"parentCode": "parent"})
    df["level"] = df["level"].astype(int)
    return df.set_index("code", drop=False)


@lru_cache(maxsize=4096)
def nace_name(code: str) -> str:
    """English name of a NACE Rev. 2.1 code."""
    return str(nace_codes().loc[code, "name"])


_NACE_RE = re.compile(r"^([A-Z])?\s*(\d{2})(?:\.?(\d{1,2}))?$")


def normalise_nace(value: str) -> tuple[str | None, str | None]:
    """Canonical NACE Rev. 2.1 division/group/class code (``56``, ``56.1``, ``56.11``)."""
    raw = value.strip().upper().replace(",", ".")
    m = _NACE_RE.match(raw)
    if not m:
        return None, f"'{value}' is not a NACE code (e.g. 56.11 for restaurants)"
    _, division, rest = m.groups()
    code = division if not rest else f"{division}.{rest}"
    table = nace_codes()
    if code in table.index:
        return code, None
    if code in _NACE_REV2_MOVED:
        return _NACE_REV2_MOVED[code], None
    if rest and len(rest) == 1 and f"{division}.{rest}0" in table.index:
        # 56.3 written for class 56.30 (a spreadsheet dropped the trailing zero)
        return f"{division}.{rest}0", None
    return None, f"unknown NACE Rev. 2.1 code '{value}'"


# --- crosswalks and ESCO ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def isced_nace() -> pd.DataFrame:
    """Hand-written crosswalk: ISCED-F detailed field -> NACE codes where graduates work.

    Columns ``isced_f, nace_codes (list), keywords``; see ``data/README.md``.
    """
    df = _read("isced_nace.csv")
    df["nace_codes"] = df["nace_codes"].str.split(";")
    return df.set_index("isced_f", drop=False)


_DESC_START = re.compile(r"\s(?=[A-Z][a-z])")
# Descriptions that open with an acronym: "ICT network technicians install ..."
_DESC_START_ACRONYM = re.compile(r"\s(?=[A-Z]{2,}(?:\s[a-z\-]+){0,4}s\s[a-z]+[\s,])")


#: Longest preferred label, in words, that the ESCO text parser looks for.
_LABEL_MAX_WORDS = 12
_PLURALS = (("", "s"), ("", "es"), ("y", "ies"), ("man", "men"), ("person", "people"))


def _same_word(label_word: str, desc_word: str) -> bool:
    """Whether a description word repeats a label word (case, plural and punctuation aside)."""
    lw, dw = label_word.lower().strip(",.;:"), desc_word.lower().strip(",.;:")
    if "/" in lw and lw.count("/") == dw.count("/"):
        return all(_same_word(a, b) for a, b in zip(lw.split("/"), dw.split("/"), strict=True))
    return dw == lw or any(lw.endswith(a) and dw == lw[: len(lw) - len(a)] + b for a, b in _PLURALS)


def _split_esco(text: str) -> tuple[str, str, str]:
    """Split ESCO's run-together text into (preferred label, labels, description)."""
    m = _DESC_START.search(" " + text)
    cut = m.start() if m else len(text)
    m2 = _DESC_START_ACRONYM.search(" " + text, 1)
    if m2 and m2.start() < cut:
        cut = m2.start()
    labels, description = text[:cut].strip(), text[cut:].strip()
    if not labels:  # ISCO group rows: "Hotel receptionists  Hotel receptionists welcome ..."
        head, _, tail = text.partition("  ")
        return head.strip(), head.strip(), tail.strip() or head.strip()
    label_words = labels.split()
    desc_words = description.split()
    # the preferred label is the longest run of label words that the description repeats,
    # usually in the plural ("metal drawing machine operator ... Metal drawing machine
    # operators set up ..."); else the old prefix rule
    n = next(
        (
            k
            for k in range(min(len(label_words), len(desc_words), _LABEL_MAX_WORDS), 0, -1)
            if all(_same_word(label_words[i], desc_words[i]) for i in range(k))
        ),
        0,
    )
    if not n:
        for a, b in zip(label_words, (w.lower() for w in desc_words), strict=False):
            if not b.startswith(a.lower()[:-1] if len(a) > 3 else a.lower()):
                break
            n += 1
    preferred = " ".join(label_words[: max(n, 1)])
    return preferred, labels, description


@lru_cache(maxsize=1)
def esco_occupations() -> pd.DataFrame:
    """ESCO occupations (English): ``uri, preferred_label, labels, description``."""
    df = _read("esco_occupations_en.csv")
    parts = [_split_esco(t) for t in df["description"]]
    out = pd.DataFrame(parts, columns=["preferred_label", "labels", "description"])
    out.insert(0, "uri", df["id"].to_numpy())
    return out


@lru_cache(maxsize=1)
def vet_occupations() -> pd.DataFrame:
    """Hand-labelled VET occupations: ESCO label, ISCED-F field, relevant NACE classes.

    Drives the sample data and labels the quality benchmark (``data/README.md``).
    """
    df = _read("vet_occupations.csv")
    df["nace_classes"] = df["nace_classes"].str.split(";")
    df["weight"] = df["weight"].astype(float)
    return df
