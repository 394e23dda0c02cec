"""The rules a table schema can declare across the columns of one row.

Each rule is a plain function over one row, a mapping ``column -> parsed value``:

- a *check* returns ``None`` when the row passes, else ``(column, message)`` naming the cell
  to blame;
- a *fill* returns the value for an empty cell, or ``None`` when it cannot tell.

Which rules apply to which table, and on which columns, is declared in ``_schema.py``
(``TableSchema.checks`` and ``TableSchema.fills``); ``_validate.py`` runs them. A rule runs
only on rows where every column it needs holds a valid, non-empty value, so it never has to
guard against a cell that failed to parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import taxonomy as tx

__all__ = [
    "infer_activity",
    "fill_activity",
    "accompanying_in_group",
    "staff_not_grouped",
    "group_activity_has_group",
    "graduation_for_learners",
    "graduation_within_limit",
    "employed_for_staff",
    "graduation_deadline",
    "country_takes_part",
    "host_country_takes_part",
    "event_hosts_competitions",
    "competitions_at_events",
    "durations_ordered",
    "activity_fits",
    "activity_matches_role",
    "activity_within_limits",
    "dates_ordered",
    "window_covers_min_duration",
    "preferred_not_home",
    "activities_open_to_accepts",
    "rating_only_when_complete",
    "coordinates_paired",
    "RATING_RANGE",
]

Row = Mapping[str, Any]
Failure = tuple[str, str] | None

#: A completed placement's rating, lowest and highest (the workspace records 1-5).
RATING_RANGE = (1, 5)

#: Activities tried, in this order, when the activity is inferred from role and duration.
_INFERRED_ACTIVITIES = {
    "learner": ("short_term", "long_term"),
    "staff": ("job_shadowing", "teaching"),
}


def infer_activity(role: str, dmin: int, dmax: int) -> str | None:
    """The activity whose programme limits contain ``[dmin, dmax]`` for this role.

    Learners: short-term, then long-term. Staff: job shadowing, then teaching/training
    assignment. Skills competitions, group mobility and courses are never inferred.

    Examples
    --------
    >>> infer_activity("learner", 14, 30)
    'short_term'
    >>> infer_activity("learner", 1, 365) is None
    True
    """
    limits = tx.activity_limits()
    for act in _INFERRED_ACTIVITIES["learner" if role == "learner" else "staff"]:
        _, lo, hi = limits[act]
        if lo <= dmin and dmax <= hi:
            return act
    return None


def _window_days(row: Row) -> int:
    """Days from ``available_from`` to ``available_to``, both included."""
    return (row["available_to"] - row["available_from"]).days + 1


# --- fills ------------------------------------------------------------------------------------


def fill_activity(row: Row) -> str | None:
    """An empty activity, inferred from role and duration (none when min > max).

    An accompanying person's activity is their group's (a table fill), never inferred here.
    """
    dmin, dmax = row["duration_min_days"], row["duration_max_days"]
    if dmin > dmax or row["role"] == "accompanying":
        return None
    return infer_activity(row["role"], dmin, dmax)


# --- checks -----------------------------------------------------------------------------------


def durations_ordered(row: Row) -> Failure:
    """The shortest stay is not longer than the longest."""
    dmin, dmax = row["duration_min_days"], row["duration_max_days"]
    if dmin > dmax:
        return "duration_min_days", f"{dmin} is greater than duration_max_days {dmax}"
    return None


def activity_fits(row: Row) -> Failure:
    """An activity left empty could be inferred (runs after :func:`fill_activity`)."""
    role, dmin, dmax = row["role"], row["duration_min_days"], row["duration_max_days"]
    if row["activity"] != "" or dmin > dmax or role == "accompanying":
        return None
    options = ", ".join(
        f"{act} {lo}-{hi}" for act, (r, lo, hi) in tx.activity_limits().items() if r == role
    )
    return (
        "duration_max_days",
        f"a {role} stay of {dmin}-{dmax} days fits no single activity ({options}); "
        "narrow the window or set the activity",
    )


def activity_matches_role(row: Row) -> Failure:
    """The activity is open to the participant's role (an accompanying person's: a learner
    activity, the one of the learners they go with)."""
    role, act = row["role"], row["activity"]
    if row["duration_min_days"] > row["duration_max_days"]:
        return None
    act_role = tx.activity_limits()[act][0]
    if role == "accompanying":
        if act_role != "learner":
            return "activity", f"'{act}' is a staff activity; accompanying persons go with learners"
        return None
    if act_role != role:
        return "activity", f"'{act}' is a {act_role} activity, but role is {role}"
    return None


def activity_within_limits(row: Row) -> Failure:
    """The durations lie within the programme limits of the activity."""
    act, dmin, dmax = row["activity"], row["duration_min_days"], row["duration_max_days"]
    act_role, lo, hi = tx.activity_limits()[act]
    # an accompanying person may go for part of the stay only (their role differs too)
    if dmin > dmax or act_role != row["role"] or (lo <= dmin and dmax <= hi):
        return None
    return (
        "duration_min_days" if dmin < lo else "duration_max_days",
        f"{dmin}-{dmax} days is outside the programme limits for {act} ({lo}-{hi} days)",
    )


def dates_ordered(row: Row) -> Failure:
    """The availability window does not end before it starts."""
    start, end = row["available_from"], row["available_to"]
    if end < start:
        return "available_to", f"{end.date()} is before available_from {start.date()}"
    return None


def window_covers_min_duration(row: Row) -> Failure:
    """The availability window is long enough for the shortest stay."""
    start, end, dmin = row["available_from"], row["available_to"], row["duration_min_days"]
    days = _window_days(row)
    if end < start or days >= dmin:
        return None
    return (
        "available_to",
        f"window {start.date()} to {end.date()} is {days} days, "
        f"shorter than duration_min_days {dmin}",
    )


def preferred_not_home(row: Row) -> Failure:
    """A participant does not prefer their own country (mobility is cross-border)."""
    home = row["home_country"]
    if home in row["preferred_countries"].split(";"):
        return "preferred_countries", f"includes the home country {home}; mobility is cross-border"
    return None


def activities_open_to_accepts(row: Row) -> Failure:
    """Every activity a host offers is open to the roles it accepts."""
    accepts = row["accepts"]
    roles = ("learner", "staff") if accepts == "both" else (accepts,)
    limits = tx.activity_limits()
    wrong = [act for act in row["activities"].split(";") if limits[act][0] not in roles]
    if wrong:
        return "activities", f"{', '.join(wrong)} not open to {accepts} (accepts)"
    return None


def rating_only_when_complete(row: Row) -> Failure:
    """A rating goes with a completed placement only."""
    if row["action"] != "complete":
        lo, hi = RATING_RANGE
        return "rating", f"a rating ({lo}-{hi}) goes with 'complete' only, not '{row['action']}'"
    return None


# --- groups, accompanying persons, recent graduates, staff, countries, events ----------------


def accompanying_in_group(row: Row) -> Failure:
    """An accompanying person names the group (or the one learner) they go with."""
    if row["role"] == "accompanying" and row["group_id"] == "":
        return (
            "group_id",
            "an accompanying person needs the group_id of the learners they go with "
            "(the same group_id on the learners' rows)",
        )
    return None


def staff_not_grouped(row: Row) -> Failure:
    """Staff who travel with learners are accompanying persons, not staff on their own mobility."""
    if row["role"] == "staff" and row["group_id"] != "":
        return (
            "role",
            "staff in a group of learners go as accompanying persons: write role accompanying",
        )
    return None


def group_activity_has_group(row: Row) -> Failure:
    """A learner on a group mobility names the group."""
    if row["role"] == "learner" and row["activity"] == "group" and row["group_id"] == "":
        return "group_id", "a group mobility of VET learners needs the group's group_id"
    return None


def graduation_for_learners(row: Row) -> Failure:
    """A graduation date belongs to a learner (a recent graduate)."""
    if row["role"] != "learner":
        return "graduation_date", f"applies to learners (recent graduates) only, not {row['role']}"
    return None


def graduation_deadline(graduated) -> pd.Timestamp:
    """Last day a recent graduate's mobility may start: graduation plus the programme's months."""
    return pd.Timestamp(graduated) + pd.DateOffset(months=tx.programme_figure(_GRADUATE_RULE))


_GRADUATE_RULE = "recent_graduate_months"


def graduation_within_limit(row: Row) -> Failure:
    """A recent graduate can start within the programme's months of graduation."""
    graduated, start = row["graduation_date"], row["available_from"]
    if row["role"] != "learner" or start <= graduation_deadline(graduated):
        return None
    months = tx.programme_figure(_GRADUATE_RULE)
    return (
        "available_from",
        f"{start.date()} is more than {months} months after graduation_date "
        f"{graduated.date()}: a recent graduate's mobility starts within {months} months",
    )


