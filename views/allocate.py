"""Allocate a cohort: optimal or stable, with the inclusion priority; downloads for Excel."""

import streamlit as st

from matcher import allocate, budget, plots
from views import session, widgets

st.title("Allocate a cohort")
st.caption(
    "Place a whole cohort into hosts with limited places. Every participant is either assigned or told why not."
)

m = session.matcher()
user = session.require_user()
p = session.my_participants(m)
c1, c2, c3 = st.columns(3)
method = c1.radio(
    "Method",
    ["optimal", "stable"],
    format_func={"optimal": "Most placed", "stable": "Stable"}.get,
    captions=[
        "most placed, then highest total score",
        "no participant and host would both rather switch",
    ],
)
priority = c2.toggle(
    "Fewer opportunities first",
    value=True,
    help="place participants with fewer opportunities before the others",
)
if user.role == "coordinator":
    c3.write(f"Cohort: the {len(p)} participants of **{user.organisation}**")
    ids = list(p["participant_id"])
else:
    schools = sorted(p["sending_org"].unique())
    cohort = c3.multiselect("Sending organisations (empty: everyone)", schools)
    ids = list(p.loc[p["sending_org"].isin(cohort), "participant_id"]) if cohort else None

if st.button("Run allocation", type="primary"):
    with st.status("Allocating...", expanded=False) as status:
        st.write("Scoring every pair and applying the programme's rules")
        result = allocate(
            m, method, priority="fewer_opportunities" if priority else None, participant_ids=ids
        )
        status.update(label=f"Done in {result.summary['solve_seconds']:.2f} s", state="complete")
    session.remember("allocation", result)

result = st.session_state.get("allocation")
if result is None:
    st.info("Choose a method and run the allocation.")
else:
    s = result.summary
    c = st.columns(4)
    c[0].metric(
        "Placed",
        f"{s['placed']} / {s['participants']}",
        f"{s['placed_pct']:.0f}% of the cohort",
        delta_color="off",
        delta_arrow="off",
    )
    c[1].metric("Mean score", f"{s['mean_score']:.2f}")
    c[2].metric("Fewer opportunities placed", f"{s['fewer_opportunities_placed_pct']}%")
    c[3].metric("Places used", f"{s['places_used']} / {s['places_offered']}")
    _, cost = budget.allocation_costs(m, result)
    st.caption(
        f"Estimated cost of the placements: EUR {cost:,.0f} (longest stays, from the rates table)"
        if cost == cost
        else "Estimated cost: the rates of your call year are not set yet (data/README.md, 'Budget rates')."
    )
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download XLSX",
        widgets.export_bytes(result, "xlsx"),
        "allocation.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    d2.download_button(
        "Download CSV", widgets.export_bytes(result, "csv"), "allocation.csv", "text/csv"
    )
    tab1, tab2, tab3 = st.tabs(["Assignments", "Unassigned", "Host fill rates"])
    a = result.assignments
    with tab1:
        widgets.plain_table(
            a[a["status"] == "assigned"].drop(columns=["components", "status"]),
            column_config={
                "score": st.column_config.ProgressColumn(
                    "score", min_value=0.0, max_value=1.0, format="%.2f", width="small"
                ),
                "reason": st.column_config.TextColumn("why this host", width="large"),
            },
        )
    with tab2:
        un = a[a["status"] == "unassigned"][["participant_id", "reason"]]
        if un.empty:
            st.success("Everyone is placed.")
        else:
            widgets.plain_table(
                un, column_config={"reason": st.column_config.TextColumn("why not placed")}
            )
    with tab3:
        st.altair_chart(plots.fill_rate_chart(result.hosts), width="stretch")
