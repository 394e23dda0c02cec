"""Find hosts: coordinators rank hosts for a participant or a new profile."""

import datetime as dt

import pandas as pd
import streamlit as st

from matcher import lifecycle as lc
from matcher import taxonomy as tx
from matcher.documents import shortlist_table, workbook_bytes
from matcher.engine import trade_fit
from matcher.io import DataValidationError, validate_table
from matcher.labels import label
from matcher.language import read_language
from matcher.store import AccessDenied
from views import places, resources, saving, session, widgets

#: The filter widgets a saved filter holds (``views/saving.py``).
FILTER_KEYS = (
    "fh_country",
    "fh_org_type",
    "fh_sector",
    "fh_min_score",
    *places.FILTER_KEYS,
)


def act_on_ranking(pid: str, picked: list[str], states, done: int) -> None:
    """Shortlist or propose the hosts ticked in the ranking, with one note; the shortlist
    as XLSX. Each host is recorded or refused on its own, with the reason."""
    message = st.session_state.pop("fh_message", None)
    if message:
        kind, text = message
        (st.warning if kind == "warning" else st.success)(text)
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    note = c1.text_input(
        "Note for the ticked hosts (optional)",
        key=f"fh_note_{pid}_{done}",
        help="Tick hosts in the first column of the table, then shortlist or propose them.",
    )
    ws, m = resources.workspace(), session.matcher()
    steps = {"shortlist": c2.button("Shortlist", key="fh_shortlist", disabled=not picked)}
    refused = lc.consent_refusal("propose", pid, session.consents(m, pid))
    steps["propose"] = c3.button(
        "Propose", key="fh_propose", disabled=not picked or bool(refused), help=refused
    )
    mine = session.my_participants(m)
    c4.download_button(
        "Shortlist (XLSX)",
        lambda: workbook_bytes(  # written when clicked, not on every run
            {"shortlist": shortlist_table(states, mine, m.hosts_)}
        ),
        file_name="shortlist.xlsx",
        mime=widgets.XLSX_MIME,
        key="fh_shortlist_xlsx",
    )
    step = next((s for s, clicked in steps.items() if clicked), None)
    if step is None:
        return
    recorded, refused = [], []
    for hid in picked:
        try:
            ws.record(user, pid, hid, step, note)
            recorded.append(hid)
        except (AccessDenied, ValueError, KeyError) as exc:
            refused.append(f"{hid}: {exc}")
    parts = [f"{lc.STATE_AFTER[step].capitalize()} for {pid}: {', '.join(recorded) or 'none'}."]
    if refused:
        parts.append("Some were not recorded: " + "; ".join(refused))
    kind = "warning" if refused else "success"
    st.session_state["fh_message"] = (kind, widgets.plain(" ".join(parts)))
    st.session_state["fh_recorded"] = done + 1
    st.rerun()


st.title("Find hosts")
st.caption(
    "Rank host organisations abroad for a learner or staff member, with the reasons behind every score."
)

user = session.require_user()
m = session.matcher()
participants = session.my_participants(m)

mode = st.radio(
    "Participant",
    ["From the dataset", "New profile"],
    horizontal=True,
    label_visibility="collapsed",
)
pid = None
if mode == "From the dataset":
    labels = {r.participant_id: widgets.participant_label(r) for r in participants.itertuples()}
    if not labels:
        st.info(
            "No participants of your organisation in the workspace yet: import them on the Data page, or type a new profile."
        )
        st.stop()
    pid = st.selectbox("Participant", list(labels), format_func=labels.get, key="fh_participant")
