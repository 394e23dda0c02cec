"""What coordinators meet every week, added to the drawn sample: groups of learners with
their accompanying persons, learners accompanied on their own, recent graduates, staff
employment, projects, other staff activities, hosts that take groups, and skills competitions.

It runs after the main draw with a generator of its own, so the drawn rows keep their ids and,
apart from the rows it converts, their content. The first rows of both tables are never
converted (a learner drawn there on a group mobility only gains its group): the worked
examples and tests refer to them.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ._places import CITIES, HOSTING_WEIGHTS

__all__ = ["add_programme_features"]

#: Rows of each table left as drawn (examples and tests refer to them).
PROTECTED_ROWS = 10
#: First day of the sample's academic year (an open window starts then).
YEAR_START = dt.date(2026, 9, 1)
#: Learners per group (the first learner of the group was drawn on a group mobility).
GROUP_SIZES = (2, 3, 4)
#: Learners with fewer opportunities who get an accompanying person of their own.
ACCOMPANIED_LEARNERS = 3
RECENT_GRADUATE_SHARE = 0.06
GRADUATED_DAYS_BEFORE = (20, 300)  # graduation this long before the earliest start
P_EMPLOYMENT_UNKNOWN = 0.05
P_KA122 = 0.4
#: Staff converted to the activities the main draw does not make, with their stays (days).
OTHER_STAFF_ACTIVITIES = (
    ("preparatory_visit", 2, 4, 3),
    ("invited_expert", 3, 10, 2),
    ("hosting_teacher", 30, 90, 1),
)
P_GROUPS_BY_TYPE = {"vet_institution": 0.7, "intermediary": 0.7, "company": 0.2}
MIN_PLACES_FOR_GROUPS = 2
#: Skills competitions: events replacing the last hosts (at most one per HOSTS_PER_EVENT
#: hosts), their places and stays.
EVENTS = 3
HOSTS_PER_EVENT = 50
EVENT_PLACES = (8, 20)
EVENT_DAYS = (1, 10)


def _free(p: pd.DataFrame, taken: set, **equal) -> list[int]:
    """Rows not protected nor already converted whose columns equal ``equal``."""
    ok = np.ones(len(p), dtype=bool)
    ok[:PROTECTED_ROWS] = False
    for column, value in equal.items():
        ok &= (p[column] == value).to_numpy()
    return [k for k in np.flatnonzero(ok) if k not in taken]


def _member(rng, p, taken, leader: int, role: str) -> int | None:
    """A row of ``role`` from the leader's sending organisation, else from its country (then
    moved to the leader's sending organisation)."""
    same = _free(p, taken, role=role, sending_org=p.at[leader, "sending_org"])
    if not same:
        same = _free(p, taken, role=role, home_country=p.at[leader, "home_country"])
    if not same:
        return None
    k = int(rng.choice(same))
    p.at[k, "sending_org"] = p.at[leader, "sending_org"]
    taken.add(k)
    return k


def _accompany(p, k: int, leader: int, gid: str, what: str) -> None:
    """Make row ``k`` the accompanying person of ``leader``'s group ``gid``."""
    for c in ("duration_min_days", "duration_max_days", "available_from", "available_to"):
        p.at[k, c] = p.at[leader, c]
    field = tx.isced_name(p.at[leader, "isced_f"]).lower() if p.at[leader, "isced_f"] else ""
    trade = field or p.at[leader, "occupation"]
    p.at[k, "role"] = "accompanying"
    p.at[k, "activity"] = ""  # filled from the group's learners when loaded
    p.at[k, "group_id"] = gid
    p.at[k, "description"] = f"Accompanies {what} in {trade} for the whole stay abroad."


