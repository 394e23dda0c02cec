"""KA2 partner search: rank partners for a project idea and suggest consortia that meet the
action's composition rules (KA210-VET: >= 2 organisations from >= 2 countries; KA220-VET: >= 3
from >= 3; figures in ``data/taxonomies/programme.csv``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import taxonomy as tx
from ._config import Config
from .io import parse_list

__all__ = ["PartnerFinder", "Consortium", "PARTNER_WEIGHTS", "DEFAULT_COMPLEMENTS"]

#: Weights of the partner criteria (newcomer preference is configurable per query).
PARTNER_WEIGHTS = {
    "thematic": 0.45,
    "complementarity": 0.25,
    "country": 0.10,
    "language": 0.10,
    "newcomer": 0.10,
}

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
EXACT_POOL = 16  # candidates enumerated exactly; beyond, greedy with a stated bound


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


class PartnerFinder:
    """Rank KA2 partners and assemble consortia, explained like the mobility matches.

    Examples
    --------
    >>> from matcher.io import load_organisations
    >>> from matcher.taxonomy import sample_dir
    >>> finder = PartnerFinder().fit(load_organisations(sample_dir() / "organisations.csv"))
    >>> ranked = finder.rank("O0001", "digital tools in workshops", k=5)
    >>> "O0001" in set(ranked["org_id"]), len(ranked)
    (False, 5)
    """

    def __init__(self, config: Config | None = None, encoder=None):
        self.config = config
        self.encoder = encoder

    def fit(self, organisations: pd.DataFrame) -> PartnerFinder:
        self.config_ = self.config or Config.from_env()
        if self.encoder is None:
            from .encode import make_encoder

            self.encoder_ = make_encoder(self.config_)
        else:
            self.encoder_ = self.encoder
        self.orgs_ = organisations.reset_index(drop=True)
        texts = [
            f"{e} Interests: {i}" if i else e
            for e, i in zip(self.orgs_["expertise"], self.orgs_["interests"], strict=True)
        ]
        self.emb_ = self.encoder_.encode(texts)
        self._index = {o: i for i, o in enumerate(self.orgs_["org_id"])}
        self.langs_ = [set(parse_list(v)) for v in self.orgs_["languages"]]
        return self

    def _i(self, org_id: str) -> int:
        try:
            return self._index[org_id]
        except KeyError:
            raise KeyError(f"unknown org_id '{org_id}'") from None

    # --- criteria ------------------------------------------------------------------------

    def _components(self, lead: int, idea: str, priorities, consortium: list[int]):
        o = self.orgs_
        query = idea + (". Priorities: " + "; ".join(priorities) if priorities else "")
        cos = self.emb_ @ self.encoder_.encode([query])[0]
        cfg = self.config_
        thematic = np.clip((cos - cfg.cosine_floor) / (cfg.cosine_ceiling - cfg.cosine_floor), 0, 1)
        members = [lead, *consortium]
        wanted = set(parse_list(o.at[lead, "looking_for"])) or set(
            DEFAULT_COMPLEMENTS.get(o.at[lead, "org_type"], ())
        )
        present = {o.at[m, "org_type"] for m in members}
        types = o["org_type"].to_numpy()
        complementarity = np.where(
            np.isin(types, list(wanted)),
            np.where(np.isin(types, list(present)), 0.6, 1.0),
            np.where(np.isin(types, list(present)), 0.0, 0.3),
        )
        countries = o["country"].to_numpy()
        used = {o.at[m, "country"] for m in members}
        country = np.where(
            countries == o.at[lead, "country"],
            0.0,
            np.where(np.isin(countries, list(used)), 0.5, 1.0),
        )
        lead_langs = self.langs_[lead]
        language = np.array([1.0 if lead_langs & s else 0.0 for s in self.langs_])
        past = o["past_projects"].to_numpy(dtype=float)
        newcomer = 1.0 / (1.0 + past / 2.0)
        return (
            {
                "thematic": thematic,
                "complementarity": complementarity,
                "country": country,
                "language": language,
                "newcomer": newcomer,
            },
            wanted,
            present,
        )

    def rank(
        self,
        org_id: str,
        idea: str,
        k: int = 10,
        *,
        priorities=(),
        consortium=(),
        newcomer_weight: float | None = None,
        org_type=None,
        country=None,
    ) -> pd.DataFrame:
        """The ``k`` best partners for ``org_id``'s project ``idea``.

        ``consortium``: partners already chosen (complementarity then favours the types
        still missing). ``newcomer_weight`` overrides the weight of the newcomer preference.
        Never the organisation itself nor a member already chosen.
        """
        lead = self._i(org_id)
        chosen = [self._i(c) for c in consortium]
        comps, wanted, present = self._components(lead, idea, list(priorities), chosen)
        weights = dict(PARTNER_WEIGHTS)
        if newcomer_weight is not None:
            weights["newcomer"] = float(newcomer_weight)
        total = sum(weights.values())
        score = sum(weights[c] / total * comps[c] for c in weights)
        ok = np.ones(len(self.orgs_), dtype=bool)
        ok[[lead, *chosen]] = False
        o = self.orgs_
        if org_type is not None:
            ok &= (
                o["org_type"]
                .isin([org_type] if isinstance(org_type, str) else list(org_type))
                .to_numpy()
            )
        if country is not None:
            ok &= (
                o["country"]
                .isin([country] if isinstance(country, str) else list(country))
                .to_numpy()
            )
        idx = np.flatnonzero(ok)
        order = idx[np.lexsort((idx, -score[idx]))][:k]
        rows = []
        for rank, j in enumerate(order, start=1):
            comp = {c: float(comps[c][j]) for c in weights}
            rows.append(
                {
                    "rank": rank,
                    "org_id": o.at[j, "org_id"],
                    "name": o.at[j, "name"],
                    "country": o.at[j, "country"],
                    "org_type": o.at[j, "org_type"],
                    "past_projects": int(o.at[j, "past_projects"]),
                    "score": float(score[j]),
                    "components": comp,
                    "reasons": self._reasons(lead, j, comp, wanted, present),
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "rank",
                "org_id",
                "name",
                "country",
                "org_type",
                "past_projects",
                "score",
                "components",
                "reasons",
            ],
        )

    def _reasons(self, lead: int, j: int, comp: dict, wanted: set, present: set) -> dict:
        o = self.orgs_
        t = o.at[j, "org_type"]
        strength = (
            "strong"
            if comp["thematic"] >= 0.6
            else "partial"
            if comp["thematic"] >= 0.35
            else "weak"
        )
        common = sorted(self.langs_[lead] & self.langs_[j])
        if t in wanted and t not in present:
            compl = f"a {t.replace('_', ' ')}, which the consortium lacks"
        elif t in wanted:
            compl = f"another {t.replace('_', ' ')}"
        elif t not in present:
            compl = f"a {t.replace('_', ' ')}: adds a type the consortium does not have"
        else:
            compl = f"same type as a member ({t.replace('_', ' ')})"
        past = int(o.at[j, "past_projects"])
        return {
            "thematic": f"{strength} thematic fit with the idea",
            "complementarity": compl,
            "country": f"{o.at[j, 'country']}"
            + (
                " is the lead's country"
                if comp["country"] == 0
                else " adds a country"
                if comp["country"] == 1
                else " is already in the consortium"
            ),
            "language": ("common working language: " + ", ".join(common))
            if common
            else "no working language in common with the lead",
            "newcomer": "newcomer to Erasmus+" if past == 0 else f"{past} earlier project(s)",
        }

    # --- consortia -----------------------------------------------------------------------

    def consortia(
        self,
        org_id: str,
        idea: str,
        action: str = "KA220",
        size: int | None = None,
        n: int = 3,
        *,
        priorities=(),
        newcomer_weight: float | None = None,
        pool: int = EXACT_POOL,
    ) -> list[Consortium]:
        """The ``n`` best consortia led by ``org_id`` that satisfy the action's rules.

        Objective (documented in the README): the sum of the partners' individual scores
        (thematic fit, language, newcomer, country and complementarity towards the lead) plus
        0.5 for each distinct organisation type and each distinct country in the consortium,
        so that fit and diversity both count. With at most ``pool`` candidates every
        combination of the best ``pool`` partners is enumerated (exact over that pool);
        larger pools use greedy selection, which for this monotone submodular objective under
        a size constraint reaches at least (1 - 1/e) ~ 63% of the optimum.
        """
        actions = tx.partnership_actions()
        if action not in actions:
            raise ValueError(f"action must be one of {sorted(actions)}")
        rules = actions[action]
        size = size or rules["min_orgs"] + 1
        if size < rules["min_orgs"]:
            raise ValueError(f"{action} needs at least {rules['min_orgs']} organisations")
        lead = self._i(org_id)
        ranked = self.rank(
            org_id,
            idea,
            k=max(pool, 4 * size),
            priorities=priorities,
            newcomer_weight=newcomer_weight,
        )
        cand = [self._i(c) for c in ranked["org_id"]]
        base = dict(zip(cand, ranked["score"], strict=True))
        o = self.orgs_

        def objective(members) -> float:
            all_m = [lead, *members]
            return (
                sum(base[m] for m in members)
                + 0.5 * len({o.at[m, "org_type"] for m in all_m})
                + 0.5 * len({o.at[m, "country"] for m in all_m})
            )

        def valid(members) -> bool:
            return len({o.at[m, "country"] for m in [lead, *members]}) >= rules["min_countries"]

        k = size - 1
        found: list[tuple[float, tuple]] = []
        if len(cand) <= pool:
            method = "exact"
            for combo in itertools.combinations(cand, k):
                if valid(combo):
                    found.append((objective(combo), combo))
        else:
            method = "greedy (>= 63% of optimum)"
            for first in cand[: max(n * 2, 1)]:
                chosen = [first]
                while len(chosen) < k:
                    best = max(
                        (c for c in cand if c not in chosen), key=lambda c: objective([*chosen, c])
                    )
                    chosen.append(best)
                if valid(chosen):
                    found.append((objective(chosen), tuple(sorted(chosen))))
        seen, out = set(), []
        for value, combo in sorted(found, key=lambda x: (-x[0], x[1])):
            key = frozenset(combo)
            if key in seen:
                continue
            seen.add(key)
            out.append(self._describe(lead, list(combo), value, rules, method))
            if len(out) == n:
                break
        return out

    def _describe(self, lead, members, value, rules, method) -> Consortium:
        o = self.orgs_
        all_m = [lead, *members]
        types = [o.at[m, "org_type"] for m in all_m]
        countries = sorted({o.at[m, "country"] for m in all_m})
        common = set.intersection(*(self.langs_[m] for m in all_m)) if all_m else set()
        wanted = set(parse_list(o.at[lead, "looking_for"])) or set(
            DEFAULT_COMPLEMENTS.get(o.at[lead, "org_type"], ())
        )
        missing = sorted(wanted - set(types))
        newcomers = sum(int(o.at[m, "past_projects"]) == 0 for m in members)
        reasons = [
            f"{len(all_m)} organisations from {len(countries)} countries ({', '.join(countries)}): meets the rule of {rules['min_orgs']} from {rules['min_countries']}",
            "types: " + ", ".join(sorted(set(types))),
            ("common working language: " + ", ".join(sorted(common)))
            if common
            else "no language common to all",
        ]
        if newcomers:
            reasons.append(f"{newcomers} newcomer(s) to Erasmus+")
        lacks = [f"no {t.replace('_', ' ')}" for t in missing]
        if not common:
            lacks.append("no working language shared by all members")
        return Consortium(
            members=[o.at[m, "org_id"] for m in all_m],
            score=float(value),
            countries=countries,
            types=types,
            common_languages=sorted(common),
            reasons=reasons,
            lacks=lacks,
            method=method,
        )
