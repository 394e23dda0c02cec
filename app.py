"""matcher dashboard: `streamlit run app.py` (or `make run`)."""

import streamlit as st

st.set_page_config(
    page_title="matcher - Erasmus+ VET partner matching",
    page_icon=":material/handshake:",
    layout="wide",
)

from views import resources, session, widgets  # noqa: E402

PAGES = {
    "find_hosts": st.Page(
        "views/find_hosts.py", title="Find hosts", icon=":material/travel_explore:"
    ),
    "candidates": st.Page(
        "views/candidates.py", title="Browse candidates", icon=":material/groups:"
    ),
    "allocate": st.Page(
        "views/allocate.py", title="Allocate a cohort", icon=":material/assignment_turned_in:"
    ),
    "decisions": st.Page("views/decisions.py", title="Decisions", icon=":material/fact_check:"),
    "insights": st.Page("views/insights.py", title="Insights", icon=":material/insights:"),
    "partners": st.Page(
        "views/partners.py", title="Find partners (KA2)", icon=":material/diversity_3:"
    ),
    "data": st.Page("views/data.py", title="Data", icon=":material/upload_file:"),
}
#: Which pages each role sees (the rules on data live in matcher.store and matcher.privacy).
BY_ROLE = {
    "coordinator": ["find_hosts", "allocate", "decisions", "partners", "data"],
    "host": ["candidates", "decisions"],
    "analyst": ["insights"],
    "admin": ["find_hosts", "candidates", "allocate", "decisions", "insights", "partners", "data"],
}

user = session.user()
session.sync_cookie()  # the signed session cookie that lets a reload resume the session
if user is None:
    nav = st.navigation([st.Page("views/login.py", title="Sign in", icon=":material/login:")])
else:
    nav = st.navigation([PAGES[k] for k in BY_ROLE[user.role]])
    with st.sidebar:
        widgets.sidebar()
nav.run()
if user is not None and user.role in ("coordinator", "admin"):
    resources.warm_up()  # what a typed profile or an upload needs, loaded once the page is out
