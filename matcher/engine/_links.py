"""What the taxonomies know about each side, with how sure we are.

A participant's occupation is placed on the nearest ESCO occupation (any language: the
encoder is multilingual by default) and, through it, in an ISCED-F field; a host's sector on
its NACE Rev. 2.1 class (given, or the nearest class to its text). Every placement carries a
confidence in [0, 1]: a clear match is near 1, a vague one near 0, and a vague placement
moves the score little (see ``_sector.py``).

Confidence is a z-score of the best match against all candidates (how far the best ESCO
occupation stands out from the 3,658 others), mapped linearly between two configured
z-values. It needs no per-model threshold: cosines of different encoders live on different
scales, their z-scores do not.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import taxonomy as tx

__all__ = [
    "UNKNOWN_FIELDS",
    "OccupationLink",
    "NaceLink",
    "esco_anchor_texts",
    "nace_anchor_texts",
    "anchor_vectors",
    "field_nace_codes",
    "link_occupations",
    "link_nace",
    "field_index",
    "taxonomy_relevance",
    "zscore_confidence",
]

#: ISCED-F codes that mean "unknown" in the data.
UNKNOWN_FIELDS = ("99", "999", "9999")


@dataclass(frozen=True)
class OccupationLink:
    """A participant's occupation placed in ESCO, and the ISCED-F field that follows.

    ``esco_index`` is the row of :func:`matcher.taxonomy.esco_occupations` (-1 none);
    ``field_source`` is ``given`` (the data named the field), ``esco`` (the ESCO
    occupation's field) or ``none``; ``confidence`` is how sure the ESCO placement is and
    ``field_confidence`` how sure the field is (1 when given).
    """

    esco: str
    esco_index: int
    confidence: float
    field: str
    field_source: str
    field_confidence: float


@dataclass(frozen=True)
class NaceLink:
    """A host's NACE Rev. 2.1 class: ``given`` (confidence 1), ``text`` (inferred), ``none``."""

    code: str
    source: str
    confidence: float = 1.0


@lru_cache(maxsize=1)
def _esco_isced() -> pd.DataFrame:
    df = pd.read_csv(tx.taxonomy_dir() / "esco_isced.csv", dtype=str, keep_default_na=False)
    return df.set_index("uri")


@lru_cache(maxsize=1)
def _esco_fields() -> tuple[list[str], list[str]]:
    """Each ESCO occupation's preferred label and ISCED-F field ("" unknown), in row order."""
    esco = tx.esco_occupations()
    fields = _esco_isced()["isced_f"].to_dict()
    return esco["preferred_label"].tolist(), [fields.get(u, "") for u in esco["uri"]]


@lru_cache(maxsize=1)
def esco_anchor_texts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ESCO occupations as ``(labels, texts)``: preferred labels, and ``label. description``.

    Labels are matched against what people type in an occupation field; the fuller text
    against their whole profile, and it is what a profile is expanded with.
    """
    esco = tx.esco_occupations()
    labels = tuple(esco["preferred_label"])
    texts = tuple(f"{r.preferred_label}. {r.description}" for r in esco.itertuples())
    return labels, texts


#: Anchor matrices kept per process: (model identity, texts) -> vectors, a few models at once.
_ANCHOR_VECTORS: OrderedDict = OrderedDict()
_ANCHOR_MODELS = 4
_ANCHOR_LOCK = threading.Lock()


def anchor_vectors(encoder, texts: tuple[str, ...]) -> np.ndarray:
    """Vectors ``(len(texts), d)`` of taxonomy texts (one of the anchor tuples), encoded
    through ``encoder``'s cache once per process and model identity; read-only.

    Every fit and every typed profile compares with the same 8,000 taxonomy texts: looking
    their vectors up again costs more than the rest of a small fit.
    """
    key = (encoder.identity, texts)
    with _ANCHOR_LOCK:
        vectors = _ANCHOR_VECTORS.get(key)
        if vectors is not None:
            _ANCHOR_VECTORS.move_to_end(key)
            return vectors
    vectors = np.asarray(encoder.encode(list(texts)), dtype=np.float32)
    vectors.setflags(write=False)
    with _ANCHOR_LOCK:
        _ANCHOR_VECTORS[key] = vectors
        while len(_ANCHOR_VECTORS) > 3 * _ANCHOR_MODELS:  # three anchor sets per model
            _ANCHOR_VECTORS.popitem(last=False)
    return vectors


@lru_cache(maxsize=1)
def nace_anchor_texts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """NACE Rev. 2.1 classes as ``(codes, names)``."""
    nace = tx.nace_codes()
    classes = nace[nace["level"] == 4]
    return tuple(classes["code"]), tuple(classes["name"])


def zscore_confidence(sims: np.ndarray, z_low: float, z_high: float) -> tuple[np.ndarray, ...]:
    """Best match per row and how far it stands out from the row's other candidates.

    Parameters
    ----------
    sims : ndarray (n, m)
        Similarity of each of n texts to m candidates.
    z_low, z_high : float
        z-scores mapped to confidence 0 and 1.

    Returns
    -------
    best : ndarray (n,) int, index of the best candidate
    confidence : ndarray (n,) float32 in [0, 1]

    Examples
    --------
    >>> s = np.array([[0.9, 0.1, 0.1, 0.1], [0.3, 0.31, 0.29, 0.3]])
    >>> best, conf = zscore_confidence(s, 0.5, 1.5)
    >>> best.tolist(), [round(float(c), 2) for c in conf]
    ([0, 1], [1.0, 0.91])
    """
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(sims)), best]
    z = (top - sims.mean(axis=1)) / np.maximum(sims.std(axis=1), 1e-6)
    conf = np.clip((z - z_low) / (z_high - z_low), 0.0, 1.0)
    return best, conf.astype(np.float32)


#: Profiles placed on ESCO at a time (bounds the (block, 3,658) similarity matrices).
_PLACE_BLOCK = 4096


def link_occupations(
    participants: pd.DataFrame, profiles: list[str], encoder, config
) -> list[OccupationLink]:
    """Place each participant on the nearest ESCO occupation, with a confidence.

    The typed occupation is compared with ESCO preferred labels and the whole profile text
    (``profiles``) with ESCO's ``label. description`` texts; the two similarities are mixed
    by ``config.anchor_label_share``. The field is the given ISCED-F code when there is one, else the ESCO
    occupation's field.
    """
    labels, texts = esco_anchor_texts()
    occ_vectors = encoder.encode(participants["occupation"].tolist())
    profile_vectors = encoder.encode(profiles)
    label_vectors, text_vectors = anchor_vectors(encoder, labels), anchor_vectors(encoder, texts)
    share = config.anchor_label_share
    best = np.zeros(len(profiles), dtype=np.int64)
    conf = np.zeros(len(profiles), dtype=np.float32)
    for s in range(0, len(profiles), _PLACE_BLOCK):  # bounds the (block, 3,658) similarities
        rows = slice(s, s + _PLACE_BLOCK)
        sims = share * (occ_vectors[rows] @ label_vectors.T)
        sims += (1.0 - share) * (profile_vectors[rows] @ text_vectors.T)
        best[rows], conf[rows] = zscore_confidence(sims, config.anchor_z_low, config.anchor_z_high)
    preferred, esco_fields = _esco_fields()
    links = []
    for i, code in enumerate(participants["isced_f"]):
        b = int(best[i])
        if code and code not in UNKNOWN_FIELDS:
            field, source, fconf = code, "given", 1.0
        elif esco_fields[b]:
            field, source, fconf = esco_fields[b], "esco", float(conf[i])
        else:
            field, source, fconf = "", "none", 0.0
        links.append(OccupationLink(preferred[b], b, float(conf[i]), field, source, fconf))
    return links


def link_nace(hosts: pd.DataFrame, encoder, config) -> list[NaceLink]:
    """NACE class per host: the given code, else the nearest class to its sector text.

    An inferred class below ``config.nace_min_confidence`` is not used (source ``none``).
    """
    links: list[NaceLink | None] = [
        NaceLink(code, "given") if code else None for code in hosts["nace_code"]
    ]
    missing = [i for i, link in enumerate(links) if link is None]
    if missing:
        codes, names = nace_anchor_texts()
        texts = [
            f"{s}. {d}" if d else s
            for s, d in zip(
                hosts["sector"].iloc[missing], hosts["description"].iloc[missing], strict=True
            )
        ]
        sims = encoder.encode(texts) @ anchor_vectors(encoder, names).T
        best, conf = zscore_confidence(sims, config.anchor_z_low, config.anchor_z_high)
        for k, i in enumerate(missing):
            ok = conf[k] >= config.nace_min_confidence
            links[i] = (
                NaceLink(codes[best[k]], "text", float(conf[k]))
                if ok
                else NaceLink("", "none", 0.0)
            )
    return links  # type: ignore[return-value]


@lru_cache(maxsize=256)
def field_nace_codes(code: str) -> tuple[str, ...]:
    """NACE codes where people trained in ISCED-F ``code`` work (union over sub-fields)."""
    cw = tx.isced_nace()
    if code in cw.index:
        return tuple(cw.loc[code, "nace_codes"])
    out: list[str] = []
    for c in (c for c in cw.index if c.startswith(code)):
        out += [x for x in cw.loc[c, "nace_codes"] if x not in out]
    return tuple(out)


def field_index(links: list[OccupationLink]) -> tuple[tuple[str, ...], np.ndarray]:
    """Vocabulary of fields that occur, and each participant's index in it (-1 unknown).

    Returns ``(fields, index)`` with ``index`` an ``ndarray (n_participants,)`` int16.
    """
    fields = tuple(sorted({link.field for link in links if link.field}))
    position = {f: i for i, f in enumerate(fields)}
    return fields, np.array([position.get(link.field, -1) for link in links], dtype=np.int16)


#: Crosswalk relevance of a host whose NACE division (not class) is a typical one.
SAME_DIVISION = 0.5


def taxonomy_relevance(fields, host_nace) -> np.ndarray:
    """Crosswalk relevance ``ndarray (n_fields, n_hosts)`` float32.

    1 where the host's NACE code lies under a code the field's crosswalk lists,
    :data:`SAME_DIVISION` where only the division matches, 0 otherwise, NaN for unknown NACE.
    """
    nace = np.asarray([n or "" for n in host_nace], dtype=object)
    known = nace != ""
    uniq, inverse = np.unique(nace, return_inverse=True)
    out = np.zeros((max(len(fields), 1), len(uniq)), dtype=np.float32)
    for f, field in enumerate(fields):
        typical = field_nace_codes(field)
        for u, code_h in enumerate(uniq):
            if any(code_h.startswith(c) for c in typical):
                out[f, u] = 1.0
            elif any(len(c) > 2 and code_h[:2] == c[:2] for c in typical):
                out[f, u] = SAME_DIVISION
    out = out[:, inverse]
    out[:, ~known] = np.nan
    if not len(fields):  # one row so that gathers work; every field is unknown
        out[:] = np.nan
    return out
