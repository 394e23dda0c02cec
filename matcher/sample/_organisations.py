"""Sample organisations for KA2 partner search, consistent with the participants' sending
organisations and the hosts.

Every helper that takes ``rng`` draws from it; the order of the calls in
:func:`generate_organisations` is the order of the draws, so the same seed gives the same table.
"""

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
# Kinds of the other organisations, drawn uniformly (chambers twice as often).
_OTHER_KINDS = [
    "chamber",
    "chamber",
    "social_partner",
    "public_authority",
    "higher_education",
    "research",
    "ngo",
]
_BRANCHES = (
    "hospitality",
    "crafts",
    "metal and electrical industry",
    "health and care",
    "retail and commerce",
    "construction",
    "transport and logistics",
    "ICT",
)

P_OID = 0.85
OID_DIGITS = 7
P_ENGLISH = 0.9
THIRD_LANGUAGES = ("de", "fr", "es", "it")
P_THIRD_LANGUAGE = 0.25
MAX_INTERESTS = 3
P_NO_PAST_PROJECTS = 0.3
PAST_PROJECTS_P = 0.3  # success probability of the geometric count of past projects
P_VET_PROVIDER_LOOKING = 0.5
MAX_VET_PROVIDER_WANTS = 2
P_HOST_LOOKING = 0.3
MAX_OCCUPATIONS_IN_EXPERTISE = 4
P_EMPLOYERS_ASSOCIATION = 0.5  # else a trade union
P_NGO_LEGAL_FORM = 0.2


#: Organisations in third countries not associated to the Programme: KA220 partners only.
THIRD_COUNTRY_ORGANISATIONS = (
    {
        "name": "Lviv Vocational College of Hospitality",
        "country": "UA",
        "org_type": "vet_provider",
        "oid": "",
        "nace_code": "",
        "isced_f": "1013",
        "expertise": "VET provider training cooks and waiters with a training restaurant.",
        "interests": "green skills in kitchens; digital tools in workshops",
        "languages": "uk;en",
        "past_projects": 0,
        "looking_for": "vet_provider",
    },
    {
        "name": "Centre de Formation Professionnelle Tunis",
        "country": "TN",
        "org_type": "vet_provider",
        "oid": "",
        "nace_code": "",
        "isced_f": "0713",
        "expertise": "Vocational training centre for electricians and solar energy technicians.",
        "interests": "green skills in construction; renewable energy",
        "languages": "ar;fr",
        "past_projects": 1,
        "looking_for": "company",
    },
)


def _languages(rng, country: str) -> str:
    national = [x for x in tx.countries().loc[country, "languages"] if x not in ("nn",)]
    langs = [national[0] if national[0] != "nb" else "no"]
    if "en" not in langs and rng.random() < P_ENGLISH:
        langs.append("en")
    if rng.random() < P_THIRD_LANGUAGE:
        langs.append(rng.choice([x for x in THIRD_LANGUAGES if x not in langs]))
    return ";".join(langs)


def _interests(rng) -> str:
    size = int(rng.integers(1, MAX_INTERESTS + 1))
    return "; ".join(rng.choice(THEMES, size=size, replace=False))


def _past(rng) -> int:
    return 0 if rng.random() < P_NO_PAST_PROJECTS else int(rng.geometric(PAST_PROJECTS_P))


def _org_row(rng, name, country, org_type, expertise, nace="", isced="", looking="") -> dict:
    """One organisation without its ``org_id``; draws its OID, interests, languages, history."""
    return {
        "name": name,
        "country": country,
        "org_type": org_type,
        "oid": f"E1{rng.integers(0, 10**OID_DIGITS):07d}" if rng.random() < P_OID else "",
        "nace_code": nace,
        "isced_f": isced,
        "expertise": expertise,
        "interests": _interests(rng),
        "languages": _languages(rng, country),
        "past_projects": _past(rng),
        "looking_for": looking,
    }


def _main_field(fields: list[str]) -> str:
    """Most frequent non-empty ISCED-F code in ``fields`` (``""`` if none), ties to the lowest.

    Sorted before ``max`` so that a tie does not depend on the order of a set of strings,
    which changes with Python's hash seed from one process to the next.
    """
    fields = [f for f in fields if f]
    return max(sorted(set(fields)), key=fields.count) if fields else ""


