import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

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
