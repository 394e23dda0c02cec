"""Decisions: coordinators shortlist, propose and record outcomes; hosts accept or decline."""

import streamlit as st

from matcher.store import RATINGS, AccessDenied
from views import resources, session, widgets

#: Hosts offered for a decision: the best feasible ones.
HOSTS_OFFERED = 20
#: The rating preselected for a completed placement.
DEFAULT_RATING = 4

st.title("Decisions")
ws = resources.workspace()
user = session.require_user()

if user.role in ("coordinator", "admin"):
    st.caption(
        "Shortlist and propose hosts for your participants, and record how placements went. The engine learns from it: past cooperation and declines change later rankings."
    )
    m = session.matcher()
    mine = session.my_participants(m)
    if mine.empty:
        st.info("No participants of your organisation in the workspace yet.")
    else:
        message = st.session_state.pop("dc_message", None)
        if message:
            st.success(message)
        labels = {r.participant_id: widgets.participant_label(r) for r in mine.itertuples()}
        c1, c2 = st.columns(2)
        pid = c1.selectbox(
            "Participant", list(labels), format_func=labels.get, key="dc_participant"
        )
        ranked = m.recommend_hosts(pid, k=HOSTS_OFFERED, explain=False)
        hosts = {
            r.host_id: f"{r.host_id} - {r.name} ({r.country}) score {r.score:.2f}"
            for r in ranked.itertuples()
        }
        # widget keys carry their context: a host or note chosen for one participant never
        # stays on screen (or is recorded) for the next one, and the note empties once recorded
        done = st.session_state.get("dc_recorded", 0)
        hid = (
            c2.selectbox(
                "Host (best feasible first)",
                list(hosts),
                format_func=hosts.get,
                key=f"dc_host_{pid}",
            )
            if hosts
            else None
        )
        reason = st.text_input("Note (optional)", key=f"dc_reason_{pid}_{done}")
        b = st.columns(5)
        action = None
        for col, name in zip(b, ["shortlist", "propose", "withdraw", "complete"], strict=False):
            if col.button(name.capitalize(), key=f"dc_{name}", disabled=hid is None):
                action = name
        rating = b[4].select_slider(
            "Rating (complete)", RATINGS, value=DEFAULT_RATING, key="dc_rating"
        )
        if action:
            try:
                ws.record(user, pid, hid, action, reason, rating if action == "complete" else None)
                st.session_state["dc_recorded"] = done + 1
                st.session_state["dc_message"] = (
                    f"Recorded: {action} {widgets.plain(f'{pid} -> {hid}')}"
                )
                st.rerun()
            except (AccessDenied, ValueError, KeyError) as exc:
                st.error(widgets.plain(exc))

if user.role in ("host", "admin"):
    st.subheader("Proposals to respond to" if user.role == "host" else "Respond for a host")
    pending = ws.open_proposals(user)
    id_col = "candidate" if "candidate" in pending else "participant_id"
    if pending.empty:
        st.info("No open proposals.")
    else:
        labels = {
            f"{r[id_col]}|{r['host_id']}": f"{r[id_col]} at {r['host_id']}"
            for _, r in pending.iterrows()
        }
        pick = st.selectbox("Proposal", list(labels), format_func=labels.get, key="dh_pick")
        reason = st.text_input("Reason (for a decline)", key="dh_reason")
        c1, c2 = st.columns(2)
        choice = (
            "accept"
            if c1.button("Accept", type="primary", key="dh_accept")
            else "decline"
            if c2.button("Decline", key="dh_decline")
            else None
        )
        if choice:
            cand, hid = pick.split("|")
            try:
                ws.respond(user, cand, hid, choice == "accept", reason)
                st.success(f"Recorded: {choice}")
            except (AccessDenied, ValueError, KeyError) as exc:
                st.error(widgets.plain(exc))

st.subheader("History")
history = ws.decisions(user).drop(columns=["id"], errors="ignore")
widgets.plain_table(history.iloc[::-1])
