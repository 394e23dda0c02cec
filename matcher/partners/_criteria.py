"""KA2 partner criteria as plain vectorised functions, each beside the sentence that explains it.

Every score function takes the candidate organisations' columns (length ``n_orgs``) and what
it needs of the lead and the consortium, and returns ``ndarray (n_orgs,)`` in ``[0, 1]``.
Each reason function explains one candidate with the same constants, so that a sentence
never disagrees with its score.
"""

from __future__ import annotations

import numpy as np

from .. import taxonomy as tx
from .._config import PARTNER_WEIGHTS

__all__ = [
    "CRITERIA",
    "DEFAULT_COMPLEMENTS",
    "wanted_types",
    "thematic_fit",
    "thematic_reason",
    "complementarity",
    "complementarity_reason",
    "new_country",
    "country_reason",
    "common_language",
    "language_reason",
    "newcomer_preference",
    "newcomer_reason",
    "partner_weights",
    "combine",
]

#: The partner criteria, in the order their weighted scores are summed.
CRITERIA = tuple(PARTNER_WEIGHTS)

#: Partner types an organisation typically lacks, when it names none in ``looking_for``.
DEFAULT_COMPLEMENTS = {
    "vet_provider": ("company", "chamber", "social_partner", "public_authority"),
    "company": ("vet_provider", "chamber", "intermediary"),
    "chamber": ("vet_provider", "company", "social_partner"),
    "social_partner": ("vet_provider", "chamber", "company"),
    "public_authority": ("vet_provider", "company", "research"),
    "ngo": ("vet_provider", "company", "public_authority"),
    "higher_education": ("vet_provider", "company", "research"),
    "research": ("vet_provider", "higher_education", "public_authority"),
    "intermediary": ("vet_provider", "company"),
}


def wanted_types(looking_for: list[str], lead_type: str) -> set[str]:
    """Partner types the lead wants: those it names, else the defaults for its own type.

    Examples
    --------
    >>> sorted(wanted_types([], "intermediary"))
    ['company', 'vet_provider']
    >>> wanted_types(["research"], "intermediary")
    {'research'}
    """
    return set(looking_for) or set(DEFAULT_COMPLEMENTS.get(lead_type, ()))


def _label(org_type: str) -> str:
    return org_type.replace("_", " ")


# --- thematic fit ------------------------------------------------------------------------------

#: Thematic scores at or above which the fit is called strong, then partial (else weak).
THEMATIC_STRONG = 0.6
THEMATIC_PARTIAL = 0.35


def thematic_fit(cosine: np.ndarray, floor: float, ceiling: float) -> np.ndarray:
    """Cosine of each organisation's profile with the idea, rescaled from [floor, ceiling].

    Parameters
    ----------
    cosine : ndarray of shape (n_orgs,)
        Cosine similarity of each organisation's text with the project idea.
    floor, ceiling : float
        Cosines at or below ``floor`` score 0, at or above ``ceiling`` score 1.

    Returns
    -------
    ndarray of shape (n_orgs,)

    Examples
    --------
    >>> thematic_fit(np.array([0.0, 0.4, 0.9]), 0.1, 0.7)
    array([0. , 0.5, 1. ])
    """
    return np.clip((cosine - floor) / (ceiling - floor), 0, 1)


def thematic_reason(score: float) -> str:
    """Explain a thematic score: strong, partial or weak fit."""
    if score >= THEMATIC_STRONG:
        strength = "strong"
    elif score >= THEMATIC_PARTIAL:
        strength = "partial"
    else:
        strength = "weak"
    return f"{strength} thematic fit with the idea"


# --- complementarity ---------------------------------------------------------------------------

#: Complementarity by (type wanted by the lead, type already in the consortium).
COMPLEMENTARITY_SCORES = {
    (True, False): 1.0,
    (True, True): 0.6,
    (False, False): 0.3,
    (False, True): 0.0,
}
COMPLEMENTARITY_REASONS = {
    (True, False): "a {type}, which the consortium lacks",
    (True, True): "another {type}",
    (False, False): "a {type}: adds a type the consortium does not have",
    (False, True): "same type as a member ({type})",
}


def complementarity(org_types: np.ndarray, wanted: set, present: set) -> np.ndarray:
    """How much each organisation's type completes the consortium.

    Parameters
    ----------
    org_types : ndarray of shape (n_orgs,)
        Organisation type of each candidate.
    wanted : set of str
        Types the lead looks for (see `wanted_types`).
    present : set of str
        Types already in the consortium, the lead's included.

    Returns
    -------
    ndarray of shape (n_orgs,)
        ``COMPLEMENTARITY_SCORES[(type in wanted, type in present)]``.

    Examples
    --------
    >>> complementarity(np.array(["company", "vet_provider", "ngo"]), {"company"}, {"vet_provider"})
    array([1. , 0. , 0.3])
    """
    is_wanted = np.isin(org_types, list(wanted))
    is_present = np.isin(org_types, list(present))
    table = np.array(
        [[COMPLEMENTARITY_SCORES[(w, p)] for p in (False, True)] for w in (False, True)]
    )
    return table[is_wanted.astype(int), is_present.astype(int)]


