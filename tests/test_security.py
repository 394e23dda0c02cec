"""Findings of the security review, each reproduced and kept fixed."""

# --- hostile files and error surfaces ---
#
# Hostile or damaged files end in one problem naming the file (and row and column where it
# applies), never a traceback and never silent loss; an unreachable workspace is one line
# with its URL but not its password; user text is shown literally; uploads stay in their
# session. The bad-file corpus (tests/data/bad, manifest.csv) holds one file per defect.

import html
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from matcher.cli import main
from matcher.io import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    DataValidationError,
    id_problem,
    load_participants,
    write_table,
)
from matcher.sample import generate_sample
from matcher.store import User, Workspace, WorkspaceUnavailable, redact_url

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
BAD = Path(__file__).parent / "data" / "bad"
PASSWORD = "s3cret-pw"
#: A PostgreSQL URL on a loopback port where nothing listens: refused at once.
UNREACHABLE = f"postgresql+psycopg://matcher:{PASSWORD}@127.0.0.1:1/matcher"
HOSTILE_OCCUPATION = "![x](http://example.invalid/a.png) [click](http://example.invalid)"


@pytest.fixture(scope="module")
def participants():
    p, _ = generate_sample(30, 6, seed=3)
    return p


def _problems(path) -> list:
    with pytest.raises(DataValidationError) as info:
        load_participants(path)
    return info.value.problems


def _csv_lines(participants, tmp_path) -> list[str]:
    path = write_table(participants, tmp_path / "p.csv")
    return path.read_text(encoding="utf-8-sig").splitlines()


def test_cell_beyond_the_csv_parser_limit_is_one_problem(participants, tmp_path):
    header, *lines = _csv_lines(participants, tmp_path)
    lines[1] = "P" + "x" * 200_000 + lines[1][len("P0002") :]
    path = tmp_path / "huge.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert (problem.file, problem.row) == ("huge.csv", 3)
    assert f"{MAX_CELL_CHARS:,} characters" in problem.message


def test_ten_thousand_columns_are_refused_before_parsing(participants, tmp_path):
    header, *lines = _csv_lines(participants, tmp_path)
    extra = "".join(f",x{i}" for i in range(10_000))
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([header + extra] + [x + "," * 10_000 for x in lines]) + "\n")
    start = time.perf_counter()
    (problem,) = _problems(path)
    assert time.perf_counter() - start < 5
    assert problem.row == 1 and f"the limit is {MAX_COLUMNS}" in problem.message


