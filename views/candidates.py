"""Browse candidates: hosts see consenting, pseudonymised candidates."""

import streamlit as st

from matcher.store import hosts_for
from views import session, widgets

st.title("Browse candidates")
st.caption(
    "Candidates who consented to share, under a pseudonym. No names, no sending school, and no "
    "special-category data (fewer opportunities, health, accessibility) are ever shown to hosts."
)

m = session.matcher()
user = session.require_user()
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
    columns = ["rank", "candidate", "activity", "home_country", "occupation", "languages", "stay"]
    widgets.show_ranking(ranked, columns, key="bc_table", criteria=False)
    pick = st.selectbox("Why this candidate?", list(ranked["candidate"]))
    row = ranked.set_index("candidate").loc[pick]
    st.table(widgets.reasons_table(row["reasons"]))
