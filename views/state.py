"""The app layer: workspace, login, data loading, caching and session state. Pages stay thin."""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from matcher import Config, Matcher, load_hosts, load_participants
from matcher.encode import make_encoder
from matcher.io import load_organisations
from matcher.store import User, Workspace
from matcher.store import _tables as T
from matcher.taxonomy import sample_dir

DEMO_PASSWORD = "demo"
# the sample workspace's folder: MATCHER_WORKSPACE_DIR, else .matcher/ in the working directory
SAMPLE_WORKSPACE = (
    Path(os.environ.get("MATCHER_WORKSPACE_DIR") or Path.cwd() / ".matcher") / "sample-workspace.db"
)


# --- process-wide resources ------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def encoder():
    """The model behind the on-disk embedding cache, once per process."""
    return make_encoder(Config.from_env(show_progress=False))


def demo_accounts(participants: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(username, role, organisation) of the sample workspace's demo accounts."""
    busiest = participants["sending_org"].value_counts().index[0]
    return [
        ("demo-admin", "admin", ""),
        ("demo-coordinator", "coordinator", busiest),
        ("demo-host", "host", "H0001"),
        ("demo-analyst", "analyst", ""),
    ]


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    """``MATCHER_DATABASE_URL`` when set; otherwise the sample workspace, created on first
    start with the bundled sample and the clearly marked demo accounts."""
    url = os.environ.get("MATCHER_DATABASE_URL")
    if url:
        return Workspace(url)
    ws = Workspace(f"sqlite:///{SAMPLE_WORKSPACE}")
    if ws.users().empty:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = load_participants(sample_dir() / "participants.csv")
            h = load_hosts(sample_dir() / "hosts.csv")
            o = load_organisations(sample_dir() / "organisations.csv")
        ws.import_tables(p, h, organisations=o)
        for name, role, org in demo_accounts(p):
            ws.add_user(name, DEMO_PASSWORD, role, org, demo=True)
    return ws


def is_sample_workspace() -> bool:
    return not os.environ.get("MATCHER_DATABASE_URL")


@st.cache_resource(show_spinner=False, max_entries=8)
def fitted(
    key: str, _participants: pd.DataFrame, _hosts: pd.DataFrame, _history: pd.DataFrame | None
) -> Matcher:
    """A fitted matcher per dataset and decision history (``key`` identifies both)."""
    return Matcher(encoder=encoder()).fit(_participants, _hosts, history=_history)


@st.cache_resource(show_spinner=False, max_entries=4)
def _workspace_frames(version: str):
    ws = workspace()
    return ws.participants(), ws.hosts(), ws.history()


@st.cache_resource(show_spinner="Reading the organisations...", max_entries=4)
def _partner_finder(version: str):
    from matcher.partners import PartnerFinder

    return PartnerFinder(encoder=encoder()).fit(workspace().organisations())


def partner_finder():
    """KA2 partner search over the workspace's organisations."""
    ws = workspace()
    with ws.engine.connect() as conn:
        version = repr(
            conn.execute(
                sa.select(sa.func.count(), sa.func.max(T.organisations.c.updated_at)).select_from(
                    T.organisations
                )
            ).one()
        )
    return _partner_finder(version)


def _workspace_version() -> str:
    ws = workspace()
    with ws.engine.connect() as conn:
        parts = [
            conn.execute(
                sa.select(sa.func.count(), sa.func.max(T.participants.c.updated_at)).select_from(
                    T.participants
                )
            ).one(),
            conn.execute(
                sa.select(sa.func.count(), sa.func.max(T.hosts.c.updated_at)).select_from(T.hosts)
            ).one(),
            conn.execute(sa.select(sa.func.max(T.decisions.c.id))).one(),
        ]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]


# --- session ---------------------------------------------------------------------------------


def user() -> User | None:
    return st.session_state.get("user")


def require_user() -> User:
    u = user()
    if u is None:
        st.stop()
    return u


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, str]:
    """The working dataset: an upload of this session, else the workspace."""
    up = st.session_state.get("dataset")
    if up:
        return up["participants"], up["hosts"], None, up["key"]
    version = _workspace_version()
    p, h, history = _workspace_frames(version)
    return p, h, history, "ws:" + version


def matcher() -> Matcher:
    """The working dataset's fitted matcher (built once per process and dataset)."""
    p, h, history, key = frames()
    if key in st.session_state.get("_fitted", set()):
        return fitted(key, p, h, history)
    enc = encoder()
    bar = st.empty()
    enc.progress = lambda done, total: bar.progress(
        done / total,
        f"Encoding texts for the first time: {done:,} of {total:,} (later starts use the cache)",
    )
    try:
        with st.spinner("Preparing the matcher..."):
            m = fitted(key, p, h, history)
    finally:
        enc.progress = None
        bar.empty()
    st.session_state.setdefault("_fitted", set()).add(key)
    return m


def prepare_in_background() -> None:
    """Build the matcher while the user signs in (with its progress on a first start)."""
    matcher()


@st.cache_resource(show_spinner=False, max_entries=16)
def _profile_matcher(key: str, _profile: pd.DataFrame, _hosts: pd.DataFrame) -> Matcher:
    return Matcher(encoder=encoder()).fit(_profile, _hosts)


def profile_matcher(profile: pd.DataFrame, m: Matcher) -> Matcher:
    """A matcher for a typed-in profile against the working hosts, fitted once per profile."""
    return _profile_matcher(frame_key(profile, m.hosts_), profile, m.hosts_.reset_index(drop=True))


def my_participants(m: Matcher) -> pd.DataFrame:
    """The participants this user acts for: a coordinator their organisation's, an admin all."""
    u = require_user()
    p = m.participants_
    if u.role == "coordinator":
        return p[p["sending_org"] == u.organisation]
    return p


def frame_key(*frames_: pd.DataFrame) -> str:
    h = hashlib.sha1()
    for f in frames_:
        h.update(pd.util.hash_pandas_object(f.astype(str), index=False).values.tobytes())
    return "upload:" + h.hexdigest()[:12]


def sidebar() -> None:
    u = user()
    if u is None:
        return
    p, h, _, key = frames()
    label = (
        "uploaded data (this session)"
        if key.startswith("upload:")
        else ("sample workspace" if is_sample_workspace() else "workspace")
    )
    st.caption(
        f"Signed in as **{u.username}** ({u.role}{', ' + u.organisation if u.organisation else ''})"
    )
    st.caption(f"**Dataset:** {label}  \n{len(p)} participants, {len(h)} hosts")
    if st.button("Sign out", key="sign_out"):
        for k in ("user", "dataset", "upload_report", "allocation"):
            st.session_state.pop(k, None)
        st.rerun()


# --- rendering helpers -----------------------------------------------------------------------


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


def show_ranking(ranked: pd.DataFrame, columns: list[str], key: str | None = None) -> None:
    """A ranked result as a table: the given columns, then the score and each criterion as bars."""
    table, crit = component_columns(ranked)
    st.dataframe(
        table[[*columns, "score", *crit]],
        column_config=progress_config(crit),
        hide_index=True,
        width="stretch",
        key=key,
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


def export_bytes(allocation, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return allocation.export(Path(tmp) / f"allocation.{suffix}").read_bytes()


def read_upload(uploaded, kind: str):
    """Validate an uploaded file with the package's loader; returns (frame, report)."""
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
