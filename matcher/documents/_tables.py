"""Spreadsheets of the sending side's decisions: the shortlist and the agreed placements."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pandas as pd

from ..io import write_workbook
from ._agreement import HOST_CONTACT_COLUMNS, _languages, planned_period

__all__ = ["shortlist_table", "placements_table", "workbook_bytes", "SHORTLIST_STATES"]

#: The states a pair is on the shortlist in: chosen, and not yet answered.
SHORTLIST_STATES = ("shortlisted", "proposed")
#: The states of an agreed placement.
AGREED_STATES = ("accepted", "completed")


def _joined(states: pd.DataFrame, participants: pd.DataFrame, hosts: pd.DataFrame, keep):
    """The pairs in ``keep`` states with their participant's and host's rows."""
    pairs = states[states["state"].isin(keep)]
    p = participants.drop(columns=["sending_org"], errors="ignore")
    h = hosts.rename(columns=lambda c: c if c == "host_id" else f"host_{c}")
    return pairs.merge(p, on="participant_id", how="left").merge(h, on="host_id", how="left")


def shortlist_table(
    states: pd.DataFrame, participants: pd.DataFrame, hosts: pd.DataFrame
) -> pd.DataFrame:
    """The shortlist: every pair shortlisted or proposed and not yet answered, with what a
    coordinator needs to compare the hosts (one row per pair, plain column names).

    ``states`` is ``Workspace.states(user)`` (``matcher.lifecycle.current_states``).
    """
    t = _joined(states, participants, hosts, SHORTLIST_STATES)
    return pd.DataFrame(
        {
            "Participant": t["participant_id"],
            "Occupation": t["occupation"],
            "Host": t["host_id"],
            "Host name": t["host_name"],
            "Country": t["host_country"],
            "City": t["host_city"],
            "Sector": t["host_sector"],
            "Languages wanted": t["host_languages"].map(_languages),
            "State": t["state"],
            "Since": _naive(t["since"]),
            "Note": t["reason"],
        }
    ).reset_index(drop=True)


def _agreed_periods(t: pd.DataFrame, period: list, agreements) -> tuple[list, list[str]]:
    """The periods of the placements ``t``: a saved learning agreement's dates where there
    is one, else ``period`` (the first proposals); and where each comes from."""
    saved = {}
    if agreements is not None:
        saved = {
            (r.participant_id, r.host_id): r.fields for r in agreements.itertuples(index=False)
        }
    period, source = list(period), []
    for k, (pid, hid) in enumerate(zip(t["participant_id"], t["host_id"], strict=True)):
        fields = saved.get((pid, hid))
        if fields is None:
            source.append("first proposal")
            continue
        period[k] = tuple(
            None if fields.get(x) is None else dt.date.fromisoformat(fields[x])
            for x in ("start", "end")
        )
        source.append("learning agreement")
    return period, source


def placements_table(
    states: pd.DataFrame,
    participants: pd.DataFrame,
    hosts: pd.DataFrame,
    agreements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The agreed placements (accepted or completed), one row per placement, with the host's
    contacts where the hosts table has them and the period: the dates of the saved learning
    agreement (``agreements``, as ``Workspace.agreements`` returns them) where there is one,
    else a first proposal from both sides' windows and stays ("Dates from" says which)."""
    t = _joined(states, participants, hosts, AGREED_STATES).reset_index(drop=True)
    period = [
        planned_period(
            r,
            {
                k: r[f"host_{k}"]
                for k in (
                    "available_from",
                    "available_to",
                    "duration_min_days",
                    "duration_max_days",
                )
            },
        )
        for _, r in t.iterrows()
    ]
    out = pd.DataFrame(
        {
            "Participant": t["participant_id"],
            "Occupation": t["occupation"],
            "Role": t["role"],
            "Sending organisation": t["sending_org"],
            "Host": t["host_id"],
            "Host name": t["host_name"],
            "Country": t["host_country"],
            "City": t["host_city"],
        }
    )
    for c in HOST_CONTACT_COLUMNS:
        if f"host_{c}" in t:
            out[c.replace("_", " ").capitalize()] = t[f"host_{c}"]
    period, source = _agreed_periods(t, period, agreements)
    out["Planned start"] = pd.to_datetime([s for s, _ in period])
    out["Planned end"] = pd.to_datetime([e for _, e in period])
    out["Dates from"] = source
    out["State"] = t["state"]
    out["Since"] = _naive(t["since"])
    out["Rating"] = t["rating"]
    return out


def _naive(times: pd.Series) -> pd.Series:
    """Timestamps without a time zone (Excel has none), in UTC."""
    t = pd.to_datetime(times, utc=True)
    return t.dt.tz_convert(None)


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Frames as the sheets of one XLSX workbook (formula-safe, dates as dates), as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(sheets, Path(tmp) / "export.xlsx")
        return io.BytesIO(path.read_bytes()).getvalue()
