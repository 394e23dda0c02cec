"""Process-wide resources of the dashboard, cached once per process.

``st.cache_resource`` holds shared objects, once per process for every session: the
workspace and its engine, the encoder, the frames read from the workspace and the matchers
fitted on them (both keyed by the workspace's version; the fit's text side is also kept on
disk by the package, so a new process reads it back), the partner finder. Shared frames are
read-only by convention: no page changes them in place. Nothing here is keyed by an upload:
uploads and what is fitted on them live in the session's state (``views/session.py``) and
are released with the session.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

import pandas as pd
import streamlit as st

from matcher import Config, Matcher
from matcher.encode import make_encoder
from matcher.engine import warm_profiles
from matcher.privacy import set_pseudonym_key
from matcher.store import Workspace, WorkspaceUnavailable, seed_sample

#: The sample workspace: in MATCHER_WORKSPACE_DIR, else .matcher/ in the working directory.
SAMPLE_WORKSPACE = (
    Path(Config.from_env().workspace_dir or Path.cwd() / ".matcher") / "sample-workspace.db"
)
#: Workspace versions whose frames stay cached (older ones are dropped).
CACHED_VERSIONS = 4
#: Fitted matchers of workspace versions kept per process.
FITTED_MATCHERS = 8


@st.cache_resource(show_spinner=False)
def encoder():
    """The model behind the on-disk embedding cache, once per process."""
    return make_encoder(Config.from_env(show_progress=False))


def is_sample_workspace() -> bool:
    """Whether the app runs on the sample workspace (no ``MATCHER_DATABASE_URL``)."""
    return not os.environ.get("MATCHER_DATABASE_URL")


@st.cache_resource(show_spinner=False)
def _open_workspace(url: str | None) -> Workspace:
    """The workspace at ``url`` (None: the sample workspace, seeded on first start), once
    per URL; its pseudonym key becomes the process's, so that candidates listed by the
    engine carry the pseudonyms this workspace answers to."""
    if url:
        ws = Workspace(url)
    else:
        SAMPLE_WORKSPACE.parent.mkdir(parents=True, exist_ok=True)
        ws = Workspace(f"sqlite:///{SAMPLE_WORKSPACE}")
        seed_sample(ws)
    set_pseudonym_key(ws.pseudonym_key())
    return ws


def workspace() -> Workspace:
    """``MATCHER_DATABASE_URL`` when set; otherwise the sample workspace, created on first
    start with the bundled sample and the clearly marked demo accounts.

    A database that cannot be opened is one line on the page (its URL without password),
    and the page stops; the next run tries again.
    """
    try:
        return _open_workspace(os.environ.get("MATCHER_DATABASE_URL") or None)
    except WorkspaceUnavailable as exc:
        from views.widgets import plain

        st.error(plain(str(exc)))
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=CACHED_VERSIONS)
def workspace_frames(version: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Participants, hosts and decision history of the workspace at ``version``
    (``Workspace.version()``), read once per process and shared (read-only)."""
    return workspace().matching_tables()


class FittedMatchers:
    """Fitted matchers of the workspace shared by every session; the most recently used
    ``size`` are kept.

    Fitting runs in the caller's script run, not inside a cached function: the encoder's
    progress bar is then drawn on the caller's page, and Streamlit has no element to replay
    on a later cache hit (a replay into a block of a finished run fails).
    """

    def __init__(self, size: int):
        self.size = size
        self._matchers: OrderedDict[str, Matcher] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def keys(self) -> list[str]:
        """The keys of the matchers kept, least recently used first."""
        with self._lock:
            return list(self._matchers)

    def get_or_fit(self, key: str, fit) -> Matcher:
        """The matcher under ``key``, fitted with ``fit()`` once (one fit per key at a time)."""
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._matchers:
                    self._matchers.move_to_end(key)
                    return self._matchers[key]
            m = fit()
            with self._lock:
                self._matchers[key] = m
                while len(self._matchers) > self.size:
                    old, _ = self._matchers.popitem(last=False)
                    self._locks.pop(old, None)
            return m


@st.cache_resource(show_spinner=False)
def fitted_matchers() -> FittedMatchers:
    """The process's registry of fitted matchers."""
    return FittedMatchers(FITTED_MATCHERS)


def fitted(
    key: str, participants: pd.DataFrame, hosts: pd.DataFrame, history: pd.DataFrame | None
) -> Matcher:
    """A fitted matcher per workspace version (``key`` identifies data and history)."""
    return fitted_matchers().get_or_fit(
        key, lambda: Matcher(encoder=encoder()).fit(participants, hosts, history=history)
    )


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Load, in a background thread once per process, what the first typed profile or
    upload would wait for: the model, the language identifier, the taxonomy texts' vectors."""
    enc = encoder()  # here: the thread has no script context for Streamlit's caches
    thread = threading.Thread(
        target=warm_profiles, args=(enc,), name="matcher-warm-up", daemon=True
    )
    thread.start()
    return thread


@st.cache_resource(show_spinner="Reading the organisations...", max_entries=CACHED_VERSIONS)
def _partner_finder(version: str):
    from matcher.partners import PartnerFinder

    return PartnerFinder(encoder=encoder()).fit(workspace().organisations())


def partner_finder():
    """KA2 partner search over the workspace's organisations, refitted when they change."""
    return _partner_finder(workspace().version("organisations"))