def employed_for_staff(row: Row) -> Failure:
    """Being employed by the sending organisation is asked of staff only: not of learners,
    nor of accompanying persons (the programme asks no such tie of them: a parent or a
    person of trust may accompany), so a value there would be read and never applied."""
    if row["role"] == "learner":
        return "employed_by_sender", "applies to staff only, not learners"
    if row["role"] == "accompanying":
        return (
            "employed_by_sender",
            "applies to staff only: an accompanying person need not be employed by the "
            "sending organisation, leave it empty",
        )
    return None


def _country_takes_part(country: str, column: str, row: Row) -> Failure:
    joins = tx.country_joins()[country]
    start, end = row["available_from"], row["available_to"]
    first = max(pd.Timestamp(joins), start) if not pd.isna(start) else pd.Timestamp(joins)
    if (end - first).days + 1 >= row["duration_min_days"]:
        return None
    name = tx.countries().at[country, "name"]
    return (
        column,
        f"{country} ({name}) takes part in Erasmus+ from {joins.isoformat()}; the window "
        f"ending {end.date()} leaves no stay of {row['duration_min_days']} days from then",
    )


def country_takes_part(row: Row) -> Failure:
    """A participant's home country takes part on their dates (e.g. Switzerland from 2027)."""
    return _country_takes_part(row["home_country"], "home_country", row)


