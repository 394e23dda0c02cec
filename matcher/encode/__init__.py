"""Text encoders behind a small protocol, and the on-disk embedding cache."""

from ._base import Encoder, HashingEncoder, l2_normalise
from ._cache import CachedEncoder, text_key
from ._sentence import ModelUnavailableError, SentenceEncoder, resolve_model_path

__all__ = [
    "Encoder",
    "HashingEncoder",
    "SentenceEncoder",
    "CachedEncoder",
    "ModelUnavailableError",
    "l2_normalise",
    "resolve_model_path",
    "text_key",
    "make_encoder",
]


def make_encoder(config=None) -> CachedEncoder:
    """The configured model behind the on-disk cache."""
    from .._config import Config

    config = config or Config.from_env()
    return CachedEncoder(
        SentenceEncoder(config.model, config.batch_size, config.show_progress), config.cache_dir
    )
