"""The text side of a fit kept on disk, so that a later fit of the same data starts at once.

A fit spends most of its time placing texts in the taxonomies and building their vectors
(:class:`TextSide`); the result depends only on the texts of both sides, the model, the
configuration, the code and the taxonomy tables. It is kept beside the embedding cache
(``matcher.encode`` derived files: numbers and taxonomy codes, no text, no id) under a key
that hashes all of these, so that it is never read for other data, another model, another
setting or another release; erasing a participant's texts deletes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ..encode import load_derived, save_derived, text_key
from ._links import NaceLink, OccupationLink
from ._state import Centring, TextSide

__all__ = ["side_key", "save_side", "load_side", "code_fingerprint"]

#: Layout of the kept arrays; bump when it changes.
_FORMAT = 1
#: Columns a fit's text side is computed from.
_P_INPUT = ("occupation", "isced_f", "description")
_H_INPUT = ("sector", "description", "nace_code")
#: Packages whose version changes what a fit computes (besides the model, in its identity).
_PACKAGES = ("numpy", "py3langid")
#: Settings that cannot change what a fit computes (left out of the key).
_NOT_KEYED = ("show_progress", "fit_cache")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the package's source files, the taxonomy tables and the versions of the
    packages that compute with them (once per process)."""
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parents[1]
    files = [(p.relative_to(package).as_posix(), p) for p in package.rglob("*.py")]
    files += [(f"taxonomies/{p.name}", p) for p in tx.taxonomy_dir().iterdir() if p.is_file()]
    for name, path in sorted(files):
        h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _PACKAGES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=none\0".encode())
    return h.hexdigest()


def side_key(participants: pd.DataFrame, hosts: pd.DataFrame, encoder, config) -> str:
    """The key of a fit's text side: the input columns of both sides, in order, the model's
    identity, every configuration field and :func:`code_fingerprint`."""
    h = hashlib.blake2b(digest_size=20)
    settings = repr(replace(config, **{name: None for name in _NOT_KEYED}))
    for part in (str(_FORMAT), code_fingerprint(), encoder.identity, settings):
        h.update(part.encode() + b"\0")
    for frame, columns in ((participants, _P_INPUT), (hosts, _H_INPUT)):
        for c in columns:
            h.update(json.dumps(frame[c].astype(str).tolist(), ensure_ascii=False).encode())
            h.update(b"\0")
    return h.hexdigest()


def _strings(values) -> np.ndarray:
    return np.array(list(values), dtype=str).reshape(-1)


def save_side(cache_dir, key: str, side: TextSide, texts: list[str]) -> None:
    """Keep ``side`` under ``key``, with the cache keys of the ``texts`` it came from."""
    occ, nace = side.occupations, side.nace
    arrays = {
        "p_emb": side.p_emb,
        "h_emb": side.h_emb,
        "occ_esco": _strings(o.esco for o in occ),
        "occ_index": np.array([o.esco_index for o in occ], dtype=np.int64),
        "occ_conf": np.array([o.confidence for o in occ], dtype=np.float64),
        "occ_field": _strings(o.field for o in occ),
        "occ_source": _strings(o.field_source for o in occ),
        "occ_field_conf": np.array([o.field_confidence for o in occ], dtype=np.float64),
        "nace_code": _strings(n.code for n in nace),
        "nace_source": _strings(n.source for n in nace),
        "nace_conf": np.array([n.confidence for n in nace], dtype=np.float64),
    }
    c = side.centring
    if c is not None:
        arrays.update(
            c_langs=_strings(c.langs),
            c_sums=c.sums,
            c_counts=c.counts,
            c_reference=c.reference,
            c_prior=np.array(c.prior),
        )
    save_derived(cache_dir, key, arrays, [text_key(t) for t in texts])


def load_side(cache_dir, key: str) -> TextSide | None:
    """The text side kept under ``key``, or None."""
    a = load_derived(cache_dir, key)
    if a is None:
        return None
    occupations = [
        OccupationLink(str(e), int(i), float(c), str(f), str(s), float(fc))
        for e, i, c, f, s, fc in zip(
            a["occ_esco"],
            a["occ_index"],
            a["occ_conf"],
            a["occ_field"],
            a["occ_source"],
            a["occ_field_conf"],
            strict=True,
        )
    ]
    nace = [
        NaceLink(str(code), str(source), float(conf))
        for code, source, conf in zip(a["nace_code"], a["nace_source"], a["nace_conf"], strict=True)
    ]
    centring = None
    if "c_langs" in a:
        centring = Centring(
            tuple(str(x) for x in a["c_langs"]),
            a["c_sums"],
            a["c_counts"],
            a["c_reference"],
            float(a["c_prior"]),
        )
    return TextSide(occupations, nace, a["p_emb"], a["h_emb"], centring)
