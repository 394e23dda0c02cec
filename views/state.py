"""The app layer: data loading, caching and session state. Pages stay thin."""

from __future__ import annotations

import hashlib
import io
import warnings

import pandas as pd
import streamlit as st

from matcher import Config, Matcher, load_hosts, load_participants
from matcher.encode import make_encoder
from matcher.taxonomy import sample_dir


@st.cache_resource(show_spinner=False)
def encoder():
    """The model behind the on-disk embedding cache, once per process."""
    return make_encoder(Config.from_env(show_progress=False))


@st.cache_resource(show_spinner=False)
def sample_frames():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_participants(sample_dir() / "participants.csv"), load_hosts(
            sample_dir() / "hosts.csv"
        )


@st.cache_resource(show_spinner=False, max_entries=8)
def fitted(key: str, _participants: pd.DataFrame, _hosts: pd.DataFrame) -> Matcher:
    """A fitted matcher per dataset (``key`` identifies the data)."""
    return Matcher(encoder=encoder()).fit(_participants, _hosts)


def frames() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The working dataset of this session: uploaded tables, or the bundled sample."""
    up = st.session_state.get("dataset")
    if up:
        return up["participants"], up["hosts"], up["key"]
    p, h = sample_frames()
    return p, h, "sample"


def matcher() -> Matcher:
    p, h, key = frames()
    if key not in st.session_state.get("_fitted", set()):
        with st.spinner(
            "Preparing the matcher (first start encodes texts; later starts use the cache)..."
        ):
            m = fitted(key, p, h)
        st.session_state.setdefault("_fitted", set()).add(key)
        return m
    return fitted(key, p, h)


def frame_key(*frames_: pd.DataFrame) -> str:
    h = hashlib.sha1()
    for f in frames_:
        h.update(pd.util.hash_pandas_object(f.astype(str), index=False).values.tobytes())
    return h.hexdigest()[:12]


def dataset_banner() -> None:
    p, h, key = frames()
    label = "bundled sample" if key == "sample" else "uploaded data"
    st.caption(f"**Dataset:** {label}  \n{len(p)} participants, {len(h)} hosts")


def participant_label(row) -> str:
    return f"{row.participant_id} - {row.occupation} ({row.role}, {row.home_country})"


def host_label(row) -> str:
    return f"{row.host_id} - {row.name} ({row.country})"


def component_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Components as one ``<criterion> fit`` column each, for a table with progress bars."""
    comps = pd.DataFrame(list(df["components"]), index=df.index)
    comps.columns = [f"{c} fit" for c in comps.columns]
    return pd.concat([df.drop(columns=["components", "reasons"]), comps], axis=1), list(
        comps.columns
    )


def progress_config(columns) -> dict:
    cfg = {
        "score": st.column_config.ProgressColumn(
            "score", min_value=0.0, max_value=1.0, format="%.2f"
        )
    }
    for c in columns:
        cfg[c] = st.column_config.ProgressColumn(
            c, min_value=0.0, max_value=1.0, format="%.2f", width="small"
        )
    return cfg


def to_excel_bytes(allocation) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = allocation.export(Path(tmp) / "allocation.xlsx")
        return path.read_bytes()


def to_csv_bytes(allocation) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = allocation.export(Path(tmp) / "allocation.csv")
        return path.read_bytes()


def read_upload(uploaded, kind: str):
    """Validate an uploaded file with the package's loader; returns (frame, report)."""
    import tempfile
    from pathlib import Path

    from matcher.io import DataValidationError, load_table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / uploaded.name
        path.write_bytes(uploaded.getvalue())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = load_table(path, kind)
            return frame, {"problems": [], "notes": frame.attrs.get("notes", [])}
        except DataValidationError as exc:
            return None, {"problems": exc.problems, "notes": [str(n) for n in exc.notes]}


_ = io  # re-exported for pages that build downloads