def _set_dimension(path: Path, ref: str) -> None:
    parts = {}
    with zipfile.ZipFile(path) as zin:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(
                    rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            parts[info.filename] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


def test_xlsx_whose_dimension_understates_its_rows_is_read_whole(participants, tmp_path):
    path = write_table(participants, tmp_path / "p.xlsx", sheet_name="participants")
    _set_dimension(path, "A1:Q3")
    assert len(load_participants(path)) == len(participants) == 30


@pytest.mark.parametrize(
    "ident",
    [
        "P\u200b0001",
        "P\u00a00001",
        "\u04200001",
        "P\u0410B1",
        "\uff300001",
        "P\u20130001",
        "P\u202e01",
    ],
    ids=["zero-width", "nbsp", "cyrillic-er", "mixed-scripts", "fullwidth", "en-dash", "bidi"],
)
def test_invisible_or_look_alike_ids_are_refused(ident, participants, tmp_path):
    assert id_problem(ident)
    p = participants.copy()
    p.loc[4, "participant_id"] = ident
    (problem,) = _problems(write_table(p, tmp_path / "p.csv"))
    assert (problem.row, problem.column) == (6, "participant_id")


@pytest.mark.parametrize("ident", ["P0001", "IT-2026/017", "Ж-17", "Ελλάδα 3", "Müller_2"])
def test_ordinary_ids_are_accepted(ident):
    assert id_problem(ident) is None


def test_sqlite_folder_must_exist_except_the_default_workspace(tmp_path, monkeypatch):
    missing = tmp_path / "typo" / "workspace.db"
    with pytest.raises(WorkspaceUnavailable, match="does not exist"):
        Workspace(f"sqlite:///{missing}")
    assert not missing.parent.exists()
    monkeypatch.chdir(tmp_path)
    Workspace("sqlite:///.matcher/matcher.db")
    assert (tmp_path / ".matcher" / "matcher.db").is_file()


def test_redact_url_hides_the_password_only():
    assert redact_url(UNREACHABLE) == "postgresql+psycopg://matcher:***@127.0.0.1:1/matcher"
    assert redact_url("not a url://u:pw@h/db") == "not a url://u:***@h/db"


def test_unreachable_database_is_one_line_without_password():
    with pytest.raises(WorkspaceUnavailable) as info:
        Workspace(UNREACHABLE)
    message = str(info.value)
    assert "matcher:***@127.0.0.1:1/matcher" in message and PASSWORD not in message
    assert "\n" not in message


def test_cli_unreachable_database_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("MATCHER_DATABASE_URL", UNREACHABLE)
    assert main(["users", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("matcher: error: cannot open the workspace postgresql+psycopg://")
    assert PASSWORD not in err and "Traceback" not in err and err.count("\n") == 1


def test_cli_process_hostile_files_no_traceback():
    files = [BAD / f for f in ("random_bytes.xlsx", "p_zip_bomb.xlsx", "p_duplicate_header.csv")]
    proc = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "validate", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert all(f.name in proc.stderr for f in files)


def test_browser_never_shows_error_details():
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    client = re.search(r"^\[client\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S).group(1)
    assert re.search(r'^showErrorDetails = "none"', client, re.M)


def _rendered(markdown: str) -> str:
    """The HTML a CommonMark renderer makes of ``markdown``."""
    return MarkdownIt("commonmark").render(markdown)


def _shows_literally(markdown: str, text: str) -> bool:
    out = _rendered(markdown)
    return "<a " not in out and "<img " not in out and text in html.unescape(out)


def test_plain_shows_markdown_and_html_literally():
    from views.widgets import plain

    for text in (HOSTILE_OCCUPATION, "<b>bold</b> & *em* `code` # h", "1. a\n- b", ":red[x] $x$"):
        assert _shows_literally(plain(text), text.split("\n")[0])


# --- dashboard (Streamlit AppTest; loads the model) ---


ADMIN = User("demo-admin", "admin")


def _app(page=None, user=ADMIN):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.session_state["user"] = user
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


@pytest.fixture
def sample_workspace(monkeypatch):
    monkeypatch.delenv("MATCHER_DATABASE_URL", raising=False)


def test_sign_in_page_unreachable_database_is_one_line(monkeypatch):
    monkeypatch.setenv("MATCHER_DATABASE_URL", UNREACHABLE)
    at = _app(user=None)
    (error,) = at.error
    shown = html.unescape(_rendered(error.value))
    assert "matcher:***@127.0.0.1:1/matcher" in shown and PASSWORD not in shown
    assert "\n" not in error.value and not at.exception


@pytest.mark.model
def test_markdown_in_an_occupation_is_shown_literally(sample_workspace):
    at = _app()
    at.radio[0].set_value("New profile").run()
    at.text_input[0].set_value(HOSTILE_OCCUPATION)
    at.button[0].click().run()
    assert not at.exception, at.exception
    (top,) = [c.value for c in at.caption if c.value.startswith("Top match")]
    assert _shows_literally(top, HOSTILE_OCCUPATION)
    reasons = list(at.table[0].value["reason"])
    assert any(_shows_literally(r, HOSTILE_OCCUPATION) for r in reasons)
    assert not any("<a " in _rendered(r) or "<img " in _rendered(r) for r in reasons)


@pytest.mark.model
def test_hostile_uploads_are_listed_on_the_data_page(sample_workspace):
    at = _app("views/data.py")
    for key, name in (("up_participants", "random_bytes.xlsx"), ("up_hosts", "p_header_only.csv")):
        at.file_uploader(key=key).upload(name, (BAD / name).read_bytes(), "text/plain")
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    problems = at.dataframe[0].value
    assert set(problems["file"]) == {"random_bytes.xlsx", "p_header_only.csv"}
    assert "dataset" not in at.session_state


@pytest.mark.model
def test_an_upload_and_its_matcher_stay_in_the_session(sample_workspace, tmp_path):
    from matcher.sample import write_sample
    from views import resources, session

    pp, hp = write_sample(tmp_path, 30, 20, seed=5)
    at = _app("views/data.py")
    at.file_uploader(key="up_participants").upload("participants.csv", pp.read_bytes(), "text/csv")
    at.file_uploader(key="up_hosts").upload("hosts.csv", hp.read_bytes(), "text/csv")
    at.run()
    at.button[0].click().run()
    at.switch_page("views/find_hosts.py").run()
    assert not at.exception, at.exception
    key, _ = at.session_state[session.UPLOAD_MATCHER]
    assert key == at.session_state["dataset"]["key"]
    assert not any(session.is_upload(k) for k in resources.fitted_matchers().keys())  # noqa: SIM118
    at.switch_page("views/data.py").run()
    at.button(key="back_to_workspace").click().run()
    assert session.UPLOAD_MATCHER not in at.session_state
