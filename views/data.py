"""Data: upload participants and hosts; invalid uploads change nothing."""

import pandas as pd
import streamlit as st

from views import state

st.title("Data")
st.caption(
    "Upload CSV or XLSX tables. Every problem is listed by file, row and column; an invalid upload changes nothing."
)

p, h, key = state.frames()
st.write(
    f"Working dataset: **{'bundled sample' if key == 'sample' else 'uploaded'}**, {len(p)} participants and {len(h)} hosts."
)

c1, c2 = st.columns(2)
up_p = c1.file_uploader("Participants table", type=["csv", "xlsx"], key="up_participants")
up_h = c2.file_uploader("Hosts table", type=["csv", "xlsx"], key="up_hosts")

if st.button("Validate and use", type="primary", disabled=not (up_p or up_h)):
    new_p, new_h = p, h
    problems, notes = [], []
    if up_p:
        frame, report = state.read_upload(up_p, "participants")
        problems += report["problems"]
        notes += report["notes"]
        new_p = frame if frame is not None else new_p
    if up_h:
        frame, report = state.read_upload(up_h, "hosts")
        problems += report["problems"]
        notes += report["notes"]
        new_h = frame if frame is not None else new_h
    st.session_state["upload_report"] = {"problems": problems, "notes": notes}
    if not problems:
        st.session_state["dataset"] = {
            "participants": new_p,
            "hosts": new_h,
            "key": state.frame_key(new_p, new_h),
        }
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
            key="problems",
        )
    else:
        st.success("Upload valid and in use for this session.")
    for n in report["notes"]:
        st.caption(f"Note: {n}")

if key != "sample" and st.button("Back to the bundled sample"):
    st.session_state.pop("dataset", None)
    st.session_state.pop("upload_report", None)
    st.rerun()

with st.expander("Column reference"):
    from matcher.io import HOSTS, PARTICIPANTS

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
