"""The fitted state every criterion reads: frames, arrays, taxonomy links and history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._config import Config
from ._geography import Travel
from ._history import History
from ._links import NaceLink, OccupationLink
from ._prepare import GroupArrays, HostArrays, ParticipantArrays, Vocab

__all__ = ["Fitted", "TextSide", "Centring", "column"]

_P_TEXT = ("occupation", "description", "home_country", "preferred_countries", "role", "activity")
_H_TEXT = ("name", "sector", "description", "country", "org_type", "accepts")


@dataclass
class Centring:
    """What the language centroids of a fit are made of: each language's sum of raw text
    vectors and count over the fitted texts, the reference and its prior weight.

    A new text's centroid is then computed as if it had been one more text of the fit
    (:meth:`centroid`), without the fitted texts.
    """

    langs: tuple[str, ...]
    sums: np.ndarray  # (k, d) float32
    counts: np.ndarray  # (k,) int64
    reference: np.ndarray  # (d,) float32
    prior: float

    @classmethod
    def of(cls, vectors: np.ndarray, langs: list[str], reference, prior: float) -> Centring:
        """The parts of the centroids of ``vectors`` ``(n, d)`` in languages ``langs``."""
        codes = tuple(sorted(set(langs)))
        position = {c: k for k, c in enumerate(codes)}
        rows = np.array([position[c] for c in langs], dtype=np.int64)
        sums = np.zeros((len(codes), vectors.shape[1]), dtype=np.float32)
        np.add.at(sums, rows, vectors)
        counts = np.bincount(rows, minlength=len(codes)).astype(np.int64)
        return cls(codes, sums, counts, np.asarray(reference, dtype=np.float32), float(prior))

    def centroid(self, vectors: np.ndarray, langs: list[str]) -> np.ndarray:
        """Each new text's centroid ``(n, d)``: its language's fitted texts and itself,
        shrunk towards the reference as in the fit."""
        position = {c: k for k, c in enumerate(self.langs)}
        out = np.empty_like(vectors)
        for r, lang in enumerate(langs):
            k = position.get(lang)
            total = vectors[r] + self.prior * self.reference
            count = 1 + self.prior
            if k is not None:
                total, count = total + self.sums[k], count + self.counts[k]
            out[r] = total / count
        return out


@dataclass
class TextSide:
    """What a fit computes from the texts of both sides: taxonomy placements, vectors
    expanded with them, and the language centroids' parts (None without centring)."""

    occupations: list[OccupationLink]
    nace: list[NaceLink]
    p_emb: np.ndarray  # (n, d) float32 unit rows
    h_emb: np.ndarray  # (m, d) float32 unit rows
    centring: Centring | None


@dataclass
class Fitted:
    """What ``Matcher.fit`` builds once; criteria and rules are functions of it.

    ``tax_by_field`` is the crosswalk relevance ``(n_fields, n_hosts)`` (NaN for hosts whose
    NACE class is unknown); ``text_range`` the (floor, ceiling) of cosines that the sector
    criterion maps onto [0, 1] for the encoder in use; ``G`` the groups of learners with
    their accompanying persons; ``travel`` where both sides are (sending towns, hosts' towns
    or coordinates) and who travels green; ``centring`` what the language centroids are
    made of (for profiles scored later). ``p`` and ``h`` hold the text
    columns the reasons read, as lists (``S.p["occupation"][i]``).
    """

    config: Config
    participants: pd.DataFrame
    hosts: pd.DataFrame
    vocab: Vocab
    P: ParticipantArrays
    H: HostArrays
    occupations: list[OccupationLink]
    nace: list[NaceLink]
    tax_by_field: np.ndarray
    history: History
    text_range: tuple[float, float]
    G: GroupArrays
    travel: Travel
    centring: Centring | None = None

    def __post_init__(self):
        # plain lists of the text columns the reasons read: pandas' per-cell access costs
        # about 0.1 ms, too much for reasons built per result row
        self.p = {c: self.participants[c].tolist() for c in _P_TEXT}
        self.h = {c: self.hosts[c].tolist() for c in _H_TEXT}


def column(x: np.ndarray, hj) -> np.ndarray:
    """A host-side array as a row block: ``(1, m)`` for a vector, ``(m, ...)`` otherwise."""
    return x[hj][None, ...] if x.ndim == 1 else x[hj]
