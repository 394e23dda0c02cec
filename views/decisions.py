"""Decisions: coordinators shortlist, propose and record outcomes; hosts accept or decline.

Only the steps the placement's lifecycle allows from the pair's state are offered
(``matcher.lifecycle``); the workspace refuses any other.
"""

import streamlit as st

from matcher import lifecycle as lc
from matcher.documents import (
    agreement_bytes,
    agreement_fields,
    draft_agreement,
    placements_table,
    shortlist_table,
    workbook_bytes,
)
from matcher.store import RATINGS, AccessDenied
from views import resources, session, widgets

#: Hosts offered for a decision: the best feasible ones (and every host already decided on).
HOSTS_OFFERED = 20
#: The rating preselected for a completed placement.
DEFAULT_RATING = 4
#: The button of each step.
STEP_LABELS = {
    "shortlist": "Shortlist",
    "propose": "Propose",
    "withdraw": "Withdraw",
    "complete": "Complete",
    "accept": "Accept",
    "decline": "Decline",
}
#: The states whose placement has a learning agreement.
AGREED = ("accepted", "completed")
#: MIME type of a DOCX download.
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _done(message: str, slot: str) -> None:
    """Keep ``message`` for the next run, empty the note boxes (their keys carry a count of
    recorded decisions) and run the page again so that it shows the new state."""
    st.session_state[f"{slot}_message"] = message
    st.session_state[f"{slot}_recorded"] = st.session_state.get(f"{slot}_recorded", 0) + 1
    st.rerun()


def _host_options(m, pid, pair_states, ranked) -> dict:
    """Host ids to labels: hosts already decided on or interested first (latest change
    first), then the best feasible."""
    names = m.hosts_.set_index("host_id")
    scores = dict(zip(ranked["host_id"], ranked["score"], strict=True))
    ordered = list(dict.fromkeys([*pair_states.index, *ranked["host_id"]]))
    labels = {}
    for hid in ordered:
        row = names.loc[hid]
        parts = [f"{hid} - {row['name']} ({row['country']})"]
        if hid in scores:
            parts.append(f"score {scores[hid]:.2f}")
        if hid in pair_states.index:
            state = pair_states.at[hid, "state"]
            parts.append(state or "")
            if pair_states.at[hid, "interested"]:
                parts.append("host interested")
        labels[hid] = " · ".join(p for p in parts if p)
    return labels


def _agreement(ws, user, m, pid: str, hid: str) -> None:
    """The draft learning agreement of an agreed placement: edit, save with the placement
    (it opens as saved; the agreed placements' spreadsheet takes its dates), download."""
    with st.expander("Learning agreement (draft, DOCX)", expanded=True):
        kept = ws.agreements(user)
        kept = kept[(kept["participant_id"] == pid) & (kept["host_id"] == hid)]
        saved = kept["fields"].iloc[0] if len(kept) else None
        draft = draft_agreement(m, pid, hid, resources.workspace().organisations(), saved=saved)
        if len(kept):
            st.caption(
                f"Saved {kept['updated_at'].iloc[0]:%Y-%m-%d %H:%M} by "
                f"{widgets.plain(kept['username'].iloc[0])}."
            )
        key = f"la_{pid}_{hid}"
        c1, c2 = st.columns(2)
        draft.start = c1.date_input("Start", draft.start, key=f"{key}_start")
        draft.end = c2.date_input("End", draft.end, key=f"{key}_end")
        draft.tasks = st.text_area("Tasks at the host", draft.tasks, key=f"{key}_tasks")
        outcomes = st.text_area(
            "Learning outcomes (one a line)", "\n".join(draft.outcomes), key=f"{key}_outcomes"
        )
        draft.outcomes = [line.strip() for line in outcomes.splitlines() if line.strip()]
        if draft.outcomes_source:
            st.caption(widgets.plain(draft.outcomes_source))
        c1, c2, c3 = st.columns(3)
        draft.sending_tutor = c1.text_input(
            "Tutor at your school", draft.sending_tutor, key=f"{key}_tutor"
        )
        draft.sending_contact = c2.text_input(
            "Your contact (name, e-mail, phone)", draft.sending_contact, key=f"{key}_contact"
        )
        draft.host_tutor = c3.text_input(
            "Mentor at the host", draft.host_tutor, key=f"{key}_mentor"
        )
        draft.language_support = st.text_area(
            "Language support", draft.language_support, key=f"{key}_language"
        )
        c1, c2 = st.columns(2)
        if c1.button("Save the agreement", key=f"{key}_save"):
            try:
                ws.save_agreement(user, pid, hid, agreement_fields(draft))
            except (AccessDenied, ValueError, KeyError) as exc:
                st.error(widgets.plain(exc))
            else:
                _done(f"Saved the learning agreement of {widgets.plain(f'{pid} -> {hid}')}.", "dc")
        c2.download_button(
            "Download the draft (DOCX)",
            lambda: agreement_bytes(draft),  # written when clicked, not on every run
            file_name=f"learning-agreement-{pid}-{hid}.docx",
            mime=DOCX_MIME,
            key=f"{key}_download",
        )


