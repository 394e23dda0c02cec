"""Data: templates, upload participants and hosts (invalid uploads change nothing), and an
import into the workspace that says before and after what is added, changed and left out."""

import pandas as pd
import streamlit as st

from matcher.io import HOSTS, PARTICIPANTS
from views import importing, session, widgets

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

with st.expander("Templates: empty tables with every column and one example row"):
    t1, t2, t3 = st.columns(3)
    for column, schema in ((t1, PARTICIPANTS), (t2, HOSTS)):
        column.download_button(
            f"{schema.name.capitalize()} template (CSV)",
            widgets.csv_bytes(widgets.template(schema)),
            f"{schema.name}.csv",
            "text/csv",
            key=f"template_{schema.name}",
            icon=":material/download:",
        )
    t3.download_button(
        "Both tables (XLSX, one sheet each)",
        widgets.template_workbook((PARTICIPANTS, HOSTS)),
        "matcher-template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="template_xlsx",
        icon=":material/download:",
    )

c1, c2 = st.columns(2)
up_p = c1.file_uploader("Participants table", type=["csv", "xlsx"], key="up_participants")
up_h = c2.file_uploader("Hosts table", type=["csv", "xlsx"], key="up_hosts")
encoding = st.selectbox(
    "Text encoding of CSV files",
    list(widgets.ENCODINGS),
    format_func=widgets.ENCODINGS.get,
    help="Automatic reads UTF-8 and, with a note, Windows Western European.",
)

if st.button("Validate and use", type="primary", disabled=not (up_p or up_h)):
    new_p, new_h = p, h
    problems, notes = [], []
    for upload, kind in ((up_p, "participants"), (up_h, "hosts")):
        if upload is None:
            continue
        frame, report = session.read_upload(upload, kind, encoding or None)
        problems += report["problems"]
        notes += report["notes"]
        if frame is not None and kind == "participants":
            new_p = frame
        elif frame is not None:
            new_h = frame
    session.remember("upload_report", {"problems": problems, "notes": notes})
    session.forget("import_report")
    if not problems:
        session.use_upload(new_p, new_h, hosts_uploaded=up_h is not None)
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
    importing.section(user, p, h)
    if st.button("Back to the workspace data", key="back_to_workspace"):
        session.drop_upload()
        st.rerun()

with st.expander("Column reference"):
    for schema in (PARTICIPANTS, HOSTS):
        st.markdown(f"**{schema.name}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "column in the file": c.name,
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