def _form_groups(rng, p: pd.DataFrame, taken: set) -> None:
    """Each learner drawn on a group mobility leads a group of classmates and a teacher."""
    # every learner drawn on a group mobility leads one, a protected row too (it only gains
    # the group_id); classmates and teachers come from the rows that may be converted
    leaders = list(
        np.flatnonzero(((p["role"] == "learner") & (p["activity"] == "group")).to_numpy())
    )
    taken.update(leaders)
    for n, leader in enumerate(leaders, start=1):
        gid = f"G{n:02d}"
        p.at[leader, "group_id"] = gid
        for _ in range(int(rng.choice(GROUP_SIZES)) - 1):
            k = _member(rng, p, taken, leader, "learner")
            if k is None:
                break
            for c in ("activity", "occupation", "isced_f", "description", "group_id"):
                p.at[k, c] = p.at[leader, c]
            for c in ("duration_min_days", "duration_max_days", "available_from", "available_to"):
                p.at[k, c] = p.at[leader, c]
        learners = (p["group_id"] == gid).sum()
        k = _member(rng, p, taken, leader, "staff")
        if k is None or learners < tx.programme_figure("group_min_learners"):
            _undo_group(p, gid)
            continue
        _accompany(p, k, leader, gid, "a group of learners")


def _undo_group(p: pd.DataFrame, gid: str) -> None:
    """Learners of a group that could not be formed go on short-term mobilities alone."""
    _, lo, _ = tx.activity_limits()["short_term"]
    for k in np.flatnonzero((p["group_id"] == gid).to_numpy()):
        p.at[k, "group_id"], p.at[k, "activity"] = "", "short_term"
        p.at[k, "duration_min_days"] = max(int(p.at[k, "duration_min_days"]), lo)
        p.at[k, "duration_max_days"] = max(int(p.at[k, "duration_max_days"]), lo)
        start, end = p.at[k, "available_from"], p.at[k, "available_to"]
        if not pd.isna(start) and (end - start).days + 1 < lo:
            p.at[k, "available_from"], p.at[k, "available_to"] = pd.NaT, pd.NaT


def _accompany_individuals(rng, p: pd.DataFrame, taken: set) -> None:
    """A few learners with fewer opportunities go with an accompanying person of their own."""
    fewer = [k for k in _free(p, taken, role="learner", fewer_opportunities=True)]
    fewer = [k for k in fewer if p.at[k, "activity"] in ("short_term", "")]
    for n, leader in enumerate(fewer[:ACCOMPANIED_LEARNERS], start=1):
        gid = f"A{n:02d}"
        taken.add(leader)
        k = _member(rng, p, taken, leader, "staff")
        if k is None:
            continue
        p.at[leader, "group_id"] = gid
        _accompany(p, k, leader, gid, "a learner with fewer opportunities")


def _recent_graduates(rng, p: pd.DataFrame, taken: set) -> None:
    """Some learners graduated a few months before they can start."""
    for k in _free(p, taken, role="learner"):
        if rng.random() >= RECENT_GRADUATE_SHARE or p.at[k, "activity"] == "group":
            continue
        start = p.at[k, "available_from"]
        start = pd.Timestamp(YEAR_START) if pd.isna(start) else start
        before = int(rng.integers(*GRADUATED_DAYS_BEFORE))
        p.at[k, "graduation_date"] = start - pd.Timedelta(days=before)
        p.at[k, "description"] = re.sub(
            r"^\w+-year VET learner", "Recent VET graduate", p.at[k, "description"]
        )


def _other_staff_activities(rng, p: pd.DataFrame, taken: set) -> None:
    """Preparatory visits, invited experts and hosted teachers in training."""
    for activity, dmin, dmax, count in OTHER_STAFF_ACTIVITIES:
        rows = _free(p, taken, role="staff", activity="job_shadowing")
        for k in rows[:count]:
            taken.add(k)
            p.at[k, "activity"] = activity
            p.at[k, "duration_min_days"], p.at[k, "duration_max_days"] = dmin, dmax
            p.at[k, "available_from"], p.at[k, "available_to"] = pd.NaT, pd.NaT
            label = tx.programme_activities().at[activity, "label"].split(" (")[0]
            p.at[k, "description"] = f"{label}. " + p.at[k, "description"]


