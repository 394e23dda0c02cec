"""Test environment for everything pytest collects (tests/, notebooks/, docstring examples)."""

import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# A project-local embedding cache: repeated runs encode nothing; CI starts cold.
_ROOT = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("MATCHER_CACHE_DIR", os.path.join(_ROOT, ".matcher", "test-cache"))
os.environ.setdefault("MATCHER_SHOW_PROGRESS", "false")
# the dashboard's sample workspace (with its decisions) lives in a fresh folder per test run
os.environ["MATCHER_WORKSPACE_DIR"] = tempfile.mkdtemp(prefix="matcher-ws-")
