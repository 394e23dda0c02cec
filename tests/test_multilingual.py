"""Sector understanding in every programme language, with the bundled multilingual model."""

import numpy as np
import pytest
from builders import hosts, participants

from matcher import Config, Matcher
from matcher._config import MULTILINGUAL_MODEL
from matcher.encode import E5Encoder, make_encoder
from matcher.language import read_language

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def e5():
    return make_encoder(Config.from_env(model=MULTILINGUAL_MODEL))


def test_multilingual_model_loads_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = E5Encoder().encode(["Koch", "cook", "Installateur"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


# hosts written in other languages than the profiles, none with a NACE code
OFFERS = [
    {
        "host_id": "kitchen",
        "sector": "Pohostinství",
        "description": "Restaurace s českou kuchyní, praktikant pomáhá v kuchyni s přípravou jídel.",
    },
    {
        "host_id": "daycare",
        "sector": "Crèche municipale",
        "description": "Accueil des enfants de 0 à 3 ans, activités d'éveil et repas.",
    },
    {
        "host_id": "plumbing",
        "sector": "Instalatérství",
        "description": "Montáž vodovodních a topných rozvodů, opravy kotlů a koupelen.",
    },
    {
        "host_id": "furniture",
        "sector": "Fabbrica di mobili",
        "description": "Produzione di mobili in legno massello, falegnameria e verniciatura.",
    },
]


@pytest.mark.parametrize(
    ("occupation", "description", "expected"),
    [
        ("Koch", "Ausbildung zum Koch im zweiten Jahr.", "kitchen"),
        ("cuoco", "Studente di cucina, secondo anno.", "kitchen"),
        ("kucharz", "Uczeń technikum gastronomicznego.", "kitchen"),
        ("Installateur", "Lehre als Installateur für Sanitär und Heizung.", "plumbing"),
        ("idraulico", "Apprendista idraulico, impianti termici.", "plumbing"),
    ],
)
def test_profiles_find_their_trade_across_languages(e5, occupation, description, expected):
    p = participants({"occupation": occupation, "description": description, "home_country": "AT"})
    h = hosts(*[dict(o, nace_code="", country="CZ") for o in OFFERS])
    m = Matcher(Config.from_env(model=MULTILINGUAL_MODEL), encoder=e5).fit(p, h)
    ranked = m.recommend_hosts("P1", k=4)
    assert ranked["host_id"].iloc[0] == expected
    assert ranked["sector_match"].iloc[0]


def test_a_wrong_sector_host_never_outranks_a_right_sector_one(e5):
    """A plumber: the nursing home fits language, duration, dates, destination and travel
    perfectly, the plumbing firm only the sector; the plumbing firm still comes first."""
    p = participants(
        {
            "occupation": "plumber",
            "description": "Apprentice plumber, heating and bathrooms.",
            "languages": "it:native; de:C1",
            "duration_min_days": 30,
            "duration_max_days": 60,
            "available_from": "2026-09-01",
            "available_to": "2026-12-31",
            "preferred_countries": "AT",
        }
    )
    h = hosts(
        {
            "host_id": "nursing",
            "country": "AT",
            "sector": "nursing home",
            "description": "Residential care for the elderly.",
            "languages": "de:B1",
        },
        {
            "host_id": "plumbing",
            "country": "FI",
            "sector": "plumbing and heating installation",
            "description": "Installing water pipes, boilers and bathrooms.",
            "languages": "fi:B2",
            "duration_min_days": 58,
            "duration_max_days": 300,
            "available_from": "2026-11-01",
            "available_to": "2027-06-30",
        },
    )
    # weights under which language, duration, destination and travel outweigh the sector
    weights = {"sector": 0.2, "language": 0.3, "duration": 0.15, "destination": 0.15}
    m = Matcher(Config.from_env(model=MULTILINGUAL_MODEL, weights=weights), encoder=e5).fit(p, h)
    scores, mask = m.score_matrix()
    assert mask.all()
    assert scores[0, 0] > scores[0, 1]  # the nursing home scores higher overall ...
    ranked = m.recommend_hosts("P1", k=2)
    assert list(ranked["host_id"]) == ["plumbing", "nursing"]  # ... yet ranks second
    assert list(ranked["sector_match"]) == [True, False]
    assert ranked.attrs["notice"].startswith("Only 1 host in the trade")
    only_nursing = m.recommend_hosts("P1", k=2, sector="nursing")
    assert "closest alternatives" in only_nursing.attrs["notice"]


def test_sector_reason_follows_the_evidence(e5):
    p = participants(
        {"occupation": "cook", "description": "Apprentice cook, second year."},
        {"participant_id": "P2", "occupation": "cook", "isced_f": "1013"},
    )
    h = hosts(
        {
            "host_id": "given",
            "sector": "restaurant",
            "nace_code": "56.11",
            "description": "Busy kitchen of an Italian restaurant.",
        },
        {
            "host_id": "guessed",
            "sector": "Restaurant",
            "nace_code": "",
            "description": "Cuisine traditionnelle, 80 couverts.",
        },
        {
            "host_id": "bank",
            "sector": "bank branch",
            "nace_code": "64.19",
            "description": "Retail banking, customer accounts.",
        },
    )
    m = Matcher(Config.from_env(model=MULTILINGUAL_MODEL), encoder=e5).fit(p, h)
    given = m.explain("P1", "given").reasons["sector"]
    assert "NACE 56.11" in given and "strong sector fit" in given
    assert "(guessed" in m.explain("P1", "guessed").reasons["sector"]
    assert "ESCO 'cook'" in given
    bank = m.explain("P1", "bank").reasons["sector"]
    assert "strong" not in bank
    assert "(guessed)" not in m.explain("P2", "given").reasons["sector"]  # field given


def test_typed_profile_language_is_read_and_coverage_warned():
    german = "Ich mache eine Ausbildung zum Koch und möchte in einem Restaurant arbeiten."
    english_only = read_language(german, ("en",))
    assert english_only.code == "de" and english_only.covered is False
    assert "not trained on German" in english_only.note
    assert read_language(german, E5Encoder.languages).covered is True
    assert read_language("Koch", ("en",)).code == ""  # too short to tell, no false alarm
