import warnings

import pandas as pd
import pytest

from matcher import DataValidationError, load_hosts, load_participants, write_table
from matcher.io import HOSTS, PARTICIPANTS, neutralise_formula, parse_languages


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
    row = df.iloc[0]
    assert row["home_country"] == "EL"
    assert row["role"] == "learner"
    assert row["languages"] == "el:native; en:B1"
    assert row["sending_org"] == "Σχολή Αθηνών"
    assert row["activity"] == "short_term"
    notes = " ".join(df.attrs["notes"])
    assert "'gr' -> 'EL'" in notes and "inferred" in notes
    assert caught, "normalisations are reported as warnings too"


def test_cp1252_file_is_read_and_reported(tmp_path):
    path = _write_csv(
        tmp_path,
        HEADER.replace(";", ",") + "\nP1,learner,FR,Lycée Hôtelier,cuisinière,fr:native,14,30\n",
        encoding="cp1252",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
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
    with pytest.warns(UserWarning, match="activity: inferred"):
        df = load_participants(path, encoding="cp1250")
    assert df.loc[0, "sending_org"] == "Zespół Szkół"


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
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
