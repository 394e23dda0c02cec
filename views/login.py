"""Sign in. The sample workspace lists its demo accounts; a real one has none."""

import streamlit as st

from matcher.store import DEMO_PASSWORD, SignInLocked
from views import resources, session, widgets

st.title("matcher")
st.caption(
    "Partner matching for Erasmus+ VET mobility: find hosts abroad, browse candidates, allocate cohorts."
)

ws = resources.workspace()
if st.session_state.pop("signed_out_idle", False):
    st.warning("You were signed out after a period of inactivity: please sign in again.")
unknown = st.session_state.pop("identity_unknown", None)
if unknown:
    st.error(
        f"No account of this workspace is named {widgets.plain(unknown)}: ask an administrator "
        "to create one with this e-mail address as the user name."
    )
if session.identity_provider():
    if unknown:
        st.button("Use another account of your organisation", on_click=st.logout, key="oidc_out")
    else:
        st.button(
            "Sign in with your organisation's account",
            on_click=st.login,
            type="primary",
            key="sign_in_oidc",
        )
    st.caption("Or sign in with a user name and password of this workspace:")
with st.form("login"):
    username = st.text_input("User name")
    password = st.text_input("Password", type="password")
    ok = st.form_submit_button("Sign in", type="primary")
if ok:
    try:
        u = ws.authenticate(username, password)
    except SignInLocked as exc:
        st.error(f"Sign-in locked: {exc}.")
    else:
        if u is None:
            st.error("Unknown user name or wrong password.")
        else:
            session.sign_in(u)
            st.rerun()

if resources.is_sample_workspace():
    rows = [
        {"user name": r.username, "password": DEMO_PASSWORD, "role": r.role, "acts for": r.acts_for}
        for r in ws.demo_users().itertuples()
    ]
    st.info(
        "**Demo accounts of the sample workspace** (synthetic data only; a real workspace, set with MATCHER_DATABASE_URL, has none):"
    )
    st.dataframe(rows, hide_index=True)

# Warm the shared matcher while the user types: the first page after sign-in is then instant.
session.prepare_in_background()
