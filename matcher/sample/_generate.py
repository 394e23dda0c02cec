"""Synthetic but realistic participants and hosts, built from real taxonomy text.

Every helper that takes ``rng`` draws from it; the order of the calls in
:func:`generate_sample` is the order of the draws, so the same seed gives the same tables.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ..io import HOSTS, PARTICIPANTS, format_languages, write_table
from ._geography import add_geography
from ._places import CITIES, HOSTING_WEIGHTS, LEGAL_FORMS, SCHOOL_NAMES, SENDING_WEIGHTS
from ._programme import add_programme_features

__all__ = ["generate_sample", "write_sample"]

YEAR_START = dt.date(2026, 9, 1)
YEAR_END = dt.date(2027, 7, 31)

# (activity, (min, max) choices, probability) by role; windows lie inside the programme limits.
LEARNER_PLANS = [
    ("short_term", [(10, 21), (14, 30), (21, 45), (30, 60), (45, 89), (14, 21)], 0.78),
    ("long_term", [(90, 180), (120, 270), (180, 365), (90, 120)], 0.15),
    ("skills_competition", [(2, 5), (3, 7)], 0.03),
    ("group", [(7, 14), (10, 21)], 0.04),
]
STAFF_PLANS = [
    ("job_shadowing", [(2, 7), (5, 14), (10, 30)], 0.55),
    ("teaching", [(3, 10), (5, 20), (30, 90)], 0.25),
    ("training_course", [(3, 7), (5, 10)], 0.20),
]
HOST_WINDOWS = [(10, 60), (14, 89), (21, 120), (30, 180), (60, 365), (90, 365), (10, 365)]
STAFF_HOST_WINDOWS = [(2, 30), (2, 60), (3, 90)]
FOREIGN = ["en", "de", "fr", "es", "it"]

# What a participant is looking for, by activity (text of the description).
LEARNER_GOALS = {
    "short_term": "a traineeship in a company abroad",
    "long_term": "a long-term placement (ErasmusPro) abroad",
    "skills_competition": "taking part in a skills competition",
    "group": "a group mobility with classmates",
}
STAFF_GOALS = {
    "job_shadowing": "job shadowing at a company or school",
    "teaching": "a teaching assignment at a partner VET provider",
    "training_course": "a training course",
}
LEARNER_YEARS = ["first", "second", "third", "final"]

# Participants: shares and probabilities of the generated population.
LEARNER_SHARE = 0.74
IN_COMPANY_TRAINER_SHARE = 0.3  # staff who train in a company rather than teach at school
INFERABLE_ACTIVITIES = ("short_term", "long_term", "job_shadowing")
P_ACTIVITY_LEFT_BLANK = 0.4  # of inferable activities: left for the matcher to infer
P_PARTICIPANT_OPEN_DATES = 0.1
P_PREFERRED_COUNTRIES = 0.5
MAX_PREFERRED_COUNTRIES = 3
FEWER_OPPORTUNITIES_SHARE = 0.15
P_ACCESSIBILITY_NEEDS = {True: 0.15, False: 0.02}  # by fewer opportunities
P_ISCED_GIVEN = 0.7
P_CONSENT_SHARE = 0.85
SCHOOL_CITIES_PER_COUNTRY = 3
SCHOOLS_PER_CITY = 2
ESCO_SENTENCES_PARTICIPANT = 2
ESCO_SENTENCES_HOST = 1

# Participant languages: CEFR levels and their probabilities by role.
P_ENGLISH = {"learner": 0.85, "staff": 0.92}
ENGLISH_LEVELS = ["A2", "B1", "B2", "C1"]
ENGLISH_LEVEL_PROBS = {"learner": [0.15, 0.35, 0.30, 0.20], "staff": [0.05, 0.25, 0.40, 0.30]}
P_SECOND_FOREIGN = 0.35
SECOND_FOREIGN_LEVELS = ["A1", "A2", "B1", "B2"]
SECOND_FOREIGN_PROBS = [0.25, 0.35, 0.25, 0.15]

# Host languages: required level and the mix of local language / English requirements.
HOST_MINOR_LANGUAGES = ("ga", "lb", "mt")  # national but never the working language here
STAFF_HOST_LEVEL = "B2"
HOST_LEVELS = ["A2", "B1", "B2"]
HOST_LEVEL_PROBS = [0.35, 0.45, 0.20]
HOST_ENGLISH_EXTRA_PROBS = [0.3, 0.5, 0.2]
HOST_ENGLISH_ONLY_LEVELS = ["B1", "B2"]
HOST_ENGLISH_ONLY_PROBS = [0.6, 0.4]
# Cumulative thresholds: local + English, local only, English only, else no requirement.
HOST_LOCAL_AND_ENGLISH, HOST_LOCAL_ONLY, HOST_ENGLISH_ONLY = 0.45, 0.75, 0.92

# Hosts: organisation types as cumulative thresholds of one uniform draw (the last is the rest).
HOST_ORG_TYPES = [
    ("company", 0.70),
    ("vet_institution", 0.80),
    ("intermediary", 0.88),
    ("public_body", 0.94),
]
HOST_ORG_TYPE_REST = "ngo"
# Cumulative thresholds of ``accepts``: learner, both, else staff.
ACCEPTS_LEARNER, ACCEPTS_BOTH = 0.62, 0.90
P_VET_INSTITUTION_ACCEPTS_BOTH = 0.6
INTERMEDIARY_WORDS = ["Mobility", "Placements", "Training Partners", "Work Experience"]
P_HOST_FIXED_ACTIVITIES = 0.3
HOST_ACTIVITY_CHOICES = ["short_term", "short_term;long_term", "long_term"]
LONG_TERM_HOST_WINDOW = (90, 365)
P_HOST_DATED = 0.7
P_HOST_OPEN_DATES = 0.3
CAPACITIES = [1, 2, 3, 4, 5, 6]
CAPACITY_WEIGHTS = [25, 25, 20, 12, 10, 8]
P_HOST_OID = 0.8
OID_DIGITS = 7
P_HOST_NACE_GIVEN = 0.8
P_HOST_ACCESSIBLE = 0.3
P_HOST_INCLUSION_SUPPORT = 0.35

MAX_WINDOW_SLACK_DAYS = 120  # an availability window is up to this much longer than needed

# Organisations written beside the sample: a share of the hosts, and a few others.
ORGANISATION_HOST_SHARE = 0.6
MIN_OTHER_ORGANISATIONS = 5
HOSTS_PER_OTHER_ORGANISATION = 4


def _first_sentences(text: str, n: int) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(parts[:n]).strip()


def _esco_text(esco: pd.DataFrame) -> dict[str, str]:
    by_label = {}
    low = esco["preferred_label"].str.lower()
    for occ in tx.vet_occupations()["occupation"]:
        hit = esco[low == occ.lower()]
        if hit.empty:
            hit = esco[esco["labels"].str.lower().str.startswith(occ.lower() + " ")]
        by_label[occ] = hit["description"].iloc[0] if not hit.empty else ""
    return by_label


def _pick(rng, items, weights=None):
    weights = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return items[rng.choice(len(items), p=weights)]


def _level(rng, levels, probs):
    return levels[rng.choice(len(levels), p=np.asarray(probs) / np.sum(probs))]


def _participant_languages(rng, country: str, role: str) -> str:
    national = tx.countries().loc[country, "languages"]
    native = national[0] if len(national) == 1 else _pick(rng, national)
    if native in ("nb", "nn"):
        native = "no"
    langs = {native: "native"}
    if rng.random() < P_ENGLISH[role] and native != "en":
        langs["en"] = _level(rng, ENGLISH_LEVELS, ENGLISH_LEVEL_PROBS[role])
    if rng.random() < P_SECOND_FOREIGN:
        options = [x for x in FOREIGN if x not in langs]
        second = _pick(
            rng,
            options,
            [0.0 if x == "en" else 1.0 for x in options]
            if "en" not in langs or len(options) > 1
            else None,
        )
        langs[second] = _level(rng, SECOND_FOREIGN_LEVELS, SECOND_FOREIGN_PROBS)
    return format_languages(langs)


def _host_languages(rng, country: str, accepts: str) -> str:
    national = [
        x for x in tx.countries().loc[country, "languages"] if x not in HOST_MINOR_LANGUAGES
    ]
    lang = national[0] if len(national) == 1 else _pick(rng, national)
    if lang == "nn":
        lang = "nb"
    lang = "no" if lang == "nb" else lang
    want = STAFF_HOST_LEVEL if accepts == "staff" else _level(rng, HOST_LEVELS, HOST_LEVEL_PROBS)
    if lang == "en":
        return f"en:{want}"
    r = rng.random()
    if r < HOST_LOCAL_AND_ENGLISH:
        return f"{lang}:{want}; en:{_level(rng, HOST_LEVELS, HOST_ENGLISH_EXTRA_PROBS)}"
    if r < HOST_LOCAL_ONLY:
        return f"{lang}:{want}"
    if r < HOST_ENGLISH_ONLY:
        return f"en:{_level(rng, HOST_ENGLISH_ONLY_LEVELS, HOST_ENGLISH_ONLY_PROBS)}"
    return ""


def _window(rng, dmin: int, dmax: int, p_open: float):
    if rng.random() < p_open:
        return pd.NaT, pd.NaT
    span = (YEAR_END - YEAR_START).days
    slack = int(rng.integers(0, MAX_WINDOW_SLACK_DAYS))
    length = min(span + 1, dmax + slack)
    start = YEAR_START + dt.timedelta(days=int(rng.integers(0, max(1, span - length + 2))))
    end = min(YEAR_END, start + dt.timedelta(days=length - 1))
    if (end - start).days + 1 < dmin:
        start = end - dt.timedelta(days=dmin - 1)
    return pd.Timestamp(start), pd.Timestamp(end)


def _draw_occupation(rng, occupations: pd.DataFrame):
    """One row of ``tx.vet_occupations()``, drawn by its ``weight``."""
    weights = occupations["weight"] / occupations["weight"].sum()
    return occupations.iloc[rng.choice(len(occupations), p=weights)]


def _school_towns(countries: list[str]) -> dict[str, str]:
    """Sending school names and their towns: two schools in each of a country's first cities."""
    return {
        f"{SCHOOL_NAMES[c]} {city}" + (f" {k}" if k > 1 else ""): city
        for c in countries
        for city in CITIES[c][:SCHOOL_CITIES_PER_COUNTRY]
        for k in range(1, SCHOOLS_PER_CITY + 1)
    }


