"""Browse candidates: hosts see consenting, pseudonymised candidates."""

import streamlit as st

from matcher.engine import trade_fit
from matcher.store import AccessDenied, hosts_for
from views import resources, session, widgets

st.title("Browse candidates")
st.caption(
    "Candidates who consented to share, under a pseudonym. No names, no sending school, and no "
    "special-category data (fewer opportunities, health, accessibility) are ever shown to hosts."
)

m = session.matcher()
user = session.require_user()
ws = resources.workspace()
hosts = hosts_for(user, m.hosts_)
labels = {r.host_id: widgets.host_label(r) for r in hosts.itertuples()}
if not labels:
    st.warning(f"Host {widgets.plain(user.host_id)} is not in the working dataset.")
    st.stop()
hid = st.selectbox(
    "Host", list(labels), format_func=labels.get, key="bc_host", disabled=len(labels) == 1
)
c1, c2 = st.columns(2)
role = c1.selectbox("Role", ["any", "learner", "staff"])
k = c2.slider("How many candidates", 5, 50, 10, 5)
ranked = m.recommend_participants(hid, k=k, role=None if role == "any" else role)
if ranked.empty:
    st.info(
        "No consenting candidate fits this host's rules (role, activities, durations, dates, country)."
    )
else:
    # one "stay" column, no role (the activity says it), the criteria below or on request:
    # the table fits 1400 px
    ranked["stay"] = (
        ranked["duration_min_days"].astype(str) + "-" + ranked["duration_max_days"].astype(str)
    )
    # the trade fit explains the order: strong fits first, then partial, each by score
    ranked["trade"] = [trade_fit(r.get("sector", "")) for r in ranked["reasons"]]
    marked = set(ws.interests(user).get("candidate", [])) if user.role == "host" else set()
    ranked["interest"] = ranked["candidate"].map(lambda c: "marked" if c in marked else "")
    # the interest column only once one is marked: the table keeps to a 1400 px window
    columns = [
        "rank",
        "candidate",
        "trade",
        *(["interest"] if marked & set(ranked["candidate"]) else []),
    ]
    columns += ["activity", "home_country", "occupation", "languages", "stay"]
    narrow = {"trade": st.column_config.TextColumn("trade", width=56)}
    widgets.show_ranking(ranked, columns, key="bc_table", criteria=False, extra_config=narrow)
    pick = st.selectbox("Candidate", list(ranked["candidate"]), key=f"bc_pick_{hid}")
    row = ranked.set_index("candidate").loc[pick]
    message = st.session_state.pop("bc_message", None)
    if message:
        st.success(message)
    done = st.session_state.get("bc_recorded", 0)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    note = c1.text_input("Note to the sending school (optional)", key=f"bc_note_{pick}_{done}")
    if c2.button(
        "Interest marked" if pick in marked else "Mark interest",
        key="bc_interest",
        disabled=pick in marked,
        help="The sending school sees it on its Decisions page and may propose the candidate to you; "
        "a proposal opens the candidate's full pseudonymised profile.",
    ):
        try:
            ws.mark_interest(user, pick, hid, note)
        except (AccessDenied, ValueError, KeyError) as exc:
            st.error(widgets.plain(exc))
        else:
            st.session_state["bc_message"] = f"Interest marked in {widgets.plain(pick)}."
            st.session_state["bc_recorded"] = done + 1
            st.rerun()
    st.markdown("**Why this candidate?**")
    st.table(widgets.reasons_table(row["reasons"]))
