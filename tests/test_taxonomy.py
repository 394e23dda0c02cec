from matcher import taxonomy as tx


def test_programme_countries():
    codes = set(tx.programme_countries())
    assert len(codes) == 33 and {"EL", "IS", "LI", "NO", "MK", "RS", "TR"} <= codes
    assert "GR" not in codes and "UK" not in codes
    assert tx.normalise_country("GR") == ("EL", None)
    assert tx.normalise_country("el") == ("EL", None)


def test_isced_counts():
    f = tx.isced_fields()
    assert (f["level"] == "broad").sum() == 12  # 11 fields + 99 unknown
    narrow = f[(f["level"] == "narrow") & ~f["code"].str.endswith("8") & (f["code"] != "999")]
    assert len(narrow) == 29
    assert tx.isced_name("1013") == "Hotel, restaurants and catering"
    assert tx.normalise_isced("715") == ("0715", None)


def test_nace():
    assert tx.nace_name("56.11") == "Restaurant activities"
    assert tx.normalise_nace("45.20") == ("95.31", None)  # Rev. 2 motor-vehicle repair
    assert tx.normalise_nace("5611")[0] == "56.11"
    assert tx.normalise_nace("56.99")[0] is None


def test_crosswalk_covers_every_detailed_field():
    detailed = tx.isced_fields()
    detailed = set(
        detailed[
            (detailed["level"] == "detailed")
            & ~detailed["code"].str.endswith("88")
            & (detailed["code"] != "9999")
        ].index
    )
    assert detailed == set(tx.isced_nace().index)
    nace = set(tx.nace_codes().index)
    assert all(c in nace for codes in tx.isced_nace()["nace_codes"] for c in codes)


def test_esco_parsing():
    esco = tx.esco_occupations()
    assert len(esco) > 3000
    cook = esco[esco["preferred_label"] == "cook"]
    assert len(cook) == 1 and cook["description"].iloc[0].startswith("Cooks")
    for occ in tx.vet_occupations()["occupation"]:
        assert (esco["preferred_label"].str.lower() == occ.lower()).sum() == 1, occ


def test_activity_table():
    limits = tx.activity_limits()
    assert limits["long_term"] == ("learner", 90, 365)
    assert limits["job_shadowing"] == ("staff", 2, 60)
    assert set(limits) == set(tx.ACTIVITIES)