def _vet_provider_row(rng, name: str, senders: pd.DataFrame) -> dict:
    """A sending organisation as a VET provider, described by the fields of the participants it sends."""
    country = senders["home_country"].iloc[0]
    main_field = _main_field(list(senders["isced_f"]))
    occupations = ", ".join(
        sorted({o.split("(")[-1].rstrip(")") for o in senders["occupation"]})[
            :MAX_OCCUPATIONS_IN_EXPERTISE
        ]
    )
    field_txt = f" in {tx.isced_name(main_field).lower()}" if main_field else ""
    looking = ""
    if rng.random() < P_VET_PROVIDER_LOOKING:
        size = int(rng.integers(1, MAX_VET_PROVIDER_WANTS + 1))
        looking = ";".join(rng.choice(_WANTS["vet_provider"], size=size, replace=False))
    expertise = (
        f"VET provider training learners{field_txt}: {occupations}. "
        "Work-based learning with partner companies."
    )
    return _org_row(
        rng, name, country, "vet_provider", expertise, isced=main_field, looking=looking
    )


def _host_row(rng, host) -> dict:
    """A host (one ``itertuples`` row of the hosts table) as an organisation."""
    kind = _HOST_TYPES[host.org_type]
    looking = ";".join(_WANTS.get(kind, [])[:1]) if rng.random() < P_HOST_LOOKING else ""
    expertise = f"{host.sector}. {host.description}"
    return _org_row(
        rng, host.name, host.country, kind, expertise, nace=host.nace_code, looking=looking
    )


def _other_name_and_expertise(rng, kind: str, country: str, city: str) -> tuple[str, str]:
    """Name and expertise of a chamber, social partner, authority, university, institute or NGO."""
    sector = rng.choice(_BRANCHES)
    theme = rng.choice(THEMES)
    # Both draws happen for every kind, so that the sequence of draws does not depend on it.
    employers = rng.random() < P_EMPLOYERS_ASSOCIATION
    legal_form = LEGAL_FORMS[country] if rng.random() < P_NGO_LEGAL_FORM else ""
    partner = "Employers Association" if employers else "Trade Union"
    return {
        "chamber": (
            f"Chamber of Commerce and Crafts {city}",
            "Chamber organising apprenticeships, final examinations and company networks; "
            f"strong in {sector}.",
        ),
        "social_partner": (
            f"{city} {partner} of {sector.title()}",
            "Social partner negotiating training funds and working conditions in "
            f"{sector}; apprenticeship quality.",
        ),
        "public_authority": (
            f"Regional Authority of {city}",
            "Regional authority funding VET schools and the regional skills strategy; "
            "links schools and employers.",
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
            f"Youth Inclusion Network {city} {legal_form}".strip(),
            "NGO supporting young people with fewer opportunities: mentoring, guidance, "
            "inclusion in training and work.",
        ),
    }[kind]


def _other_row(rng, countries: list[str]) -> dict:
    """A chamber, social partner, authority, university, institute or NGO in ``countries``."""
    country = rng.choice(countries)
    city = rng.choice(CITIES[country])
    kind = rng.choice(_OTHER_KINDS)
    name, expertise = _other_name_and_expertise(rng, kind, country, city)
    return _org_row(rng, name, country, kind, expertise)


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

    Returns
    -------
    organisations : DataFrame, shape (n_sending_orgs + up to n_hosts hosts (events left out) +
        n_other + len(THIRD_COUNTRY_ORGANISATIONS),
        len(ORGANISATIONS.names))

    Examples
    --------
    >>> from matcher.sample import generate_sample
    >>> p, h = generate_sample(30, 20, seed=1)
    >>> orgs = generate_organisations(p, h, n_hosts=10, n_other=5)
    >>> orgs["org_id"].is_unique
    True
    """
    rng = np.random.default_rng(seed)
    rows = [
        _vet_provider_row(rng, org, senders)
        for org, senders in participants.groupby("sending_org", sort=True)
    ]
    sampled_hosts = hosts.sample(min(n_hosts, len(hosts)), random_state=seed)
    rows += [
        _host_row(rng, host) for host in sampled_hosts.itertuples() if host.org_type != tx.EVENT
    ]
    countries = sorted(set(participants["home_country"]) | set(hosts["country"]))
    rows += [_other_row(rng, countries) for _ in range(n_other)]
    rows += [dict(row) for row in THIRD_COUNTRY_ORGANISATIONS]
    rows = [{"org_id": f"O{k + 1:04d}", **row} for k, row in enumerate(rows)]
    return pd.DataFrame(rows, columns=list(ORGANISATIONS.names))
