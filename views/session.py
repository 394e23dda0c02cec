"""Session state: who is signed in, the dataset this session works on, and its matcher.

An upload, and the matchers fitted on it, are held in this session's state only (one of
each at a time), so they are released when the session ends or goes back to the workspace.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
import streamlit as st

from matcher import Config, Matcher
from matcher.io import DataValidationError, load_table
from matcher.store import User, participants_for
from views import resources

#: Session keys holding this session's matchers (one each): the upload's, and the typed-in
#: profile's (against the working hosts).
UPLOAD_MATCHER, UPLOAD_PROFILE_MATCHER = "_upload_matcher", "_upload_profile_matcher"
#: Session keys cleared when the user signs out.
SIGN_OUT_KEYS = (
    "user",
    "last_activity",
    "dataset",
    "upload_report",
    "allocation",
    UPLOAD_MATCHER,
    UPLOAD_PROFILE_MATCHER,
)
#: Hex digits of an uploaded dataset's key.
KEY_DIGITS = 12
#: Seconds per minute (``Config.session_idle_minutes`` is in minutes).
SECONDS_PER_MINUTE = 60


def idle_limit_seconds() -> float:
    """How long a session may stay inactive (``MATCHER_SESSION_IDLE_MINUTES``)."""
    return Config.from_env().session_idle_minutes * SECONDS_PER_MINUTE


def user() -> User | None:
    """The signed-in user, or None; a session inactive for longer than the idle limit is
    signed out first. Every call counts as activity."""
    u = st.session_state.get("user")
    if u is None:
        return None
    now = time.time()
    if now - st.session_state.get("last_activity", now) > idle_limit_seconds():
        sign_out()
        st.session_state["signed_out_idle"] = True
        return None
    st.session_state["last_activity"] = now
    return u


def require_user() -> User:
    """The signed-in user; stops the page when nobody is signed in."""
    u = user()
    if u is None:
        st.stop()
    return u


def sign_in(u: User) -> None:
    """Remember ``u`` (a handle from ``Workspace.authenticate``) as this session's user."""
    st.session_state["user"] = u
    st.session_state["last_activity"] = time.time()
    st.session_state.pop("signed_out_idle", None)


def sign_out() -> None:
    """Revoke the user's handle and forget everything this session uploaded or computed."""
    u = st.session_state.get("user")
    if u is not None:
        resources.workspace().sign_out(u)
    for k in SIGN_OUT_KEYS:
        st.session_state.pop(k, None)


def frame_key(*frames: pd.DataFrame) -> str:
    """A key that identifies uploaded frames by content."""
    h = hashlib.sha1()
    for f in frames:
        h.update(pd.util.hash_pandas_object(f.astype(str), index=False).values.tobytes())
    return "upload:" + h.hexdigest()[:KEY_DIGITS]


def use_upload(participants: pd.DataFrame, hosts: pd.DataFrame) -> None:
    """Make validated uploaded frames this session's working dataset."""
    _release_upload_matchers()
    st.session_state["dataset"] = {
        "participants": participants,
        "hosts": hosts,
        "key": frame_key(participants, hosts),
    }


def drop_upload() -> None:
    """Go back to the workspace's data."""
    st.session_state.pop("dataset", None)
    st.session_state.pop("upload_report", None)
    _release_upload_matchers()


def _release_upload_matchers() -> None:
    for slot in (UPLOAD_MATCHER, UPLOAD_PROFILE_MATCHER):
        st.session_state.pop(slot, None)


def _session_held(slot: str, key: str, fit) -> Matcher:
    """The matcher under ``key`` in this session's ``slot``, fitted with ``fit()`` once; a new
    key replaces the old matcher (released before the new one is fitted)."""
    held = st.session_state.get(slot)
    if held is None or held[0] != key:
        st.session_state.pop(slot, None)
        held = (key, fit())
        st.session_state[slot] = held
    return held[1]


def _fit_working(key: str, p: pd.DataFrame, h: pd.DataFrame, history) -> Matcher:
    """An upload's matcher in the session; the workspace's in the process-wide registry."""
    if is_upload(key):
        return _session_held(
            UPLOAD_MATCHER,
            key,
            lambda: Matcher(encoder=resources.encoder()).fit(p, h, history=history),
        )
    return resources.fitted(key, p, h, history)


def is_upload(key: str) -> bool:
    """Whether a dataset key (from :func:`frames`) names an upload of this session."""
    return key.startswith("upload:")


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, str]:
    """The working dataset ``(participants, hosts, history, key)``: an upload of this
    session, else the workspace."""
    up = st.session_state.get("dataset")
    if up:
        return up["participants"], up["hosts"], None, up["key"]
    version = resources.workspace().version()
    p, h, history = resources.workspace_frames(version)
    return p, h, history, "ws:" + version


def matcher() -> Matcher:
    """The working dataset's fitted matcher (built once per process and dataset)."""
    p, h, history, key = frames()
    if key in st.session_state.get("_fitted", set()):
        return _fit_working(key, p, h, history)
    enc = resources.encoder()
    bar = st.empty()
    enc.progress = lambda done, total: bar.progress(
        done / total,
        f"Encoding texts for the first time: {done:,} of {total:,} (later starts use the cache)",
    )
    try:
        with st.spinner("Preparing the matcher..."):
            m = _fit_working(key, p, h, history)
    finally:
        enc.progress = None
        bar.empty()
    st.session_state.setdefault("_fitted", set()).add(key)
    return m


def prepare_in_background() -> None:
    """Build the matcher while the user signs in (with its progress on a first start)."""
    matcher()


def profile_matcher(profile: pd.DataFrame, m: Matcher) -> Matcher:
    """A matcher for a typed-in profile against the working hosts as fitted in ``m`` (no
    refit), held by this session once per profile and dataset."""
    key = frame_key(profile) + "|" + frames()[3]
    return _session_held(UPLOAD_PROFILE_MATCHER, key, lambda: m.with_participants(profile))


def my_participants(m: Matcher) -> pd.DataFrame:
    """The working participants this user acts for (the rule of ``matcher.store``)."""
    return participants_for(require_user(), m.participants_)


def read_upload(uploaded, kind: str) -> tuple[pd.DataFrame | None, dict]:
    """Validate an uploaded file with the package's loader.

    Returns ``(frame, report)``: the frame is None when the file has problems; the report
    holds ``problems`` and ``notes``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / uploaded.name
        path.write_bytes(uploaded.getvalue())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the notes are shown on the page instead
                frame = load_table(path, kind)
            return frame, {"problems": [], "notes": frame.attrs.get("notes", [])}
        except DataValidationError as exc:
            return None, {"problems": exc.problems, "notes": [str(n) for n in exc.notes]}