def complementarity_reason(org_type: str, wanted: set, present: set) -> str:
    """Explain one candidate's complementarity score."""
    key = (org_type in wanted, org_type in present)
    return COMPLEMENTARITY_REASONS[key].format(type=_label(org_type))


# --- new country -------------------------------------------------------------------------------

#: Country score by status: the lead's own country, already in the consortium, or new.
COUNTRY_SCORES = {"lead": 0.0, "present": 0.5, "new": 1.0}
COUNTRY_REASONS = {
    "lead": " is the lead's country",
    "present": " is already in the consortium",
    "new": " adds a country",
}


def country_status(countries: np.ndarray, lead_country: str, used: set) -> np.ndarray:
    """``"lead"``, ``"present"`` or ``"new"`` for each candidate: ``ndarray (n_orgs,)``.

    ``used`` holds the countries already in the consortium, the lead's included.
    """
    return np.where(
        countries == lead_country,
        "lead",
        np.where(np.isin(countries, list(used)), "present", "new"),
    )


def new_country(countries: np.ndarray, lead_country: str, used: set) -> np.ndarray:
    """Whether each organisation brings a new country to the consortium.

    Parameters
    ----------
    countries : ndarray of shape (n_orgs,)
        Country code of each candidate.
    lead_country : str
        The lead's country.
    used : set of str
        Countries already in the consortium, the lead's included.

    Returns
    -------
    ndarray of shape (n_orgs,)
        ``COUNTRY_SCORES`` of each candidate's `country_status`.

    Examples
    --------
    >>> new_country(np.array(["AT", "IT", "DE"]), "AT", {"AT", "IT"})
    array([0. , 0.5, 1. ])
    """
    status = country_status(countries, lead_country, used)
    return np.array([COUNTRY_SCORES[s] for s in status], dtype=float)


def country_reason(country: str, lead_country: str, used: set) -> str:
    """Explain one candidate's country score."""
    status = str(country_status(np.array([country]), lead_country, used)[0])
    return f"{country}{COUNTRY_REASONS[status]}"


# --- common language ---------------------------------------------------------------------------


def common_language(languages: list[set], lead_languages: set) -> np.ndarray:
    """1 where an organisation shares a working language with the lead, else 0.

    Parameters
    ----------
    languages : list of set of str, length n_orgs
        Working languages of each candidate.
    lead_languages : set of str
        The lead's working languages.

    Returns
    -------
    ndarray of shape (n_orgs,)

    Examples
    --------
    >>> common_language([{"de", "en"}, {"it"}], {"en"})
    array([1., 0.])
    """
    return np.array([1.0 if lead_languages & s else 0.0 for s in languages])


def language_reason(languages: set, lead_languages: set) -> str:
    """Explain one candidate's language score by naming the languages in common."""
    common = sorted(lead_languages & languages)
    if common:
        return "common working language: " + ", ".join(tx.language_name(c) for c in common)
    return "no working language in common with the lead"


# --- newcomer preference -----------------------------------------------------------------------


def newcomer_preference(past_projects: np.ndarray, halving: float) -> np.ndarray:
    """Preference for organisations new to Erasmus+: ``1 / (1 + past / halving)``.

    Parameters
    ----------
    past_projects : ndarray of shape (n_orgs,)
        Number of earlier Erasmus+ projects of each candidate.
    halving : float
        Number of past projects at which the preference is one half.

    Returns
    -------
    ndarray of shape (n_orgs,)

    Examples
    --------
    >>> newcomer_preference(np.array([0, 2, 6]), 2.0)
    array([1.  , 0.5 , 0.25])
    """
    return 1.0 / (1.0 + np.asarray(past_projects, dtype=float) / halving)


def newcomer_reason(past_projects: int) -> str:
    """Explain one candidate's newcomer score."""
    if past_projects == 0:
        return "newcomer to Erasmus+"
    return f"{past_projects} earlier project(s)"


# --- weighted sum ------------------------------------------------------------------------------


def partner_weights(weights: dict, newcomer_weight: float | None = None) -> dict[str, float]:
    """Weights of the criteria scaled to sum to one, the newcomer weight optionally replaced.

    Examples
    --------
    >>> w = partner_weights(PARTNER_WEIGHTS, newcomer_weight=0.0)
    >>> round(w["thematic"], 4), w["newcomer"]
    (0.5, 0.0)
    """
    unknown = set(weights) - set(CRITERIA)
    if unknown:
        raise ValueError(
            f"unknown partner criteria in weights: {sorted(unknown)}; known: {list(CRITERIA)}"
        )
    w = {c: float(weights.get(c, 0.0)) for c in CRITERIA}
    if newcomer_weight is not None:
        w["newcomer"] = float(newcomer_weight)
    total = sum(w.values())
    if total <= 0:
        raise ValueError("at least one partner weight must be positive")
    return {c: v / total for c, v in w.items()}


def combine(components: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted sum of the criteria: ``ndarray (n_orgs,)``.

    Parameters
    ----------
    components : dict of str to ndarray of shape (n_orgs,)
        Score of each criterion.
    weights : dict of str to float
        Normalised weights (see `partner_weights`).
    """
    return sum(weights[c] * components[c] for c in weights)