def _schools(countries: list[str]) -> dict[str, list[str]]:
    """Sending school names by country (see :func:`_school_towns`)."""
    towns = _school_towns(countries)
    return {c: [s for s in towns if s.startswith(f"{SCHOOL_NAMES[c]} ")] for c in countries}


def _draw_plan(rng, role: str) -> tuple[str, int, int]:
    """Activity and ``(duration_min_days, duration_max_days)`` of one participant."""
    plans = LEARNER_PLANS if role == "learner" else STAFF_PLANS
    activity, windows, _ = plans[rng.choice(len(plans), p=[p[2] for p in plans])]
    dmin, dmax = windows[rng.integers(len(windows))]
    return activity, dmin, dmax


def _describe_participant(rng, role: str, activity: str, occ, esco_text: str) -> tuple[str, str]:
    """``(occupation, description)`` of a learner or a staff member in occupation ``occ``."""
    field = tx.isced_name(occ.isced_f).lower()
    text = _first_sentences(esco_text, ESCO_SENTENCES_PARTICIPANT)
    if role == "learner":
        year = _pick(rng, LEARNER_YEARS)
        goal = LEARNER_GOALS[activity]
        description = f"{year.capitalize()}-year VET learner in {field}, looking for {goal}. {text}"
        return occ.occupation, description
    trainer = rng.random() < IN_COMPANY_TRAINER_SHARE
    occupation = f"{'in-company trainer' if trainer else 'vocational teacher'} ({occ.occupation})"
    goal = STAFF_GOALS[activity]
    description = (
        f"Teaches {field} and wants {goal} to update practice. Trains learners who: {text}"
    )
    return occupation, description


