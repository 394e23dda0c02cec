"""Programme rules that concern a set of placements rather than one participant-host pair.

Two rules of ``data/taxonomies/programme.csv`` cannot be told pair by pair: a short-term
project (KA122) places at most 30 participants (accompanying persons and preparatory visits
not counted), and a course has participants from at least two countries. The allocation keeps
to the first (``max_placed``); both are checked here on any set of placements, each finding a
sentence in plain words.

Examples
--------
>>> import numpy as np, pandas as pd
>>> p = pd.DataFrame({"participant_id": ["P1", "P2"], "role": ["staff", "staff"],
...     "activity": ["training_course"] * 2, "home_country": ["IT", "IT"],
...     "project_type": ["", ""], "project_id": ["", ""]})
>>> h = pd.DataFrame({"host_id": ["H1"], "name": ["Course Ltd"]})
>>> course_country_warnings(p, h, np.array([0, 0]))
["Course Ltd (H1): the course's placed participants all come from IT; a course has participants from at least 2 countries (others may come from elsewhere: check with the provider)"]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import taxonomy as tx

__all__ = [
    "counted_for_cap",
    "project_caps",
    "project_cap_warnings",
    "course_country_warnings",
]

#: Activities that never count towards a project's cap (with accompanying persons).
_NOT_COUNTED = ("preparatory_visit",)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([""] * len(frame), index=frame.index)


def counted_for_cap(participants: pd.DataFrame) -> np.ndarray:
    """``(n,)`` bool: participants counted towards a project's cap (not accompanying persons,
    not preparatory visits)."""
    return (
        (participants["role"] != "accompanying") & ~participants["activity"].isin(_NOT_COUNTED)
    ).to_numpy()


def project_caps(participants: pd.DataFrame) -> dict[str, tuple[int, np.ndarray]]:
    """``{project_id: (cap, rows)}`` for projects whose type has a cap (KA122: 30): the rows
    (positions in ``participants``) that count towards it."""
    caps = {k: v["max_participants"] for k, v in tx.project_types().items()}
    kinds, ids = _column(participants, "project_type"), _column(participants, "project_id")
    counted = counted_for_cap(participants)
    out = {}
    capped = (ids != "") & kinds.map(lambda k: bool(caps.get(k)))
    for pid in pd.unique(ids[capped]):
        mine = ((ids == pid) & capped).to_numpy()  # rows of a type without a cap left out
        cap = caps[kinds[mine].iloc[0]]
        out[pid] = (cap, np.flatnonzero(mine & counted))
    return out


def project_cap_warnings(participants: pd.DataFrame, assignment: np.ndarray) -> list[str]:
    """Projects that place more participants than their type allows.

    ``assignment`` is ``(n,)`` host index per participant, negative when not placed.
    """
    placed = np.asarray(assignment) >= 0
    out = []
    for pid, (cap, rows) in project_caps(participants).items():
        n = int(placed[rows].sum())
        if n > cap:
            kind = participants["project_type"].iloc[rows[0]]
            out.append(
                f"project {pid} ({kind}) places {n} participants; a {kind} project takes at "
                f"most {cap} (accompanying persons and preparatory visits not counted)"
            )
    return out


def course_country_warnings(
    participants: pd.DataFrame, hosts: pd.DataFrame, assignment: np.ndarray
) -> list[str]:
    """Courses whose placed participants all come from fewer countries than the rule asks.

    A course's other participants may come from outside the workspace, so this is a warning
    to check with the course provider, not a refusal.
    """
    need = tx.programme_figure("course_min_countries")
    assignment = np.asarray(assignment)
    course = (participants["activity"] == "training_course").to_numpy() & (assignment >= 0)
    out = []
    for j in np.unique(assignment[course]):
        countries = sorted(set(participants["home_country"].to_numpy()[course & (assignment == j)]))
        if len(countries) < need:
            host = hosts.iloc[int(j)]
            out.append(
                f"{host['name']} ({host['host_id']}): the course's placed participants all come "
                f"from {', '.join(countries)}; a course has participants from at least {need} "
                "countries (others may come from elsewhere: check with the provider)"
            )
    return out
