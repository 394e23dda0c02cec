"""Sample organisations for KA2 partner search, consistent with the participants' sending
organisations and the hosts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ..io import ORGANISATIONS
from ._places import CITIES, LEGAL_FORMS

__all__ = ["generate_organisations", "THEMES"]

THEMES = (
    "green skills and sustainable practices at the workplace",
    "digital tools and simulation in workshops",
    "inclusion of learners with disabilities",
    "quality of work-based learning and apprenticeships",
    "training of in-company tutors and mentors",
    "entrepreneurship education",
    "language learning for vocational purposes",
    "recognition of skills with micro-credentials",
    "internationalisation of VET schools",
    "reducing early leaving from vocational education",
    "circular economy and waste reduction",
    "artificial intelligence in vocational training",
)

_HOST_TYPES = {
    "company": "company",
    "vet_institution": "vet_provider",
    "intermediary": "intermediary",
    "public_body": "public_authority",
    "ngo": "ngo",
}
_WANTS = {
    "vet_provider": ["company", "chamber", "social_partner", "public_authority"],
    "company": ["vet_provider", "chamber"],
    "chamber": ["vet_provider", "company"],
}


def _languages(rng, country: str) -> str:
    national = [x for x in tx.countries().loc[country, "languages"] if x not in ("nn",)]
    langs = [national[0] if national[0] != "nb" else "no"]
    if "en" not in langs and rng.random() < 0.9:
        langs.append("en")
    if rng.random() < 0.25:
        langs.append(rng.choice([x for x in ("de", "fr", "es", "it") if x not in langs]))
    return ";".join(langs)


def _interests(rng) -> str:
    return "; ".join(rng.choice(THEMES, size=int(rng.integers(1, 4)), replace=False))


def _past(rng) -> int:
    return 0 if rng.random() < 0.3 else int(rng.geometric(0.3))


def generate_organisations(
    participants: pd.DataFrame,
    hosts: pd.DataFrame,
    seed: int = 7,
    n_hosts: int = 150,
    n_other: int = 70,
) -> pd.DataFrame:
    """Every sending organisation of ``participants`` (as a VET provider), ``n_hosts`` of the
    hosts, and ``n_other`` chambers, social partners, public authorities, universities,
    research institutes and NGOs in the same countries.

    Examples
    --------
    >>> from matcher.sample import generate_sample
    >>> p, h = generate_sample(30, 20, seed=1)
    >>> orgs = generate_organisations(p, h, n_hosts=10, n_other=5)
    >>> orgs["org_id"].is_unique
    True
    """
    rng = np.random.default_rng(seed)
    rows = []

    def add(name, country, org_type, expertise, nace="", isced="", looking=""):
        rows.append(
            {
                "org_id": f"O{len(rows) + 1:04d}",
                "name": name,
                "country": country,
                "org_type": org_type,
                "oid": f"E1{rng.integers(0, 10**7):07d}" if rng.random() < 0.85 else "",
                "nace_code": nace,
                "isced_f": isced,
                "expertise": expertise,
                "interests": _interests(rng),
                "languages": _languages(rng, country),
                "past_projects": _past(rng),
                "looking_for": looking,
            }
        )

    for org, grp in participants.groupby("sending_org", sort=True):
        country = grp["home_country"].iloc[0]
        fields = [f for f in grp["isced_f"] if f]
        main_field = max(set(fields), key=fields.count) if fields else ""
        occupations = ", ".join(
            sorted({o.split("(")[-1].rstrip(")") for o in grp["occupation"]})[:4]
        )
        field_txt = f" in {tx.isced_name(main_field).lower()}" if main_field else ""
        looking = (
            ";".join(
                rng.choice(_WANTS["vet_provider"], size=int(rng.integers(1, 3)), replace=False)
            )
            if rng.random() < 0.5
            else ""
        )
        add(
            org,
            country,
            "vet_provider",
            f"VET provider training learners{field_txt}: {occupations}. Work-based learning with partner companies.",
            isced=main_field,
            looking=looking,
        )

    for h in hosts.sample(min(n_hosts, len(hosts)), random_state=seed).itertuples():
        kind = _HOST_TYPES[h.org_type]
        looking = ";".join(_WANTS.get(kind, [])[:1]) if rng.random() < 0.3 else ""
        add(
            h.name,
            h.country,
            kind,
            f"{h.sector}. {h.description}",
            nace=h.nace_code,
            looking=looking,
        )

    countries = sorted(set(participants["home_country"]) | set(hosts["country"]))
    branches = (
        "hospitality",
        "crafts",
        "metal and electrical industry",
        "health and care",
        "retail and commerce",
        "construction",
        "transport and logistics",
        "ICT",
    )
    for _ in range(n_other):
        country = rng.choice(countries)
        city = rng.choice(CITIES[country])
        kind = rng.choice(
            [
                "chamber",
                "chamber",
                "social_partner",
                "public_authority",
                "higher_education",
                "research",
                "ngo",
            ]
        )
        sector = rng.choice(branches)
        theme = rng.choice(THEMES)
        name, expertise = {
            "chamber": (
                f"Chamber of Commerce and Crafts {city}",
                f"Chamber organising apprenticeships, final examinations and company networks; strong in {sector}.",
            ),
            "social_partner": (
                f"{city} {'Employers Association' if rng.random() < 0.5 else 'Trade Union'} of {sector.title()}",
                f"Social partner negotiating training funds and working conditions in {sector}; apprenticeship quality.",
            ),
            "public_authority": (
                f"Regional Authority of {city}",
                "Regional authority funding VET schools and the regional skills strategy; links schools and employers.",
            ),
            "higher_education": (
                f"University of Applied Sciences {city}",
                f"University training VET teachers; research on vocational pedagogy and {theme}.",
            ),
            "research": (
                f"Institute for Vocational Research {city}",
                f"Research institute evaluating VET policy; studies on {theme}.",
            ),
            "ngo": (
                f"Youth Inclusion Network {city} {LEGAL_FORMS[country] if rng.random() < 0.2 else ''}".strip(),
                "NGO supporting young people with fewer opportunities: mentoring, guidance, inclusion in training and work.",
            ),
        }[kind]
        add(name, country, kind, expertise)
    df = pd.DataFrame(rows, columns=list(ORGANISATIONS.names))
    return df
