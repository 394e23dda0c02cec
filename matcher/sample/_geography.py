"""The sample's geography and contacts: sending towns, travel modes, hosts' coordinates,
postcodes and contact details (all synthetic; addresses end in the reserved ``.example``).

Drawn from a random generator of its own, after the main tables, so that adding these
columns changed none of the sample's texts (and none of its shipped seed vectors).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from .. import geo
from ._places import CALLING_CODES, FIRST_NAMES, LAST_NAMES, POSTCODE_SHAPES

__all__ = ["add_geography"]

#: Share of participants whose sending town is given (the others fall back to the capital).
P_HOME_CITY_GIVEN = 0.9
#: Share of participants who travel green (train, bus, car-sharing).
P_GREEN_TRAVEL = 0.25
#: Share of hosts with coordinates given, and how far (degrees) they lie from the town centre.
P_HOST_COORDINATES = 0.6
COORDINATE_JITTER = 0.03
P_HOST_POSTCODE = 0.8
P_HOST_CONTACT = 0.9
PHONE_DIGITS = 9
#: The stream of random numbers of this module, beside the main tables' seed.
_STREAM = 1


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")


def _postcode(rng, country: str) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXY"
    return "".join(
        str(rng.integers(10))
        if ch == "9"
        else letters[rng.integers(len(letters))]
        if ch == "A"
        else ch
        for ch in POSTCODE_SHAPES[country]
    )


def _contact(rng, name: str, country: str) -> dict:
    slug = _slug(name)
    number = "".join(str(d) for d in rng.integers(0, 10, PHONE_DIGITS))
    return {
        "contact_person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "email": f"training@{slug}.example",
        "phone": f"+{CALLING_CODES[country]} {number[:3]} {number[3:]}",
        "website": f"https://www.{slug}.example",
    }


def _host_geography(rng, host: pd.Series) -> dict:
    out = {"postcode": "", "latitude": np.nan, "longitude": np.nan}
    out.update({"contact_person": "", "email": "", "phone": "", "website": ""})
    if rng.random() < P_HOST_COORDINATES:
        lat, lon, _ = geo.locate(host["city"], host["country"])
        jitter = rng.uniform(-COORDINATE_JITTER, COORDINATE_JITTER, 2)
        out["latitude"], out["longitude"] = round(lat + jitter[0], 5), round(lon + jitter[1], 5)
    if rng.random() < P_HOST_POSTCODE:
        out["postcode"] = _postcode(rng, host["country"])
    if rng.random() < P_HOST_CONTACT:
        out.update(_contact(rng, host["name"], host["country"]))
    return out


def add_geography(
    participants: pd.DataFrame, hosts: pd.DataFrame, school_towns: dict, seed: int
) -> None:
    """Fill in place the participants' ``home_city`` (their school's town) and
    ``travel_mode``, and the hosts' coordinates, postcodes and contacts."""
    rng = np.random.default_rng([seed, _STREAM])
    given = rng.random(len(participants)) < P_HOME_CITY_GIVEN
    towns = participants["sending_org"].map(school_towns).fillna("")
    participants["home_city"] = np.where(given, towns, "")
    green = rng.random(len(participants)) < P_GREEN_TRAVEL
    participants["travel_mode"] = np.where(green, "green", "")
    extra = pd.DataFrame([_host_geography(rng, h) for _, h in hosts.iterrows()], index=hosts.index)
    for column in extra.columns:
        hosts[column] = extra[column]