def _draw_preferred_countries(rng, home: str) -> list[str]:
    """Up to three hosting countries other than ``home``, or none (half of the participants)."""
    if rng.random() >= P_PREFERRED_COUNTRIES:
        return []
    k = int(rng.integers(1, MAX_PREFERRED_COUNTRIES + 1))
    options = [c for c in HOSTING_WEIGHTS if c != home]
    w = np.array([HOSTING_WEIGHTS[c] for c in options], float)
    return list(rng.choice(options, size=k, replace=False, p=w / w.sum()))


def _draw_inclusion_flags(rng) -> tuple[bool, bool]:
    """``(fewer_opportunities, needs_accessibility)``; needs are likelier with fewer opportunities."""
    fewer = bool(rng.random() < FEWER_OPPORTUNITIES_SHARE)
    access = bool(rng.random() < P_ACCESSIBILITY_NEEDS[fewer])
    return fewer, access


def _draw_participant(rng, i: int, occupations, esco_text, schools) -> dict:
    """Row ``i`` of the participants table."""
    role = "learner" if rng.random() < LEARNER_SHARE else "staff"
    home = _pick(rng, list(SENDING_WEIGHTS), list(SENDING_WEIGHTS.values()))
    occ = _draw_occupation(rng, occupations)
    activity, dmin, dmax = _draw_plan(rng, role)
    occupation, description = _describe_participant(
        rng, role, activity, occ, esco_text[occ.occupation]
    )
    infer_ok = activity in INFERABLE_ACTIVITIES and rng.random() < P_ACTIVITY_LEFT_BLANK
    start, end = _window(rng, dmin, dmax, p_open=P_PARTICIPANT_OPEN_DATES)
    prefs = _draw_preferred_countries(rng, home)
    fewer, access = _draw_inclusion_flags(rng)
    return {
        "participant_id": f"P{i + 1:04d}",
        "role": role,
        "activity": "" if infer_ok else activity,
        "home_country": home,
        "sending_org": _pick(rng, schools[home]),
        "occupation": occupation,
        "isced_f": occ.isced_f if rng.random() < P_ISCED_GIVEN else "",
        "description": description,
        "languages": _participant_languages(rng, home, role),
        "duration_min_days": dmin,
        "duration_max_days": dmax,
        "available_from": start,
        "available_to": end,
        "preferred_countries": ";".join(prefs),
        "fewer_opportunities": fewer,
        "needs_accessibility": access,
        "consent_share": bool(rng.random() < P_CONSENT_SHARE),
    }


