"""Charts for analysts and the dashboard (Altair); each function returns a chart object."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import taxonomy as tx
from .labels import label

__all__ = [
    "score_distribution",
    "score_histogram",
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
#: The colour scale of the shortage heatmap spans this quantile of the gaps' sizes (larger
#: gaps take the end colours).
HEATMAP_QUANTILE = 0.95


def score_distribution(best: pd.DataFrame, bins: int = 20) -> alt.Chart:
    """Histogram of each participant's best feasible score, by role (the chart holds the
    counts per bin only, never a row per participant)."""
    data = score_histogram(best, bins)
    return (
        alt.Chart(data, title="Best score per participant")
        .mark_bar()
        .encode(
            alt.X("from:Q", bin="binned", title="best score among hosts meeting the rules"),
            alt.X2("to:Q"),
            alt.Y("count:Q", stack=True, title="participants"),
            alt.Color("group:N", title="role"),
            tooltip=[
                alt.Tooltip("from:Q", title="from"),
                alt.Tooltip("to:Q", title="to"),
                alt.Tooltip("group:N", title="role"),
                alt.Tooltip("count:Q", title="participants"),
            ],
        )
    )


def score_histogram(best: pd.DataFrame, bins: int = 20) -> pd.DataFrame:
    """The counts behind :func:`score_distribution`: ``from, to, group (role), count``."""
    from .insights import histogram

    return histogram(best["best_score"], bins, by=best["role"])


def component_distribution(best: pd.DataFrame, component: str = "duration") -> alt.Chart:
    """Histogram of one criterion over the participants' best hosts (counts per bin only)."""
    from .insights import histogram

    data = histogram(best[component], 10)
    return (
        alt.Chart(data, title=f"{component.capitalize()} fit of the best match")
        .mark_bar()
        .encode(
            alt.X("from:Q", bin="binned", title=f"{component} score"),
            alt.X2("to:Q"),
            alt.Y("count:Q", title="participants"),
            tooltip=[
                alt.Tooltip("from:Q", title="from"),
                alt.Tooltip("to:Q", title="to"),
                alt.Tooltip("count:Q", title="participants"),
            ],
        )
    )


def coverage_chart(cov: pd.DataFrame, by: str) -> alt.Chart:
    """Share of participants with enough good-fit hosts (``good_fit``), per group; the
    tooltip adds the share with at least one host meeting the rules (``coverage``)."""
    name = label(by)
    return (
        alt.Chart(cov, title=f"Well covered, by {name}")
        .mark_bar()
        .encode(
            alt.X(
                "good_fit:Q",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
                title="with enough good-fit hosts",
            ),
            alt.Y(f"{by}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=[
                alt.Tooltip(f"{by}:N", title=name),
                alt.Tooltip("good_fit:Q", format=".0%", title="with enough good-fit hosts"),
                alt.Tooltip("coverage:Q", format=".0%", title="with a host meeting the rules"),
                alt.Tooltip("participants:Q", title="participants"),
            ],
        )
    )


def supply_demand_heatmap(sd: pd.DataFrame) -> alt.Chart:
    """Demand minus places by field and host country, on a diverging scale centred on zero:
    red where places are short, blue where places are left over, white where they balance."""
    data = sd.assign(gap=(sd["demand"] - sd["places"]).round(2))
    # symmetric around zero; a few large surpluses do not wash out the shortages (clamped)
    extent = float(data["gap"].abs().quantile(HEATMAP_QUANTILE)) if len(data) else 1.0
    extent = max(extent, 1.0)
    return (
        alt.Chart(data, title="Places short (red) or left over (blue), by field and host country")
        .mark_rect()
        .encode(
            alt.X("country:N", title="host country"),
            alt.Y("field:N", title=None, axis=alt.Axis(labelLimit=0)),
            alt.Color(
                "gap:Q",
                scale=alt.Scale(
                    scheme="redblue",
                    domain=[-extent, extent],
                    domainMid=0,
                    reverse=True,
                    clamp=True,
                ),
                title="demand - places",
            ),
            tooltip=[
                alt.Tooltip("field:N", title="field"),
                alt.Tooltip("country:N", title="host country"),
                alt.Tooltip("places:Q", title="places"),
                alt.Tooltip("demand:Q", format=".1f", title="demand"),
                alt.Tooltip("gap:Q", format=".1f", title="demand - places"),
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
            alt.Color("pairs:Q", scale=alt.Scale(scheme="blues"), title="participants"),
            tooltip=[
                alt.Tooltip("wanted:N", title="wanted by host"),
                alt.Tooltip("held:N", title="held"),
                alt.Tooltip("pairs:Q", title="participants"),
            ],
        )
    )


def fill_rate_chart(hosts: pd.DataFrame, top: int = 40) -> alt.Chart:
    """Places used against offered at the hosts that took someone of this allocation (most
    places used first; all hosts by places offered when nobody was placed)."""
    used = hosts[hosts["places_used"] > 0]
    data = (used if len(used) else hosts).sort_values(
        ["places_used", "places_offered"], ascending=False
    )
    data = data.head(top).assign(
        host=lambda d: d["name"] + " (" + d["host_id"] + ", " + d["country"] + ")"
    )
    long = data.melt(
        id_vars=["host"],
        value_vars=["places_offered", "places_used"],
        var_name="places",
        value_name="n",
    )
    long["places"] = long["places"].map(
        {"places_offered": "offered", "places_used": "used by this allocation"}
    )
    return (
        alt.Chart(long, title="Places at the hosts of this allocation: offered and used")
        .mark_bar()
        .encode(
            alt.Y("host:N", sort=list(data["host"]), title=None, axis=alt.Axis(labelLimit=0)),
            alt.X("n:Q", title="places", axis=alt.Axis(tickMinStep=1)),
            alt.Color("places:N", title=None, legend=alt.Legend(orient="top")),
            alt.YOffset("places:N"),
            tooltip=[
                alt.Tooltip("host:N"),
                alt.Tooltip("places:N"),
                alt.Tooltip("n:Q", title="places"),
            ],
        )
        .properties(height=alt.Step(12))
    )


def components_chart(components: dict) -> alt.Chart:
    """One horizontal bar per criterion of a pair's explanation; a criterion whose value is
    None does not apply: it reads "(n/a)", with no bar."""
    data = pd.DataFrame(
        {
            "criterion": [c if v is not None else f"{c} (n/a)" for c, v in components.items()],
            "score": [0.0 if v is None else v for v in components.values()],
        }
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), title="score"),
            alt.Y("criterion:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
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
