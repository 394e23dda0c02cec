"""Session state: who is signed in, the dataset this session works on, and its matcher.

A signed-in session survives a reload: its signed, expiring token (``Workspace.open_session``)
lives in a cookie, and what the session uploaded or computed (:data:`KEPT_KEYS`) is kept on
the server under the session's handle until sign-out or expiry. The matchers fitted on an
upload are held in this browser session's state only (one of each at a time), and fitted
again after a reload.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
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
#: What a session keeps on the server, so that a reload finds it again (until sign-out or
#: expiry): the upload, its reports, the allocation, the typed profile.
KEPT_KEYS = ("dataset", "upload_report", "import_report", "allocation", "fh_profile")
#: Session keys cleared when the user signs out.
SIGN_OUT_KEYS = (
    "user",
    "last_activity",
    "session_token",
    "session_signed_at",
    *KEPT_KEYS,
    UPLOAD_MATCHER,
    UPLOAD_PROFILE_MATCHER,
)
#: The browser cookie holding the signed session token (see ``Workspace.open_session``).
COOKIE = "matcher_session"
#: Sessions whose kept values stay on the server at most (the least recently used go first).
KEPT_SESSIONS = 256
#: Hex digits of an uploaded dataset's key.
KEY_DIGITS = 12
#: Seconds per minute (``Config.session_idle_minutes`` is in minutes).
SECONDS_PER_MINUTE = 60


def idle_limit_seconds() -> float:
    """How long a session may stay inactive (``MATCHER_SESSION_IDLE_MINUTES``)."""
    return Config.from_env().session_idle_minutes * SECONDS_PER_MINUTE


def user() -> User | None:
    """The signed-in user, or None; a session inactive for longer than the idle limit is
    signed out first. A new browser session (a reload) resumes from the signed session
    cookie or the identity provider's sign-in. Every call counts as activity."""
    u = st.session_state.get("user")
    if u is None:
        u = _resume()
        if u is None:
            return None
    now = time.time()
    token = st.session_state.get("session_token")
    idle = now - st.session_state.get("last_activity", now) > idle_limit_seconds()
    if idle or (token is not None and resources.workspace().resume_session(token) is None):
        sign_out()
        st.session_state["signed_out_idle"] = True
        return None
    if token is not None and now - st.session_state["session_signed_at"] > idle_limit_seconds() / 2:
        _set_token(resources.workspace().renew_session(token))
    st.session_state["last_activity"] = now
    return u


def _resume() -> User | None:
    """Sign this browser session in again from its session cookie or, with an identity
    provider configured, from the provider's sign-in (``st.login``)."""
    ws = resources.workspace()
    u = ws.resume_session(browser_cookie())
    if u is not None:
        _set_token(ws.renew_session(browser_cookie()))
        st.session_state.update(user=u, last_activity=time.time())
        for k, v in _kept().get(u.token, {}).items():
            st.session_state[k] = v
        return u
    email = identity()
    if email is None:
        return None
    u = ws.sign_in_identity(email)
    if u is None:
        st.session_state["identity_unknown"] = email
        return None
    sign_in(u)
    return u


def browser_cookie() -> str | None:
    """The session cookie the browser sent when this session's page was loaded."""
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # no browser behind this run (scripts, tests)
        return None


