"""Sign in. The sample workspace lists its demo accounts; a real one has none."""

import streamlit as st

from views import state

st.title("matcher")
st.caption(
    "Partner matching for Erasmus+ VET mobility: find hosts abroad, browse candidates, allocate cohorts."
)

ws = state.workspace()
with st.form("login"):
    username = st.text_input("User name")
    password = st.text_input("Password", type="password")
    ok = st.form_submit_button("Sign in", type="primary")
if ok:
    u = ws.authenticate(username, password)
    if u is None:
        st.error("Unknown user name or wrong password.")
    else:
        st.session_state["user"] = u
        st.rerun()

if state.is_sample_workspace():
    demo = ws.users()
    demo = demo[demo["demo"]]
    rows = [
        {
            "user name": r.username,
            "password": state.DEMO_PASSWORD,
            "role": r.role,
            "acts for": r.organisation,
        }
        for r in demo.itertuples()
    ]
    st.info(
        "**Demo accounts of the sample workspace** (synthetic data only; a real workspace, set with MATCHER_DATABASE_URL, has none):"
    )
    st.dataframe(rows, hide_index=True)

# Warm the shared matcher while the user types: the first page after sign-in is then instant.
state.prepare_in_background()
