"""What the taxonomies know: participant ISCED-F fields and host NACE classes, given or
inferred from text (participant occupation -> ESCO occupation -> ISCED-F; host sector ->
NACE class), and the crosswalk from fields to sectors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import taxonomy as tx

__all__ = [
    "FieldLink",
    "NaceLink",
    "field_nace_codes",
    "field_similarity",
    "infer_fields",
    "infer_nace",
    "esco_isced",
]

ESCO_MIN_COS = 0.80  # occupation text must name an ESCO occupation almost exactly
PROFILE_MIN_COS = 0.35
NACE_MIN_COS = 0.45


@dataclass(frozen=True)
class FieldLink:
    code: str  # ISCED-F code, "" when unknown
    source: str  # "given", "esco", "text", "none"
    via: str = ""  # ESCO label or field profile used
    similarity: float = 1.0


@dataclass(frozen=True)
class NaceLink:
    code: str
    source: str  # "given", "text", "none"
    similarity: float = 1.0


@lru_cache(maxsize=1)
def esco_isced() -> pd.DataFrame:
    """Derived ESCO occupation -> ISCED-F field table (``scripts/derive_esco_isced.py``)."""
    df = pd.read_csv(tx.taxonomy_dir() / "esco_isced.csv", dtype=str, keep_default_na=False)
    df["similarity"] = df["similarity"].astype(float)
    return df


@lru_cache(maxsize=256)
def field_nace_codes(code: str) -> tuple[str, ...]:
    """NACE codes where people trained in ISCED-F ``code`` work (union over sub-fields)."""
    cw = tx.isced_nace()
    if code in cw.index:
        return tuple(cw.loc[code, "nace_codes"])
    children = [c for c in cw.index if c.startswith(code)]
    out: list[str] = []
    for c in children:
        out += [x for x in cw.loc[c, "nace_codes"] if x not in out]
    return tuple(out)


def field_similarity(encoder, texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Similarity of each text to each ISCED-F detailed field of the crosswalk.

    A field is described by its name and the short phrases in the crosswalk's ``keywords``
    (occupations trained in it); its similarity to a text is the best over those phrases,
    since one embedding of a long keyword list blurs them all.

    Returns the field codes and ``ndarray (len(texts), n_fields)``.
    """
    cw = tx.isced_nace()
    codes = list(cw.index)
    owner, phrases = [], []
    for f, code in enumerate(codes):
        for phrase in [tx.isced_name(code), *cw.loc[code, "keywords"].split(";")]:
            owner.append(f)
            phrases.append(phrase.strip())
    sims = encoder.encode(list(texts)) @ encoder.encode(phrases).T
    out = np.full((len(texts), len(codes)), -1.0, dtype=np.float32)
    owner = np.asarray(owner)
    for f in range(len(codes)):
        out[:, f] = sims[:, owner == f].max(axis=1)
    return codes, out


def infer_fields(participants: pd.DataFrame, encoder) -> list[FieldLink]:
    """ISCED-F field per participant: given, else via the nearest ESCO occupation, else via
    the nearest field profile, else unknown."""
    links: list[FieldLink | None] = []
    missing = []
    for i, code in enumerate(participants["isced_f"]):
        if code and code not in ("99", "999", "9999"):
            links.append(FieldLink(code, "given"))
        else:
            links.append(None)
            missing.append(i)
    if not missing:
        return links  # type: ignore[return-value]
    occ = participants["occupation"].iloc[missing].tolist()
    full = [
        f"{o}. {d}" for o, d in zip(occ, participants["description"].iloc[missing], strict=True)
    ]
    esco = esco_isced()
    esco_vectors = encoder.encode(esco["preferred_label"].tolist())
    sims = encoder.encode(occ) @ esco_vectors.T
    best = sims.argmax(axis=1)
    codes, psims = field_similarity(encoder, occ)
    psims = 0.5 * psims + 0.5 * field_similarity(encoder, full)[1]
    pbest = psims.argmax(axis=1)
    for k, i in enumerate(missing):
        s = float(sims[k, best[k]])
        if s >= ESCO_MIN_COS:
            row = esco.iloc[best[k]]
            links[i] = FieldLink(row["isced_f"], "esco", row["preferred_label"], s)
        elif psims[k, pbest[k]] >= PROFILE_MIN_COS:
            c = codes[pbest[k]]
            links[i] = FieldLink(c, "text", tx.isced_name(c), float(psims[k, pbest[k]]))
        else:
            links[i] = FieldLink("", "none")
    return links  # type: ignore[return-value]


def infer_nace(hosts: pd.DataFrame, encoder) -> list[NaceLink]:
    """NACE code per host: given, else the nearest NACE Rev. 2.1 class to its sector text."""
    links: list[NaceLink | None] = []
    missing = []
    for i, code in enumerate(hosts["nace_code"]):
        if code:
            links.append(NaceLink(code, "given"))
        else:
            links.append(None)
            missing.append(i)
    if missing:
        nace = tx.nace_codes()
        classes = nace[nace["level"] == 4]
        C = encoder.encode(classes["name"].tolist())
        texts = [f"{s}" for s in hosts["sector"].iloc[missing]]
        sims = encoder.encode(texts) @ C.T
        best = sims.argmax(axis=1)
        for k, i in enumerate(missing):
            s = float(sims[k, best[k]])
            code = classes["code"].iloc[best[k]] if s >= NACE_MIN_COS else ""
            links[i] = NaceLink(code, "text" if code else "none", s)
    return links  # type: ignore[return-value]


def field_index(links: list[FieldLink]) -> tuple[tuple[str, ...], np.ndarray]:
    """Vocabulary of fields that occur, and each participant's index in it (-1 unknown)."""
    fields = tuple(sorted({link.code for link in links if link.code}))
    index = {f: i for i, f in enumerate(fields)}
    return fields, np.array([index.get(link.code, -1) for link in links], dtype=np.int16)


def taxonomy_relevance(fields, host_nace) -> np.ndarray:
    """``(n_fields, n_hosts)``: 1 where the host's NACE code lies under a code the field's
    crosswalk lists, 0.5 where only the division matches, 0 otherwise, NaN for unknown NACE."""
    nace = np.asarray([n or "" for n in host_nace], dtype=object)
    known = nace != ""
    uniq, inverse = np.unique(nace, return_inverse=True)
    out = np.zeros((len(fields), len(uniq)), dtype=np.float32)
    for f, field in enumerate(fields):
        for u, code_h in enumerate(uniq):
            best = 0.0
            for code in field_nace_codes(field):
                if code_h.startswith(code):
                    best = 1.0
                    break
                if len(code) > 2 and code_h[:2] == code[:2]:
                    best = 0.5
            out[f, u] = best
    out = out[:, inverse]
    out[:, ~known] = np.nan
    if not len(fields):  # keep one row so that gathers work; every field is unknown
        out = np.full((1, len(nace)), np.nan, dtype=np.float32)
    return out
