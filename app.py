"""matcher dashboard: `streamlit run app.py` (or `make run`)."""

import streamlit as st

st.set_page_config(
    page_title="matcher - Erasmus+ VET partner matching",
    page_icon=":material/handshake:",
    layout="wide",
)

pages = [
    st.Page(
        "views/find_hosts.py", title="Find hosts", icon=":material/travel_explore:", default=True
    ),
    st.Page("views/candidates.py", title="Browse candidates", icon=":material/groups:"),
    st.Page("views/allocate.py", title="Allocate a cohort", icon=":material/assignment_turned_in:"),
    st.Page("views/insights.py", title="Insights", icon=":material/insights:"),
    st.Page("views/data.py", title="Data", icon=":material/upload_file:"),
]
nav = st.navigation(pages)

from views.state import dataset_banner  # noqa: E402

with st.sidebar:
    dataset_banner()
nav.run()
