"""Write the corpus of invalid files in tests/data/bad and its manifest.

Each file is a small valid table with one defect; the manifest names the row, column and
words that the validation report must contain. Run: ``python tests/data/make_bad_files.py``.
"""

from __future__ import annotations

import csv
import random
import re
import struct
import zipfile
from pathlib import Path

import pandas as pd

from matcher.io import write_table
from matcher.sample import generate_sample

HERE = Path(__file__).resolve().parent / "bad"


def main() -> None:
    participants, hosts = generate_sample(6, 6, seed=3)
    participants["activity"] = participants["activity"].replace("", "short_term")
    participants.loc[:, ["role", "activity", "duration_min_days", "duration_max_days"]] = [
        "learner",
        "short_term",
        14,
        30,
    ]
    participants["available_from"] = pd.Timestamp("2026-10-01")
    participants["available_to"] = pd.Timestamp("2027-03-31")
    participants["preferred_countries"] = ""
    hosts["accepts"] = "both"
    hosts["activities"] = ""
    hosts["capacity"] = 2
    rows = []

    def case(name, table, frame, row, column, words, fmt=("csv",)):
        for f in fmt:
            path = HERE / f"{name}.{f}"
            write_table(frame, path, sheet_name=table)
            rows.append({"file": path.name, "row": row, "column": column, "words": words})

    P, H = participants, hosts

    def p(changes=None, **_):
        df = P.copy()
        for (r, col), v in (changes or {}).items():
            df[col] = df[col].astype(object)
            df.loc[r, col] = v
        return df

    def h(changes=None, **_):
        df = H.copy()
        for (r, col), v in (changes or {}).items():
            df[col] = df[col].astype(object)
            df.loc[r, col] = v
        return df

    both = ("csv", "xlsx")
    case(
        "p_missing_column",
        "participants",
        P.drop(columns=["occupation"]),
        1,
        "occupation",
        "required column is missing",
        both,
    )
    case(
        "p_duplicate_id",
        "participants",
        p({(3, "participant_id"): P.loc[1, "participant_id"]}),
        5,
        "participant_id",
        "duplicate id",
        both,
    )
    case(
        "p_unknown_country",
        "participants",
        p({(2, "home_country"): "XY"}),
        4,
        "home_country",
        "unknown country",
        both,
    )
    case(
        "p_non_programme_country",
        "participants",
        p({(2, "home_country"): "CH"}),
        4,
        "home_country",
        "not an Erasmus+ programme country",
    )
    case(
        "p_uk",
        "participants",
        p({(0, "home_country"): "UK"}),
        2,
        "home_country",
        "not an Erasmus+ programme country",
    )
    case(
        "p_malformed_languages",
        "participants",
        p({(1, "languages"): "english B1"}),
        3,
        "languages",
        "not 'language:level'",
        both,
    )
    case(
        "p_bad_cefr",
        "participants",
        p({(1, "languages"): "de:native; en:B3"}),
        3,
        "languages",
        "CEFR level 'B3' does not exist",
        both,
    )
    case(
        "p_unknown_language",
        "participants",
        p({(4, "languages"): "xx:B1"}),
        6,
        "languages",
        "not an ISO 639-1",
    )
    case(
        "p_min_gt_max",
        "participants",
        p({(2, "duration_min_days"): 60}),
        4,
        "duration_min_days",
        "greater than duration_max_days",
        both,
    )
    case(
        "p_outside_activity",
        "participants",
        p({(1, "duration_max_days"): 120}),
        3,
        "duration_max_days",
        "outside the programme limits for short_term",
    )
    case(
        "p_no_activity_fits",
        "participants",
        p({(1, "activity"): "", (1, "duration_min_days"): 60, (1, "duration_max_days"): 120}),
        3,
        "duration_max_days",
        "fits no single activity",
    )
    case(
        "p_bad_date",
        "participants",
        p({(0, "available_from"): "2026-13-45"}),
        2,
        "available_from",
        "is not a date",
        ("csv",),
    )
    case(
        "p_dates_reversed",
        "participants",
        p({(0, "available_to"): pd.Timestamp("2026-09-01")}),
        2,
        "available_to",
        "before available_from",
        both,
    )
    case(
        "p_window_too_short",
        "participants",
        p({(5, "available_to"): pd.Timestamp("2026-10-05")}),
        7,
        "available_to",
        "shorter than duration_min_days",
    )
    case(
        "p_empty_occupation",
        "participants",
        p({(3, "occupation"): ""}),
        5,
        "occupation",
        "is empty",
        both,
    )
    case(
        "p_unknown_isced",
        "participants",
        p({(3, "isced_f"): "1234"}),
        5,
        "isced_f",
        "unknown ISCED-F",
        both,
    )
    case(
        "p_bad_bool",
        "participants",
        p({(3, "consent_share"): "maybe"}),
        5,
        "consent_share",
        "not true/false",
    )
    case(
        "p_role_activity",
        "participants",
        p({(2, "role"): "staff"}),
        4,
        "activity",
        "is a learner activity",
    )
    case(
        "p_preferred_home",
        "participants",
        p({(2, "preferred_countries"): P.loc[2, "home_country"]}),
        4,
        "preferred_countries",
        "home country",
    )
    case("p_bad_role", "participants", p({(0, "role"): "student"}), 2, "role", "not one of")
    case("h_negative_capacity", "hosts", h({(2, "capacity"): -1}), 4, "capacity", "negative", both)
    case(
        "h_capacity_not_integer",
        "hosts",
        h({(2, "capacity"): "two"}),
        4,
        "capacity",
        "not a whole number",
    )
    case(
        "h_unknown_nace",
        "hosts",
        h({(1, "nace_code"): "56.99"}),
        3,
        "nace_code",
        "unknown NACE",
        both,
    )
    case("h_bad_oid", "hosts", h({(1, "oid"): "E123"}), 3, "oid", "not an OID")
    case("h_bad_accepts", "hosts", h({(4, "accepts"): "students"}), 6, "accepts", "not one of")
    case(
        "h_activities_not_accepted",
        "hosts",
        h({(0, "accepts"): "learner", (0, "activities"): "teaching"}),
        2,
        "activities",
        "not open to learner",
    )
    case(
        "h_min_gt_max",
        "hosts",
        h({(5, "duration_min_days"): 120, (5, "duration_max_days"): 60}),
        7,
        "duration_min_days",
        "greater than duration_max_days",
        both,
    )
    case(
        "h_days_out_of_range",
        "hosts",
        h({(3, "duration_max_days"): 400}),
        5,
        "duration_max_days",
        "outside 1-365",
    )
    case("h_unknown_country", "hosts", h({(0, "country"): "GRC"}), 2, "country", "3-letter code")
    case("h_empty_name", "hosts", h({(1, "name"): ""}), 3, "name", "is empty", both)

    # Structural defects written by hand
    text = (HERE / "h_bad_oid.csv").read_text(encoding="utf-8-sig").splitlines()
    text[3] = text[3] + ",surplus,cells"
    (HERE / "h_extra_cells.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    rows.append(
        {"file": "h_extra_cells.csv", "row": 4, "column": "", "words": "cells but the header has"}
    )
    (HERE / "empty.csv").write_text("", encoding="utf-8")
    rows.append({"file": "empty.csv", "row": 0, "column": "", "words": "file is empty"})
    (HERE / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    rows.append({"file": "legacy.xls", "row": 0, "column": "", "words": "legacy .xls"})
    (HERE / "not_a_table.csv").write_text("name,city\nAcme,Paris\n", encoding="utf-8")
    rows.append(
        {
            "file": "not_a_table.csv",
            "row": 1,
            "column": "",
            "words": "not a participants (participant_id), hosts (host_id) or organisations",
        }
    )
    # A cp1252 file with a defect: the encoding is reported and the defect still found
    df = p({(2, "languages"): "fr:B9", (1, "sending_org"): "Lycée Hôtelier Château"})
    df.to_csv(
        HERE / "p_cp1252_bad_cefr.csv",
        index=False,
        sep=";",
        encoding="cp1252",
        date_format="%Y-%m-%d",
    )
    rows.append(
        {
            "file": "p_cp1252_bad_cefr.csv",
            "row": 4,
            "column": "languages",
            "words": "CEFR level 'B9' does not exist",
        }
    )

    rows += hostile_files(p)

    with (HERE / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "row", "column", "words"])
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} bad files to {HERE}")


