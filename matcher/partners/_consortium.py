"""KA2 consortia as plain data: the search problem, its objective and the suggested result.

A consortium is the lead plus ``size - 1`` partners drawn from ranked candidates. Its value
is the sum of the partners' individual scores plus a bonus per distinct organisation type
and per distinct country (lead included), so that fit and diversity both count. It is valid
when its members from programme countries (EU Member States and associated third countries)
reach the action's minimum number of organisations and countries: partners from other third
countries (KA220 only) do not count towards it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import taxonomy as tx
from ..labels import label

__all__ = ["Consortium", "ConsortiumProblem", "best_distinct", "describe_consortium"]


@dataclass
class Consortium:
    """A suggested consortium: the lead first, its score, and what it still lacks."""

    members: list
    score: float
    countries: list
    types: list
    common_languages: list
    reasons: list = field(default_factory=list)
    lacks: list = field(default_factory=list)
    method: str = "exact"

    def to_dict(self) -> dict:
        """Plain dictionary for JSON output, the score rounded to 4 decimals."""
        return {
            "members": self.members,
            "score": round(self.score, 4),
            "countries": self.countries,
            "types": self.types,
            "common_languages": self.common_languages,
            "reasons": self.reasons,
            "lacks": self.lacks,
            "method": self.method,
        }


@dataclass(frozen=True)
class ConsortiumProblem:
    """What a consortium search needs, as positions into the organisations table.

    Parameters
    ----------
    lead : int
        Position of the lead organisation.
    candidates : list of int
        Positions of the candidate partners, best ranked first.
    base_scores : dict of int to float
        Individual partner score of each candidate.
    org_types, countries : ndarray of shape (n_orgs,)
        Type and country of every organisation.
    n_partners : int
        Partners to choose besides the lead (consortium size - 1).
    min_countries : int
        Distinct countries the consortium must span.
    diversity_bonus : float
        Value added per distinct type and per distinct country.
    counted : ndarray of shape (n_orgs,) of bool, optional
        Organisations that count towards the minimum (in a programme country); all when
        omitted.
    min_orgs : int
        Counted organisations the consortium must hold (the lead included).
    """

    lead: int
    candidates: list
    base_scores: dict
    org_types: np.ndarray
    countries: np.ndarray
    n_partners: int
    min_countries: int
    diversity_bonus: float
    counted: np.ndarray | None = None
    min_orgs: int = 0

    def value(self, partners) -> float:
        """Objective of the consortium ``lead + partners`` (higher is better)."""
        members = [self.lead, *partners]
        return (
            sum(self.base_scores[m] for m in partners)
            + self.diversity_bonus * len({self.org_types[m] for m in members})
            + self.diversity_bonus * len({self.countries[m] for m in members})
        )

    def is_valid(self, partners) -> bool:
        """Whether the members of ``lead + partners`` that count span enough organisations
        and countries."""
        members = [self.lead, *partners]
        if self.counted is not None:
            members = [m for m in members if self.counted[m]]
        return (
            len(members) >= self.min_orgs
            and len({self.countries[m] for m in members}) >= self.min_countries
        )


def best_distinct(found: list[tuple[float, tuple]], n: int) -> list[tuple[float, tuple]]:
    """The ``n`` best ``(value, partners)`` with distinct member sets, best first.

    Ties on value are broken by the partners' positions, so the order is deterministic.

    Examples
    --------
    >>> best_distinct([(1.0, (2, 1)), (2.0, (3,)), (1.0, (1, 2)), (1.0, (0, 4))], 2)
    [(2.0, (3,)), (1.0, (0, 4))]
    """
    seen, out = set(), []
    for value, partners in sorted(found, key=lambda x: (-x[0], x[1])):
        key = frozenset(partners)
        if key in seen:
            continue
        seen.add(key)
        out.append((value, partners))
        if len(out) == n:
            break
    return out


def describe_consortium(
    members: list[int], value: float, rules: dict, method: str, orgs, languages, wanted: set
) -> Consortium:
    """Explain a consortium: countries, types, common languages, newcomers, what it lacks.

    Parameters
    ----------
    members : list of int
        Positions of the members, the lead first.
    value : float
        The consortium's objective value.
    rules : dict
        The action's composition rules (``min_orgs``, ``min_countries``).
    method : str
        How the consortium was found (exact or greedy).
    orgs : DataFrame
        The organisations table (``org_id``, ``org_type``, ``country``, ``past_projects``).
    languages : list of set of str
        Working languages of every organisation.
    wanted : set of str
        Partner types the lead looks for.
    """
    types = [orgs.at[m, "org_type"] for m in members]
    countries = sorted({orgs.at[m, "country"] for m in members})
    common = set.intersection(*(languages[m] for m in members))
    newcomers = sum(int(orgs.at[m, "past_projects"]) == 0 for m in members[1:])
    programme = set(tx.programme_countries())
    third = [m for m in members if orgs.at[m, "country"] not in programme]
    counted = [m for m in members if m not in third]
    counted_countries = sorted({orgs.at[m, "country"] for m in counted})
    reasons = [
        f"{len(counted)} organisations from {len(counted_countries)} programme countries "
        f"({', '.join(counted_countries)}): meets the rule of {rules['min_orgs']} from "
        f"{rules['min_countries']}",
        "types: " + ", ".join(label(t) for t in sorted(set(types))),
        ("common working language: " + ", ".join(tx.language_name(c) for c in sorted(common)))
        if common
        else "no language common to all",
    ]
    if third:
        where = ", ".join(sorted({orgs.at[m, "country"] for m in third}))
        reasons.append(
            f"{len(third)} partner(s) from third countries not associated to the Programme "
            f"({where}): allowed as partners, not counted towards the minimum"
        )
    if newcomers:
        reasons.append(f"{newcomers} newcomer(s) to Erasmus+")
    lacks = [f"no {label(t)}" for t in sorted(wanted - set(types))]
    if not common:
        lacks.append("no working language shared by all members")
    return Consortium(
        members=[orgs.at[m, "org_id"] for m in members],
        score=float(value),
        countries=countries,
        types=types,
        common_languages=sorted(common),
        reasons=reasons,
        lacks=lacks,
        method=method,
    )
