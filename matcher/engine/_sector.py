"""The sector criterion: does the host work in the participant's trade?

Evidence, from strongest to weakest:

1. **The texts.** Profile and offer are each one embedding; the profile is expanded with the
   ESCO occupation it reads as, and the offer with its NACE class, each in proportion to
   how sure that placement is (``Matcher.fit``). Their cosine, mapped through a logistic
   curve over the encoder's ``text_range``, is the text evidence.
2. **The crosswalk.** Where the participant's ISCED-F field and the host's NACE class are
   known, the hand-made crosswalk (``data/taxonomies/isced_nace.csv``) says whether the class
   is a typical one for the field. It weighs ``taxonomy_weight`` times the confidence of both
   placements: a guessed field moves the score little, a given one at most that weight.

The score and its sentence sit side by side and read the same constants.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import numpy as np

from .. import taxonomy as tx
from ._state import Fitted

__all__ = [
    "calibrate",
    "sector_evidence",
    "sector_score",
    "sector_reason",
    "pair_text_evidence",
    "strength",
    "strong_fits",
    "trade_fit",
    "shared_words",
]


#: The calibrated range's floor and ceiling map to sigmoid(-3) = 0.05 and sigmoid(3) = 0.95.
_RANGE_TO_LOGIT = 6.0


def calibrate(cos: np.ndarray, text_range: tuple[float, float]) -> np.ndarray:
    """Cosines to text fit in (0, 1): a logistic curve through the encoder's range.

    Strictly increasing, so it never ties two hosts that the cosine tells apart (a clipped
    line would tie every host above the ceiling and below the floor).

    Examples
    --------
    >>> calibrate(np.array([0.1, 0.4, 0.7]), (0.1, 0.7)).round(2).tolist()
    [0.05, 0.5, 0.95]
    """
    floor, ceiling = text_range
    z = (cos - (floor + ceiling) / 2) * (_RANGE_TO_LOGIT / (ceiling - floor))
    return 1.0 / (1.0 + np.exp(-z))


#: Set while a ranking is first estimated with float32 text similarity (see
#: :func:`approximate_text`).
_APPROXIMATE: ContextVar[bool] = ContextVar("matcher_approximate_text", default=False)
#: Worst-case error of a float32 dot product of two unit vectors of up to 1,024 dimensions
#: (n u with u = 2**-24, Cauchy-Schwarz bounding the sum of products by 1), with room.
_COS_ERROR_32 = 2 * 1024 * 2.0**-24


@contextmanager
def approximate_text():
    """Within the block, :func:`sector_evidence` takes the cosines in float32 (half the memory
    read of the float64 product), at most :func:`text_error` away from the exact ones."""
    token = _APPROXIMATE.set(True)
    try:
        yield
    finally:
        _APPROXIMATE.reset(token)


def text_error(S: Fitted) -> float:
    """Largest difference the float32 cosines make to a text fit (the calibration's steepest
    slope times the cosine error), with room for the float32 rounding after it."""
    floor, ceiling = S.text_range
    slope = _RANGE_TO_LOGIT / (ceiling - floor) / 4  # the logistic curve's steepest point
    return 2 * slope * _COS_ERROR_32 + 1e-6


def sector_evidence(S: Fitted, pi, hj) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text evidence, crosswalk relevance and the crosswalk's weight for a block of pairs.

    Returns
    -------
    text : ndarray (len(pi), n_hosts_in_block) float32 in [0, 1]
    tax : ndarray, same shape, crosswalk relevance in {0, 0.5, 1}, NaN where unknown
    weight : ndarray, same shape, the share of the score the crosswalk takes
    """
    P, H = S.P, S.H
    if _APPROXIMATE.get():  # an estimate, re-scored exactly where it matters
        cos = P.emb[pi] @ H.emb[hj].T
    else:  # float64: the same float32 cosine for a pair whatever the block it is scored in
        cos = (P.emb[pi].astype(np.float64) @ H.emb64[hj].T).astype(np.float32)
    text = calibrate(cos, S.text_range)
    tax, weight = _crosswalk(S, pi, hj)
    return text.astype(np.float32), tax, weight


