"""The ``Matcher`` facade: fit once, then score, recommend and explain in both directions."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._config import Config
from ..geo import gazetteer, normalise_place
from ..privacy import CANDIDATE_COLUMNS, PRIVATE_CRITERIA
from ..privacy import pseudonym as _pseudonym
from ._criteria import CRITERION
from ._fit import fit_state, profile_state
from ._groups import group_label
from ._history import NEUTRAL as NO_COOPERATION
from ._place import pair_km as _pair_km
from ._rules import RULES, feasibility, host_side
from ._sector import approximate_text, pair_text_evidence, strong_fits, text_error
from ._topk import top_k, top_k_rows

__all__ = [
    "Matcher",
    "Explanation",
    "CANDIDATE_COLUMNS",
    "HOST_RESULT_COLUMNS",
    "candidate_result_columns",
    "top_k",
    "top_k_rows",
]

#: Added to the score of hosts that clear the sector gate, and once more for a strong sector
#: fit, so that strong fits rank first, then the other hosts of the trade (scores lie in
#: [0, 1]; the others rank by sector fit, below 1).
_GATE_OFFSET = 2.0
#: Rankings order keys on this grid: closer keys are ties, broken by row order. Two
#: backends of one model (torch, onnxruntime) differ by about 1e-7 in a score, which
#: reordered near-ties between them; a difference under 1e-5 means nothing to a user (scores
#: are shown to two decimals). Keys that straddle a grid line can still differ.
RANK_GRID = 1e-5


def _ranking_key(key: np.ndarray) -> np.ndarray:
    """``key`` on :data:`RANK_GRID` (float64 whole numbers of grid steps)."""
    return np.round(np.asarray(key, dtype=np.float64) / RANK_GRID)


#: From this many hosts, one participant's ranking is first estimated with float32 text
#: similarity and only the hosts that could reach the top re-scored exactly.
PRESELECT_HOSTS = 20_000
#: Value a private criterion takes on the host's side: the same for every candidate (for
#: cooperation, what a pair with no earlier cooperation scores).
_NEUTRAL_PRIVATE = {"inclusion": 1.0, "cooperation": NO_COOPERATION}
#: Columns of a host ranking (``recommend_hosts``), in order.
HOST_RESULT_COLUMNS = [
    "rank",
    *("host_id", "name", "country", "city", "org_type", "sector"),
    *("score", "km", "sector_match", "components", "reasons"),
]


@dataclass
class Explanation:
    """Why a pair scores what it does, or why it is excluded."""

    participant_id: str
    host_id: str
    score: float
    feasible: bool
    components: dict[str, float]
    reasons: dict[str, str]
    broken_rules: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain data (rounded), for JSON."""
        return {
            "participant_id": self.participant_id,
            "host_id": self.host_id,
            "score": round(self.score, 4),
            "feasible": self.feasible,
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "reasons": self.reasons,
            "broken_rules": self.broken_rules,
        }

    def __str__(self) -> str:
        head = f"{self.participant_id} x {self.host_id}: score {self.score:.3f}"
        lines = [head + ("" if self.feasible else "  (excluded)")]
        labels = {rule.name: rule.label for rule in RULES}
        lines += [f"  x {labels.get(r, r)}: {text}" for r, text in self.broken_rules.items()]
        for name, value in self.components.items():
            lines.append(f"  {name:<12}{value:5.2f}  {self.reasons.get(name, '')}")
        return "\n".join(lines)


