"""Save work: a typed profile as a participant of the user's organisation (with consent),
and named filters per user and page."""

from __future__ import annotations

import secrets

import pandas as pd
import streamlit as st

from matcher.io import DataValidationError, validate_table
from matcher.store import ImportRefused
from views import resources, widgets

#: Hex digits of a suggested participant id for a saved profile.
SUGGESTED_ID_DIGITS = 6


def profile_form(user, profile: pd.DataFrame) -> None:
    """Save the typed profile (one validated row) as a participant of the user's
    organisation, with the participant's consents; nothing is saved without the consent to
    store the profile."""
    if user.role not in ("coordinator", "admin"):
        return
    with st.expander("Save this profile as a participant"):
        with st.form("save_profile"):
            c1, c2 = st.columns(2)
            if "save_profile_id" not in st.session_state:  # one suggestion per session
                suggested = "P-" + secrets.token_hex(SUGGESTED_ID_DIGITS // 2).upper()
                st.session_state["save_profile_id"] = suggested
            pid = c1.text_input("Participant id (your school's reference)", key="save_profile_id")
            if user.role == "coordinator":
                org = user.organisation
                c2.markdown(f"Sending organisation: **{widgets.plain(org)}**")
            else:
                org = c2.text_input("Sending organisation")
            stored = st.checkbox(
                "The participant (or their guardian) agreed that the school stores this profile"
            )
            shown = st.checkbox(
                "The participant agrees to be shown to host organisations under a pseudonym"
            )
            fewer = st.checkbox(
                "Participant with fewer opportunities (special-category data: only with the "
                "participant's explicit consent; never shown to hosts)"
            )
            save = st.form_submit_button("Save participant")
        if save:
            _save(user, profile, pid.strip(), org, stored, shown, fewer)


def _save(user, profile, pid, org, stored, shown, fewer) -> None:
    """Validate and add the participant; say what happened."""
    if not stored:
        st.error("Not saved: the participant's consent to store the profile is needed.")
        return
    row = profile.iloc[[0]].assign(
        participant_id=pid, sending_org=org, consent_share=shown, fewer_opportunities=fewer
    )
    try:
        one = validate_table(row.reset_index(drop=True), "participants", name="profile")
        resources.workspace().add_participant(user, one)
    except DataValidationError as exc:
        st.error(
            "Not saved:\n\n"
            + "\n".join(
                f"- {widgets.plain(p.column)}: {widgets.plain(p.message)}" for p in exc.problems
            )
        )
    except (ImportRefused, ValueError) as exc:
        st.error(f"Not saved: {widgets.plain(exc)}")
    else:
        st.success(f"Saved as participant {widgets.plain(pid)} of {widgets.plain(org)}.")


def filters_bar(user, page: str, keys: tuple[str, ...]) -> None:
    """Apply, save or delete the user's named filters of ``page``; a filter holds the values
    of the widgets under ``keys`` (``st.session_state``). Call it before those widgets."""
    ws = resources.workspace()
    saved = ws.saved_filters(user, page)
    c1, c2, c3 = st.columns([2, 2, 1])
    name = c1.selectbox("Saved filters", ["", *saved], key=f"{page}_saved_pick")
    c1.button(
        "Apply",
        key=f"{page}_saved_apply",
        disabled=not name,
        on_click=_apply,
        args=(saved.get(name, {}), keys),
    )
    new = c2.text_input("Save the current filters as", key=f"{page}_saved_name")
    if c2.button("Save filters", key=f"{page}_saved_save", disabled=not new.strip()):
        values = {k: st.session_state[k] for k in keys if k in st.session_state}
        ws.save_filter(user, page, new, values)
        st.success(f"Filters saved as {widgets.plain(new.strip())}.")
    if c3.button("Delete", key=f"{page}_saved_delete", disabled=not name):
        ws.delete_filter(user, page, name)
        st.rerun()


def _apply(values: dict, keys) -> None:
    """Set the filter widgets' values (a callback: it runs before the widgets are drawn)."""
    for k in keys:
        if k in values:
            st.session_state[k] = values[k]
