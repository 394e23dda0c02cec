"""The ``Matcher`` facade: fit once, then recommend and explain in both directions."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from .._config import Config
from ..io import parse_languages, parse_list
from . import _criteria as C
from ._explain import RULE_TEXT, day, lang_name, strength, taxonomy_phrase
from ._history import build_history
from ._links import field_index, infer_fields, infer_nace, taxonomy_relevance
from ._prepare import OPEN_END, OPEN_START, Vocab, prepare_hosts, prepare_participants

__all__ = ["Matcher", "Explanation", "CANDIDATE_COLUMNS"]

from ..privacy import CANDIDATE_COLUMNS, PRIVATE_CRITERIA
from ..privacy import pseudonym as _pseudonym


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
        for rule, text in self.broken_rules.items():
            lines.append(f"  x {rule}: {text}")
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
        Text encoder; by default the configured sentence-transformers model behind the
        on-disk embedding cache.

    Examples
    --------
    >>> from matcher import Matcher, load_participants, load_hosts
    >>> from matcher.taxonomy import sample_dir
    >>> import warnings; warnings.simplefilter("ignore")
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
        """Encode texts (cached), link taxonomies and build the arrays the criteria use.

        ``history`` is the workspace's decisions table (``Workspace.history()``): past
        cooperation between a sending organisation and a host becomes the cooperation
        criterion, and a host that declined a participant is not proposed to them again.
        """
        self.config_ = self.config or Config.from_env()
        self.weights_ = self.config_.normalised_weights()
        if self.config_.scorer not in ("weights", "learned"):
            raise ValueError(f"scorer must be 'weights' or 'learned', got {self.config_.scorer!r}")
        self.scorer_ = (
            self.scorer if self.config_.scorer == "learned" or self.scorer is not None else None
        )
        if self.config_.scorer == "learned" and self.scorer_ is None:
            raise ValueError(
                "MATCHER_SCORER=learned needs a learned model: run 'matcher learn' and pass Workspace.load_scorer()"
            )
        if self.encoder is None:
            from ..encode import make_encoder

            self.encoder_ = make_encoder(self.config_)
        else:
            self.encoder_ = self.encoder
        self.participants_ = participants.reset_index(drop=True)
        self.hosts_ = hosts.reset_index(drop=True)
        self.vocab_ = Vocab.build(self.participants_, self.hosts_)

        self.field_links_ = infer_fields(self.participants_, self.encoder_)
        self.nace_links_ = infer_nace(self.hosts_, self.encoder_)
        fields, field_idx = field_index(self.field_links_)
        self.vocab_.fields = fields
        nace = np.array([link.code for link in self.nace_links_], dtype=object)
        self.tax_by_field_ = taxonomy_relevance(fields, nace)

        p_emb = self.encoder_.encode(self._participant_texts())
        h_emb = self.encoder_.encode(self._host_texts())
        self.P_ = prepare_participants(self.participants_, self.vocab_, field_idx, p_emb)
        self.H_ = prepare_hosts(self.hosts_, self.vocab_, nace, h_emb)
        self.history_ = build_history(history, self.participants_, self.hosts_)
        self._p_index = {pid: i for i, pid in enumerate(self.P_.ids)}
        self._h_index = {hid: j for j, hid in enumerate(self.H_.ids)}
        self._sector_text = (
            self.hosts_["sector"].str.lower()
            + " | "
            + [self._nace_label(j).lower() for j in range(len(self.hosts_))]
        ).to_numpy(object)
        return self

    def _participant_texts(self) -> list[str]:
        """``occupation (field). description``: one text per participant.

        One embedding of the whole text ranks sectors better than separate label and
        description embeddings (bench/quality.py); the field name is added only when the
        user gave the code.
        """
        p = self.participants_
        out = []
        for o, d, link in zip(p["occupation"], p["description"], self.field_links_, strict=True):
            head = f"{o} ({tx.isced_name(link.code)})" if link.source == "given" else o
            out.append(f"{head}. {d}" if d else head)
        return out

    def _host_texts(self) -> list[str]:
        """``sector (NACE class). description``: one text per host."""
        h = self.hosts_
        out = []
        for s, d, link in zip(h["sector"], h["description"], self.nace_links_, strict=True):
            name = tx.nace_name(link.code) if link.source == "given" else ""
            head = f"{s} ({name})" if name and name.lower() != s.lower() else s
            out.append(f"{head}. {d}" if d else head)
        return out

    # --- scoring -------------------------------------------------------------------------

    def _block(self, pi, hj=slice(None), check_capacity=True):
        """Components, rule masks and the combined score for a block of pairs."""
        P, H, cfg = self.P_, self.H_, self.config_
        sector, text, tax = C.sector_score(P, H, pi, hj, self.tax_by_field_, cfg)
        language = C.language_score(P, H, pi, hj, cfg.language_gap_scores)
        comps = {
            "sector": sector,
            "language": language,
            "duration": C.duration_score(P, H, pi, hj),
            "dates": C.dates_score(P, H, pi, hj),
            "destination": C.destination_score(P, H, pi, hj),
            "travel": C.travel_score(P, H, pi, hj),
            "inclusion": C.inclusion_score(P, H, pi, hj),
            "cooperation": self.history_.cooperation(pi, hj),
        }
        if self.scorer_ is not None:
            score = self.scorer_.score(comps)
        else:
            score = np.zeros_like(sector)
            for name, w in self.weights_.items():
                if w:
                    score += np.float32(w) * comps[name]
        rules = C.feasibility(P, H, pi, hj, check_capacity)
        if self.history_.declined:
            rules["not_declined"] = self.history_.not_declined(pi, hj, len(H))
        mask = np.logical_and.reduce(list(rules.values()))
        return score, mask, comps, rules

    def score_matrix(
        self, participant_ids=None, host_ids=None, check_capacity=True, block: int = 512
    ):
        """Scores and feasibility for all pairs of the given ids (default: everyone).

        Returns
        -------
        scores : ndarray (n_participants, n_hosts) float32
        mask : ndarray (n_participants, n_hosts) bool, True where every hard rule holds
        """
        pi = self._rows(participant_ids, self._p_index, len(self.P_))
        hj = self._rows(host_ids, self._h_index, len(self.H_))
        scores = np.zeros((len(pi), len(hj)), dtype=np.float32)
        mask = np.zeros((len(pi), len(hj)), dtype=bool)
        for s in range(0, len(pi), block):
            sc, m, _, _ = self._block(pi[s : s + block], hj, check_capacity)
            scores[s : s + block], mask[s : s + block] = sc, m
        return scores, mask

    def components_matrix(self, participant_ids=None, host_ids=None, check_capacity=True):
        """Per-criterion scores ``{name: (n_p, n_h)}`` plus the rule masks, for analysis."""
        pi = self._rows(participant_ids, self._p_index, len(self.P_))
        hj = self._rows(host_ids, self._h_index, len(self.H_))
        _, _, comps, rules = self._block(pi, hj, check_capacity)
        return comps, rules

    @staticmethod
    def _rows(ids, index, n):
        if ids is None:
            return np.arange(n)
        missing = [i for i in ids if i not in index]
        if missing:
            raise KeyError(f"unknown id(s): {', '.join(map(str, missing[:5]))}")
        return np.array([index[i] for i in ids], dtype=np.int64)

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
        explain: bool = True,
    ) -> pd.DataFrame:
        """The ``k`` best feasible hosts for a participant.

        Filters: ``country`` and ``org_type`` (a value or a list), ``sector`` (text found
        in the host's sector or NACE label, or a NACE code prefix), ``min_score``.

        Returns
        -------
        DataFrame with ``rank, host_id, name, country, score, components, reasons``;
        infeasible hosts never appear.
        """
        i = self._p(participant_id)
        score, mask, comps, _ = self._block(np.array([i]))
        score, mask = score[0], mask[0].copy()
        h = self.hosts_
        if country is not None:
            mask &= h["country"].isin(_as_list(country)).to_numpy()
        if org_type is not None:
            mask &= h["org_type"].isin(_as_list(org_type)).to_numpy()
        if sector:
            needle = sector.lower().strip()
            mask &= np.array(
                [
                    needle in t or (n or "").startswith(needle)
                    for t, n in zip(self._sector_text, self.H_.nace, strict=True)
                ]
            )
        if min_score is not None:
            mask &= score >= min_score
        top = _top_k(score, mask, k)
        rows = []
        for rank, j in enumerate(top, start=1):
            comp = {name: float(c[0, j]) for name, c in comps.items()}
            rows.append(
                {
                    "rank": rank,
                    "host_id": self.H_.ids[j],
                    "name": h.at[j, "name"],
                    "country": h.at[j, "country"],
                    "org_type": h.at[j, "org_type"],
                    "sector": h.at[j, "sector"],
                    "score": float(score[j]),
                    "components": comp,
                    "reasons": self._reasons(i, j, comp) if explain else {},
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "rank",
                "host_id",
                "name",
                "country",
                "org_type",
                "sector",
                "score",
                "components",
                "reasons",
            ],
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
        with the fields in :data:`CANDIDATE_COLUMNS` and no special-category data (the
        inclusion criterion is left out of the shown breakdown). The score is the same
        number the participant's side sees.
        """
        j = self._h(host_id)
        jj = np.array([j])
        P = self.P_
        score, mask, comps, _ = self._block(np.arange(len(P)), jj)
        score, mask = score[:, 0], mask[:, 0].copy()
        p = self.participants_
        if consenting_only:
            mask &= P.consent
        if role is not None:
            mask &= (p["role"] == role).to_numpy()
        if home_country is not None:
            mask &= p["home_country"].isin(_as_list(home_country)).to_numpy()
        if min_score is not None:
            mask &= score >= min_score
        top = _top_k(score, mask, k)
        rows = []
        for rank, i in enumerate(top, start=1):
            comp = {name: float(c[i, 0]) for name, c in comps.items()}
            reasons = self._reasons(i, j, comp) if explain else {}
            if pseudonymise:
                comp = {n: v for n, v in comp.items() if n not in PRIVATE_CRITERIA}
                reasons = {n: v for n, v in reasons.items() if n not in PRIVATE_CRITERIA}
            row = {"rank": rank}
            row["candidate" if pseudonymise else "participant_id"] = (
                self.pseudonym(P.ids[i]) if pseudonymise else P.ids[i]
            )
            for c in CANDIDATE_COLUMNS:
                row[c] = p.at[i, c]
            row.update({"score": float(score[i]), "components": comp, "reasons": reasons})
            rows.append(row)
        first = "candidate" if pseudonymise else "participant_id"
        return pd.DataFrame(
            rows, columns=["rank", first, *CANDIDATE_COLUMNS, "score", "components", "reasons"]
        )

    def pseudonym(self, participant_id: str) -> str:
        """The candidate's pseudonym (see :func:`matcher.privacy.pseudonym`)."""
        return _pseudonym(participant_id)

    # --- explanations --------------------------------------------------------------------

    def explain(self, participant_id: str, host_id: str) -> Explanation:
        """Components, reasons and, for an excluded host, the rules it breaks."""
        i, j = self._p(participant_id), self._h(host_id)
        score, mask, comps, rules = self._block(np.array([i]), np.array([j]))
        comp = {name: float(c[0, 0]) for name, c in comps.items()}
        broken = {
            r: self._rule_reason(r, i, j)
            for r, ok in rules.items()
            if not bool(np.asarray(ok)[0, 0])
        }
        return Explanation(
            participant_id=participant_id,
            host_id=host_id,
            score=float(score[0, 0]),
            feasible=bool(mask[0, 0]),
            components=comp,
            reasons=self._reasons(i, j, comp),
            broken_rules=broken,
        )

    def _p(self, pid) -> int:
        try:
            return self._p_index[pid]
        except KeyError:
            raise KeyError(f"unknown participant_id '{pid}'") from None

    def _h(self, hid) -> int:
        try:
            return self._h_index[hid]
        except KeyError:
            raise KeyError(f"unknown host_id '{hid}'") from None

    def _nace_label(self, j: int) -> str:
        code = self.nace_links_[j].code
        return f"NACE {code} {tx.nace_name(code)}" if code else ""

    def _reasons(self, i: int, j: int, comp: dict) -> dict[str, str]:
        p, h, P, H = self.participants_.iloc[i], self.hosts_.iloc[j], self.P_, self.H_
        out = {}
        # sector
        flink, nlink = self.field_links_[i], self.nace_links_[j]
        target = self._nace_label(j) or f"'{h['sector']}'"
        if nlink.source == "text":
            target += " (inferred from sector text)"
        field_txt = ""
        if flink.code:
            field_txt = f"; field ISCED-F {flink.code} {tx.isced_name(flink.code)}"
            if flink.source == "esco":
                field_txt += f" via ESCO '{flink.via}'"
            elif flink.source == "text":
                field_txt += " (inferred from text)"
        f = P.field[i]
        tax = float(self.tax_by_field_[f, j]) if f >= 0 else float("nan")
        out["sector"] = (
            f"{p['occupation']} -> {target}: {strength(comp['sector'])} sector fit, {taxonomy_phrase(tax)}{field_txt}"
        )
        # language
        held, wanted = parse_languages(p["languages"]), parse_languages(h["languages"])
        if not wanted:
            out["language"] = "the host sets no language requirement"
        else:
            best, best_code = -1.0, None
            for code, lvl in wanted.items():
                have = held.get(code)
                s = 0.0
                if have:
                    gap = max(0, tx.cefr_rank(lvl) - tx.cefr_rank(have))
                    s = (
                        self.config_.language_gap_scores[gap]
                        if gap < len(self.config_.language_gap_scores)
                        else 0.0
                    )
                if s > best:
                    best, best_code = s, code
            lvl = wanted[best_code]
            have = held.get(best_code)
            name = lang_name(best_code)
            if not have:
                names = " or ".join(f"{lang_name(c)} {v}" for c, v in wanted.items())
                out["language"] = f"no level held in the host's working languages ({names})"
            else:
                gap = tx.cefr_rank(lvl) - tx.cefr_rank(have)
                have_txt = "native" if have == "native" else have
                if gap <= 0:
                    out["language"] = f"{name} {have_txt} meets the host's {lvl}"
                elif gap == 1:
                    out["language"] = (
                        f"{name} {have_txt} is one level below the host's {lvl} (bridgeable with Online Language Support)"
                    )
                else:
                    out["language"] = f"{name} {have_txt} is {gap} levels below the host's {lvl}"
        # duration
        pmin, pmax, hmin, hmax = int(P.dmin[i]), int(P.dmax[i]), int(H.dmin[j]), int(H.dmax[j])
        lo, hi = max(pmin, hmin), min(pmax, hmax)
        if lo > hi:
            out["duration"] = f"stay {pmin}-{pmax} days does not overlap the host's {hmin}-{hmax}"
        elif (lo, hi) == (pmin, pmax):
            out["duration"] = f"stay {pmin}-{pmax} days fits the host's {hmin}-{hmax}"
        else:
            out["duration"] = (
                f"stay {pmin}-{pmax} days overlaps the host's {hmin}-{hmax} on {lo}-{hi} days"
            )
        # dates
        s_, e_ = max(P.start[i], H.start[j]), min(P.end[i], H.end[j])
        if s_ == OPEN_START and e_ == OPEN_END:
            out["dates"] = "no date limits on either side"
        else:
            days = int(e_ - s_ + 1)
            span = f"{day(s_) if s_ != OPEN_START else '...'} to {day(e_) if e_ != OPEN_END else '...'}"
            if days < lo:
                out["dates"] = (
                    f"common window {span} ({max(days, 0)} days) is shorter than the shortest stay ({lo} days)"
                )
            else:
                out["dates"] = f"common window {span}" + (
                    f" ({days} days)" if abs(days) < 10**6 else ""
                )
        # destination
        prefs = parse_list(p["preferred_countries"])
        if not prefs:
            out["destination"] = "no destination preference"
        elif h["country"] in prefs:
            out["destination"] = f"{h['country']} is a preferred destination"
        else:
            out["destination"] = (
                f"{h['country']} is not among the preferred destinations ({', '.join(prefs)})"
            )
        # travel
        km = float(C.country_distance_km()[P.country[i], H.country[j]])
        home, dest = (
            tx.countries().loc[p["home_country"], "capital"],
            tx.countries().loc[h["country"], "capital"],
        )
        mode = (
            "green travel (train, bus) realistic"
            if km <= 800
            else "green travel possible but long"
            if km <= 1500
            else "likely a flight"
        )
        out["travel"] = f"{home} -> {dest} about {km:,.0f} km: {mode}"
        # cooperation
        org = int(self.history_.org_of[i])
        past = self.history_.summary.get((org, j))
        out["cooperation"] = (
            f"earlier with this sending organisation: {past}"
            if past
            else "no earlier cooperation with this sending organisation"
        )
        # inclusion
        if not P.fewer[i]:
            out["inclusion"] = "not applicable"
        else:
            out["inclusion"] = (
                "the host offers inclusion support"
                if H.support[j]
                else "the host offers no inclusion support"
            )
        return out

    def _rule_reason(self, rule: str, i: int, j: int) -> str:
        p, h, P, H = self.participants_.iloc[i], self.hosts_.iloc[j], self.P_, self.H_
        if rule == "cross_border":
            return f"the host is in {h['country']}, the participant's home country; mobility must be cross-border"
        if rule == "role_activity":
            if (
                p["role"] == "staff"
                and not H.accepts_staff[j]
                or p["role"] == "learner"
                and not H.accepts_learner[j]
            ):
                return f"the host accepts {h['accepts']} only, not {p['role']}"
            offered = ", ".join(
                a for a, ok in zip(self.vocab_.activities, H.activities[j], strict=True) if ok
            )
            return f"the host does not offer {p['activity']} (offers {offered})"
        if rule == "duration":
            return f"stay {P.dmin[i]}-{P.dmax[i]} days does not overlap the host's {H.dmin[j]}-{H.dmax[j]} days"
        if rule == "dates":
            s_, e_ = max(P.start[i], H.start[j]), min(P.end[i], H.end[j])
            lo = max(P.dmin[i], H.dmin[j])
            return f"the date windows overlap {max(int(e_ - s_ + 1), 0)} days, less than the shortest stay of {lo} days"
        if rule == "capacity":
            return "the host has no free places"
        if rule == "not_declined":
            return "the host already declined this participant"
        return RULE_TEXT.get(rule, rule)


def _as_list(x):
    return [x] if isinstance(x, str) else list(x)


def _top_k(score: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best-scoring True entries of ``mask``, best first (ties by index)."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0 or k <= 0:
        return idx[:0]
    s = score[idx]
    if len(idx) > k:
        part = np.argpartition(-s, k - 1)[:k]
        idx, s = idx[part], s[part]
    order = np.lexsort((idx, -s))
    return idx[order]
