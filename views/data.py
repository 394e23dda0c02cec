"""Data: upload participants and hosts; invalid uploads change nothing."""

import pandas as pd
import streamlit as st

from matcher.io import HOSTS, PARTICIPANTS
from views import resources, session, widgets

st.title("Data")
st.caption(
    "Upload CSV or XLSX tables. Every problem is listed by file, row and column; an invalid upload changes nothing."
)

user = session.require_user()
p, h, _, key = session.frames()
uploaded = session.is_upload(key)
st.write(
    f"Working dataset: **{'uploaded (this session)' if uploaded else 'workspace'}**, {len(p)} participants and {len(h)} hosts."
)

c1, c2 = st.columns(2)
up_p = c1.file_uploader("Participants table", type=["csv", "xlsx"], key="up_participants")
up_h = c2.file_uploader("Hosts table", type=["csv", "xlsx"], key="up_hosts")

if st.button("Validate and use", type="primary", disabled=not (up_p or up_h)):
    new_p, new_h = p, h
    problems, notes = [], []
    for upload, kind in ((up_p, "participants"), (up_h, "hosts")):
        if upload is None:
            continue
        frame, report = session.read_upload(upload, kind)
        problems += report["problems"]
        notes += report["notes"]
        if frame is not None and kind == "participants":
            new_p = frame
        elif frame is not None:
            new_h = frame
    st.session_state["upload_report"] = {"problems": problems, "notes": notes}
    if not problems:
        session.use_upload(new_p, new_h)
        st.rerun()

report = st.session_state.get("upload_report")
if report:
    if report["problems"]:
        st.error(f"{len(report['problems'])} problem(s) found; the working dataset is unchanged.")
        st.dataframe(
            pd.DataFrame(
                [
                    {"file": x.file, "row": x.row, "column": x.column, "problem": x.message}
                    for x in report["problems"]
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.success("Upload valid and in use for this session.")
    for n in report["notes"]:
        st.caption(f"Note: {widgets.plain(n)}")

if uploaded:
    c1, c2 = st.columns(2)
    if c1.button("Import into the workspace", help="validated upsert by id, all or nothing"):
        try:
            imported = resources.workspace().import_upload(user, p, h)
            st.success(f"Imported: {widgets.plain(imported)}")
        except PermissionError as exc:
            st.error(widgets.plain(exc))
    if c2.button("Back to the workspace data", key="back_to_workspace"):
        session.drop_upload()
        st.rerun()

with st.expander("Column reference"):
    for schema in (PARTICIPANTS, HOSTS):
        st.markdown(f"**{schema.name}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "column": c.name,
                        "required": c.required,
                        "meaning": c.doc,
                        "example": c.example,
                    }
                    for c in schema.columns
                ]
            ),
            hide_index=True,
            width="stretch",
        )
