"""Import an upload into the workspace: what it would do first (added, changed, left out and
why), then what it did, in plain words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from matcher.labels import label
from views import resources, session, widgets

#: Ids of left-out rows listed per reason on the page (the CSV download has all).
IDS_SHOWN = 20


def section(user, participants: pd.DataFrame, hosts: pd.DataFrame) -> None:
    """The import block of the Data page, for coordinators and admins."""
    if user.role not in ("admin", "coordinator"):
        return
    st.subheader("Import into the workspace")
    done = st.session_state.get("import_report")
    if done is not None:
        st.success("Imported into the workspace:")
        show(done)
        return
    kinds = st.session_state.get("dataset", {}).get("uploaded", ("participants", "hosts"))
    tables = {
        "participants": participants if "participants" in kinds else None,
        "hosts": hosts if "hosts" in kinds else None,
    }
    ws = resources.workspace()
    preview = ws.import_upload(user, **tables, dry_run=True)
    st.markdown("Importing this upload would do the following; nothing is written until you click.")
    show(preview)
    if st.button("Import into the workspace", type="primary", key="import_upload"):
        try:
            report = ws.import_upload(user, **tables)
        except (PermissionError, ValueError) as exc:
            st.error(widgets.plain(exc))
            return
        session.remember("import_report", report)
        st.rerun()


def show(report) -> None:
    """A report's sentences, then the rows left out with their reasons (and a CSV of them)."""
    st.markdown("\n".join(f"- {widgets.plain(s)}" for s in report.sentences()))
    if not report.refused:
        return
    rows = [
        {"table": label(r.table), "id": i, "why left out": r.reason}
        for r in report.refused
        for i in r.ids
    ]
    left_out = pd.DataFrame(rows, columns=["table", "id", "why left out"])
    with st.expander(f"Rows left out ({len(left_out)})"):
        for r in report.refused:
            shown = ", ".join(r.ids[:IDS_SHOWN]) + (" ..." if len(r.ids) > IDS_SHOWN else "")
            st.caption(f"{widgets.plain(r.reason)}: {widgets.plain(shown)}")
        widgets.csv_download(left_out, "rows_left_out", "Download the rows left out (CSV)")