def _record_step(ws, user, pid, hid, state) -> None:
    """The pair's state and the buttons of the steps that may follow it."""
    since = state["since"] if state is not None else None
    now = state["state"] if state is not None and state["state"] else None
    st.markdown(
        f"**Now:** {now or 'nothing recorded yet'}"
        + (f" (since {since:%Y-%m-%d %H:%M})" if now and since is not None else "")
    )
    steps = lc.next_steps(now, "coordinator")
    if not steps:
        st.info(f"This placement is {now}: no further step.")
        return
    done = st.session_state.get("dc_recorded", 0)
    reason = st.text_input("Note (optional)", key=f"dc_reason_{pid}_{hid}_{done}")
    rating = None
    if "complete" in steps:
        rating = st.select_slider(
            "Rating (to complete)", RATINGS, value=DEFAULT_RATING, key=f"dc_rating_{pid}_{hid}"
        )
    cols = st.columns(len(steps) + 4)  # the buttons side by side, on the left
    consent = session.consents(session.matcher(), pid)
    for col, step in zip(cols, steps, strict=False):
        refused = lc.consent_refusal(step, pid, consent)  # offered, but said why not
        if col.button(STEP_LABELS[step], key=f"dc_{step}", disabled=bool(refused), help=refused):
            try:
                ws.record(user, pid, hid, step, reason, rating if step == "complete" else None)
            except (AccessDenied, ValueError, KeyError) as exc:
                st.error(widgets.plain(exc))
            else:
                _done(f"Recorded: {lc.STATE_AFTER[step]} {widgets.plain(f'{pid} -> {hid}')}", "dc")


def _downloads(ws, user, m, states) -> None:
    """The shortlist and the agreed placements as XLSX."""
    mine = session.my_participants(m)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Shortlist (XLSX)",
        lambda: workbook_bytes({"shortlist": shortlist_table(states, mine, m.hosts_)}),
        file_name="shortlist.xlsx",
        mime=widgets.XLSX_MIME,
        key="dc_shortlist_xlsx",
    )
    c2.download_button(
        "Agreed placements (XLSX)",
        lambda: workbook_bytes(
            {"placements": placements_table(states, mine, m.hosts_, ws.agreements(user))}
        ),
        file_name="placements.xlsx",
        mime=widgets.XLSX_MIME,
        key="dc_placements_xlsx",
    )


def sending_side(ws, user) -> None:
    """Coordinators (and admins for them): each pair's state and its next steps."""
    st.caption(
        "Shortlist and propose hosts for your participants, and record how placements went. "
        "Only the next steps a placement allows are offered. The engine learns from it: past "
        "cooperation and declines change later rankings."
    )
    m = session.matcher()
    mine = session.my_participants(m)
    if mine.empty:
        st.info("No participants of your organisation in the workspace yet.")
        return
    message = st.session_state.pop("dc_message", None)
    if message:
        st.success(message)
    states = ws.states(user)
    interests = ws.interests(user)
    if not interests.empty:
        st.subheader("Hosts interested in your participants")
        widgets.plain_table(widgets.interests_table(interests, m.hosts_))
    labels = {r.participant_id: widgets.participant_label(r) for r in mine.itertuples()}
    c1, c2 = st.columns(2)
    pid = c1.selectbox("Participant", list(labels), format_func=labels.get, key="dc_participant")
    ranked = m.recommend_hosts(pid, k=HOSTS_OFFERED, explain=False)
    pair_states = (
        states[states["participant_id"] == pid]
        .sort_values("since", ascending=False, na_position="last")
        .set_index("host_id")
    )
    hosts = _host_options(m, pid, pair_states, ranked)
    # keyed by the participant: a host chosen for one never stays (or is recorded) for another
    hid = c2.selectbox(
        "Host (those already decided on first, then the best that meet the rules)",
        list(hosts),
        format_func=hosts.get,
        key=f"dc_host_{pid}",
    )
    if hid is None:
        return
    state = pair_states.loc[hid] if hid in pair_states.index else None
    _record_step(ws, user, pid, hid, state)
    if state is not None and state["state"] in AGREED:
        _agreement(ws, user, m, pid, hid)
    _downloads(ws, user, m, states)


def host_side(ws, user) -> None:
    """Hosts (and admins for them): open proposals with the candidate's profile; answer."""
    st.subheader("Proposals to respond to" if user.role == "host" else "Respond for a host")
    message = st.session_state.pop("dh_message", None)
    if message:
        st.success(message)
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
        cand, hid = pick.split("|")
        pseudonym = cand if id_col == "candidate" else ws.pseudonym(cand)
        profile = ws.candidate_profile(user, pseudonym, hid)
        st.markdown("**The candidate's profile** (pseudonymised)")
        st.table(widgets.profile_table(profile))
        done = st.session_state.get("dh_recorded", 0)
        reason = st.text_input("Note (why, for a decline)", key=f"dh_reason_{pick}_{done}")
        c1, c2, _ = st.columns([1, 1, 6])
        choice = (
            "accept"
            if c1.button("Accept", type="primary", key="dh_accept")
            else "decline"
            if c2.button("Decline", key="dh_decline")
            else None
        )
        if choice:
            try:
                ws.respond(user, cand, hid, choice == "accept", reason)
            except (AccessDenied, ValueError, KeyError) as exc:
                st.error(widgets.plain(exc))
            else:
                _done(f"Recorded: {lc.STATE_AFTER[choice]} {widgets.plain(cand)}", "dh")
    if user.role == "host":
        marks = ws.interests(user)
        if not marks.empty:
            st.subheader("Candidates you marked interest in")
            widgets.plain_table(marks)


st.title("Decisions")
ws = resources.workspace()
user = session.require_user()

if user.role in ("coordinator", "admin"):
    sending_side(ws, user)
if user.role in ("host", "admin"):
    host_side(ws, user)

st.subheader("History")
if user.role == "host":
    widgets.plain_table(ws.decisions(user).iloc[::-1])
else:
    now = ws.states(user)
    st.markdown("**Where each placement stands**")
    widgets.plain_table(widgets.states_table(now))
    with st.expander("Every decision recorded"):
        log = ws.decisions(user).drop(columns=["id"], errors="ignore")
        if "rating" in log:
            log["rating"] = widgets.rating_text(log["rating"])
        widgets.plain_table(log.iloc[::-1])
