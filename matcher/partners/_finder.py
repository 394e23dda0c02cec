"""`PartnerFinder`: the facade that fits organisations once and wires criteria and searches."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from .._config import Config
from ..io import parse_list
from ._consortium import Consortium, ConsortiumProblem, best_distinct, describe_consortium
from ._criteria import (
    CRITERIA,
    combine,
    common_language,
    complementarity,
    complementarity_reason,
    country_reason,
    language_reason,
    new_country,
    newcomer_preference,
    newcomer_reason,
    partner_weights,
    thematic_fit,
    thematic_reason,
    wanted_types,
)
from ._exact import EXACT_METHOD, exact_search
from ._greedy import GREEDY_METHOD, greedy_search

__all__ = ["PartnerFinder", "RANK_COLUMNS"]

#: Columns of `PartnerFinder.rank`'s result.
RANK_COLUMNS = [
    "rank",
    "org_id",
    "name",
    "country",
    "org_type",
    "past_projects",
    "score",
    "components",
    "reasons",
]
#: Candidates ranked per consortium member before searching (when above the exact pool).
CANDIDATES_PER_MEMBER = 4
#: Greedy searches started per consortium asked for.
GREEDY_STARTS_PER_RESULT = 2


def _profile_texts(orgs: pd.DataFrame) -> list[str]:
    return [
        f"{e} Interests: {i}" if i else e
        for e, i in zip(orgs["expertise"], orgs["interests"], strict=True)
    ]


def _idea_text(idea: str, priorities: list[str]) -> str:
    return idea + (". Priorities: " + "; ".join(priorities) if priorities else "")


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


class PartnerFinder:
    """Rank KA2 partners and assemble consortia, explained like the mobility matches.

    The criteria live in plain functions (`thematic_fit`, `complementarity`, `new_country`,
    `common_language`, `newcomer_preference`) and the searches in `exact_search` and
    `greedy_search`; this class holds the fitted organisations and their embeddings.

    Parameters
    ----------
    config : Config, optional
        Settings (partner weights, diversity bonus, exact pool size, cosine range); read
        from the environment when omitted.
    encoder : Encoder, optional
        Text encoder; the configured model when omitted.

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
        """Encode the organisations' profiles (``n_orgs`` rows of a validated table)."""
        self.config_ = self.config or Config.from_env()
        partner_weights(self.config_.partner_weights)  # fail early on unknown criteria
        if self.encoder is None:
            from ..encode import make_encoder

            self.encoder_ = make_encoder(self.config_)
        else:
            self.encoder_ = self.encoder
        self.orgs_ = organisations.reset_index(drop=True)
        self.emb_ = self.encoder_.encode(_profile_texts(self.orgs_))
        self._index = {o: i for i, o in enumerate(self.orgs_["org_id"])}
        self.langs_ = [set(parse_list(v)) for v in self.orgs_["languages"]]
        self.types_ = self.orgs_["org_type"].to_numpy()
        self.countries_ = self.orgs_["country"].to_numpy()
        # EU Member States and associated third countries (any programme year): they count
        # towards a consortium's minimum and may coordinate; others are KA220 partners only
        self.counted_ = np.isin(self.countries_, tx.programme_countries())
        return self

    def _i(self, org_id: str) -> int:
        try:
            return self._index[org_id]
        except KeyError:
            raise KeyError(f"unknown org_id '{org_id}'") from None

    def _wanted(self, lead: int) -> set[str]:
        return wanted_types(parse_list(self.orgs_.at[lead, "looking_for"]), self.types_[lead])

    # --- ranking -----------------------------------------------------------------------------

    def _components(self, lead: int, idea: str, members: list[int]) -> dict[str, np.ndarray]:
        """Every criterion for every organisation: ``{name: ndarray (n_orgs,)}``."""
        cfg = self.config_
        cosine = self.emb_ @ self.encoder_.encode([idea])[0]
        present = {self.types_[m] for m in members}
        used = {self.countries_[m] for m in members}
        past = self.orgs_["past_projects"].to_numpy(dtype=float)
        return {
            "thematic": thematic_fit(cosine, *cfg.text_range(self.encoder_)),
            "complementarity": complementarity(self.types_, self._wanted(lead), present),
            "country": new_country(self.countries_, self.countries_[lead], used),
            "language": common_language(self.langs_, self.langs_[lead]),
            "newcomer": newcomer_preference(past, cfg.partner_newcomer_halving),
        }

    def _reasons(self, lead: int, j: int, comp: dict, members: list[int]) -> dict[str, str]:
        """One sentence per criterion for candidate ``j``, from the same constants."""
        present = {self.types_[m] for m in members}
        used = {self.countries_[m] for m in members}
        return {
            "thematic": thematic_reason(comp["thematic"]),
            "complementarity": complementarity_reason(self.types_[j], self._wanted(lead), present),
            "country": country_reason(self.countries_[j], self.countries_[lead], used),
            "language": language_reason(self.langs_[j], self.langs_[lead]),
            "newcomer": newcomer_reason(int(self.orgs_.at[j, "past_projects"])),
        }

    def _candidates(self, members: list[int], org_type, country, action=None) -> np.ndarray:
        """Boolean mask ``(n_orgs,)``: not a member, of the asked types and countries, and
        from a programme country unless ``action`` admits third-country partners."""
        ok = np.ones(len(self.orgs_), dtype=bool)
        ok[members] = False
        if action is not None and not tx.third_country_partners(action):
            ok &= self.counted_
        if org_type is not None:
            ok &= np.isin(self.types_, _as_list(org_type))
        if country is not None:
            ok &= np.isin(self.countries_, _as_list(country))
        return ok

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
        action: str | None = None,
    ) -> pd.DataFrame:
        """The ``k`` best partners for ``org_id``'s project ``idea``.

        Never the organisation itself nor a member already chosen; for an ``action`` that
        admits no partner from third countries not associated to the Programme (KA210), none.

        Parameters
        ----------
        org_id : str
            The lead organisation.
        idea : str
            The project idea, in a few sentences.
        k : int
            Number of partners to return.
        priorities : sequence of str
            Programme priorities appended to the idea before encoding.
        consortium : sequence of str
            Partners already chosen (complementarity then favours the types still missing).
        newcomer_weight : float, optional
            Replaces the configured weight of the newcomer preference.
        org_type, country : str or sequence of str, optional
            Keep only partners of these types or countries.
        action : {"KA210", "KA220"}, optional
            The partnership action whose rule on third-country partners applies.

        Returns
        -------
        DataFrame of shape (<= k, 9)
            Columns `RANK_COLUMNS`, best first (ties by table order); ``components`` and
            ``reasons`` hold one score and one sentence per criterion.
        """
        lead = self._i(org_id)
        members = [lead, *(self._i(c) for c in consortium)]
        comps = self._components(lead, _idea_text(idea, list(priorities)), members)
        score = combine(comps, partner_weights(self.config_.partner_weights, newcomer_weight))
        idx = np.flatnonzero(self._candidates(members, org_type, country, action))
        order = idx[np.lexsort((idx, -score[idx]))][:k]
        rows = []
        for rank, j in enumerate(order, start=1):
            comp = {c: float(comps[c][j]) for c in CRITERIA}
            reasons = self._reasons(lead, j, comp, members)
            rows.append(self._row(rank, j, float(score[j]), comp, reasons))
        return pd.DataFrame(rows, columns=RANK_COLUMNS)

    def _row(self, rank: int, j: int, score: float, comp: dict, reasons: dict) -> dict:
        o = self.orgs_
        return {
            "rank": rank,
            "org_id": o.at[j, "org_id"],
            "name": o.at[j, "name"],
            "country": o.at[j, "country"],
            "org_type": o.at[j, "org_type"],
            "past_projects": int(o.at[j, "past_projects"]),
            "score": score,
            "components": comp,
            "reasons": reasons,
        }

    # --- consortia ---------------------------------------------------------------------------

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
        pool: int | None = None,
    ) -> list[Consortium]:
        """The ``n`` best consortia led by ``org_id`` that satisfy the action's rules.

        Objective (documented in the README): the sum of the partners' `rank` scores plus
        ``Config.partner_diversity_bonus`` (0.5) per distinct organisation type and per
        distinct country, so that fit and diversity both count. Up to ``pool`` candidates,
        every combination is enumerated (`exact_search`); beyond, greedy selection
        (`greedy_search`) reaches at least 1 - 1/e ~ 63% of the optimum of this monotone
        submodular objective.

        Parameters
        ----------
        org_id, idea, priorities, newcomer_weight
            As in `rank`.
        action : {"KA210", "KA220"}
            The action whose rules apply (partners from non-associated third countries: KA220
            only, not counted towards the minimum, never the lead: ``ValueError``).
        size : int, optional
            Organisations per consortium, the lead included (default: the minimum + 1).
        n : int
            Number of consortia to return.
        pool : int, optional
            Largest candidate pool searched exactly (default ``Config.partner_exact_pool``).

        Returns
        -------
        list of Consortium
            At most ``n``, best first, with distinct member sets.
        """
        rules, size = _action_rules(action, size)
        pool = self.config_.partner_exact_pool if pool is None else pool
        lead = self._i(org_id)
        self._check_lead(lead, action)
        k = max(pool, CANDIDATES_PER_MEMBER * size)
        ranked = self.rank(
            org_id, idea, k, priorities=priorities, newcomer_weight=newcomer_weight, action=action
        )
        problem = self._problem(lead, ranked, size - 1, rules)
        if len(problem.candidates) <= pool:
            found, method = exact_search(problem), EXACT_METHOD
        else:
            found, method = greedy_search(problem, GREEDY_STARTS_PER_RESULT * n), GREEDY_METHOD
        wanted = self._wanted(lead)
        return [
            describe_consortium(
                [lead, *partners], value, rules, method, self.orgs_, self.langs_, wanted
            )
            for value, partners in best_distinct(found, n)
        ]

    def _check_lead(self, lead: int, action: str) -> None:
        """A lead in a third country not associated to the Programme cannot coordinate."""
        if self.counted_[lead]:
            return
        org, country = self.orgs_.at[lead, "org_id"], self.countries_[lead]
        role = (
            "can be a partner, never the coordinator"
            if tx.third_country_partners(action)
            else "cannot take part"
        )
        raise ValueError(
            f"{org} is in {country}, a third country not associated to the Programme: it "
            f"{role} in {action}"
        )

    def _problem(
        self, lead: int, ranked: pd.DataFrame, n_partners: int, rules: dict
    ) -> ConsortiumProblem:
        """The search over ``ranked`` partners, their rank scores as base scores."""
        candidates = [self._i(c) for c in ranked["org_id"]]
        return ConsortiumProblem(
            lead=lead,
            candidates=candidates,
            base_scores=dict(zip(candidates, ranked["score"], strict=True)),
            org_types=self.types_,
            countries=self.countries_,
            n_partners=n_partners,
            min_countries=rules["min_countries"],
            diversity_bonus=self.config_.partner_diversity_bonus,
            counted=self.counted_,
            min_orgs=rules["min_orgs"],
        )


def _action_rules(action: str, size: int | None) -> tuple[dict, int]:
    """The action's composition rules and the consortium size (default: minimum + 1)."""
    actions = tx.partnership_actions()
    if action not in actions:
        raise ValueError(f"action must be one of {sorted(actions)}")
    rules = actions[action]
    size = size or rules["min_orgs"] + 1
    if size < rules["min_orgs"]:
        raise ValueError(f"{action} needs at least {rules['min_orgs']} organisations")
    return rules, size
