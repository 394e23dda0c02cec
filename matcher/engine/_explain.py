"""Short human reasons for each criterion and each broken rule, built from data."""

from __future__ import annotations

import datetime as dt

from .. import taxonomy as tx

__all__ = ["RULE_TEXT", "strength"]

LANG_NAMES = {"el": "Greek", "nb": "Norwegian Bokmål", "no": "Norwegian"}


def lang_name(code: str) -> str:
    return LANG_NAMES.get(code) or tx.languages().get(code, code)


def level_name(rank: int) -> str:
    return tx.CEFR_LEVELS[rank - 1] if rank > 0 else "none"


def strength(x: float) -> str:
    return "strong" if x >= 0.6 else "partial" if x >= 0.35 else "weak"


def taxonomy_phrase(tax: float) -> str:
    if tax != tax:  # NaN: field or NACE class unknown
        return "text only"
    if tax >= 1:
        return "a typical sector for the field"
    if tax > 0:
        return "same NACE division as the field's typical sectors"
    return "outside the field's typical sectors"


def day(x: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(x))).isoformat()


RULE_TEXT = {
    "cross_border": "the host is in the participant's home country; mobility must be cross-border",
    "role_activity": "the host does not accept this role or activity",
    "duration": "the participant's stay does not overlap the durations the host accepts",
    "dates": "the date windows do not overlap long enough for the shortest stay",
    "capacity": "the host has no free places",
    "accessibility": "the participant needs an accessible host and this host is not accessible",
}