def host_country_takes_part(row: Row) -> Failure:
    """A host's country takes part on its dates."""
    return _country_takes_part(row["country"], "country", row)


def event_hosts_competitions(row: Row) -> Failure:
    """An event hosts skills competitions of learners only."""
    if row["org_type"] != tx.EVENT:
        return None
    if row["accepts"] == "staff":
        return "accepts", "an event hosts learners' skills competitions: accepts learner or both"
    other = [a for a in (row["activities"] or "").split(";") if a and a != "skills_competition"]
    if other:
        return "activities", f"an event hosts skills competitions only, not {', '.join(other)}"
    return None


def competitions_at_events(row: Row) -> Failure:
    """Skills competitions take place at events, not at workplace placements."""
    if row["org_type"] != tx.EVENT and "skills_competition" in row["activities"].split(";"):
        return (
            "activities",
            "skills competitions take place at events: give the competition its own row with "
            "org_type event, or remove skills_competition",
        )
    return None


def coordinates_paired(row: Row) -> Failure:
    """Latitude and longitude are given together, or neither (a cell that failed to parse
    is already reported)."""
    lat, lon = row["latitude"], row["longitude"]
    if lat is None or lon is None:
        return None
    has_lat, has_lon = not pd.isna(lat), not pd.isna(lon)
    if has_lat and not has_lon:
        return "longitude", "is empty, but latitude is given (give both or neither)"
    if has_lon and not has_lat:
        return "latitude", "is empty, but longitude is given (give both or neither)"
    return None