else:
    with st.form("profile"):
        c1, c2, c3 = st.columns(3)
        occupation = c1.text_input("Occupation or programme", "cook")
        role = c2.selectbox("Role", tx.PLACE_ROLES)  # an accompanying person goes with a group
        home = c3.selectbox(
            "Home country", tx.programme_countries(), index=tx.programme_countries().index("IT")
        )
        description = st.text_area(
            "Goals, skills, interests",
            "Second-year apprentice cook, wants experience in a restaurant kitchen.",
        )
        c1, c2, c3, c4 = st.columns(4)
        languages = c1.text_input("Languages (code:level; ...)", "it:native; en:B1")
        dmin = c2.number_input("Shortest stay (days)", 1, 365, 21)
        dmax = c3.number_input("Longest stay (days)", 1, 365, 60)
        prefs = c4.multiselect("Preferred countries", tx.programme_countries())
        c1, c2, c3 = st.columns(3)
        start = c1.date_input("Available from", dt.date(2026, 10, 1))
        end = c2.date_input("Available to", dt.date(2027, 6, 30))
        needs_access = c3.checkbox("Needs an accessible host")
        c1, c2 = st.columns(2)
        home_city = c1.text_input("Town of the sending school", "")
        green = c2.checkbox("Travels green (train, bus, car-sharing)")
        submitted = st.form_submit_button("Find hosts", type="primary")
    if submitted or "fh_profile" in st.session_state:
        if submitted:
            row = {
                "participant_id": "NEW",
                "role": role,
                "activity": "",
                "home_country": home,
                "sending_org": "(new profile)",
                "home_city": home_city,
                "occupation": occupation,
                "isced_f": "",
                "description": description,
                "languages": languages,
                "duration_min_days": int(dmin),
                "duration_max_days": int(dmax),
                "available_from": start,
                "available_to": end,
                "preferred_countries": ";".join(prefs),
                "travel_mode": "green" if green else "standard",
                "fewer_opportunities": False,
                "needs_accessibility": needs_access,
                "consent_share": False,
            }
            try:
                one = validate_table(pd.DataFrame([row]), "participants", name="profile")
                session.remember("fh_profile", one)
            except DataValidationError as exc:
                session.forget("fh_profile")
                st.error(
                    "The profile has problems:\n\n"
                    + "\n".join(f"- {p.column}: {widgets.plain(p.message)}" for p in exc.problems)
                )
        if "fh_profile" in st.session_state:
            profile = st.session_state["fh_profile"].iloc[0]
            reading = read_language(
                f"{profile['occupation']}. {profile['description']}",
                getattr(m.encoder_, "languages", None),
            )
            if reading.covered is False:
                st.warning(f"Profile {reading.note}.")
            else:
                st.caption(f"Profile {reading.note}.")
            m = session.profile_matcher(st.session_state["fh_profile"], m)
            pid = "NEW"
            saving.profile_form(user, st.session_state["fh_profile"])

if pid is not None:
    hosts = m.hosts_
    with st.expander("Filters", expanded=False):
        saving.filters_bar(user, "find_hosts", FILTER_KEYS)
        c1, c2, c3, c4 = st.columns(4)
        countries = c1.multiselect("Country", sorted(hosts["country"].unique()), key="fh_country")
        org_types = c2.multiselect(
            "Organisation type", tx.ORG_TYPES, format_func=label, key="fh_org_type"
        )
        sector = c3.text_input("Sector or NACE code contains", key="fh_sector")
        min_score = c4.slider("Minimum score", 0.0, 1.0, 0.0, 0.05, key="fh_min_score")
        cities, max_km = places.filters(hosts)
    k = st.slider("How many hosts", 5, 50, 10, 5)
    ranked = m.recommend_hosts(
        pid,
        k=k,
        country=countries or None,
        org_type=org_types or None,
        sector=sector or None,
        min_score=min_score or None,
        city=cities or None,
        max_km=max_km,
    )
    if ranked.empty:
        st.info(
            "No feasible host matches these filters. Loosen the filters, or pick a host below to see which rules exclude it."
        )
    else:
        if ranked.attrs.get("notice"):
            st.warning(widgets.plain(ranked.attrs["notice"]))
        # the trade fit explains the order: strong fits first, then partial, then other trades
        ranked["trade"] = [trade_fit(r.get("sector", "")) for r in ranked["reasons"]]
        in_workspace = pid != "NEW" and not session.is_upload(session.frames()[3])
        states = resources.workspace().states(user) if in_workspace else None
        if states is not None:
            mine = states[states["participant_id"] == pid].set_index("host_id")["state"]
            ranked["decision"] = [mine.get(h, "") for h in ranked["host_id"]]
        done = st.session_state.get("fh_recorded", 0)
        picked = widgets.show_ranking(
            ranked,
            ["rank", *(["decision"] if states is not None else []), "trade"]
            + ["host_id", "name", "country", "sector"],
            key=f"fh_table_{pid}_{done}",
            select=states is not None,
        )
        top = ranked.iloc[0]
        st.caption(
            f"Top match {widgets.plain(top['host_id'])}: " + widgets.plain(top["reasons"]["sector"])
        )
        if states is not None:
            act_on_ranking(pid, list(ranked["host_id"].iloc[picked]), states, done)
        elif pid == "NEW":
            st.caption(
                "A typed profile is not recorded: shortlist hosts for a participant of your organisation."
            )
        places.show_geography(m, pid, ranked)

    st.subheader("Why this host?")
    labels = widgets.host_labels(hosts)
    default = list(labels).index(ranked["host_id"].iloc[0]) if not ranked.empty else 0
    # keyed by the participant (or typed profile): a host chosen for one never stays for another
    context = pid if pid != "NEW" else session.frame_key(st.session_state["fh_profile"])
    hid = st.selectbox(
        "Host", list(labels), index=default, format_func=labels.get, key=f"fh_host_{context}"
    )
    e = m.explain(pid, hid)
    places.show_contacts(session.require_user(), m, hid)
    c1, c2 = st.columns([1, 2])
    widgets.explanation(e, c1, c2)
