import warnings

import pandas as pd
import pytest

from matcher import DataValidationError, load_hosts, load_participants, write_table
from matcher.io import (
    HISTORY,
    HOSTS,
    PARTICIPANTS,
    Check,
    Column,
    TableSchema,
    load_history,
    neutralise_formula,
    parse_languages,
    validate_table,
)


def test_sample_loads_typed(sample_frames):
    participants, hosts = sample_frames
    assert list(participants.columns) == list(PARTICIPANTS.names)
    assert list(hosts.columns) == list(HOSTS.names)
    assert participants["duration_min_days"].dtype == "int64"
    assert participants["available_from"].dtype == "datetime64[ns]"
    assert participants["consent_share"].dtype == bool
    assert hosts["capacity"].dtype == "int64"
    assert participants["participant_id"].is_unique
    assert (participants["activity"] != "").all(), "activity is inferred where empty"


def _write_csv(tmp_path, text, name="p.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "participant_id;role;home_country;sending_org;occupation;languages;duration_min_days;duration_max_days"


def test_semicolon_bom_greece_and_canonical_forms(tmp_path):
    path = _write_csv(
        tmp_path,
        HEADER + '\nP1;Learner;gr;Σχολή Αθηνών;cook;"EL:Native; EN:b1";14;30\n',
        encoding="utf-8-sig",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = load_participants(path)
    assert not caught, "notes are returned with the frame, never issued as warnings"
    row = df.iloc[0]
    assert row["home_country"] == "EL"
    assert row["role"] == "learner"
    assert row["languages"] == "el:native; en:B1"
    assert row["sending_org"] == "Σχολή Αθηνών"
    assert row["activity"] == "short_term"
    notes = " ".join(df.attrs["notes"])
    assert "'gr' -> 'EL'" in notes and "inferred" in notes


def test_cp1252_file_is_read_and_reported(tmp_path):
    path = _write_csv(
        tmp_path,
        HEADER.replace(";", ",") + "\nP1,learner,FR,Lycée Hôtelier,cuisinière,fr:native,14,30\n",
        encoding="cp1252",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the encoding is a note, not a warning
        df = load_participants(path)
    assert df.loc[0, "sending_org"] == "Lycée Hôtelier"
    assert df.loc[0, "occupation"] == "cuisinière"
    assert any("cp1252" in n for n in df.attrs["notes"])


def test_explicit_encoding(tmp_path):
    path = _write_csv(
        tmp_path,
        HEADER + "\nP1;learner;PL;Zespół Szkół;kucharz;pl:native;14;30\n",
        encoding="cp1250",
    )
    df = load_participants(path, encoding="cp1250")
    assert df.loc[0, "sending_org"] == "Zespół Szkół"
    assert any("activity: inferred" in n for n in df.attrs["notes"])
    assert not any("cp1252" in n for n in df.attrs["notes"])


def test_every_problem_is_listed(tmp_path):
    path = _write_csv(
        tmp_path,
        HEADER + "\nP1;learner;XX;S;cook;en:B7;30;14\nP1;pilot;DE;S;;en:B1;14;30\n",
    )
    with pytest.raises(DataValidationError) as info:
        load_participants(path)
    found = {(p.row, p.column) for p in info.value.problems}
    assert {
        (2, "home_country"),
        (2, "languages"),
        (2, "duration_min_days"),
        (3, "participant_id"),
        (3, "role"),
        (3, "occupation"),
    } <= found
    assert "p.csv, row 2, column languages" in str(info.value)


def test_extra_columns_kept_and_case_insensitive_header(tmp_path):
    path = _write_csv(tmp_path, HEADER.upper() + ";Mentor\nP1;learner;DE;S;cook;;14;30;Anna\n")
    df = load_participants(path)
    assert df.loc[0, "Mentor"] == "Anna"
    assert df.loc[0, "languages"] == ""


def test_blank_rows_keep_row_numbers(tmp_path):
    path = _write_csv(
        tmp_path, HEADER + "\n\nP1;learner;DE;S;cook;;14;30\n;;;;;;;\nP2;learner;ZZ;S;cook;;14;30\n"
    )
    with pytest.raises(DataValidationError) as info:
        load_participants(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(5, "home_country")]


def test_parse_languages():
    assert parse_languages("it:native; en:B1") == {"it": "native", "en": "B1"}
    assert parse_languages("") == {}


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+49", "'+49"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("'=x", "''=x"),
        ("a=b", "a=b"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
    ],
)
def test_formula_neutralised(value, expected):
    assert neutralise_formula(value) == expected


def test_negative_numbers_stay_numbers_in_csv(tmp_path):
    """A negative number is no formula: the CSV holds it as a number (Excel reads it as one),
    while a text that starts with "-" is still neutralised."""
    import pandas as pd

    frame = pd.DataFrame({"balance": [-0.81, 1.69], "count": [-3, 2], "note": ["-x", "ok"]})
    lines = write_table(frame, tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1:] == ["-0.81,-3,'-x", "1.69,2,ok"]
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert back["balance"].tolist() == [-0.81, 1.69] and back["count"].tolist() == [-3, 2]


def test_formula_cells_safe_in_xlsx_and_csv(tmp_path, sample_frames):
    hosts = sample_frames[1].head(3).copy()
    hosts.loc[0, "description"] = '=HYPERLINK("http://x","click")'
    hosts.loc[1, "city"] = "'s-Hertogenbosch"
    for suffix in ("csv", "xlsx"):
        path = write_table(hosts, tmp_path / f"h.{suffix}")
        if suffix == "xlsx":
            import openpyxl

            ws = openpyxl.load_workbook(path).active
            assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
        else:
            assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")
        back = load_hosts(path)
        assert back.loc[0, "description"] == hosts.loc[0, "description"]
        assert back.loc[1, "city"] == "'s-Hertogenbosch"


def test_xlsx_uses_named_sheet(tmp_path, sample_frames):
    participants = sample_frames[0].head(4)
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"readme": ["notes"]}).to_excel(xw, sheet_name="About", index=False)
        participants.to_excel(xw, sheet_name="Participants", index=False)
    df = load_participants(path)
    assert list(df["participant_id"]) == list(participants["participant_id"])