def _set_dimension(path: Path, ref: str) -> None:
    """Rewrite the ``<dimension>`` of every sheet of a workbook (as a faulty exporter does)."""
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


def _declare_size(path: Path, part: str, size: int) -> None:
    """Make the zip directory declare ``size`` unpacked bytes for ``part`` (a zip bomb's
    directory, in a few bytes: the check reads the directory, never the data)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = struct.pack("<I", size)
            start = at + 4
    path.write_bytes(bytes(data))


def hostile_files(p) -> list[dict]:
    """Files made to break the reader (security review): each must end in one problem."""
    rows = []

    def add(name, row, column, words):
        rows.append({"file": name, "row": row, "column": column, "words": words})

    header, *lines = (
        write_table(p(), HERE / "p_long_cell.csv").read_text(encoding="utf-8-sig").splitlines()
    )
    (HERE / "p_duplicate_header.csv").write_text(
        "\n".join([header.replace("occupation", "role"), *lines]) + "\n", encoding="utf-8"
    )
    add("p_duplicate_header.csv", 1, "role", "column appears twice")
    write_table(p({(1, "description"): "cook-" * 3000}), HERE / "p_long_cell.csv")
    add("p_long_cell.csv", 3, "description", "cell has 15,000 characters; the limit is 10,000")
    (HERE / "random_bytes.xlsx").write_bytes(random.Random(9).randbytes(2048))
    add("random_bytes.xlsx", 0, "", "not a readable XLSX workbook")
    (HERE / "p_header_only.csv").write_text(header + "\n", encoding="utf-8")
    add("p_header_only.csv", 0, "", "no rows")
    for name, (row, ident), fmt in (
        ("p_zero_width_id", (1, "P\u200b0002"), "csv"),
        ("p_nbsp_id", (2, "P\u00a00003"), "xlsx"),
    ):
        write_table(p({(row, "participant_id"): ident}), HERE / f"{name}.{fmt}", "participants")
        add(f"{name}.{fmt}", row + 2, "participant_id", "invisible character")
    write_table(p({(0, "participant_id"): "\u0420" + "0001"}), HERE / "p_cyrillic_id.csv")
    add("p_cyrillic_id.csv", 2, "participant_id", "Cyrillic letters that look like Latin")
    utf16 = "\n".join([header, *lines]).encode("utf-16")
    (HERE / "p_utf16_truncated.csv").write_bytes(utf16[:-1])
    add("p_utf16_truncated.csv", 0, "", "cannot be read as UTF-16")
    wide = [header + "".join(f",extra{i}" for i in range(300))] + [x + "," * 300 for x in lines]
    (HERE / "p_too_many_columns.csv").write_text("\n".join(wide) + "\n", encoding="utf-8")
    add("p_too_many_columns.csv", 1, "", "columns; the limit is 200")
    rows += _hostile_workbooks(p)
    return rows


def _hostile_workbooks(p) -> list[dict]:
    """Workbooks that lie in their directory or their dimension."""
    big = pd.concat([p()] * 5, ignore_index=True)
    big["participant_id"] = [f"P{i:04d}" for i in range(1, len(big) + 1)]
    big["languages"] = big["languages"].astype(object)
    big.loc[25, "languages"] = "de:native; en:B3"
    path = write_table(big, HERE / "p_dimension_understated.xlsx", "participants")
    _set_dimension(path, "A1:Q3")  # says 3 rows; the defect is on row 27
    path = write_table(p(), HERE / "p_zip_bomb.xlsx", "participants")
    _declare_size(path, "xl/worksheets/sheet1.xml", 3_000_000_000)
    path = write_table(p(), HERE / "p_zip_ratio.xlsx", "participants")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 4_000_000)
    return [
        {
            "file": "p_dimension_understated.xlsx",
            "row": 27,
            "column": "languages",
            "words": "CEFR level 'B3' does not exist",
        },
        {"file": "p_zip_bomb.xlsx", "row": 0, "column": "", "words": "the limit is 200 MB"},
        {"file": "p_zip_ratio.xlsx", "row": 0, "column": "", "words": "beyond the 100:1"},
    ]


if __name__ == "__main__":
    main()
