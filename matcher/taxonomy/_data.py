"""Taxonomies and programme tables, loaded once from ``data/taxonomies`` (CSV files with
provenance in ``data/README.md``)."""

from __future__ import annotations

import datetime as dt
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
    "programme_value",
    "programme_figure",
    "project_types",
    "third_country_partners",
    "distance_bands",
    "travel_days",
    "TRAVEL_MODES",
    "ACTIVITIES",
    "LEARNER_ACTIVITIES",
    "EXTERNAL_STAFF_ACTIVITIES",
    "ROLES",
    "PLACE_ROLES",
    "ORG_TYPES",
    "EVENT",
    "PARTNER_TYPES",
    "PROJECT_TYPES",
    "ACCEPTS",
    "STAY_DAYS",
    "countries",
    "programme_countries",
    "country_joins",
    "normalise_country",
    "normalise_any_country",
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

#: Participant roles. An accompanying person goes with learners (minors, learners with
#: fewer opportunities, groups) where they go, and takes no place at the host.
ROLES = ("learner", "staff", "accompanying")
#: Roles that take a place at a host (what a host ``accepts``).
PLACE_ROLES = ("learner", "staff")
ACCEPTS = ("learner", "staff", "both")
#: Host type of a skills competition or other event: it hosts skills competitions only.
EVENT = "event"
ORG_TYPES = ("company", "public_body", "ngo", "vet_institution", "intermediary", EVENT)
#: Project types a mobility belongs to: accredited (KA121) or short-term (KA122).
PROJECT_TYPES = ("KA121", "KA122")
#: Bounds of any stay in the data format, days (a stay is at most a year); they stand in for
#: programme limits the table leaves empty.
STAY_DAYS = (1, 365)
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
    """The one table of programme figures: activities, rules, projects, countries, KA2 actions.

    Columns ``key, kind (mobility|partnership|rule|project|countries|distance_band|
    travel_days), role, label, min_days, max_days, min_orgs, min_countries, lump_sums_eur,
    value, unit, valid_from, checked, source, min_km, max_km``; every cell is text (empty
    when it does not apply). ``checked`` is ``false`` where a figure could not be confirmed
    against the current Programme Guide.
    """
    return _read("programme.csv").set_index("key", drop=False)


@lru_cache(maxsize=1)
def programme_activities() -> pd.DataFrame:
    """The mobility activities: ``activity, role, label, min_days, max_days, limits_known``.

    An activity whose limits the table leaves empty (not found in a source) gets the data
    format's bounds :data:`STAY_DAYS` and ``limits_known`` False.
    """
    df = programme()
    df = df[df["kind"] == "mobility"].rename(columns={"key": "activity"}).copy()
    df["limits_known"] = (df["min_days"] != "") & (df["max_days"] != "")
    df["min_days"] = df["min_days"].replace("", str(STAY_DAYS[0])).astype(int)
    df["max_days"] = df["max_days"].replace("", str(STAY_DAYS[1])).astype(int)
    return df.set_index("activity", drop=False)


@lru_cache(maxsize=1)
def partnership_actions() -> dict[str, dict]:
    """KA2 actions: ``{"KA210": {"min_orgs": 2, "min_countries": 2, "months": (6, 24), ...}}``.

    ``third_country_partners`` says whether organisations from third countries not associated
    to the Programme may take part (as partners only, not counted towards the minimum).
    """
    df = programme()
    out = {}
    for r in df[df["kind"] == "partnership"].itertuples():
        out[r.key] = {
            "label": r.label,
            "min_orgs": int(r.min_orgs),
            "min_countries": int(r.min_countries),
            "days": (int(r.min_days), int(r.max_days)),
            "lump_sums_eur": tuple(int(x) for x in r.lump_sums_eur.split(";")),
            "third_country_partners": third_country_partners(r.key),
        }
    return out


def third_country_partners(action: str) -> bool:
    """Whether a KA2 ``action`` admits partners from non-associated third countries."""
    return programme_value(f"{action}_third_country_partners") == "yes"


def programme_value(key: str) -> str:
    """The ``value`` cell of programme rule ``key`` (text; ``KeyError`` for an unknown key)."""
    return str(programme().at[key, "value"])


def programme_figure(key: str) -> int:
    """The ``value`` of programme rule ``key`` as a whole number.

    Examples
    --------
    >>> programme_figure("recent_graduate_months")
    12
    """
    value = programme_value(key)
    if not value:
        raise ValueError(f"programme.csv has no figure for '{key}': fill in its value column")
    return int(value)


@lru_cache(maxsize=1)
def project_types() -> dict[str, dict]:
    """Project types: ``{"KA122": {"label": ..., "max_participants": 30, "checked": False}}``.

    ``max_participants`` is None where the programme sets no cap (accredited KA121 projects);
    accompanying persons and preparatory visits do not count towards it.
    """
    df = programme()
    return {
        r.key: {
            "label": r.label,
            "max_participants": int(r.value) if r.value else None,
            "checked": r.checked == "true",
        }
        for r in df[df["kind"] == "project"].itertuples()
    }


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
    "invited_expert",
    "hosting_teacher",
    "preparatory_visit",
)
#: Activities of learners; an accompanying person goes with learners on one of them.
LEARNER_ACTIVITIES = ("short_term", "long_term", "skills_competition", "group")
#: Staff activities of people from outside the sending organisation (an expert invited from
#: abroad, a teacher in training hosted): the sending organisation does not employ them.
EXTERNAL_STAFF_ACTIVITIES = ("invited_expert", "hosting_teacher")


