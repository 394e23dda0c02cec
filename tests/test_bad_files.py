"""The corpus of invalid files: each exits 2 naming row and column, never a traceback."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.cli import main

BAD = Path(__file__).parent / "data" / "bad"
CASES = list(csv.DictReader((BAD / "manifest.csv").open(encoding="utf-8")))


def test_corpus_is_large_and_mixed():
    assert len(CASES) >= 20
    assert sum(c["file"].endswith(".xlsx") for c in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_file_reported(case, capsys):
    code = main(["validate", str(BAD / case["file"])])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert case["words"] in err
    where = case["file"]
    if int(case["row"]):
        where += f", row {case['row']}"
    if case["column"]:
        where += f", column {case['column']}"
    assert where in err, err


def test_cli_process_exit_code_and_no_traceback():
    files = [str(BAD / "p_bad_cefr.xlsx"), str(BAD / "h_negative_capacity.csv")]
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "validate", *files], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "p_bad_cefr.xlsx, row 3, column languages" in proc.stderr
    assert "h_negative_capacity.csv, row 4, column capacity" in proc.stderr
