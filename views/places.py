"""Where hosts are, how far and what a placement would cost: the travel parts of Find hosts.

The numbers come from the package (``Matcher.distance_matrix``, ``matcher.budget``); this
module only lays them out: filters, the ranked table's extra columns, the map and the
contact details (for coordinators and admins, the rule of ``matcher.store.host_contacts``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from matcher import budget
from matcher.io import DataValidationError
from matcher.store import host_contacts
from views import widgets

#: The largest distance the filter offers, in km (programme countries lie within it).
MAX_KM_FILTER = 5000
KM_STEP = 100
#: The widgets of the filters here, for saved filters (``views/saving.py``).
FILTER_KEYS = ("fh_towns", "fh_max_km")
#: Widths (pixels) of the rank, town, distance and cost columns beside the map.
RANK_WIDTH, TOWN_WIDTH, KM_WIDTH, COST_WIDTH = 45, 100, 60, 100
#: Share of the page's width the map takes (when shown); the table of towns, km and costs
#: the rest.
MAP_SHARE = 3


def filters(hosts: pd.DataFrame) -> tuple[list[str], float | None]:
    """The towns and the largest distance from the sending town the user wants."""
    c1, c2 = st.columns(2)
    towns = sorted(t for t in hosts["city"].fillna("").unique() if t)
    cities = c1.multiselect("Town", towns, key="fh_towns")
    km = c2.slider(
        "Largest distance from the sending town (km; 0: any)",
        0,
        MAX_KM_FILTER,
        0,
        KM_STEP,
        key="fh_max_km",
    )
    return cities, (float(km) if km else None)


def cost_estimates(m, pid: str, ranked: pd.DataFrame) -> pd.Series:
    """Each ranked host's estimated cost in EUR for this participant (NaN: rates not set)."""
    if ranked.empty:
        return pd.Series(dtype=float)
    try:
        costs = budget.cost_matrix(m, [pid], list(ranked["host_id"]))[0]
    except DataValidationError as exc:  # a rates file with problems: say so, rank anyway
        st.warning(f"The rates table has problems, so no costs are shown: {widgets.plain(exc)}")
        costs = np.full(len(ranked), np.nan)
    return pd.Series(costs, index=ranked.index)


def cost_text(costs: pd.Series) -> pd.Series:
    """Costs as the table shows them: ``EUR 3,690``, or ``rates not set``."""
    return costs.map(lambda c: "rates not set" if np.isnan(c) else f"EUR {c:,.0f}")


def cost_note(costs: pd.Series) -> None:
    """A caption when no estimate can be given."""
    if len(costs) and costs.isna().all():
        st.caption(
            "Estimated cost: the amounts of your call year are not set yet. An administrator "
            "fills them in the rates table."
        )


def column_config() -> dict:
    """How the table beside the map shows the town, the distance and the estimated cost."""
    return {
        "rank": st.column_config.NumberColumn("rank", width=RANK_WIDTH),
        "city": st.column_config.TextColumn("town", width=TOWN_WIDTH),
        "km": st.column_config.NumberColumn(
            "km", format="%d", help="From the sending town", width=KM_WIDTH
        ),
        "cost": st.column_config.TextColumn(
            "est. cost",
            help="EUR, for the longest stay both accept (from the rates table)",
            width=COST_WIDTH,
        ),
    }


def show_geography(m, pid: str, ranked: pd.DataFrame) -> None:
    """The ranked hosts' towns, distances from the sending town and estimated costs (in rank
    order), beside a map of them when asked for: the ranking itself keeps to what fits
    1400 px."""
    if ranked.empty:
        return
    costs = cost_estimates(m, pid, ranked)
    table = ranked[["rank", "city", "km"]].assign(cost=cost_text(costs))
    c1, c2 = st.columns([2, MAP_SHARE])
    with c1:
        st.dataframe(
            table, column_config=column_config(), hide_index=True, width="stretch", key="fh_places"
        )
        cost_note(costs)
    with c2:
        # drawn on request: a chart costs every browser a second of work (bench/app.py)
        if st.toggle("Show them on a map", key="fh_show_map"):
            show_map(m, pid, ranked)


def show_map(m, pid: str, ranked: pd.DataFrame) -> None:
    """The sending town and the ranked hosts on a map drawn offline."""
    if ranked.empty:
        return
    i = int(m.participant_index([pid])[0])
    home = m.participant_places_
    rows = [
        {
            "lat": home.lat[i],
            "lon": home.lon[i],
            "kind": "sending town",
            "label": _town(home, i),
            "tooltip": f"sending town: {_town(home, i)} ({home.how[i]})",
        }
    ]
    places = m.host_places_
    for r in ranked.itertuples():
        j = int(m.host_index([r.host_id])[0])
        rows.append(
            {
                "lat": places.lat[j],
                "lon": places.lon[j],
                "kind": "in the trade" if r.sector_match else "alternative",
                "label": f"{r.rank}. {_town(places, j)}",
                "tooltip": f"{r.rank}. {r.name}, {_town(places, j)}: {r.km:,.0f} km",
            }
        )
    from matcher import plots  # Altair: imported once the ranking is out

    st.altair_chart(plots.places_map(pd.DataFrame(rows)), width="stretch")


def _town(places, k: int) -> str:
    """A town as the data names it (as the table beside the map does: "St. Julian's"),
    else as the gazetteer or the fallback names it."""
    return _text(places.given[k]) or _text(places.name[k])


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def show_contacts(user, m, host_id: str) -> None:
    """How to reach a host (coordinators and admins only; hosts never see this)."""
    contacts = host_contacts(user, m.hosts_)
    row = contacts[contacts["host_id"] == host_id]
    if row.empty:
        return
    c = row.iloc[0]
    h = m.hosts_[m.hosts_["host_id"] == host_id].iloc[0]
    where = " ".join(_text(h.get(x)) for x in ("postcode", "city") if _text(h.get(x)))
    parts = [where, *(_text(c.get(x)) for x in ("contact_person", "email", "phone", "website"))]
    parts = [widgets.plain(p) for p in parts if p]
    st.caption("**Contact:** " + (" · ".join(parts) if parts else "none given"))
