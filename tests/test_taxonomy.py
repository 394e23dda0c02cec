from matcher import taxonomy as tx


def test_programme_countries():
    codes = set(tx.programme_countries("2026-12-31"))
    assert len(codes) == 33 and {"EL", "IS", "LI", "NO", "MK", "RS", "TR"} <= codes
    assert "GR" not in codes and "UK" not in codes and "CH" not in codes
    assert tx.normalise_country("GR") == ("EL", None)
    assert tx.normalise_country("el") == ("EL", None)


def test_countries_by_programme_year():
    """Switzerland and the United Kingdom are announced from 2027: the date decides."""
    assert set(tx.programme_countries("2027-01-01")) - set(
        tx.programme_countries("2026-12-31")
    ) == {
        "CH",
        "UK",
    }
    assert set(tx.programme_countries()) == set(tx.programme_countries("2027-01-01"))
    assert tx.country_joins()["CH"].isoformat() == "2027-01-01"
    assert tx.normalise_country("GB") == ("UK", None) and tx.normalise_country("uk")[0] == "UK"
    code, why = tx.normalise_country("US")
    assert code is None and "not an Erasmus+ programme country" in why
    # organisations may be anywhere (KA220 partners from third countries)
    assert tx.normalise_any_country("UA") == ("UA", None)
    assert tx.normalise_any_country("gr") == ("EL", None)
    assert tx.normalise_any_country("XX")[0] is None
    table = tx.programme().set_index("key")
    for key in ("CH", "UK"):  # announced, not in the current Programme Guide
        assert table.at[key, "checked"] == "false" and table.at[key, "source"]


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


def test_esco_labels_where_an_alternative_label_is_capitalised():
    """Found in a walk (session 7): the description was cut at the first capitalised word,
    which is sometimes an alternative label ("... master Chef sous chef ..."), and the
    preferred label became its first word: 'head', 'ICT', 'heating,' (a typed "kucharz" was
    read as ESCO 'head'). The description repeats the label capitalised: that run decides."""
    esco = tx.esco_occupations().set_index("preferred_label")
    head = esco.loc["head chef"]
    assert head["description"].startswith("Head chefs manage the kitchen")
    assert "master Chef sous chef" in head["labels"]
    assert esco.loc["heating, ventilation, air conditioning engineer", "description"].startswith(
        "Heating, ventilation, air conditioning engineers design"
    )
    assert (
        "ICT presales engineer" in esco.index and "search engine optimisation expert" in esco.index
    )
    for broken in ("ICT", "heating,", "search", "cyber", "vessel", "medical", "public"):
        assert broken not in esco.index, broken
    assert "Hairdressers" in esco.index  # ISCO groups keep their capitalised plural labels
    assert (esco.index.str.split().str.len() <= 14).mean() > 0.99


def test_activity_table():
    limits = tx.activity_limits()
    assert limits["long_term"] == ("learner", 90, 365)
    assert limits["job_shadowing"] == ("staff", 2, 60)
    assert set(limits) == set(tx.ACTIVITIES)


def test_unconfirmed_durations_are_configuration_not_figures():
    """Activities whose duration no source gave keep empty cells (the user fills them in) and
    stand on the data format's bounds until then; no figure is invented."""
    table = tx.programme().set_index("key")
    acts = tx.programme_activities()
    for act in ("invited_expert", "hosting_teacher", "preparatory_visit"):
        assert table.at[act, "min_days"] == "" and table.at[act, "max_days"] == ""
        assert table.at[act, "checked"] == "false"
        assert not acts.at[act, "limits_known"]
        assert tx.activity_limits()[act] == ("staff", *tx.STAY_DAYS)
    assert acts.at["group", "limits_known"] and table.at["group", "checked"] == "false"


def test_every_programme_row_has_a_source_and_a_checked_flag():
    table = tx.programme()
    assert table["key"].is_unique
    assert set(table["checked"]) <= {"true", "false"}
    assert (table["source"].str.len() > 10).all()
    kinds = {"mobility", "partnership", "rule", "project", "countries"}
    assert set(table["kind"]) == kinds | {"distance_band", "travel_days"}


def test_programme_rules_read_from_the_table():
    assert tx.programme_figure("recent_graduate_months") == 12
    assert tx.programme_figure("group_min_learners") == 2
    assert tx.programme_figure("course_min_countries") == 2
    assert tx.project_types()["KA122"]["max_participants"] == 30
    assert tx.project_types()["KA121"]["max_participants"] is None
    assert tx.third_country_partners("KA220") and not tx.third_country_partners("KA210")
    assert tx.partnership_actions()["KA220"]["third_country_partners"] is True


def test_words_most_occupations_use_are_no_evidence_of_a_trade():
    """Found in a walk (session 7): a nurse assistant and a retail shop "shared words:
    assistants, duties, perform", ESCO's boilerplate. Words in more than 3% of ESCO's
    occupation descriptions are not shown as evidence; trade words are."""
    from matcher.engine._sector import shared_words

    nurse = "nurse assistant. Nurse assistants perform duties assisting patients"
    shop = "Retail shop. Shop assistants perform assistance duties in shops"
    assert shared_words(nurse, shop) == []
    assert shared_words("cook: kitchen, pastry", "Busy kitchen, pastry shop, services") == [
        "kitchen",
        "pastry",
    ]
    assert shared_words("hairdresser, beauty, clients", "Beauty care for clients") == ["beauty"]
