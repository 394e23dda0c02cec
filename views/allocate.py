"""Allocate a cohort: optimal or stable, with the inclusion priority; accepted placements and
locks kept, open proposals kept or released; locks set by hand; downloads for Excel."""

import streamlit as st

from matcher import allocate, budget, labels, plots
from views import resources, session, widgets

#: Why a budget ceiling cannot be kept yet, in a coordinator's words.
RATES_NOT_SET = (
    "a budget ceiling needs the amounts of your call year, and they are not set yet: an "
    "administrator fills them in the rates table."
)
#: How the assignments table names its columns.
COLUMNS = {
    "participant_id": "Participant",
    "group_id": "Group",
    "host_id": "Host",
    "host_name": "Host name",
    "host_country": "Country",
    "kept": "Kept as",
}
#: Widths (pixels) of the assignments table's columns: with the row selection boxes they
#: fit a 1400 px window beside the sidebar (the full reason is in the downloads).
WIDTHS = {
    "participant_id": 80,
    "group_id": 65,
    "host_id": 60,
    "host_name": 190,
    "host_country": 60,
    "kept": 140,
}
SCORE_WIDTH, REASON_WIDTH = 90, 200
PROPOSAL_CHOICES = {
    True: "keep them as placements",
    False: "release them to the allocation",
}

st.title("Allocate a cohort")
st.caption(
    "Place a whole cohort into hosts with limited places. Every participant is either assigned or told why not. Placements accepted by a host and placements you locked are kept as they are."
)

m = session.matcher()
user = session.require_user()
p = session.my_participants(m)
_, _, _, data_key = session.frames()
in_workspace = not session.is_upload(data_key)
ws = resources.workspace()
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
ceiling = c1.number_input(
    "Budget ceiling, EUR (0: none)",
    min_value=0,
    value=0,
    step=10_000,
    key="al_budget",
    help="the most the placements may cost in total, estimated from the rates table of your "
    "call year (longest stays); needs the rates filled in",
)
priority = c2.toggle(
    "Fewer opportunities first",
    value=True,
    help="place participants with fewer opportunities before the others",
)
keep = c2.radio(
    "Open proposals (waiting for the host's answer)",
    list(PROPOSAL_CHOICES),
    format_func=PROPOSAL_CHOICES.get,
    key="al_proposals",
    disabled=not in_workspace,
)
if user.role == "coordinator":
    c3.write(f"Cohort: the {len(p)} participants of **{user.organisation}**")
    ids = list(p["participant_id"])
else:
    schools = sorted(p["sending_org"].unique())
    cohort = c3.multiselect("Sending organisations (empty: everyone)", schools)
    ids = list(p.loc[p["sending_org"].isin(cohort), "participant_id"]) if cohort else None

locks = ws.locks(user) if in_workspace else None
if locks is not None and not locks.empty:
    with st.expander(f"Placements locked by hand ({len(locks)})"):
        st.dataframe(
            locks[["participant_id", "host_id", "reason", "username", "at"]],
            column_config={
                "participant_id": "Participant",
                "host_id": "Host",
                "reason": "Note",
                "username": "Locked by",
                "at": "When",
            },
            hide_index=True,
            width="stretch",
        )
        drop = st.multiselect("Unlock", list(locks["participant_id"]), key="al_unlock")
        if st.button("Unlock the selected placements", disabled=not drop, key="al_unlock_go"):
            for pid in drop:
                ws.unlock(user, pid)
            st.rerun()

