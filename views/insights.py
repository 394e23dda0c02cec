"""Insights for analysts: coverage, scores, supply and demand, language gaps, duration fit."""

import streamlit as st

from matcher import insights, plots
from matcher.privacy import MIN_GROUP
from matcher.store import coverage_for
from views import session

st.title("Insights")
st.caption(f"Aggregates only; groups of fewer than {MIN_GROUP} participants are suppressed.")

m = session.matcher()
user = session.require_user()
best = insights.best_matches(m)
c = st.columns(3)
c[0].metric(
    "Coverage",
    f"{(best['feasible_hosts'] > 0).mean():.0%}",
    help="share of participants with at least one feasible host",
)
c[1].metric("Median best score", f"{best['best_score'].median():.2f}")
c[2].metric("Feasible hosts per participant (median)", int(best["feasible_hosts"].median()))

left, right = st.columns(2)
left.altair_chart(plots.score_distribution(best), width="stretch")
by = right.selectbox("Coverage by", ["home_country", "field", "role"])
cov = coverage_for(user, m, by)
right.altair_chart(plots.coverage_chart(cov, by), width="stretch")
st.altair_chart(plots.supply_demand_heatmap(insights.supply_demand(m)), width="stretch")
left, right = st.columns(2)
left.altair_chart(plots.language_gap_heatmap(insights.language_gaps(m)), width="stretch")
right.altair_chart(plots.component_distribution(best, "duration"), width="stretch")
