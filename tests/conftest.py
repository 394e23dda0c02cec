import pytest

# the environment (offline, cache, workspace folder) is set in the repository's conftest.py
from matcher.taxonomy import sample_dir


@pytest.fixture(scope="session")
def sample_paths():
    d = sample_dir()
    return d / "participants.csv", d / "hosts.csv"


@pytest.fixture(scope="session")
def sample_frames(sample_paths):
    from matcher import load_hosts, load_participants

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


@pytest.fixture
def ws(ws_url, sample_frames):
    """A workspace holding the sample, on each backend (``ws.admin``: an admin handle).
    Modules that need another workspace define their own ``ws``."""
    from matcher.store import Workspace

    w = Workspace(ws_url)
    w.admin = w.admin_context()
    w.import_tables(*sample_frames, user=w.admin)
    yield w
    w.engine.dispose()
