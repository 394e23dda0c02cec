"""Encoding on the cluster: texts the cache does not know are encoded by the workers."""

from __future__ import annotations

import numpy as np

__all__ = ["ClusterEncoder", "cluster_encoder"]

#: Texts per task: large enough to keep a worker's model busy, small enough to spread.
TEXTS_PER_TASK = 512


def _encode_on_worker(encoder, texts: list[str]) -> np.ndarray:
    return np.asarray(encoder.encode(texts), dtype=np.float32)


class ClusterEncoder:
    """An :class:`~matcher.encode.Encoder` whose ``encode`` runs on Dask workers.

    The model encoder (not yet loaded) is scattered once; each worker loads the model on
    its first task and keeps it. Put it behind :class:`~matcher.encode.CachedEncoder`
    (:func:`cluster_encoder` does) so that only new texts travel.

    Parameters
    ----------
    encoder : Encoder
        The model encoder, e.g. ``matcher.encode.model_encoder(config)``; same ``identity``,
        so the cache and the seed vectors serve it.
    client : distributed.Client
    texts_per_task : int
    """

    def __init__(self, encoder, client, texts_per_task: int = TEXTS_PER_TASK):
        self.encoder = encoder
        self.client = client
        self.texts_per_task = texts_per_task
        self.identity = encoder.identity
        self._remote = None
        for name in ("languages", "similarity_range", "centred_range"):
            if hasattr(encoder, name):
                setattr(self, name, getattr(encoder, name))

    @property
    def dim(self) -> int:
        """Vector size of the model."""
        return self.encoder.dim

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors ``(len(texts), dim)`` float32, encoded on the workers in order."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._remote is None:
            self._remote = self.client.scatter(self.encoder, broadcast=True, hash=False)
        step = self.texts_per_task
        chunks = [texts[s : s + step] for s in range(0, len(texts), step)]
        futures = self.client.map(
            _encode_on_worker, [self._remote] * len(chunks), chunks, pure=False
        )
        return np.vstack(self.client.gather(futures))


def cluster_encoder(client, config=None):
    """The configured model on the cluster, behind this machine's embedding cache."""
    from .._config import Config
    from ..encode import CachedEncoder, model_encoder
    from ..taxonomy import data_dir

    config = config or Config.from_env()
    remote = ClusterEncoder(model_encoder(config), client)
    return CachedEncoder(remote, config.cache_dir, seed_dir=data_dir() / "embeddings")