def identity_provider() -> bool:
    """Whether an OpenID Connect provider is configured (an ``[auth]`` section in
    ``.streamlit/secrets.toml``): the sign-in page then offers ``st.login``."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def identity() -> str | None:
    """The e-mail address the identity provider vouches for, when signed in with it."""
    if not identity_provider():
        return None
    info = st.user
    return info.get("email") if info.get("is_logged_in") else None


def require_user() -> User:
    """The signed-in user; stops the page when nobody is signed in."""
    u = user()
    if u is None:
        st.stop()
    return u


def sign_in(u: User) -> None:
    """Remember ``u`` (a handle from ``Workspace.authenticate``) as this session's user, and
    open a session that a reload resumes (its signed token goes into a cookie)."""
    st.session_state["user"] = u
    st.session_state["last_activity"] = time.time()
    st.session_state.pop("signed_out_idle", None)
    _set_token(resources.workspace().open_session(u))


def _set_token(token: str | None) -> None:
    st.session_state["session_token"] = token
    st.session_state["session_signed_at"] = time.time()


def sign_out() -> None:
    """Revoke the user's handle, end its sessions, delete the session cookie and forget
    everything this session uploaded or computed."""
    u = st.session_state.get("user")
    if u is not None:
        resources.workspace().sign_out(u)
        _kept().pop(u.token, None)
    for k in SIGN_OUT_KEYS:
        st.session_state.pop(k, None)


def sync_cookie() -> None:
    """Write the session cookie (signed in) or delete it (signed out), once per run: the
    browser keeps what the last run wrote."""
    token = st.session_state.get("session_token")
    age = int(idle_limit_seconds()) if token else 0
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    value = json.dumps(f"{COOKIE}={token or ''}; Path=/; Max-Age={age}; SameSite=Strict{secure}")
    st.html(f"<script>document.cookie = {value};</script>", unsafe_allow_javascript=True)


@st.cache_resource(show_spinner=False)
def _kept_store() -> OrderedDict:
    """The kept values of every open session, by its handle's token (process-wide)."""
    return OrderedDict()


class _Kept:
    """Access to one process's kept values, least recently used dropped past the limit."""

    _lock = threading.Lock()

    def get(self, key: str, default=None):
        """The kept values of ``key``'s session."""
        with self._lock:
            return dict(_kept_store().get(key, default or {}))

    def put(self, key: str, name: str, value) -> None:
        """Keep ``name = value`` for ``key``'s session (None forgets it)."""
        store = _kept_store()
        with self._lock:
            values = store.setdefault(key, {})
            if value is None:
                values.pop(name, None)
            else:
                values[name] = value
            store.move_to_end(key)
            while len(store) > KEPT_SESSIONS:
                store.popitem(last=False)

    def pop(self, key: str, default=None):
        """Forget ``key``'s session."""
        with self._lock:
            return _kept_store().pop(key, default)


def _kept() -> _Kept:
    return _Kept()


def remember(key: str, value) -> None:
    """Set ``st.session_state[key]`` and keep it on the server for this session (one of
    :data:`KEPT_KEYS`), so that a reload finds it again."""
    st.session_state[key] = value
    u = st.session_state.get("user")
    if u is not None and key in KEPT_KEYS:
        _kept().put(u.token, key, value)


def forget(key: str) -> None:
    """Drop ``key`` from the session and from what the server keeps for it."""
    st.session_state.pop(key, None)
    u = st.session_state.get("user")
    if u is not None:
        _kept().put(u.token, key, None)


def frame_key(*frames: pd.DataFrame) -> str:
    """A key that identifies uploaded frames by content."""
    h = hashlib.sha1()
    for f in frames:
        h.update(pd.util.hash_pandas_object(f.astype(str), index=False).values.tobytes())
    return "upload:" + h.hexdigest()[:KEY_DIGITS]


def use_upload(participants: pd.DataFrame, hosts: pd.DataFrame, hosts_uploaded=True) -> None:
    """Make validated uploaded frames this session's working dataset (``hosts_uploaded``:
    whether the hosts came with the upload, or are the workspace's)."""
    _release_upload_matchers()
    remember(
        "dataset",
        {
            "participants": participants,
            "hosts": hosts,
            "key": frame_key(participants, hosts),
            "uploaded": ("participants", "hosts") if hosts_uploaded else ("participants",),
        },
    )


def drop_upload() -> None:
    """Go back to the workspace's data."""
    for k in ("dataset", "upload_report", "import_report"):
        forget(k)
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


def consents(m: Matcher, participant_id: str) -> bool:
    """Whether the participant consented to share their profile with hosts (a profile typed
    on the page and not saved has not)."""
    rows = m.participants_.loc[m.participants_["participant_id"] == participant_id]
    return bool(len(rows)) and bool(rows["consent_share"].iloc[0])


def read_upload(
    uploaded, kind: str, encoding: str | None = None
) -> tuple[pd.DataFrame | None, dict]:
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
                frame = load_table(path, kind, encoding)
            return frame, {"problems": [], "notes": frame.attrs.get("notes", [])}
        except DataValidationError as exc:
            return None, {"problems": exc.problems, "notes": [str(n) for n in exc.notes]}
