"""Synthetic but realistic participants and hosts, built from real taxonomy text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ..io import HOSTS, PARTICIPANTS, format_languages, write_table
from ._places import CITIES, HOSTING_WEIGHTS, LEGAL_FORMS, SCHOOL_NAMES, SENDING_WEIGHTS

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
    if rng.random() < (0.85 if role == "learner" else 0.92) and native != "en":
        probs = [0.15, 0.35, 0.30, 0.20] if role == "learner" else [0.05, 0.25, 0.40, 0.30]
        langs["en"] = _level(rng, ["A2", "B1", "B2", "C1"], probs)
    if rng.random() < 0.35:
        options = [x for x in FOREIGN if x not in langs]
        second = _pick(
            rng,
            options,
            [0.0 if x == "en" else 1.0 for x in options]
            if "en" not in langs or len(options) > 1
            else None,
        )
        langs[second] = _level(rng, ["A1", "A2", "B1", "B2"], [0.25, 0.35, 0.25, 0.15])
    return format_languages(langs)


def _host_languages(rng, country: str, accepts: str) -> str:
    national = [x for x in tx.countries().loc[country, "languages"] if x not in ("ga", "lb", "mt")]
    lang = national[0] if len(national) == 1 else _pick(rng, national)
    if lang == "nn":
        lang = "nb"
    lang = "no" if lang == "nb" else lang
    want = "B2" if accepts == "staff" else _level(rng, ["A2", "B1", "B2"], [0.35, 0.45, 0.20])
    if lang == "en":
        return f"en:{want}"
    r = rng.random()
    if r < 0.45:
        return f"{lang}:{want}; en:{_level(rng, ['A2', 'B1', 'B2'], [0.3, 0.5, 0.2])}"
    if r < 0.75:
        return f"{lang}:{want}"
    if r < 0.92:
        return f"en:{_level(rng, ['B1', 'B2'], [0.6, 0.4])}"
    return ""


def _window(rng, dmin: int, dmax: int, p_open: float):
    if rng.random() < p_open:
        return pd.NaT, pd.NaT
    span = (YEAR_END - YEAR_START).days
    slack = int(rng.integers(0, 120))
    length = min(span + 1, dmax + slack)
    start = YEAR_START + dt.timedelta(days=int(rng.integers(0, max(1, span - length + 2))))
    end = min(YEAR_END, start + dt.timedelta(days=length - 1))
    if (end - start).days + 1 < dmin:
        start = end - dt.timedelta(days=dmin - 1)
    return pd.Timestamp(start), pd.Timestamp(end)


def generate_sample(
    n_participants: int = 400, n_hosts: int = 250, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build a participants table and a hosts table that pass validation.

    Learners and staff come from the sending countries weighted like Erasmus+ VET flows,
    with real ESCO occupations (text from ESCO), consistent ISCED-F fields and NACE Rev. 2.1
    classes, national languages native and English the common foreign language (A2-C1),
    durations inside the programme's limits, about 15% with fewer opportunities.

    Examples
    --------
    >>> participants, hosts = generate_sample(20, 10, seed=1)
    >>> len(participants), len(hosts)
    (20, 10)
    """
    rng = np.random.default_rng(seed)
    occ = tx.vet_occupations()
    esco_text = _esco_text(tx.esco_occupations())
    send_c, send_w = list(SENDING_WEIGHTS), list(SENDING_WEIGHTS.values())
    host_c, host_w = list(HOSTING_WEIGHTS), list(HOSTING_WEIGHTS.values())

    schools = {
        c: [
            f"{SCHOOL_NAMES[c]} {city}" + (f" {k}" if k > 1 else "")
            for city in CITIES[c][:3]
            for k in (1, 2)
        ]
        for c in send_c
    }

    participants = []
    for i in range(n_participants):
        role = "learner" if rng.random() < 0.74 else "staff"
        home = _pick(rng, send_c, send_w)
        o = occ.iloc[rng.choice(len(occ), p=occ["weight"] / occ["weight"].sum())]
        field = tx.isced_name(o.isced_f)
        plans = LEARNER_PLANS if role == "learner" else STAFF_PLANS
        act, windows, _ = plans[rng.choice(len(plans), p=[p[2] for p in plans])]
        dmin, dmax = windows[rng.integers(len(windows))]
        text = _first_sentences(esco_text[o.occupation], 2)
        if role == "learner":
            year = _pick(rng, ["first", "second", "third", "final"])
            occupation = o.occupation
            goal = {
                "short_term": "a traineeship in a company abroad",
                "long_term": "a long-term placement (ErasmusPro) abroad",
                "skills_competition": "taking part in a skills competition",
                "group": "a group mobility with classmates",
            }[act]
            description = f"{year.capitalize()}-year VET learner in {field.lower()}, looking for {goal}. {text}"
        else:
            trainer = rng.random() < 0.3
            occupation = (
                f"{'in-company trainer' if trainer else 'vocational teacher'} ({o.occupation})"
            )
            goal = {
                "job_shadowing": "job shadowing at a company or school",
                "teaching": "a teaching assignment at a partner VET provider",
                "training_course": "a training course",
            }[act]
            description = f"Teaches {field.lower()} and wants {goal} to update practice. Trains learners who: {text}"
        infer_ok = act in ("short_term", "long_term", "job_shadowing") and rng.random() < 0.4
        start, end = _window(rng, dmin, dmax, p_open=0.1)
        prefs = []
        if rng.random() < 0.5:
            k = int(rng.integers(1, 4))
            options = [c for c in host_c if c != home]
            w = np.array([HOSTING_WEIGHTS[c] for c in options], float)
            prefs = list(rng.choice(options, size=k, replace=False, p=w / w.sum()))
        fewer = bool(rng.random() < 0.15)
        access = bool(rng.random() < (0.15 if fewer else 0.02))
        participants.append(
            {
                "participant_id": f"P{i + 1:04d}",
                "role": role,
                "activity": "" if infer_ok else act,
                "home_country": home,
                "sending_org": _pick(rng, schools[home]),
                "occupation": occupation,
                "isced_f": o.isced_f if rng.random() < 0.7 else "",
                "description": description,
                "languages": _participant_languages(rng, home, role),
                "duration_min_days": dmin,
                "duration_max_days": dmax,
                "available_from": start,
                "available_to": end,
                "preferred_countries": ";".join(prefs),
                "fewer_opportunities": fewer,
                "needs_accessibility": access,
                "consent_share": bool(rng.random() < 0.85),
            }
        )

    hosts = []
    for j in range(n_hosts):
        country = _pick(rng, host_c, host_w)
        o = occ.iloc[rng.choice(len(occ), p=occ["weight"] / occ["weight"].sum())]
        city = _pick(rng, CITIES[country])
        r = rng.random()
        org_type = (
            "company"
            if r < 0.70
            else "vet_institution"
            if r < 0.80
            else "intermediary"
            if r < 0.88
            else "public_body"
            if r < 0.94
            else "ngo"
        )
        nace = _pick(rng, o.nace_classes)
        r = rng.random()
        accepts = "learner" if r < 0.62 else "both" if r < 0.90 else "staff"
        if org_type == "vet_institution":
            accepts = "both" if rng.random() < 0.6 else "staff"
        dmin, dmax = _pick(rng, STAFF_HOST_WINDOWS if accepts == "staff" else HOST_WINDOWS)
        sector = o.host_sector
        text = _first_sentences(esco_text[o.occupation], 1)
        if org_type == "intermediary":
            name = f"{city} {_pick(rng, ['Mobility', 'Placements', 'Training Partners', 'Work Experience'])} {LEGAL_FORMS[country]}"
            description = f"We place VET trainees in local companies ({sector}) and support them during the stay. Typical roles: {text}"
        elif org_type == "vet_institution":
            name = (
                f"{_pick(rng, list(SCHOOL_NAMES.values()))} {city}"
                if country not in SCHOOL_NAMES
                else f"{SCHOOL_NAMES[country]} {city}"
            )
            description = f"VET provider training {o.occupation}s with work-based learning in partner companies; hosts staff for job shadowing and teaching. {text}"
        else:
            label = tx.nace_name(nace)
            name = (
                f"{city} {sector.split(' and ')[0].title()} {LEGAL_FORMS[country]}"
                if org_type == "company"
                else f"City of {city}: {sector}"
                if org_type == "public_body"
                else f"{city} Community Association ({sector})"
            )
            description = f"{label}. Trainees join the team and learn on the job: {text}"
        acts = ""
        if accepts == "learner" and rng.random() < 0.3:
            acts = _pick(rng, ["short_term", "short_term;long_term", "long_term"])
            if acts == "long_term":
                dmin, dmax = 90, 365
        start, end = (
            _window(rng, dmax, dmax, p_open=0.3) if rng.random() < 0.7 else (pd.NaT, pd.NaT)
        )
        capacity = int(_pick(rng, [1, 2, 3, 4, 5, 6], [25, 25, 20, 12, 10, 8]))
        hosts.append(
            {
                "host_id": f"H{j + 1:04d}",
                "name": name,
                "country": country,
                "city": city,
                "org_type": org_type,
                "oid": f"E1{rng.integers(0, 10**7):07d}" if rng.random() < 0.8 else "",
                "nace_code": nace if rng.random() < 0.8 else "",
                "sector": sector,
                "description": description,
                "languages": _host_languages(rng, country, accepts),
                "accepts": accepts,
                "activities": acts,
                "duration_min_days": dmin,
                "duration_max_days": dmax,
                "capacity": capacity,
                "available_from": start,
                "available_to": end,
                "accessible": bool(rng.random() < 0.3),
                "inclusion_support": bool(rng.random() < 0.35),
            }
        )
    p = pd.DataFrame(participants, columns=list(PARTICIPANTS.names))
    h = pd.DataFrame(hosts, columns=list(HOSTS.names))
    for frame in (p, h):
        for c in ("available_from", "available_to"):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return p, h


def write_sample(out_dir, n_participants=400, n_hosts=250, seed=7, fmt="csv") -> tuple[Path, Path]:
    """Generate and write ``participants``, ``hosts`` and ``organisations`` tables
    (``.csv`` or ``.xlsx``) into ``out_dir``; returns the first two paths."""
    from ._organisations import generate_organisations

    out_dir = Path(out_dir)
    p, h = generate_sample(n_participants, n_hosts, seed)
    pp = write_table(p, out_dir / f"participants.{fmt}", sheet_name="participants")
    hp = write_table(h, out_dir / f"hosts.{fmt}", sheet_name="hosts")
    n_hosts_orgs = min(len(h), max(1, round(0.6 * len(h))))
    orgs = generate_organisations(p, h, seed, n_hosts=n_hosts_orgs, n_other=max(5, len(h) // 4))
    write_table(orgs, out_dir / f"organisations.{fmt}", sheet_name="organisations")
    return pp, hp
