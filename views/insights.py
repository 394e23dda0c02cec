"""Insights for analysts: coverage that tells groups apart, shortages of places ranked, score
and language aggregates; every aggregate shown can be downloaded as CSV."""

import streamlit as st

from matcher import Config, insights, plots
from matcher.labels import label
from matcher.privacy import MIN_GROUP
from matcher.store import coverage_for
from views import session, widgets

st.title("Insights")
st.caption(f"Aggregates only; groups of fewer than {MIN_GROUP} participants are suppressed.")

m = session.matcher()
user = session.require_user()
config = Config.from_env()
best = insights.best_matches(m, config)
good = best["good_hosts"] >= config.good_fit_hosts
c = st.columns(4)
c[0].metric(
    "Well covered",
    f"{good.mean():.0%}",
    help=f"share of participants with at least {config.good_fit_hosts} hosts that meet the "
    f"programme's rules and score at least {config.good_fit_score:.2f}",
)
c[1].metric(
    "With at least one host",
    f"{(best['feasible_hosts'] > 0).mean():.0%}",
    help="share of participants with at least one host that meets the programme's rules",
)
c[2].metric("Median best score", f"{best['best_score'].median():.2f}")
c[3].metric(
    "Hosts per participant",
    int(best["feasible_hosts"].median()),
    help="median number of hosts that meet the programme's rules, per participant",
)
headline = {
    "participants": len(best),
    "well_covered": round(float(good.mean()), 4),
    "with_a_host": round(float((best["feasible_hosts"] > 0).mean()), 4),
    "median_best_score": round(float(best["best_score"].median()), 4),
    "good_fit_score": config.good_fit_score,
    "good_fit_hosts": config.good_fit_hosts,
}
widgets.csv_download(widgets.one_row(headline), "coverage_overall", "Download these figures")

st.header("Shortages of places")
st.caption(
    "Field x host country pairs where more participants seek a place than hosts offer, the "
    "largest gap first. " + insights.DEMAND_NOTE
)
short = insights.shortages(m)
widgets.plain_table(
    short,
    column_config={
        "rank": st.column_config.NumberColumn("rank", width="small"),
        "demand": st.column_config.NumberColumn(
            "demand", format="%.2f", help="participants seeking a place here (fractional)"
        ),
        "gap": st.column_config.NumberColumn(
            "gap", format="%.2f", help="demand minus places: places missing"
        ),
    },
    key="in_shortages",
)
widgets.csv_download(short, "shortages", "Download shortages (CSV)")
sd = insights.supply_demand(m)
st.altair_chart(plots.supply_demand_heatmap(sd), width="stretch")
widgets.csv_download(sd, "supply_demand", "Download places and demand (CSV)")

st.header("Coverage and scores")
left, right = st.columns(2)
by = right.selectbox("Coverage by", ["home_country", "field", "role"], format_func=label)
cov = coverage_for(user, m, by)
right.altair_chart(plots.coverage_chart(cov, by), width="stretch")
with right:
    widgets.csv_download(cov, f"coverage_by_{by}", "Download coverage (CSV)")
left.altair_chart(plots.score_distribution(best), width="stretch")
with left:
    widgets.csv_download(plots.score_histogram(best), "best_scores", "Download scores (CSV)")
left, right = st.columns(2)
gaps = insights.language_gaps(m)
left.altair_chart(plots.language_gap_heatmap(gaps), width="stretch")
with left:
    widgets.csv_download(gaps, "language_levels", "Download language levels (CSV)")
right.altair_chart(plots.component_distribution(best, "duration"), width="stretch")
with right:
    widgets.csv_download(
        insights.histogram(best["duration"], 10), "duration_fit", "Download duration fit (CSV)"
    )
