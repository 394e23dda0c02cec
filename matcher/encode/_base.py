"""The encoder protocol and a cheap deterministic encoder for plumbing tests."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["Encoder", "HashingEncoder", "l2_normalise"]


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised vectors.

    ``identity`` names the model exactly (it keys the embedding cache); ``dim`` is the
    vector size; ``encode(texts)`` returns ``ndarray (n, dim)`` of float32 with unit rows.
    """

    identity: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors ``(len(texts), dim)`` float32."""
        ...


def l2_normalise(x: np.ndarray) -> np.ndarray:
    """Scale rows to unit length (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


class HashingEncoder:
    """Bag-of-words hashing vectors: deterministic, instant, for unit tests of the plumbing.

    Never a fallback for the real model: it knows no synonyms.

    Examples
    --------
    >>> enc = HashingEncoder(dim=64)
    >>> enc.encode(["cook", "cook"]).shape
    (2, 64)
    """

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.identity = f"hashing-{dim}"
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        """Hashed bag-of-words unit vectors ``(len(texts), dim)``."""
        from sklearn.feature_extraction.text import HashingVectorizer

        self.calls += 1
        vec = HashingVectorizer(n_features=self.dim, alternate_sign=False, norm=None)
        return l2_normalise(vec.transform(list(texts)).toarray())