def _crosswalk(S: Fitted, pi, hj) -> tuple[np.ndarray, np.ndarray]:
    """The crosswalk's relevance (NaN where unknown) and weight for a block of pairs."""
    P, H = S.P, S.H
    fields = P.field[pi]
    rows = np.maximum(fields, 0)
    if isinstance(hj, slice):
        tax = S.tax_by_field[rows][:, hj]
    else:  # gather the block only, not whole rows of every host
        tax = S.tax_by_field[rows[:, None], np.asarray(hj)[None, :]]
    tax = np.where((fields >= 0)[:, None], tax, np.nan)
    weight = S.config.taxonomy_weight * P.field_conf[pi][:, None] * H.nace_conf[hj][None, :]
    return tax.astype(np.float32), weight.astype(np.float32)


def strong_fits(S: Fitted, pi, hj, sector: np.ndarray, slack: float = 0.0) -> np.ndarray:
    """Pairs of the block whose sector fit :func:`strength` calls strong: the score clears
    ``config.strong_fit``, the text evidence ``config.strong_text_fit``, and the crosswalk
    does not deny it. The text is read back from the score
    (``sector = (1 - w) text + w tax`` where the crosswalk is known), so that a ranking
    needs no second cosine. ``slack``: each value taken that much higher (negative: lower),
    for bounds on estimated scores."""
    tax, weight = _crosswalk(S, pi, hj)
    known = ~np.isnan(tax) & (weight < 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        text = np.where(known, (sector - weight * np.nan_to_num(tax)) / (1.0 - weight), sector)
    c = S.config
    room = slack / max(1.0 - c.taxonomy_weight, 1e-6)  # the text's error from the score's
    strong = (sector + slack >= c.strong_fit) & (text + room >= c.strong_text_fit)
    return strong & ~_denied(tax, weight, c)


def sector_score(S: Fitted, pi, hj) -> np.ndarray:
    """Sector fit ``(len(pi), n_hosts_in_block)`` in [0, 1]: text, moved by the crosswalk."""
    return _sector_fit(*sector_evidence(S, pi, hj))


def _sector_fit(text: np.ndarray, tax: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The sector score from its evidence (:func:`sector_evidence`)."""
    known = ~np.isnan(tax)
    score = np.where(known, (1.0 - weight) * text + weight * tax, text)  # NaN tax not taken
    return score.astype(np.float32)


#: Share of ``taxonomy_weight`` from which the crosswalk's "not a typical sector for the
#: field" keeps a fit below strong: both placements sure (given, or placed with confidence).
#: Set, not tuned (the one value tried on the development parts, bench/sector_tiers.py);
#: the crosswalk misses some right classes, so it never lowers a fit below partial alone.
_DENIES = 2 / 3


def _denied(tax, weight, config) -> np.ndarray:
    """Pairs the crosswalk, sure of both placements, says are not a typical sector."""
    return (np.asarray(tax) == 0) & (np.asarray(weight) >= _DENIES * config.taxonomy_weight)


#: How the sector sentence names the fit, after the host ("...: strong sector fit").
_FIT_WORDS = ": {fit} sector fit"


def trade_fit(sector_reason: str) -> str:
    """The tier a ranking puts a pair in (``strong``, ``partial`` or ``other``), read from
    its sector sentence (:func:`sector_reason`), for tables that show why one host ranks
    above another (:meth:`Matcher.ranking_keys`).

    >>> trade_fit("cook -> NACE 56.11 Restaurant activities: strong sector fit; ...")
    'strong'
    """
    for fit in ("strong", "partial"):
        if _FIT_WORDS.format(fit=fit) in str(sector_reason):
            return fit
    return "other"


def strength(value: float, text: float, config, denied: bool = False) -> str:
    """``strong`` only when the score clears ``strong_fit``, the text evidence
    ``strong_text_fit``, and the crosswalk, sure of both placements, does not say the class
    is not typical for the field (``denied``)."""
    if value >= config.strong_fit and text >= config.strong_text_fit and not denied:
        return "strong"
    return "partial" if value >= config.partial_fit else "weak"


_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
#: Words too common in profiles and offers to count as evidence.
_COMMON = frozenset(
    [
        "with",
        "from",
        "that",
        "this",
        "they",
        "their",
        "work",
        "working",
        "company",
        "trainee",
        "trainees",
        "learner",
        "learners",
        "apprentice",
        "apprentices",
        "year",
        "years",
        "team",
        "also",
        "will",
        "have",
        "offer",
        "offers",
        "able",
        "help",
        "helps",
        "students",
        "student",
        "training",
        "placement",
        "other",
        "about",
        "into",
        "more",
        "such",
        "like",
        "what",
    ]
)


def shared_words(a: str, b: str, limit: int = 3) -> list[str]:
    """Content words of at least four letters that both texts use (case-insensitive).

    Examples
    --------
    >>> shared_words("Apprentice cook, pastry and kitchen work", "Busy kitchen, pastry shop")
    ['kitchen', 'pastry']
    """
    return sorted(_content_words(a) & _content_words(b))[:limit]


#: Words used by more than this share of ESCO's occupation descriptions say nothing about a
#: trade ("perform", "duties", "assistants", "services", "equipment"): not shown as evidence.
_GENERIC_SHARE = 0.03


@lru_cache(maxsize=1)
def _generic_words() -> frozenset:
    """Words too common across ESCO's occupations to be evidence of one trade."""
    from collections import Counter

    descriptions = tx.esco_occupations()["description"]
    seen = Counter(w for t in descriptions for w in {w.lower() for w in _WORD.findall(t)})
    floor = _GENERIC_SHARE * len(descriptions)
    return frozenset(w for w, n in seen.items() if n > floor)


@lru_cache(maxsize=65536)
def _content_words(text: str) -> frozenset:
    """Lower-cased words of four letters or more, without the common ones and those most
    occupations use (cached: a profile or an offer is explained against many others in
    batch recommendations)."""
    return frozenset(w.lower() for w in _WORD.findall(text)) - _COMMON - _generic_words()


def _sure(conf: float) -> str:
    return "sure" if conf >= 0.67 else "fairly sure" if conf >= 0.34 else "unsure"


def _host_phrase(S: Fitted, j: int) -> str:
    link = S.nace[j]
    if not link.code:
        return f"'{S.h['sector'][j]}'"
    phrase = f"NACE {link.code} {tx.nace_name(link.code)}"
    if link.source == "text":
        phrase += f" (guessed from the sector text, {_sure(link.confidence)})"
    return phrase


def _crosswalk_phrase(S: Fitted, i: int, j: int) -> str:
    occ = S.occupations[i]
    f = int(S.P.field[i])
    if f < 0 or not S.nace[j].code:
        return ""
    field = f"ISCED-F {occ.field} {tx.isced_name(occ.field)}"
    if occ.field_source == "esco":
        field += " (guessed)"
    tax = float(S.tax_by_field[f, j])
    if tax >= 1:
        return f"a typical sector for {field}"
    if tax > 0:
        return f"same NACE division as typical sectors for {field}"
    return f"not a typical sector for {field}"


def pair_text_evidence(S: Fitted, pi: np.ndarray, hj: np.ndarray) -> np.ndarray:
    """The text evidence of aligned pairs ``(pi[k], hj[k])``: ``(n_pairs,)`` float32, the
    value :func:`sector_evidence` gives each pair (float64 cosines, the same float32)."""
    cos = np.einsum("nd,nd->n", S.P.emb[pi].astype(np.float64), S.H.emb64[hj])
    return calibrate(cos.astype(np.float32), S.text_range).astype(np.float32)


def sector_reason(
    S: Fitted, i: int, j: int, text: float | None = None, value: float | None = None
) -> str:
    """The sentence for the sector score of pair ``(i, j)``, showing its evidence.

    ``text`` and ``value`` (the text evidence and the sector score of the pair) are computed
    here unless a caller that scored the pair already passes them, as batch rankings do.
    """
    if text is None or value is None:
        evidence_arrays = sector_evidence(S, np.array([i]), np.array([j]))
        text = float(evidence_arrays[0][0, 0])
        value = float(_sector_fit(*evidence_arrays)[0, 0])
    occupation = S.p["occupation"][i]
    occ = S.occupations[i]
    evidence = []
    words = shared_words(
        f"{occupation} {S.p['description'][i]}", f"{S.h['sector'][j]} {S.h['description'][j]}"
    )
    if words:
        evidence.append("shared words: " + ", ".join(words))
    if occ.esco_index >= 0 and occ.confidence > 0:
        evidence.append(f"profile read as ESCO '{occ.esco}' ({_sure(occ.confidence)})")
    cross = _crosswalk_phrase(S, i, j)
    if cross:
        evidence.append(cross)
    tax, weight = _crosswalk(S, np.array([i]), np.array([j]))
    fit = strength(value, text, S.config, bool(_denied(tax, weight, S.config)[0, 0]))
    head = f"{occupation} -> {_host_phrase(S, j)}{_FIT_WORDS.format(fit=fit)}"
    return head + (f"; {'; '.join(evidence)}" if evidence else "; text similarity only")