def _draw_org_type(rng) -> str:
    """Host organisation type: mostly companies (see ``HOST_ORG_TYPES``)."""
    r = rng.random()
    return next((kind for kind, below in HOST_ORG_TYPES if r < below), HOST_ORG_TYPE_REST)


def _draw_accepts(rng, org_type: str) -> str:
    """Who a host accepts: ``learner``, ``staff`` or ``both``; VET institutions always staff."""
    r = rng.random()
    accepts = "learner" if r < ACCEPTS_LEARNER else "both" if r < ACCEPTS_BOTH else "staff"
    if org_type == "vet_institution":
        accepts = "both" if rng.random() < P_VET_INSTITUTION_ACCEPTS_BOTH else "staff"
    return accepts


def _host_name(rng, org_type: str, country: str, city: str, sector: str) -> str:
    """Organisation name of a host of ``org_type`` in ``city``."""
    if org_type == "intermediary":
        return f"{city} {_pick(rng, INTERMEDIARY_WORDS)} {LEGAL_FORMS[country]}"
    if org_type == "vet_institution":
        if country not in SCHOOL_NAMES:
            return f"{_pick(rng, list(SCHOOL_NAMES.values()))} {city}"
        return f"{SCHOOL_NAMES[country]} {city}"
    if org_type == "company":
        return f"{city} {sector.split(' and ')[0].title()} {LEGAL_FORMS[country]}"
    if org_type == "public_body":
        return f"City of {city}: {sector}"
    return f"{city} Community Association ({sector})"


def _host_description(org_type: str, occ, nace: str, text: str) -> str:
    """Free-text description of a host, ending with ESCO ``text`` on its occupation."""
    if org_type == "intermediary":
        return (
            f"We place VET trainees in local companies ({occ.host_sector}) and support them "
            f"during the stay. Typical roles: {text}"
        )
    if org_type == "vet_institution":
        return (
            f"VET provider training {occ.occupation}s with work-based learning in partner "
            f"companies; hosts staff for job shadowing and teaching. {text}"
        )
    return f"{tx.nace_name(nace)}. Trainees join the team and learn on the job: {text}"


def _draw_host_activities(rng, accepts: str, dmin: int, dmax: int) -> tuple[str, int, int]:
    """Activities a learner host restricts itself to (often none), and its durations."""
    activities = ""
    if accepts == "learner" and rng.random() < P_HOST_FIXED_ACTIVITIES:
        activities = _pick(rng, HOST_ACTIVITY_CHOICES)
        if activities == "long_term":
            dmin, dmax = LONG_TERM_HOST_WINDOW
    return activities, dmin, dmax


def _draw_host_dates(rng, dmax: int):
    """``(available_from, available_to)`` of a host; ``NaT`` when open all year."""
    if rng.random() < P_HOST_DATED:
        return _window(rng, dmax, dmax, p_open=P_HOST_OPEN_DATES)
    return pd.NaT, pd.NaT


