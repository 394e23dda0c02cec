"""Small hand-made tables for worked examples."""

from __future__ import annotations

import pandas as pd

from matcher.io import HOSTS, PARTICIPANTS

P_DEFAULTS = {
    "role": "learner",
    "activity": "short_term",
    "home_country": "IT",
    "sending_org": "Scuola",
    "home_city": "",
    "occupation": "cook",
    "isced_f": "",
    "description": "",
    "languages": "it:native; en:B1",
    "duration_min_days": 30,
    "duration_max_days": 60,
    "available_from": pd.NaT,
    "available_to": pd.NaT,
    "preferred_countries": "",
    "travel_mode": "",
    "fewer_opportunities": False,
    "needs_accessibility": False,
    "consent_share": True,
    "group_id": "",
    "graduation_date": pd.NaT,
    "employed_by_sender": "",
    "project_type": "",
    "project_id": "",
}
H_DEFAULTS = {
    "name": "Host",
    "country": "DE",
    "city": "Munich",
    "postcode": "",
    "latitude": float("nan"),
    "longitude": float("nan"),
    "org_type": "company",
    "oid": "",
    "contact_person": "",
    "email": "",
    "phone": "",
    "website": "",
    "nace_code": "",
    "sector": "",
    "description": "",
    "languages": "",
    "accepts": "both",
    "activities": "",
    "duration_min_days": 14,
    "duration_max_days": 120,
    "capacity": 2,
    "available_from": pd.NaT,
    "available_to": pd.NaT,
    "accessible": True,
    "inclusion_support": False,
    "accepts_groups": False,
}


def _frame(rows, defaults, schema, id_col, prefix):
    full = [
        {id_col: r.pop(id_col, f"{prefix}{i + 1}"), **defaults, **r} for i, r in enumerate(rows)
    ]
    df = pd.DataFrame(full, columns=list(schema.names))
    for c in ("available_from", "available_to", "graduation_date"):
        if c in df:
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df


def participants(*rows) -> pd.DataFrame:
    return _frame([dict(r) for r in rows], P_DEFAULTS, PARTICIPANTS, "participant_id", "P")


def hosts(*rows) -> pd.DataFrame:
    return _frame([dict(r) for r in rows], H_DEFAULTS, HOSTS, "host_id", "H")


#: The password of the accounts the tests sign in with (long enough for a real account).
PASSWORD = "long enough password"


def sign_in(ws, username, role, acts_for=""):
    """A handle of a new account of ``role`` (``acts_for`` an organisation or a host id)."""
    ws.add_user(username, PASSWORD, role, acts_for, by=ws.admin_context())
    return ws.authenticate(username, PASSWORD)
