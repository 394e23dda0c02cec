import subprocess
import sys

import pytest

from matcher.cli import build_parser, main


def test_validate_sample_exits_0(sample_paths, capsys):
    assert main(["validate", *map(str, sample_paths)]) == 0
    assert "valid" in capsys.readouterr().out


def test_sample_command_writes_valid_files(tmp_path):
    assert (
        main(
            [
                "sample",
                "--out",
                str(tmp_path),
                "--participants",
                "25",
                "--hosts",
                "15",
                "--seed",
                "2",
            ]
        )
        == 0
    )
    assert main(["validate", str(tmp_path / "participants.csv"), str(tmp_path / "hosts.csv")]) == 0


def test_sample_xlsx(tmp_path):
    assert (
        main(
            [
                "sample",
                "--out",
                str(tmp_path),
                "--participants",
                "10",
                "--hosts",
                "8",
                "--format",
                "xlsx",
            ]
        )
        == 0
    )
    assert (
        main(["validate", str(tmp_path / "participants.xlsx"), str(tmp_path / "hosts.xlsx")]) == 0
    )


def _commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_help_for_every_command(command):
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", command, "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "usage: matcher" in proc.stdout


def test_top_level_help():
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "validate" in proc.stdout and "sample" in proc.stdout