def _draw_host(rng, j: int, occupations, esco_text) -> dict:
    """Row ``j`` of the hosts table."""
    country = _pick(rng, list(HOSTING_WEIGHTS), list(HOSTING_WEIGHTS.values()))
    occ = _draw_occupation(rng, occupations)
    city = _pick(rng, CITIES[country])
    org_type = _draw_org_type(rng)
    nace = _pick(rng, occ.nace_classes)
    accepts = _draw_accepts(rng, org_type)
    dmin, dmax = _pick(rng, STAFF_HOST_WINDOWS if accepts == "staff" else HOST_WINDOWS)
    text = _first_sentences(esco_text[occ.occupation], ESCO_SENTENCES_HOST)
    name = _host_name(rng, org_type, country, city, occ.host_sector)
    description = _host_description(org_type, occ, nace, text)
    activities, dmin, dmax = _draw_host_activities(rng, accepts, dmin, dmax)
    start, end = _draw_host_dates(rng, dmax)
    capacity = int(_pick(rng, CAPACITIES, CAPACITY_WEIGHTS))
    return {
        "host_id": f"H{j + 1:04d}",
        "name": name,
        "country": country,
        "city": city,
        "org_type": org_type,
        "oid": f"E1{rng.integers(0, 10**OID_DIGITS):07d}" if rng.random() < P_HOST_OID else "",
        "nace_code": nace if rng.random() < P_HOST_NACE_GIVEN else "",
        "sector": occ.host_sector,
        "description": description,
        "languages": _host_languages(rng, country, accepts),
        "accepts": accepts,
        "activities": activities,
        "duration_min_days": dmin,
        "duration_max_days": dmax,
        "capacity": capacity,
        "available_from": start,
        "available_to": end,
        "accessible": bool(rng.random() < P_HOST_ACCESSIBLE),
        "inclusion_support": bool(rng.random() < P_HOST_INCLUSION_SUPPORT),
    }


def _to_frame(rows: list[dict], columns) -> pd.DataFrame:
    """Rows as a frame with ``columns``, dates as ``datetime64[ns]``."""
    frame = pd.DataFrame(rows, columns=list(columns))
    for c in ("available_from", "available_to", "graduation_date"):
        if c in frame:
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def generate_sample(
    n_participants: int = 400, n_hosts: int = 250, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build a participants table and a hosts table that pass validation.

    Learners and staff come from the sending countries weighted like Erasmus+ VET flows,
    with real ESCO occupations (text from ESCO), consistent ISCED-F fields and NACE Rev. 2.1
    classes, national languages native and English the common foreign language (A2-C1),
    durations inside the programme's limits, about 15% with fewer opportunities; groups of
    learners with their accompanying persons, recent graduates, projects (KA121/KA122), hosts
    that take groups and skills competitions as events (see ``_programme.py``).

    Parameters
    ----------
    n_participants, n_hosts : int
        Rows of each table.
    seed : int
        Seed of the random generator: the same seed gives the same tables.

    Returns
    -------
    participants : DataFrame, shape (n_participants, len(PARTICIPANTS.names))
    hosts : DataFrame, shape (n_hosts, len(HOSTS.names))

    Examples
    --------
    >>> participants, hosts = generate_sample(20, 10, seed=1)
    >>> len(participants), len(hosts)
    (20, 10)
    """
    rng = np.random.default_rng(seed)
    occupations = tx.vet_occupations()
    esco_text = _esco_text(tx.esco_occupations())
    schools = _schools(list(SENDING_WEIGHTS))
    participants = [
        _draw_participant(rng, i, occupations, esco_text, schools) for i in range(n_participants)
    ]
    hosts = [_draw_host(rng, j, occupations, esco_text) for j in range(n_hosts)]
    p, h = add_programme_features(pd.DataFrame(participants), pd.DataFrame(hosts), seed)
    participants, hosts = _to_frame(p, PARTICIPANTS.names), _to_frame(h, HOSTS.names)
    add_geography(participants, hosts, _school_towns(list(SENDING_WEIGHTS)), seed)
    return participants, hosts


def write_sample(out_dir, n_participants=400, n_hosts=250, seed=7, fmt="csv") -> tuple[Path, Path]:
    """Generate and write ``participants``, ``hosts`` and ``organisations`` tables
    (``.csv`` or ``.xlsx``) into ``out_dir``; returns the first two paths."""
    from ._organisations import generate_organisations

    out_dir = Path(out_dir)
    p, h = generate_sample(n_participants, n_hosts, seed)
    pp = write_table(p, out_dir / f"participants.{fmt}", sheet_name="participants")
    hp = write_table(h, out_dir / f"hosts.{fmt}", sheet_name="hosts")
    n_hosts_orgs = min(len(h), max(1, round(ORGANISATION_HOST_SHARE * len(h))))
    n_other = max(MIN_OTHER_ORGANISATIONS, len(h) // HOSTS_PER_OTHER_ORGANISATION)
    orgs = generate_organisations(p, h, seed, n_hosts=n_hosts_orgs, n_other=n_other)
    write_table(orgs, out_dir / f"organisations.{fmt}", sheet_name="organisations")
    return pp, hp
