"""Hypothesis strategies for valid participants and hosts tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

from matcher import taxonomy as tx
from matcher.io import HOSTS, PARTICIPANTS

#: Countries taking part on every date the strategies draw (2025-2028): the 33 of 2021 on.
COUNTRIES = list(tx.programme_countries("2021-01-01"))
#: Activities a participant drawn alone can have (a group mobility needs a group).
SOLO_ACTIVITIES = [a for a in tx.ACTIVITIES if a != "group"]
LANGS = ["en", "de", "fr", "es", "it", "pl", "el", "fi", "nl", "pt"]
LEVELS = list(tx.CEFR_LEVELS)
ISCED = list(tx.isced_fields().index)
NACE = [c for c in tx.nace_codes().index if c[0].isdigit()]

text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
optional_text = st.one_of(st.just(""), text)


@st.composite
def languages(draw, min_size=0):
    codes = draw(st.lists(st.sampled_from(LANGS), min_size=min_size, max_size=3, unique=True))
    return "; ".join(f"{c}:{draw(st.sampled_from(LEVELS))}" for c in codes)


@st.composite
def window(draw, dmin):
    if draw(st.booleans()):
        return pd.NaT, pd.NaT
    start = draw(st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
    length = draw(st.integers(dmin, 400))
    return pd.Timestamp(start), pd.Timestamp(start + dt.timedelta(days=length - 1))


@st.composite
def participant(draw, i):
    act = draw(st.sampled_from(SOLO_ACTIVITIES))
    role, lo, hi = tx.activity_limits()[act]
    dmin = draw(st.integers(lo, hi))
    dmax = draw(st.integers(dmin, hi))
    home = draw(st.sampled_from(COUNTRIES))
    prefs = draw(
        st.lists(st.sampled_from([c for c in COUNTRIES if c != home]), max_size=3, unique=True)
    )
    start, end = draw(window(dmin))
    return {
        "participant_id": f"P{i}-" + draw(st.text("abcXYZ019", max_size=3)),
        "role": role,
        "activity": act,
        "home_country": home,
        "sending_org": draw(text),
        "home_city": draw(optional_text),
        "occupation": draw(text),
        "isced_f": draw(st.one_of(st.just(""), st.sampled_from(ISCED))),
        "description": draw(optional_text),
        "languages": draw(languages()),
        "duration_min_days": dmin,
        "duration_max_days": dmax,
        "available_from": start,
        "available_to": end,
        "preferred_countries": ";".join(prefs),
        "travel_mode": draw(st.sampled_from(("", *tx.TRAVEL_MODES))),
        "fewer_opportunities": draw(st.booleans()),
        "needs_accessibility": draw(st.booleans()),
        "consent_share": draw(st.booleans()),
        "group_id": "",
        "graduation_date": pd.NaT,
        "employed_by_sender": draw(st.sampled_from(["", "true"])) if role == "staff" else "",
        "project_type": draw(st.sampled_from(["", *tx.PROJECT_TYPES])),
        "project_id": "",
    }


@st.composite
def host(draw, i):
    accepts = draw(st.sampled_from(tx.ACCEPTS))
    roles = ("learner", "staff") if accepts == "both" else (accepts,)
    org_type = draw(st.sampled_from(tx.ORG_TYPES))
    if org_type == tx.EVENT and accepts == "staff":
        org_type = "company"  # an event hosts learners' skills competitions
    open_acts = [
        a
        for a, (r, _, _) in tx.activity_limits().items()
        if r in roles and (a == "skills_competition") == (org_type == tx.EVENT)
    ]
    acts = draw(st.lists(st.sampled_from(open_acts), max_size=3, unique=True))
    dmin = draw(st.integers(1, 365))
    dmax = draw(st.integers(dmin, 365))
    start, end = draw(window(dmin))
    placed = draw(st.booleans())  # coordinates given (both), or neither
    lat = draw(st.integers(-90_000, 90_000)) / 1000 if placed else float("nan")
    lon = draw(st.integers(-180_000, 180_000)) / 1000 if placed else float("nan")
    return {
        "host_id": f"H{i}",
        "name": draw(text),
        "country": draw(st.sampled_from(COUNTRIES)),
        "city": draw(optional_text),
        "postcode": draw(st.sampled_from(("", "80331", "1010", "D02 X285", "LV-1050", "00-950"))),
        "latitude": lat,
        "longitude": lon,
        "org_type": org_type,
        "oid": draw(st.one_of(st.just(""), st.integers(0, 10**8 - 1).map(lambda n: f"E{n:08d}"))),
        "contact_person": draw(optional_text),
        "email": draw(st.sampled_from(("", "anna@hotel.example", "x.y-z@sub.example.org"))),
        "phone": draw(st.sampled_from(("", "+49 89 1234567", "0039 (06) 123-456"))),
        "website": draw(
            st.sampled_from(("", "https://www.hotel.example", "http://a.example/x?y=1"))
        ),
        "nace_code": draw(st.one_of(st.just(""), st.sampled_from(NACE))),
        "sector": draw(text),
        "description": draw(optional_text),
        "languages": draw(languages()),
        "accepts": accepts,
        "activities": ";".join(acts),
        "duration_min_days": dmin,
        "duration_max_days": dmax,
        "capacity": draw(st.integers(0, 50)),
        "available_from": start,
        "available_to": end,
        "accessible": draw(st.booleans()),
        "inclusion_support": draw(st.booleans()),
        "accepts_groups": draw(st.booleans()),
    }


def _frame(rows, schema):
    df = pd.DataFrame(rows, columns=list(schema.names))
    for c in ("available_from", "available_to", "graduation_date"):
        if c in df:
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    for c in ("duration_min_days", "duration_max_days") + (
        ("capacity",) if schema is HOSTS else ()
    ):
        df[c] = df[c].astype("int64")
    for c in ("latitude", "longitude"):
        if c in df:
            df[c] = df[c].astype("float64")
    return df


@st.composite
def participants_tables(draw, max_rows=8):
    n = draw(st.integers(1, max_rows))
    return _frame([draw(participant(i)) for i in range(n)], PARTICIPANTS)


@st.composite
def hosts_tables(draw, max_rows=8):
    n = draw(st.integers(1, max_rows))
    return _frame([draw(host(i)) for i in range(n)], HOSTS)
