"""The rules a table schema can declare across its rows: groups of learners with their
accompanying persons, and projects.

Each rule reads the parsed table as a list of rows (mappings ``column -> parsed value``; a
cell that failed to parse holds ``None``) and returns ``(index, column, message)`` for each
row to blame, ``index`` counting the table's rows from 0. A table *fill* returns
``{index: value}`` for empty cells it can fill. Which rules apply to which table is declared
in ``_schema.py`` (``TableSchema.table_checks`` and ``TableSchema.table_fills``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from .. import taxonomy as tx

__all__ = [
    "group_rows",
    "fill_group_activity",
    "group_has_learners",
    "group_travels_together",
    "group_mobility_composition",
    "group_has_common_stay",
    "project_type_consistent",
    "project_over_cap",
    "staff_employment_unknown",
]

Rows = Sequence[Mapping[str, Any]]
Blame = list[tuple[int, str, str]]


def group_rows(rows: Rows) -> dict[str, list[int]]:
    """Row indices of each ``group_id`` (rows without a valid group id left out), in order."""
    out: dict[str, list[int]] = defaultdict(list)
    for k, row in enumerate(rows):
        gid = row.get("group_id")
        if gid:
            out[gid].append(k)
    return dict(out)


def _learners(rows: Rows, members: list[int]) -> list[int]:
    return [k for k in members if rows[k]["role"] == "learner"]


def _accompanying(rows: Rows, members: list[int]) -> list[int]:
    return [k for k in members if rows[k]["role"] == "accompanying"]


def fill_group_activity(rows: Rows) -> dict[int, str]:
    """An accompanying person's empty activity: the activity of the learners they go with."""
    out = {}
    for members in group_rows(rows).values():
        acts = {rows[k]["activity"] for k in _learners(rows, members) if rows[k]["activity"]}
        if len(acts) != 1:
            continue  # no learner, or learners on different activities: reported elsewhere
        for k in _accompanying(rows, members):
            if rows[k]["activity"] == "":
                out[k] = next(iter(acts))
    return out


def group_has_learners(rows: Rows) -> Blame:
    """An accompanying person's group has at least one learner."""
    out = []
    for gid, members in group_rows(rows).items():
        if not _learners(rows, members):
            out += [
                (
                    k,
                    "group_id",
                    f"group '{gid}' has no learner: an accompanying person goes with learners",
                )
                for k in _accompanying(rows, members)
            ]
    return out


def group_travels_together(rows: Rows) -> Blame:
    """A group's members share the sending organisation and home country, and its learners
    (and accompanying persons) the activity."""
    out = []
    for gid, members in group_rows(rows).items():
        first = members[0]
        for column in ("sending_org", "home_country", "activity"):
            for k in members[1:]:
                mine, theirs = rows[k][column], rows[first][column]
                if mine is None or theirs is None or mine == theirs:
                    continue
                out.append(
                    (
                        k,
                        column,
                        f"'{mine}' differs from '{theirs}' in the first row of group '{gid}': "
                        f"a group travels together ({column.replace('_', ' ')} shared)",
                    )
                )
    return out


def group_mobility_composition(rows: Rows) -> Blame:
    """A group mobility of VET learners has enough learners and an accompanying person."""
    min_learners = tx.programme_figure("group_min_learners")
    min_accompanying = tx.programme_figure("group_min_accompanying")
    out = []
    for gid, members in group_rows(rows).items():
        learners = _learners(rows, members)
        if not learners or rows[learners[0]]["activity"] != "group":
            continue
        if len(learners) < min_learners:
            out.append(
                (
                    learners[0],
                    "group_id",
                    f"a group mobility needs at least {min_learners} learners; "
                    f"group '{gid}' has {len(learners)}",
                )
            )
        if len(_accompanying(rows, members)) < min_accompanying:
            out.append(
                (
                    learners[0],
                    "group_id",
                    f"a group mobility is accompanied for the whole activity: group '{gid}' has "
                    "no accompanying person (a row with role accompanying and this group_id)",
                )
            )
    return out


def group_has_common_stay(rows: Rows) -> Blame:
    """A group's learners share at least one stay length (they go and come back together)."""
    out = []
    for gid, members in group_rows(rows).items():
        learners = [
            k
            for k in _learners(rows, members)
            if rows[k]["duration_min_days"] is not None and rows[k]["duration_max_days"] is not None
        ]
        if len(learners) < 2:
            continue
        longest_min = max(learners, key=lambda k: rows[k]["duration_min_days"])
        shortest_max = min(learners, key=lambda k: rows[k]["duration_max_days"])
        lo, hi = rows[longest_min]["duration_min_days"], rows[shortest_max]["duration_max_days"]
        if lo > hi:
            out.append(
                (
                    longest_min,
                    "duration_min_days",
                    f"the learners of group '{gid}' share no stay length: {lo} days at least here, "
                    f"at most {hi} days in row {shortest_max + 2}",
                )
            )
    return out


def project_type_consistent(rows: Rows) -> Blame:
    """Rows of one ``project_id`` name the same ``project_type``."""
    first: dict[str, int] = {}
    out = []
    for k, row in enumerate(rows):
        pid, kind = row.get("project_id"), row.get("project_type")
        if not pid or not kind:
            continue
        if pid not in first:
            first[pid] = k
        elif rows[first[pid]]["project_type"] != kind:
            out.append(
                (
                    k,
                    "project_type",
                    f"project '{pid}' is {rows[first[pid]]['project_type']} in row "
                    f"{first[pid] + 2}, {kind} here",
                )
            )
    return out


def _counted(row: Mapping[str, Any]) -> bool:
    """Counts towards a project's cap: not an accompanying person, not a preparatory visit."""
    return row["role"] != "accompanying" and row["activity"] != "preparatory_visit"


def project_over_cap(rows: Rows) -> Blame:
    """Projects listing more participants than their type allows (a note, not an error: a
    coordinator may list more candidates than places; an allocation keeps to the cap)."""
    caps = {k: v["max_participants"] for k, v in tx.project_types().items()}
    counts: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for k, row in enumerate(rows):
        pid, kind = row.get("project_id"), row.get("project_type")
        if pid and kind and caps.get(kind) and _counted(row):
            counts[pid].append(k)
            kinds[pid] = kind
    return [
        (
            ks[0],
            "project_id",
            f"project '{pid}' ({kinds[pid]}) lists {len(ks)} participants; a {kinds[pid]} "
            f"project takes at most {caps[kinds[pid]]} (accompanying persons and preparatory "
            "visits not counted): an allocation places at most that many",
        )
        for pid, ks in counts.items()
        if len(ks) > caps[kinds[pid]]
    ]


def staff_employment_unknown(rows: Rows) -> Blame:
    """Staff rows that do not say whether they work for the sending organisation (a note;
    invited experts and hosted teachers in training come from elsewhere and are not asked)."""
    unknown = [
        k
        for k, row in enumerate(rows)
        if row["role"] == "staff"
        and row.get("employed_by_sender") == ""
        and row["activity"] not in tx.EXTERNAL_STAFF_ACTIVITIES
    ]
    if not unknown:
        return []
    return [
        (
            unknown[0],
            "employed_by_sender",
            f"{len(unknown)} staff row(s) leave it empty: staff must be employed by or regularly "
            "work for the sending organisation; they are matched as if they were",
        )
    ]