def _staff_and_projects(rng, p: pd.DataFrame) -> None:
    """Staff employment (a few not checked yet) and each sending organisation's project."""
    # invited experts and hosted teachers in training are not the sender's staff: not asked
    staff = ((p["role"] == "staff") & ~p["activity"].isin(tx.EXTERNAL_STAFF_ACTIVITIES)).to_numpy()
    unknown = rng.random(len(p)) < P_EMPLOYMENT_UNKNOWN
    p.loc[staff, "employed_by_sender"] = np.where(unknown[staff], "", "true")
    for n, rows in enumerate(p.groupby("sending_org", sort=True).groups.values(), start=1):
        kind = "KA122" if rng.random() < P_KA122 else "KA121"
        country = p.at[rows[0], "home_country"]
        p.loc[rows, "project_type"] = kind
        p.loc[rows, "project_id"] = f"2026-1-{country}01-{kind}-VET-{n:06d}"


def _hosts_take_groups(rng, h: pd.DataFrame) -> None:
    """Schools and intermediaries often take groups, a few companies with several places."""
    p_groups = h["org_type"].map(P_GROUPS_BY_TYPE).fillna(0.0).to_numpy()
    learners = h["accepts"].isin(["learner", "both"]).to_numpy()
    places = (h["capacity"] >= MIN_PLACES_FOR_GROUPS).to_numpy()
    h["accepts_groups"] = (rng.random(len(h)) < p_groups) & learners & places


def _events(rng, p: pd.DataFrame, h: pd.DataFrame) -> None:
    """The last hosts become skills competitions in the trades of the competitors."""
    trades = p.loc[p["activity"] == "skills_competition", "occupation"].drop_duplicates()
    trades = list(trades) or ["cook"]
    events = min(EVENTS, len(h) // HOSTS_PER_EVENT)
    for n, k in enumerate(range(len(h) - events, len(h))):
        trade = trades[n % len(trades)]
        country = str(rng.choice(list(HOSTING_WEIGHTS)))
        city = str(rng.choice(CITIES[country]))
        h.loc[k, ["name", "country", "city", "org_type", "oid", "nace_code"]] = [
            f"International skills competition for {trade}s, {city}",
            country,
            city,
            tx.EVENT,
            "",
            "",
        ]
        h.loc[k, ["sector", "languages", "accepts", "activities"]] = [
            f"{trade} skills competition",
            "en:B1",
            "learner",
            "skills_competition",
        ]
        h.loc[k, "description"] = (
            f"A skills competition where VET learners training as {trade}s compete in timed "
            "practical tasks judged by experts; competitors come with their accompanying staff."
        )
        h.loc[k, ["duration_min_days", "duration_max_days"]] = list(EVENT_DAYS)
        h.loc[k, "capacity"] = int(rng.integers(*EVENT_PLACES))
        h.loc[k, ["available_from", "available_to"]] = [pd.NaT, pd.NaT]
        h.loc[k, ["accessible", "inclusion_support", "accepts_groups"]] = [True, False, True]


def add_programme_features(
    participants: pd.DataFrame, hosts: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The drawn tables with groups, accompanying persons, recent graduates, staff employment,
    projects, other staff activities, hosts taking groups and skills competitions."""
    rng = np.random.default_rng([seed, 15])
    p, h = participants.copy(), hosts.copy()
    p["group_id"], p["graduation_date"] = "", pd.NaT
    p["employed_by_sender"], p["project_type"], p["project_id"] = "", "", ""
    taken: set = set()
    _form_groups(rng, p, taken)
    _accompany_individuals(rng, p, taken)
    _recent_graduates(rng, p, taken)
    _other_staff_activities(rng, p, taken)
    _staff_and_projects(rng, p)
    _hosts_take_groups(rng, h)
    _events(rng, p, h)
    return p, h
