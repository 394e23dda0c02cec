"""Charts for analysts and the dashboard (Altair); each function returns a chart object."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import taxonomy as tx

__all__ = [
    "score_distribution",
    "coverage_chart",
    "supply_demand_heatmap",
    "language_gap_heatmap",
    "fill_rate_chart",
    "components_chart",
    "component_distribution",
    "exposure_chart",
    "places_map",
]

LEVELS = ["none", *tx.CEFR_LEVELS]


def score_distribution(best: pd.DataFrame) -> alt.Chart:
    """Histogram of each participant's best feasible score."""
    data = best.dropna(subset=["best_score"])
    return (
        alt.Chart(data, title="Best score per participant")
        .mark_bar()
        .encode(
            alt.X("best_score:Q", bin=alt.Bin(maxbins=25), title="best feasible score"),
            alt.Y("count():Q", title="participants"),
            alt.Color("role:N", title="role"),
            tooltip=["count():Q", "role:N"],
        )
    )


def component_distribution(best: pd.DataFrame, component: str = "duration") -> alt.Chart:
    """Histogram of one criterion over the participants' best hosts."""
    data = best.dropna(subset=[component])
    return (
        alt.Chart(data, title=f"{component.capitalize()} fit of the best match")
        .mark_bar()
        .encode(
            alt.X(f"{component}:Q", bin=alt.Bin(maxbins=10), title=f"{component} score"),
            alt.Y("count():Q", title="participants"),
        )
    )


def coverage_chart(cov: pd.DataFrame, by: str) -> alt.Chart:
    """Share of participants with a feasible host, per group."""
    return (
        alt.Chart(cov, title=f"Coverage by {by.replace('_', ' ')}")
        .mark_bar()
        .encode(
            alt.X(
                "coverage:Q",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
                title="with a feasible host",
            ),
            alt.Y(f"{by}:N", sort="-x", title=None),
            tooltip=[by, alt.Tooltip("coverage:Q", format=".0%"), "participants:Q"],
        )
    )


def supply_demand_heatmap(sd: pd.DataFrame) -> alt.Chart:
    """Places minus participants seeking them, by field and host country (red: too few)."""
    return (
        alt.Chart(sd, title="Supply - demand of places by field and country")
        .mark_rect()
        .encode(
            alt.X("country:N", title="host country"),
            alt.Y("field:N", title=None),
            alt.Color(
                "balance:Q", scale=alt.Scale(scheme="redblue", domainMid=0), title="places - demand"
            ),
            tooltip=[
                "field",
                "country",
                "places:Q",
                alt.Tooltip("demand:Q", format=".1f"),
                alt.Tooltip("balance:Q", format=".1f"),
            ],
        )
    )


def language_gap_heatmap(gaps: pd.DataFrame) -> alt.Chart:
    """Level wanted by the best host against the level held."""
    return (
        alt.Chart(gaps, title="Language: level wanted vs held (best matches)")
        .mark_rect()
        .encode(
            alt.X("held:N", sort=LEVELS, title="held"),
            alt.Y("wanted:N", sort=LEVELS, title="wanted by host"),
            alt.Color("pairs:Q", scale=alt.Scale(scheme="blues")),
            tooltip=["wanted", "held", "pairs:Q"],
        )
    )


def fill_rate_chart(hosts: pd.DataFrame, top: int = 40) -> alt.Chart:
    """Places used against offered for the hosts with most places."""
    data = hosts.sort_values("places_offered", ascending=False).head(top)
    long = data.melt(
        id_vars=["host_id", "name"],
        value_vars=["places_offered", "places_used"],
        var_name="places",
        value_name="n",
    )
    return (
        alt.Chart(long, title="Host places: offered and used")
        .mark_bar()
        .encode(
            alt.X("host_id:N", sort=list(data["host_id"]), title=None),
            alt.Y("n:Q", title="places"),
            alt.Color("places:N", title=None),
            alt.XOffset("places:N"),
            tooltip=["host_id", "name", "places", "n:Q"],
        )
    )


def components_chart(components: dict) -> alt.Chart:
    """One horizontal bar per criterion of a pair's explanation."""
    data = pd.DataFrame({"criterion": list(components), "score": list(components.values())})
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            alt.X("score:Q", scale=alt.Scale(domain=[0, 1])),
            alt.Y("criterion:N", sort=None, title=None),
            alt.Color("score:Q", scale=alt.Scale(scheme="greens", domain=[0, 1]), legend=None),
            tooltip=["criterion", alt.Tooltip("score:Q", format=".2f")],
        )
        .properties(height=30 * len(data))
    )


def exposure_chart(exp: pd.DataFrame, group: str) -> alt.Chart:
    """Share of exposure against share of eligible candidates, per group (1 = proportional)."""
    long = exp.melt(
        id_vars=[group],
        value_vars=["share_of_eligible", "share_of_exposure"],
        var_name="share",
        value_name="value",
    )
    long[group] = long[group].astype(str)
    return (
        alt.Chart(long, title=f"Exposure in hosts' top lists by {group.replace('_', ' ')}")
        .mark_bar()
        .encode(
            alt.X(f"{group}:N", title=None),
            alt.Y("value:Q", axis=alt.Axis(format="%"), title="share"),
            alt.Color("share:N", title=None),
            alt.XOffset("share:N"),
            tooltip=[group, "share", alt.Tooltip("value:Q", format=".1%")],
        )
    )


#: Colours of the map's marks: the sending town, hosts in the trade, alternatives.
PLACE_KINDS = {"sending town": "#d62728", "in the trade": "#1f77b4", "alternative": "#9ecae1"}


def places_map(places: pd.DataFrame, height: int = 420) -> alt.LayerChart:
    """Ranked hosts and the sending town on a map drawn from their coordinates alone
    (Mercator, with a graticule): nothing is fetched from the internet, no map tiles.

    ``places`` has ``lat, lon, kind`` (a key of :data:`PLACE_KINDS`), ``label`` (shown
    beside the mark) and ``tooltip`` (shown on hover).
    """
    lat, lon = places["lat"].astype(float), places["lon"].astype(float)
    pad = max(1.0, 0.15 * float(max(lat.max() - lat.min(), lon.max() - lon.min())))
    corners = [
        [float(lon.min()) - pad, float(lat.min()) - pad],
        [float(lon.max()) + pad, float(lat.max()) + pad],
    ]
    frame = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "MultiPoint", "coordinates": corners},
    }
    base = alt.Chart(places).encode(longitude="lon:Q", latitude="lat:Q")
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=list(PLACE_KINDS), range=list(PLACE_KINDS.values())),
        legend=alt.Legend(orient="bottom"),
    )
    points = base.mark_circle(size=140, opacity=0.9, stroke="white").encode(
        colour, tooltip=alt.Tooltip("tooltip:N", title="")
    )
    labels = base.mark_text(align="left", dx=8, fontSize=11).encode(text="label:N")
    grid = alt.Chart(alt.graticule(step=[5, 5])).mark_geoshape(stroke="#ddd", strokeWidth=0.5)
    return (
        alt.layer(grid, points, labels)
        .project(type="mercator", fit=frame)
        .properties(height=height, title="Where the ranked hosts are (no map tiles: offline)")
    )