class Matcher:
    """Score participant-host compatibility; recommend and explain in both directions.

    Parameters
    ----------
    config : Config, optional
        Weights, model and cache (``Config.from_env()`` when omitted).
    encoder : Encoder, optional
        Text encoder; by default the configured model behind the on-disk embedding cache.
    scorer : optional
        A learned scorer (``Workspace.load_scorer()``) used when ``config.scorer`` is
        ``learned`` or when given.

    Attributes
    ----------
    participants_, hosts_ : DataFrame
        The fitted frames, in the order of every array below.
    participant_ids_ : ndarray (n_participants,) ; host_ids_ : ndarray (n_hosts,)
    occupation_links_ : list of OccupationLink
        Each participant's ESCO occupation and ISCED-F field, with confidences.
    nace_links_ : list of NaceLink
        Each host's NACE class, given or inferred, with its confidence.
    participant_vectors_ : ndarray (n_participants, d) ; host_vectors_ : ndarray (n_hosts, d)
        Unit text vectors (expanded with ESCO and NACE) behind the sector criterion.
    participant_places_, host_places_ : geo.Places
        Where each participant's sending town and each host is (``lat, lon, how, name``):
        given coordinates, the town in the offline gazetteer, or the capital as fallback.

    Examples
    --------
    >>> from matcher import Matcher, load_participants, load_hosts
    >>> from matcher.taxonomy import sample_dir
    >>> m = Matcher().fit(load_participants(sample_dir() / "participants.csv"),
    ...                   load_hosts(sample_dir() / "hosts.csv"))
    >>> ranked = m.recommend_hosts("P0001", k=3)
    >>> list(ranked["rank"]), bool(ranked["score"].is_monotonic_decreasing)
    ([1, 2, 3], True)
    """

    def __init__(self, config: Config | None = None, encoder=None, scorer=None):
        self.config = config
        self.encoder = encoder
        self.scorer = scorer

    # --- fitting -------------------------------------------------------------------------

    def fit(
        self, participants: pd.DataFrame, hosts: pd.DataFrame, history: pd.DataFrame | None = None
    ) -> Matcher:
        """Encode texts (cached), place both sides in the taxonomies, build the arrays.

        ``history`` is the workspace's decisions table (``Workspace.history()``): past
        cooperation between a sending organisation and a host becomes the cooperation
        criterion, and a host that declined a participant is not proposed to them again.
        """
        self.config_ = self.config or Config.from_env()
        self.weights_ = self.config_.normalised_weights()
        self.scorer_ = self._resolve_scorer()
        if self.encoder is None:
            from ..encode import make_encoder

            self.encoder_ = make_encoder(self.config_)
        else:
            self.encoder_ = self.encoder
        return self._adopt(fit_state(participants, hosts, history, self.encoder_, self.config_))

    def with_participants(self, participants: pd.DataFrame) -> Matcher:
        """A matcher of other participants (e.g. a profile typed in) against this matcher's
        hosts as fitted, without fitting the hosts again.

        Each new profile is placed in ESCO, encoded (cached) and centred on its language as
        if it had been one more participant of this fit; it has no decision history.
        This matcher is left as it was. :func:`matcher.engine.warm_profiles` loads ahead
        what the first call would wait for.
        """
        other = copy.copy(self)
        return other._adopt(profile_state(self._S, participants, self.encoder_), hosts=False)

    def _adopt(self, S, hosts: bool = True) -> Matcher:
        """Take ``S`` (a fitted state) as this matcher's (``hosts``: its host side is new)."""
        self._S = S
        self.participants_, self.participant_ids_ = S.participants, S.P.ids
        self.occupation_links_, self.participant_vectors_ = S.occupations, S.P.emb
        self.participant_places_ = S.travel.participants
        self._p_index = {pid: i for i, pid in enumerate(S.P.ids)}
        self._candidate_values = {c: S.participants[c].tolist() for c in CANDIDATE_COLUMNS}
        if hosts:
            self.hosts_, self.host_ids_ = S.hosts, S.H.ids
            self.nace_links_, self.host_vectors_ = S.nace, S.H.emb
            self.host_places_ = S.travel.hosts
            self._h_index = {hid: j for j, hid in enumerate(S.H.ids)}
            self._sector_text = [
                f"{s} | {link.code} {_nace_name(link.code)}".lower()
                for s, link in zip(S.hosts["sector"], S.nace, strict=True)
            ]
        return self

    def _resolve_scorer(self):
        kind = self.config_.scorer
        if kind not in ("weights", "learned"):
            raise ValueError(f"scorer must be 'weights' or 'learned', got {kind!r}")
        if kind == "learned" and self.scorer is None:
            raise ValueError(
                "MATCHER_SCORER=learned needs a learned model: run 'matcher learn' and pass "
                "Workspace.load_scorer()"
            )
        return self.scorer

    # --- ids -----------------------------------------------------------------------------

    def participant_index(self, participant_ids) -> np.ndarray:
        """Row of each participant id: ``ndarray (len(ids),)`` int64; KeyError for unknown ids."""
        return _lookup(participant_ids, self._p_index, "participant_id")

    def host_index(self, host_ids) -> np.ndarray:
        """Column of each host id: ``ndarray (len(ids),)`` int64; KeyError for unknown ids."""
        return _lookup(host_ids, self._h_index, "host_id")

    def _rows(self, ids, side: str) -> np.ndarray:
        n = len(self._p_index if side == "p" else self._h_index)
        if ids is None:
            return np.arange(n)
        return self.participant_index(ids) if side == "p" else self.host_index(ids)

    # --- scoring -------------------------------------------------------------------------

    def _components(self, pi, hj) -> dict[str, np.ndarray]:
        comps = {name: c.score(self._S, pi, hj) for name, c in CRITERION.items()}
        return self._follow_groups(comps, pi, hj)

    def _follow_groups(self, comps: dict, pi, hj) -> dict[str, np.ndarray]:
        """An accompanying person's scores are their group's: the mean over its learners."""
        S = self._S
        pi = np.asarray(pi)
        group = S.P.group[pi]
        rows = np.flatnonzero(S.P.accompanying[pi] & (group >= 0))
        if not len(rows):
            return comps
        comps = {name: np.array(values) for name, values in comps.items()}
        groups = [g for g in np.unique(group[rows]) if len(S.G.learners[g])]
        if not groups:
            return comps
        learners = np.concatenate([S.G.learners[g] for g in groups])  # one call for all
        theirs = {name: c.score(S, learners, hj) for name, c in CRITERION.items()}
        start = 0
        for g in groups:
            size = len(S.G.learners[g])
            target = rows[group[rows] == g]
            for name, values in theirs.items():
                comps[name][target] = values[start : start + size].mean(axis=0)
            start += size
        return comps

    def _combine(self, comps: dict[str, np.ndarray]) -> np.ndarray:
        if self.scorer_ is not None:
            return self.scorer_.score(comps)
        score = np.zeros_like(comps["sector"])
        for name, w in self.weights_.items():
            if w:
                score += np.float32(w) * comps[name]
        return score

    def _block(self, pi, hj=slice(None), check_capacity=True):
        """Components, rule masks and the combined score for a block of pairs."""
        comps = self._components(pi, hj)
        rules = feasibility(self._S, pi, hj, check_capacity)
        mask = np.logical_and.reduce(list(rules.values()))
        return self._combine(comps), mask, comps, rules

    def score_matrix(
        self, participant_ids=None, host_ids=None, check_capacity=True, block: int = 512
    ):
        """Scores and feasibility for all pairs of the given ids (default: everyone).

        Returns
        -------
        scores : ndarray (n_participants, n_hosts) float32, ``scores[i, j]``
        mask : ndarray (n_participants, n_hosts) bool, True where every hard rule holds
        """
        pi, hj = self._rows(participant_ids, "p"), self._rows(host_ids, "h")
        scores = np.zeros((len(pi), len(hj)), dtype=np.float32)
        mask = np.zeros((len(pi), len(hj)), dtype=bool)
        for s in range(0, len(pi), block):
            sc, m, _, _ = self._block(pi[s : s + block], hj, check_capacity)
            scores[s : s + block], mask[s : s + block] = sc, m
        return scores, mask

    def score_details(self, participant_ids=None, host_ids=None, check_capacity=True):
        """Scores, feasibility and per-criterion scores of all pairs of the given ids, at once.

        Returns
        -------
        scores : ndarray (n_participants, n_hosts) float32
        mask : ndarray (n_participants, n_hosts) bool
        components : dict of name -> ndarray (n_participants, n_hosts) float32
        """
        pi, hj = self._rows(participant_ids, "p"), self._rows(host_ids, "h")
        scores, mask, comps, _ = self._block(pi, hj, check_capacity)
        return scores, mask, comps

    def ranking_keys(self, participant_ids=None, host_ids=None, scores=None, sector=None):
        """What :meth:`recommend_hosts` orders hosts by, ``(n_participants, n_hosts)``
        float64, higher first: a strong sector fit (``strong_fit`` and ``strong_text_fit``,
        as the reasons say), then the other hosts that clear ``config.sector_gate``, each by score
        (plus an offset per tier); then the rest by sector fit alone. Feasibility is not
        applied (see :meth:`score_matrix`). ``scores`` and ``sector`` (the sector criterion)
        when already computed for these ids, e.g. with a score's weights changed."""
        pi, hj = self._rows(participant_ids, "p"), self._rows(host_ids, "h")
        if scores is None or sector is None:
            scores, _, comps, _ = self._block(pi, hj)
            sector = comps["sector"]
        return self._host_key(pi, hj, np.asarray(scores, np.float64), np.asarray(sector))

    def distance_matrix(self, participant_ids=None, host_ids=None) -> np.ndarray:
        """Great-circle km from each participant's sending town to each host's town,
        ``(n_participants, n_hosts)`` (what the travel criterion and the budget use)."""
        from ._place import travel_km

        return travel_km(self._S, self._rows(participant_ids, "p"), self._rows(host_ids, "h"))

    def distance_pairs(self, participant_ids, host_ids) -> np.ndarray:
        """Great-circle km of aligned pairs, participant ``k`` to host ``k``: ``(n_pairs,)``."""
        from ._place import pair_km

        pi, hj = self.participant_index(participant_ids), self.host_index(host_ids)
        if len(pi) != len(hj):
            raise ValueError(f"{len(pi)} participant ids but {len(hj)} host ids")
        return pair_km(self._S, pi, hj)

    def score_pairs(self, participant_ids, host_ids, check_capacity=True):
        """Scores of aligned pairs: participant ``k`` with host ``k``.

        Returns
        -------
        scores : ndarray (n_pairs,) float32 ; mask : ndarray (n_pairs,) bool
        """
        comps, rules = self.components_pairs(participant_ids, host_ids, check_capacity)
        mask = np.logical_and.reduce(list(rules.values()))
        return self._combine({k: v[:, None] for k, v in comps.items()})[:, 0], mask

    def components_matrix(self, participant_ids=None, host_ids=None, check_capacity=True):
        """Per-criterion scores ``{name: (n_p, n_h)}`` and rule masks ``{rule: (n_p, n_h)}``."""
        pi, hj = self._rows(participant_ids, "p"), self._rows(host_ids, "h")
        _, _, comps, rules = self._block(pi, hj, check_capacity)
        return comps, rules

    def components_pairs(self, participant_ids, host_ids, check_capacity=True):
        """Per-criterion scores ``{name: (n_pairs,)}`` and rule masks of aligned pairs."""
        pi, hj = self.participant_index(participant_ids), self.host_index(host_ids)
        if len(pi) != len(hj):
            raise ValueError(f"{len(pi)} participant ids but {len(hj)} host ids")
        comps = {n: np.zeros(len(pi), dtype=np.float32) for n in CRITERION}
        rules: dict[str, np.ndarray] = {}
        for u in np.unique(pi):  # one participant row against its hosts at a time
            rows = np.flatnonzero(pi == u)
            _, _, c, r = self._block(np.array([u]), hj[rows], check_capacity)
            for name, values in c.items():
                comps[name][rows] = values[0]
            for name, values in r.items():
                rules.setdefault(name, np.ones(len(pi), dtype=bool))[rows] = values[0]
        return comps, rules

    # --- recommendations -----------------------------------------------------------------

    def recommend_hosts(
        self,
        participant_id: str,
        k: int = 10,
        *,
        country=None,
        org_type=None,
        sector: str | None = None,
        min_score: float | None = None,
        city=None,
        max_km: float | None = None,
        explain: bool = True,
    ) -> pd.DataFrame:
        """The ``k`` best feasible hosts for a participant, hosts of the right trade first.

        Filters: ``country`` and ``org_type`` (a value or a list), ``sector`` (text found
        in the host's sector or NACE label, or a NACE code prefix), ``min_score``, ``city``
        (a town or a list, as written or in another language: "München" finds Munich) and
        ``max_km`` (great-circle km from the participant's sending town).

        Returns
        -------
        DataFrame with ``rank, host_id, name, country, city, org_type, sector, score, km,
        sector_match, components, reasons`` (``km`` from the sending town, city level where
        known). Infeasible hosts never appear. Hosts whose sector fit clears
        ``config.sector_gate`` (``sector_match``) come first, best score first, those of a
        strong fit (as the reasons say it) before the partial; when fewer
        than ``k`` do, ``attrs["notice"]`` says so and the rest follow as the closest
        alternatives, nearest trade first.
        """
        i = self.participant_index([participant_id])[0]
        wanted = self._host_filter(country, org_type, sector)
        if city is not None or max_km is not None:  # distances only when a filter needs them
            km = None if max_km is None else self.distance_matrix([participant_id])[0]
            wanted = wanted & self._place_filter(city, max_km, km)
        top, score, comps, match = self._host_ranking(np.array([i]), wanted, min_score, k)
        top = top[0][top[0] >= 0]
        rows = [
            self._host_row(rank, i, 0, j, score, comps, match, explain)
            for rank, j in enumerate(top, start=1)
        ]
        out = pd.DataFrame(rows, columns=HOST_RESULT_COLUMNS)
        out.attrs["notice"] = self._gate_notice(i, int(match[0, top].sum()), len(top), k)
        return out

    def recommend_hosts_batch(self, participant_ids=None, k: int = 10, **options):
        """``recommend_hosts`` for many participants (default: all), in blocks of the score
        matrix: an iterator of tables, ``participant_id`` then the ranking's columns.

        Options are ``recommend_hosts``'s filters, ``explain`` and ``block_pairs`` (pairs
        scored at a time, default ``config.block_pairs``): memory stays bounded whatever the
        size, and reasons are built only for the rows returned. Each participant's rows equal
        ``recommend_hosts(participant_id, k, ...)``.

        Examples
        --------
        >>> from matcher import Matcher, load_participants, load_hosts
        >>> from matcher.taxonomy import sample_dir
        >>> m = Matcher().fit(load_participants(sample_dir() / "participants.csv"),
        ...                   load_hosts(sample_dir() / "hosts.csv"))
        >>> blocks = list(m.recommend_hosts_batch(["P0001", "P0002"], k=3, block_pairs=250))
        >>> len(blocks), list(blocks[0]["rank"])
        (2, [1, 2, 3])
        """
        from ._batch import host_rankings

        return host_rankings(self, participant_ids, k, **options)

    def _host_ranking(self, pi, wanted, min_score, k):
        """Top ``k`` hosts of each participant row ``pi``: ``(len(pi), k)`` columns, -1 pads.

        Also returns the block's scores, components and sector-gate flags ``(len(pi), m)``,
        which the result rows read. Hosts of a strong sector fit rank by score, then the other
        hosts of the trade by score, then the others by closeness of trade.
        """
        if len(pi) == 1 and self.scorer_ is None and len(self.host_ids_) >= PRESELECT_HOSTS:
            return self._host_ranking_preselected(pi, wanted, min_score, k)
        score, mask, comps, _ = self._block(pi)
        mask &= wanted[None, :]
        if min_score is not None:
            mask &= score >= min_score
        sector = comps["sector"]
        match = sector >= self.config_.sector_gate
        top = top_k_rows(_ranking_key(self._host_key(pi, slice(None), score, sector)), mask, k)
        return top, score, comps, match

    def _host_key(self, pi, hj, score, sector, slack: float = 0.0) -> np.ndarray:
        """What hosts rank by: a strong sector fit first, then the other hosts that clear the
        sector gate (partial fits), each by score; then the rest by sector fit, nearest trade
        first. ``slack``: the key with scores and sector fits that much higher (bounds)."""
        gate = self.config_.sector_gate
        tier = (sector + slack >= gate).astype(np.float64)
        tier += strong_fits(self._S, pi, hj, sector, slack) & (tier > 0)
        return np.where(tier > 0, tier * _GATE_OFFSET + score + slack, sector + slack)

    def _host_ranking_preselected(self, pi, wanted, min_score, k):
        """:meth:`_host_ranking` of one participant against many hosts, the same result in
        less time: every host scored with float32 text similarity (half the memory read),
        then the hosts that could reach the top ``k`` within that estimate's error scored
        exactly (float64, as the batch path does) and the top ``k`` taken from those. The
        arrays returned hold the exact values for those hosts."""
        with approximate_text():
            score, mask, comps, _ = self._block(pi)
        mask = mask[0] & wanted
        gate, d = self.config_.sector_gate, text_error(self._S) * max(1.0, self._sector_weight())
        s = score[0]
        sure = mask.copy()  # hosts that pass the score floor whatever the exact score
        if min_score is not None:
            sure &= s >= min_score + d
            mask &= s >= min_score - d
        low = self._host_key(pi, slice(None), score, comps["sector"], -d)[0]  # the exact
        high = self._host_key(pi, slice(None), score, comps["sector"], d)[0]  # key's bounds
        cand, n_sure = np.flatnonzero(mask), int(sure.sum())
        if n_sure > k:  # the k-th best exact key is at least the k-th best sure lower bound
            kth = np.partition(low[sure], n_sure - k)[n_sure - k]
            cand = cand[high[cand] >= kth - 2 * RANK_GRID]  # a tie on the grid may win
        exact, ok, exact_comps, _ = self._block(pi, cand)
        ok &= wanted[cand][None, :]
        if min_score is not None:
            ok &= exact >= min_score
        score[:, cand] = exact
        for name, values in exact_comps.items():
            if not comps[name].flags.writeable:  # a criterion's broadcast constant
                comps[name] = np.array(comps[name])
            comps[name][:, cand] = values
        match = comps["sector"] >= gate
        key = _ranking_key(self._host_key(pi, cand, exact, exact_comps["sector"]))
        top = top_k_rows(key, ok, k)
        return np.where(top >= 0, cand[np.maximum(top, 0)], -1), score, comps, match

    def _sector_weight(self) -> float:
        return float(self.weights_.get("sector", 1.0))

    def _host_filter(self, country, org_type, sector) -> np.ndarray:
        h, ok = self.hosts_, np.ones(len(self.hosts_), dtype=bool)
        if country is not None:
            ok &= h["country"].isin(_as_list(country)).to_numpy()
        if org_type is not None:
            ok &= h["org_type"].isin(_as_list(org_type)).to_numpy()
        if sector:
            needle = sector.lower().strip()
            ok &= np.array([needle in t for t in self._sector_text])
        return ok

    def _place_filter(self, city, max_km, km: np.ndarray | None) -> np.ndarray:
        ok = np.ones(len(self.hosts_), dtype=bool)
        if city is not None and len(_as_list(city)):
            places = self._S.travel.hosts
            wanted = _town_keys(_as_list(city), set(self.hosts_["country"]), self.config_)
            ok &= np.array(
                [
                    normalise_place(given) in wanted or normalise_place(name) in wanted
                    for given, name in zip(places.given, places.name, strict=True)
                ]
            )
        if max_km is not None:
            ok &= km <= max_km
        return ok

    def _host_row(self, rank, i, r, j, score, comps, match, explain, text=None, km=None) -> dict:
        """Result row of host ``j`` for participant ``i``, row ``r`` of the scored block
        (``text``, ``km``: the pair's sector text evidence and distance, when the caller has
        them)."""
        comp = {name: float(c[r, j]) for name, c in comps.items()}
        row = {"rank": rank, "host_id": self.host_ids_[j]}
        row.update({c: self._S.h[c][j] for c in ("name", "country", "org_type", "sector")})
        row["city"] = self._S.travel.hosts.given[j]
        if km is None:
            km = float(_pair_km(self._S, np.array([i]), np.array([j]))[0])
        row["km"] = km
        row.update(
            {"score": float(score[r, j]), "sector_match": bool(match[r, j]), "components": comp}
        )
        given = {"travel": {"km": km}}
        if text is not None:
            given["sector"] = {"text": text, "value": comp["sector"]}
        row["reasons"] = self._reasons(i, j, given) if explain else {}
        return row

    def _gate_notice(self, i: int, n_match: int, n_shown: int, k: int) -> str:
        if n_match >= min(k, n_shown) and n_shown:
            return ""
        S, g = self._S, int(self._S.P.group[i])
        if S.P.accompanying[i] and g >= 0 and len(S.G.learners[g]):
            i = int(S.G.learners[g][0])  # the trade of the learners they go with
        trade = self.participants_.at[i, "occupation"]
        if n_shown == 0:
            return f"No host meets the programme's rules and the filters for '{trade}'."
        if n_match == 0:
            return (
                f"No host in the trade of '{trade}' meets the rules and the filters; "
                "closest alternatives (nearest trades first):"
            )
        hosts = "1 host" if n_match == 1 else f"{n_match} hosts"
        verb = "meets" if n_match == 1 else "meet"
        return (
            f"Only {hosts} in the trade of '{trade}' {verb} the rules and the filters; "
            "then the closest alternatives (nearest trades first)."
        )

    def recommend_participants(
        self,
        host_id: str,
        k: int = 10,
        *,
        consenting_only: bool = True,
        pseudonymise: bool = True,
        role: str | None = None,
        home_country=None,
        min_score: float | None = None,
        explain: bool = True,
    ) -> pd.DataFrame:
        """The ``k`` best feasible candidates for a host, seen from the host's side.

        By default only participants who consented to share are listed, under a pseudonym,
        with the fields in :data:`CANDIDATE_COLUMNS` and no special-category data. The
        host-side score gives every candidate the same value on the private criteria
        (inclusion), so two candidates who differ only in special-category data get the same
        score and rank; it may therefore differ from the coordinator's score for the pair.
        Which candidates are listed does not depend on special-category data either: a
        candidate who needs an accessible host is listed at hosts that are not accessible too
        (the rule holds for proposals and allocations), so that no host learns that need by
        comparing lists. Candidates whose sector fit clears ``config.sector_gate`` come first,
        those of a strong fit before the partial.
        """
        j = self.host_index([host_id])[0]
        wanted = self._participant_filter(consenting_only, role, home_country)
        top, score, comps = self._candidate_ranking(
            np.array([j]), wanted, min_score, k, pseudonymise
        )
        top = top[0][top[0] >= 0]
        rows = [
            self._candidate_row(rank, i, 0, j, score, comps, pseudonymise, explain)
            for rank, i in enumerate(top, start=1)
        ]
        return pd.DataFrame(rows, columns=candidate_result_columns(pseudonymise))

    def recommend_participants_batch(self, host_ids=None, k: int = 10, **options):
        """``recommend_participants`` for many hosts (default: all), in blocks of the score
        matrix: an iterator of tables, ``host_id`` then the ranking's columns.

        Options are ``recommend_participants``'s (consenting and pseudonymised by default),
        ``explain`` and ``block_pairs``; each host's rows equal
        ``recommend_participants(host_id, k, ...)``.
        """
        from ._batch import candidate_rankings

        return candidate_rankings(self, host_ids, k, **options)

    def _candidate_ranking(self, hj, wanted, min_score, k, pseudonymise):
        """Top ``k`` participants of each host column ``hj``: ``(len(hj), k)`` rows, -1 pads.

        Also returns the block's host-side scores and components ``(n_participants,
        len(hj))``: with ``pseudonymise`` every candidate gets the same value on the
        private criteria. Candidates rank as hosts do for a participant (:meth:`_host_key`):
        strong fits, then partial ones, each by score, then the rest by closeness of trade.
        """
        pi = np.arange(len(self.participants_))
        score, mask, comps, rules = self._block(pi, hj)
        if pseudonymise:  # nothing a host sees depends on special-category data
            mask = host_side(self._S, pi, hj, rules)
            comps = {
                n: (np.full_like(c, _NEUTRAL_PRIVATE.get(n, 1.0)) if n in PRIVATE_CRITERIA else c)
                for n, c in comps.items()
            }
            score = self._combine(comps)
        mask &= wanted[:, None]
        if min_score is not None:
            mask &= score >= min_score
        key = self._host_key(pi, hj, score, comps["sector"])  # the coordinator's order
        return top_k_rows(_ranking_key(key.T), mask.T, k), score, comps

    def _participant_filter(self, consenting_only, role, home_country) -> np.ndarray:
        p, ok = self.participants_, np.ones(len(self.participants_), dtype=bool)
        ok &= ~self._S.P.accompanying  # they go with their learners, not to a place of their own
        if consenting_only:
            ok &= self._S.P.consent
        if role is not None:
            ok &= (p["role"] == role).to_numpy()
        if home_country is not None:
            ok &= p["home_country"].isin(_as_list(home_country)).to_numpy()
        return ok

    def _candidate_row(self, rank, i, c, j, score, comps, pseudonymise, explain) -> dict:
        """Result row of participant ``i`` for host ``j``, column ``c`` of the scored block."""
        comp = {name: float(v[i, c]) for name, v in comps.items()}
        reasons = self._reasons(i, j, for_host=pseudonymise) if explain else {}
        if pseudonymise:
            comp = {n: v for n, v in comp.items() if n not in PRIVATE_CRITERIA}
            reasons = {n: v for n, v in reasons.items() if n not in PRIVATE_CRITERIA}
        pid = self.participant_ids_[i]
        row = {"rank": rank}
        row["candidate" if pseudonymise else "participant_id"] = (
            self.pseudonym(pid) if pseudonymise else pid
        )
        row.update({col: self._candidate_values[col][i] for col in CANDIDATE_COLUMNS})
        row.update({"score": float(score[i, c]), "components": comp, "reasons": reasons})
        return row

    def pseudonym(self, participant_id: str) -> str:
        """The candidate's pseudonym (see :func:`matcher.privacy.pseudonym`)."""
        return _pseudonym(participant_id)

    # --- explanations --------------------------------------------------------------------

    def _reasons(
        self, i: int, j: int, given: dict | None = None, for_host: bool = False, only=None
    ) -> dict[str, str]:
        """Each criterion's sentence for pair ``(i, j)``; ``given`` passes values a caller
        already computed to a criterion's reason (``{"sector": {"text": .., "value": ..}}``);
        ``for_host``: the wording a host may read; ``only``: these criteria's sentences. An
        accompanying person's sentences are their group's (its first learner's)."""
        S, given = self._S, given or {}
        g = int(S.P.group[i])
        if S.P.accompanying[i] and g >= 0 and len(S.G.learners[g]):
            first = int(S.G.learners[g][0])  # an accompanying person's scores are the group's
            head = f"{group_label(S, g)}, mean of the learners' scores; e.g. {S.P.ids[first]}: "
            given = {}
        else:
            first, head = i, ""
        return {
            name: head
            + ((for_host and c.host_reason) or c.reason)(S, first, j, **given.get(name, {}))
            for name, c in CRITERION.items()
            if only is None or name in only
        }

    def explain_pairs(self, participant_ids, host_ids, criteria=None, block: int = 512):
        """What :meth:`explain` gives, for many pairs at once: participant
        ``participant_ids[k]`` with host ``host_ids[k]`` (the broken rules left out).

        Pairs are scored a block of participants at a time against the block's hosts only,
        so a whole cohort's placements cost about one scoring pass over them, not one call
        each. ``criteria``: the criteria whose sentences are wanted (default: every one).

        Returns
        -------
        score : ndarray (k,) float32
        components : dict of name -> ndarray (k,) float32
        reasons : list of dict, each criterion's sentence per pair
        """
        pi, hj = self.participant_index(participant_ids), self.host_index(host_ids)
        if len(pi) != len(hj):
            raise ValueError(f"{len(pi)} participants for {len(hj)} hosts: pairs must align")
        score = np.zeros(len(pi), dtype=np.float32)
        comps = {name: np.zeros(len(pi), dtype=np.float32) for name in CRITERION}
        for s in range(0, len(pi), block):
            a, b = pi[s : s + block], hj[s : s + block]
            cols, at = np.unique(b, return_inverse=True)
            sc, _, cp, _ = self._block(a, cols, check_capacity=False)
            r = np.arange(len(a))
            score[s : s + block] = sc[r, at]
            for name in comps:
                comps[name][s : s + block] = cp[name][r, at]
        text = pair_text_evidence(self._S, pi, hj)
        km = _pair_km(self._S, pi, hj)
        reasons = [
            self._reasons(
                int(i),
                int(j),
                {
                    "travel": {"km": float(km[k])},
                    "sector": {"text": float(text[k]), "value": float(comps["sector"][k])},
                },
                only=criteria,
            )  # fmt: skip
            for k, (i, j) in enumerate(zip(pi, hj, strict=True))
        ]
        return score, comps, reasons

    def explain(self, participant_id: str, host_id: str) -> Explanation:
        """Components, reasons and, for an excluded host, the rules it breaks."""
        i = self.participant_index([participant_id])[0]
        j = self.host_index([host_id])[0]
        score, mask, comps, rules = self._block(np.array([i]), np.array([j]))
        why = {rule.name: rule.why for rule in RULES}
        broken = {r: why[r](self._S, i, j) for r, ok in rules.items() if not bool(ok[0, 0])}
        return Explanation(
            participant_id=participant_id,
            host_id=host_id,
            score=float(score[0, 0]),
            feasible=bool(mask[0, 0]),
            components={name: float(c[0, 0]) for name, c in comps.items()},
            reasons=self._reasons(i, j),
            broken_rules=broken,
        )