def test_extra_columns_and_header_case_are_noted(tmp_path):
    path = _write_csv(tmp_path, HEADER.upper() + ";Mentor\nP1;learner;DE;S;cook;;14;30;Anna\n")
    notes = load_participants(path).attrs["notes"]
    assert any("read case-insensitively" in n for n in notes)
    assert any("extra columns kept as text: Mentor" in n for n in notes)


@pytest.mark.parametrize("schema", [PARTICIPANTS, HOSTS, HISTORY])
def test_checks_are_declared_on_existing_columns(schema):
    for rule in schema.checks + schema.fills:
        assert set(rule.needs) <= set(schema.names), rule
    for fill in schema.fills:
        assert fill.column in schema.names
    assert len({c.name for c in schema.checks}) == len(schema.checks), "check names are unique"


def test_a_declared_check_runs_with_every_failure_collected():
    schema = TableSchema(
        "stays",
        "id",
        (Column("id", "id", True, True), Column("lo", "count"), Column("hi", "count")),
        checks=(
            Check(
                "lo_le_hi",
                ("lo", "hi"),
                lambda row: ("hi", "below lo") if row["hi"] < row["lo"] else None,
            ),
        ),
    )
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "lo": [1, 5, 2, "x"], "hi": [2, 3, 1, 0]})
    with pytest.raises(DataValidationError) as info:
        validate_table(frame, schema, name="stays.csv")
    assert [(p.row, p.column, p.message) for p in info.value.problems] == [
        (3, "hi", "below lo"),
        (4, "hi", "below lo"),
        (5, "lo", "'x' is not a whole number"),  # row 5 fails to parse: its check is skipped
    ]


def test_checks_wait_for_a_complete_header(tmp_path):
    path = _write_csv(
        tmp_path,
        HEADER.replace(";occupation", "") + ";preferred_countries\nP1;learner;DE;S;;30;14;DE\n",
    )
    with pytest.raises(DataValidationError) as info:
        load_participants(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(1, "occupation")]


HISTORY_HEADER = "participant_id,host_id,sending_org,action,rating,at"


def test_history_loads_typed(tmp_path):
    path = _write_csv(
        tmp_path,
        HISTORY_HEADER
        + "\nP1,H1,S,propose,,2025-09-01T10:00:00Z\nP1,H1,S,Complete,4,2025-11-01 12:30\n",
        name="history.csv",
    )
    history = load_history(path)
    assert list(history.columns) == list(HISTORY.names)
    assert list(history["action"]) == ["propose", "complete"]
    assert history["rating"].dtype == "Int64" and history["rating"].isna().tolist() == [True, False]
    assert str(history["at"].dtype) == "datetime64[ns, UTC]"
    assert history.loc[1, "at"] == pd.Timestamp("2025-11-01 12:30", tz="UTC")
    assert any("'Complete' -> 'complete'" in n for n in history.attrs["notes"])


def test_history_problems_are_all_listed(tmp_path):
    path = _write_csv(
        tmp_path,
        HISTORY_HEADER
        + "\nP1,H1,S,accept,5,2025-09-01\nP1,H1,S,complete,7,yesterday\nP2,,S,hire,,\n",
        name="history.csv",
    )
    with pytest.raises(DataValidationError) as info:
        load_history(path)
    found = {(p.row, p.column): p.message for p in info.value.problems}
    assert found[(2, "rating")] == "a rating (1-5) goes with 'complete' only, not 'accept'"
    assert found[(3, "rating")] == "7 is outside 1-5"
    assert "is not a date and time" in found[(3, "at")]
    assert found[(4, "host_id")] == "is empty"
    assert "'hire' is not one of" in found[(4, "action")]
    assert len(found) == 5


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_history_round_trips(tmp_path, suffix):
    history = pd.DataFrame(
        {
            "participant_id": ["P1", "P1"],
            "host_id": ["H1", "H1"],
            "sending_org": ["S", "S"],
            "action": ["accept", "complete"],
            "rating": [None, 5],
            "at": pd.to_datetime(["2025-09-01T10:00:00Z", "2025-11-01T00:00:00Z"]),
        }
    )
    back = load_history(write_table(history, tmp_path / f"history.{suffix}"))
    assert back["rating"].tolist()[1] == 5 and pd.isna(back["rating"].tolist()[0])
    assert back["at"].tolist() == history["at"].tolist()