if st.button("Run allocation", type="primary"):
    try:
        limits = budget.budget_arguments(m, ceiling or None, ids)
        with st.status("Allocating...", expanded=False) as status:
            st.write("Scoring every pair and applying the programme's rules")
            bar = st.progress(0.0, "Scoring the pairs")
            result = allocate(
                m,
                method,
                priority="fewer_opportunities" if priority else None,
                participant_ids=ids,
                decisions=ws.decisions(user) if in_workspace else None,
                locks=locks,
                keep_proposals=keep,
                progress=lambda done, total: bar.progress(
                    done / max(total, 1), "Scoring the pairs"
                ),
                **limits,
            )
            took = result.summary["scoring_seconds"] + result.summary["solve_seconds"]
            status.update(label=f"Done in {took:.2f} s", state="complete")
        session.remember("allocation", result)
    except budget.RatesNotSet:  # the command line's words name a file and a variable
        session.forget("allocation")  # an older result would read as this run's
        st.error(f"The allocation was not run: {RATES_NOT_SET}")
    except ValueError as exc:  # pairs of unknown cost
        session.forget("allocation")
        st.error(f"The allocation was not run: {widgets.plain(exc)}")

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
        help="Learners and staff. Accompanying persons go with their group and take no "
        "place: they are not counted.",
    )
    c[1].metric("Mean score", f"{s['mean_score']:.2f}")
    c[2].metric("Fewer opportunities placed", f"{s['fewer_opportunities_placed_pct']}%")
    c[3].metric("Places used", f"{s['places_used']} / {s['places_offered']}")
    kept = {k.removeprefix("kept: "): v for k, v in s.items() if k.startswith("kept: ")}
    words = [s["optimality"].capitalize()]
    if "how_solved" in s:  # a time limit reached, groups placed by a guide
        words.append(f"how it was solved: {s['how_solved']}")
    if s["method"] == "stable":
        n = s["blocking_pairs"]
        words.append(
            "no participant and host would both rather be together than with whom they got"
            if n == 0
            else f"{n} participant-host pair{'s' if n != 1 else ''} would both rather be "
            "together than with whom they got (a stable matching need not exist with groups)"
        )
    if kept:
        words.append("kept as they were: " + "; ".join(f"{k}, {v}" for k, v in kept.items()))
    if "open proposals released" in s:
        words.append(f"{s['open proposals released']} open proposals released")
    if "groups" in s:
        words.append(f"{s['groups_placed']} of {s['groups']} groups placed together")
    if "budget_left" in s:
        words.append(f"EUR {s['budget_left']:,.0f} of the budget ceiling left")
    st.caption(". ".join(w[:1].upper() + w[1:] for w in words) + ".")  # each a sentence
    warns = getattr(result, "warnings", [])  # rules over the placements taken together
    if warns:  # host names are data: escaped, never Markdown
        st.warning(
            "Check before you confirm, the placements taken together may break a programme "
            "rule:\n" + "\n".join(f"- {widgets.plain(text)}" for text in warns)
        )
    _, cost = budget.allocation_costs(m, result)
    st.caption(
        f"Estimated cost of the placements: EUR {cost:,.0f} (longest stays, from the rates table)"
        if cost == cost
        else "Estimated cost: the amounts of your call year are not set yet; an administrator "
        "fills them in the rates table."
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
        shown = a[a["status"] == "assigned"].drop(columns=["components", "status"])
        # why a placement was kept before the long reason: the table fits 1400 px
        shown = shown[[c for c in shown.columns if c != "reason"] + ["reason"]]
        picked = st.dataframe(
            labels.plain_values(shown),
            column_config={
                **labels.column_labels(shown.columns),
                **COLUMNS,
                **{c: st.column_config.Column(COLUMNS[c], width=w) for c, w in WIDTHS.items()},
                "score": st.column_config.ProgressColumn(
                    "score", min_value=0.0, max_value=1.0, format="%.2f", width=SCORE_WIDTH
                ),
                "reason": st.column_config.TextColumn("why this host", width=REASON_WIDTH),
            },
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="multi-row",
            key="al_assigned",
        )
        rows = shown.iloc[picked.selection.rows] if in_workspace else shown.iloc[:0]
        if st.button(
            f"Lock the {len(rows)} selected placements", disabled=rows.empty, key="al_lock"
        ):
            for r in rows.itertuples():
                ws.lock(user, r.participant_id, r.host_id, "locked from an allocation")
            st.success(f"Locked {len(rows)} placements: later allocations keep them.")
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
