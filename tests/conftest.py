import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# A project-local embedding cache: repeated runs encode nothing; CI starts cold.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("MATCHER_CACHE_DIR", os.path.join(_ROOT, ".matcher", "test-cache"))
os.environ.setdefault("MATCHER_SHOW_PROGRESS", "false")
# the dashboard's sample workspace (with its decisions) lives in a fresh folder per test run
import tempfile  # noqa: E402

os.environ["MATCHER_WORKSPACE_DIR"] = tempfile.mkdtemp(prefix="matcher-ws-")

from matcher.taxonomy import sample_dir  # noqa: E402


@pytest.fixture(scope="session")
def sample_paths():
    d = sample_dir()
    return d / "participants.csv", d / "hosts.csv"


@pytest.fixture(scope="session")
def sample_frames(sample_paths):
    import warnings

    from matcher import load_hosts, load_participants

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_participants(sample_paths[0]), load_hosts(sample_paths[1])


@pytest.fixture(scope="session")
def encoder():
    """The real bundled model behind the on-disk cache, loaded once per session."""
    from matcher.encode import make_encoder

    return make_encoder()


@pytest.fixture(scope="session")
def sample_matcher(sample_frames, encoder):
    from matcher import Matcher

    return Matcher(encoder=encoder).fit(*sample_frames)


@pytest.fixture(scope="session")
def postgres():
    from pg import PostgresUnavailable, Server

    try:
        server = Server()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def ws_url(request, tmp_path):
    """A fresh, empty workspace database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.db'}"
    return request.getfixturevalue("postgres").new_database()
