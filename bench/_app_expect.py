"""What the dashboard should show for bench/app.py's interactions, computed by the engine of the
tree under test (run as a script with that tree first on ``PYTHONPATH``).

Prints JSON, in the order the bench acts: the first participant's top host, each typed
profile's top host, hosts to open in "Why this host?" with their scores, participants to switch
through with their top hosts, and countries to add as filters (on the last participant) with
the top host after each.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings

import pandas as pd

from matcher import Matcher, load_hosts, load_participants
from matcher.io import validate_table
from matcher.taxonomy import sample_dir

#: Profiles typed on Find hosts (occupation, goals), as a user would, in two languages.
PROFILES = [
    ("Koch", "Lehrling im zweiten Jahr, möchte in einer Restaurantküche im Ausland arbeiten."),
    ("idraulico", "Apprendista idraulico, impianti sanitari e riscaldamento in cantiere."),
]
SWITCHES = 5
FILTERS = 3
WHYS = 3


def profile_row(occupation: str, description: str) -> dict:
    """The row Find hosts builds from its form, with the form's defaults."""
    return {
        "participant_id": "NEW",
        "role": "learner",
        "activity": "",
        "home_country": "IT",
        "sending_org": "(new profile)",
        "occupation": occupation,
        "isced_f": "",
        "description": description,
        "languages": "it:native; en:B1",
        "duration_min_days": 21,
        "duration_max_days": 60,
        "available_from": dt.date(2026, 10, 1),
        "available_to": dt.date(2027, 6, 30),
        "preferred_countries": "",
        "fewer_opportunities": False,
        "needs_accessibility": False,
        "consent_share": False,
    }


def top(m: Matcher, pid: str, **filters) -> str:
    """The top host id of ``pid`` under ``filters``."""
    return str(m.recommend_hosts(pid, k=10, **filters)["host_id"].iloc[0])


def switches(m: Matcher, first: str) -> list[list[str]]:
    """Participants to switch to, in order, each with a top host other than the previous."""
    out, previous = [], top(m, first)
    for pid in m.participant_ids_[1:]:
        host = top(m, pid)
        if host != previous:
            out.append([str(pid), host])
            previous = host
        if len(out) == SWITCHES:
            return out
    return out


def filters(m: Matcher, pid: str) -> list[list[str]]:
    """Countries to add one at a time, each changing the top host: the countries of the
    ranking other than the top host's, by rising best score."""
    ranked = m.recommend_hosts(pid, k=len(m.host_ids_))
    best = ranked.drop_duplicates("country").iloc[1:]  # the top host's country left out
    chosen = best.sort_values("score").head(FILTERS)["country"].tolist()
    return [[c, top(m, pid, country=chosen[: i + 1])] for i, c in enumerate(chosen)]


def whys(m: Matcher, pid: str) -> list[list[str]]:
    """Hosts to open in "Why this host?", each with a score (2 decimals) unlike the previous."""
    ranked = m.recommend_hosts(pid, k=50)
    out, shown = [], f"{ranked['score'].iloc[0]:.2f}"
    for host in ranked["host_id"].iloc[1:]:
        score = f"{m.explain(pid, host).score:.2f}"
        if score != shown:
            out.append([str(host), score])
            shown = score
        if len(out) == WHYS:
            break
    return out


def main() -> None:
    """Print the expectations as JSON."""
    warnings.simplefilter("ignore")
    m = Matcher().fit(
        load_participants(sample_dir() / "participants.csv"), load_hosts(sample_dir() / "hosts.csv")
    )
    first = str(m.participant_ids_[0])
    typed = []
    for occupation, description in PROFILES:
        one = validate_table(
            pd.DataFrame([profile_row(occupation, description)]), "participants", name="profile"
        )
        if hasattr(m, "with_participants"):  # the page scores it against the fitted hosts
            pm = m.with_participants(one)
        else:  # older trees fit the profile with the hosts again
            pm = Matcher().fit(one, m.hosts_.reset_index(drop=True))
        typed.append([occupation, description, top(pm, "NEW")])
    switched = switches(m, first)
    out = {
        "first": [first, top(m, first)],
        "typed": typed,
        "whys": whys(m, first),
        "switches": switched,
        "filters": filters(m, switched[-1][0]),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