# --- countries ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def countries() -> pd.DataFrame:
    """Countries the programme table lists in any year, keyed by the EU code (EL for Greece,
    UK for the United Kingdom): name, group, languages, capital and its coordinates."""
    df = _read("countries.csv")
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    df["languages"] = df["languages"].str.split(";")
    return df.set_index("code", drop=False)


@lru_cache(maxsize=1)
def country_joins() -> dict[str, dt.date]:
    """The first day each country takes part in the programme (programme.csv, ``countries``)."""
    df = programme()
    out: dict[str, dt.date] = {}
    for r in df[df["kind"] == "countries"].itertuples():
        start = dt.date.fromisoformat(r.valid_from)
        for code in r.value.split(";"):
            out[code] = min(out.get(code, start), start)
    return out


def programme_countries(on: dt.date | str | None = None) -> tuple[str, ...]:
    """Codes of the programme countries (EL for Greece), in the order of ``countries.csv``.

    ``on`` a date: the countries taking part on that day (33 before 2027; Switzerland and the
    United Kingdom are announced from 2027). None: every country of any programme year, the
    index space of the engine's arrays.

    Examples
    --------
    >>> len(programme_countries("2026-09-01")), "CH" in programme_countries("2027-03-01")
    (33, True)
    """
    joins = country_joins()
    day = dt.date.fromisoformat(on) if isinstance(on, str) else on
    return tuple(c for c in countries().index if c in joins and (day is None or joins[c] <= day))


def _not_programme(code: str, value: str) -> str | None:
    """Why ``code`` is no programme country, or None when it is not a country at all."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is not None:
        return f"{code} ({country.name}) is not an Erasmus+ programme country"
    if len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            alpha2 = {"GR": "EL", "GB": "UK"}.get(country.alpha_2, country.alpha_2)
            return f"'{value}' is a 3-letter code; write the 2-letter code {alpha2}"
    return None


_EU_FORMS = {"GR": "EL", "GB": "UK"}


@lru_cache(maxsize=4096)
def normalise_country(value: str) -> tuple[str | None, str | None]:
    """Return ``(code, None)`` for a country of any programme year, else ``(None, reason)``.

    Accepts ISO 3166-1 alpha-2 and the EU forms; Greece is stored as ``EL`` (``GR``
    accepted) and the United Kingdom as ``UK`` (``GB`` accepted). Whether a country takes
    part on a participant's dates is a rule of its own (see :func:`programme_countries`).
    """
    code = value.strip().upper()
    code = _EU_FORMS.get(code, code)
    if code in country_joins():
        return code, None
    return None, _not_programme(code, value) or (
        f"unknown country code '{value}' (use ISO 3166-1 alpha-2, e.g. DE, EL, NO)"
    )


@lru_cache(maxsize=4096)
def normalise_any_country(value: str) -> tuple[str | None, str | None]:
    """Like :func:`normalise_country`, but any ISO 3166-1 country is accepted (KA2 partners
    from third countries not associated to the Programme)."""
    import pycountry

    code = value.strip().upper()
    code = _EU_FORMS.get(code, code)
    if code in country_joins():
        return code, None
    iso = {"EL": "GR", "UK": "GB"}.get(code, code)
    if len(iso) == 2 and pycountry.countries.get(alpha_2=iso) is not None:
        return code, None
    reason = _not_programme(code, value)
    if reason and "3-letter" in reason:
        return None, reason
    return None, f"unknown country code '{value}' (use ISO 3166-1 alpha-2, e.g. DE, EL, US)"


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
    """Split ESCO's run-together text into (preferred label, labels, description).

    The description opens by repeating the preferred label, capitalised and usually in the
    plural ("head chef industrial head chef ... master Chef sous chef ... Head chefs manage
    the kitchen"): the longest such run gives the label and where the description starts.
    Without one (ISCO groups, whose labels are capitalised themselves), the description
    starts at the first capitalised word (:func:`_split_at_capital`).
    """
    words = text.split()
    first = words[0] if words else ""
    acronym = sum(c.isupper() for c in first) >= 2  # "ICT network technician ..."
    if not words or (first[:1].isupper() and not acronym):
        return _split_at_capital(text)
    n, at = 0, None
    for p in range(1, len(words)):
        if not words[p][:1].isupper() or not _same_word(first, words[p]):
            continue
        run = 0
        while (
            p + run < len(words)
            and run < min(_LABEL_MAX_WORDS, p)
            and _same_word(words[run], words[p + run])
        ):
            run += 1
        if acronym and words[p + run - 1] == words[run - 1]:  # a label repeated, not the
            continue  # description's plural
        if run > n:
            n, at = run, p
    if at is None:
        return _split_at_capital(text)
    cut = len(" ".join(words[:at]))
    return " ".join(words[:n]), text[:cut].strip(), text[cut:].strip()


def _split_at_capital(text: str) -> tuple[str, str, str]:
    """:func:`_split_esco` where the description does not repeat the label: it starts at the
    first capitalised word, and the label is the run of words it repeats."""
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
    n = 0
    for a, b in zip(label_words[:_LABEL_MAX_WORDS], desc_words, strict=False):
        if not _same_word(a, b):
            break
        n += 1
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