def candidate_result_columns(pseudonymise: bool = True) -> list[str]:
    """Columns of a candidate ranking (``recommend_participants``), in order."""
    first = "candidate" if pseudonymise else "participant_id"
    return ["rank", first, *CANDIDATE_COLUMNS, "score", "components", "reasons"]


def _nace_name(code: str) -> str:
    from .. import taxonomy as tx

    return tx.nace_name(code) if code else ""


def _lookup(ids, index: dict, what: str) -> np.ndarray:
    ids = [ids] if isinstance(ids, str) else list(ids)
    missing = [i for i in ids if i not in index]
    if missing:
        raise KeyError(f"unknown {what}(s): {', '.join(map(str, missing[:5]))}")
    return np.array([index[i] for i in ids], dtype=np.int64)


def _town_keys(towns, countries, config) -> set[str]:
    """Normalised names of ``towns`` as written and as the gazetteer names them in any of
    ``countries`` ("Wien" also as "vienna")."""
    keys = {normalise_place(t) for t in towns} - {""}
    g = gazetteer(config)
    for town in towns:
        for country in countries:
            row = g.lookup(town, country)
            if row is not None:
                keys.add(normalise_place(g.name[row]))
    return keys


def _as_list(x):
    return [x] if isinstance(x, str) else list(x)
