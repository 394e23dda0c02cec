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


@pytest.mark.model
def test_recommend_json(sample_paths, capsys):
    import json

    code = main(
        [
            "recommend",
            "--participants",
            str(sample_paths[0]),
            "--hosts",
            str(sample_paths[1]),
            "--participant",
            "P0001",
            "--participant",
            "P0002",
            "--top",
            "3",
            "--format",
            "json",
        ]
    )
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["participant_id"] for r in rows} == {"P0001", "P0002"}
    for r in rows:
        assert {"participant_id", "rank", "host_id", "score", "components", "reasons"} <= set(r)
        assert 1 <= r["rank"] <= 3


@pytest.mark.model
def test_candidates_csv_is_pseudonymised(capsys):
    import csv
    import io

    assert main(["candidates", "--host", "H0001", "--top", "5", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(r["candidate"].startswith("C-") for r in rows)
    assert "participant_id" not in rows[0] and "sending_org" not in rows[0]


@pytest.mark.model
def test_explain_and_unknown_id(capsys):
    assert main(["explain", "--participant", "P0001", "--host", "H0001"]) == 0
    out = capsys.readouterr().out
    assert "P0001 x H0001" in out and "sector" in out and "language" in out
    assert main(["explain", "--participant", "NOPE", "--host", "H0001"]) == 1
    assert "unknown participant_id(s): NOPE" in capsys.readouterr().err


@pytest.mark.model
def test_allocate_writes_excel(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "cohort.xlsx"
    assert (
        main(
            [
                "allocate",
                "--method",
                "stable",
                "--priority",
                "fewer_opportunities",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "placed_pct" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == ["assignments", "hosts", "summary"]


@pytest.mark.model
def test_allocate_keeps_the_workspaces_locks_and_a_ceiling(tmp_path, capsys, sample_frames):
    import pandas as pd

    from matcher.store import Workspace

    url = f"sqlite:///{tmp_path}/w.db"
    ws = Workspace(url)
    admin = ws.admin_context()
    ws.import_tables(*sample_frames, user=admin)
    ws.lock(admin, "P0001", "H0003", "agreed")
    ws.engine.dispose()
    out = tmp_path / "cohort.csv"
    assert main(["allocate", "--db", url, "--max-placed", "30", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "certified optimal" in printed
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False).set_index("participant_id")
    assert (df["status"] == "assigned").sum() == 30  # the ceiling, the locked placement included
    assert df.loc["P0001", ["host_id", "kept"]].tolist() == ["H0003", "locked by hand"]


@pytest.mark.model
def test_allocate_prints_the_rules_over_the_placements(tmp_path, capsys, sample_frames):
    from matcher.io import write_table

    p, h = sample_frames
    paths = [tmp_path / "p.csv", tmp_path / "h.csv"]
    write_table(p[p["participant_id"].isin(["P0002", "P0172"])], paths[0])  # courses, from AT
    write_table(h, paths[1])
    assert main(["allocate", "--participants", str(paths[0]), "--hosts", str(paths[1])]) == 0
    checks = [x for x in capsys.readouterr().err.splitlines() if x.startswith("check:")]
    assert checks and all("placed participants all come from AT" in x for x in checks)


def _summary_figure(printed: str, key: str) -> float:
    (line,) = [x for x in printed.splitlines() if x.startswith(f"{key} ")]
    return float(line.split()[-1])


@pytest.mark.model
def test_allocate_keeps_to_a_budget_ceiling_from_the_rates(
    tmp_path, capsys, monkeypatch, sample_frames
):
    """``--budget EUR`` prices every pair with matcher.budget (the filled rates table) and
    caps the total; with the shipped table (no amounts) it stops with the reason."""
    import pandas as pd

    from matcher import budget
    from matcher.io import write_table

    p, h = sample_frames
    paths = [tmp_path / "p.csv", tmp_path / "h.csv"]
    write_table(p[p["group_id"] == ""].head(40), paths[0])  # texts of the shipped seed
    write_table(h.head(25), paths[1])
    data = ["--participants", str(paths[0]), "--hosts", str(paths[1])]
    assert main(["allocate", *data, "--budget", "50000"]) != 0
    assert "fill in the rates table" in capsys.readouterr().err
    table = pd.read_csv(budget.rates_path(), dtype=str, keep_default_na=False)
    table["figure"] = [str(10 * (k + 1)) for k in range(len(table))]  # test figures only
    table.to_csv(tmp_path / "rates.csv", index=False)
    monkeypatch.setenv("MATCHER_RATES_FILE", str(tmp_path / "rates.csv"))
    out = tmp_path / "cohort.csv"
    assert main(["allocate", *data, "--budget", "1e12", "--out", str(out)]) == 0
    free = _summary_figure(capsys.readouterr().out, "total_cost")
    ceiling = round(0.7 * free)
    assert main(["allocate", *data, "--budget", str(ceiling), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert 0 < _summary_figure(printed, "total_cost") <= ceiling < free
    assert _summary_figure(printed, "budget_left") >= 0


def _recommended_hosts(capsys, *args) -> list[str]:
    import json

    assert (
        main(["recommend", "--participant", "P0001", "--top", "3", "--format", "json", *args]) == 0
    )
    return [r["host_id"] for r in json.loads(capsys.readouterr().out)]


@pytest.mark.model
def test_recommend_uses_the_workspace_history(
    sample_frames, encoder, tmp_path, monkeypatch, capsys
):
    """A host that declined a participant is not recommended again once the workspace records
    it, as on the dashboard; without a workspace the CLI creates none."""
    import matcher.encode
    from matcher.store import Workspace

    monkeypatch.setattr(matcher.encode, "make_encoder", lambda config=None: encoder)
    missing = tmp_path / "missing.db"
    before = _recommended_hosts(capsys, "--db", f"sqlite:///{missing}")
    assert not missing.exists()

    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    ws = Workspace(url)
    admin = ws.admin_context()
    ws.import_tables(*sample_frames, user=admin)
    ws.record(admin, "P0001", before[0], "propose")
    ws.record(admin, "P0001", before[0], "decline", "no places in June")
    after = _recommended_hosts(capsys, "--db", url)
    assert before[0] not in after
    assert after[:2] == before[1:]
