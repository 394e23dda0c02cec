"""Any valid table round-trips through CSV and XLSX unchanged."""

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from strategies import hosts_tables, participants_tables

from matcher.io import HOSTS, PARTICIPANTS, load_table, write_table

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _roundtrip(frame, schema, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_table(frame, Path(tmp) / f"t.{suffix}")
        back = load_table(path, schema)
    back.attrs = {}
    pd.testing.assert_frame_equal(back, frame)


@SETTINGS
@given(participants_tables())
def test_participants_csv(frame):
    _roundtrip(frame, PARTICIPANTS, "csv")


@SETTINGS
@given(participants_tables())
def test_participants_xlsx(frame):
    _roundtrip(frame, PARTICIPANTS, "xlsx")


@SETTINGS
@given(hosts_tables())
def test_hosts_csv(frame):
    _roundtrip(frame, HOSTS, "csv")


@SETTINGS
@given(hosts_tables())
def test_hosts_xlsx(frame):
    _roundtrip(frame, HOSTS, "xlsx")
