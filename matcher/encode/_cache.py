"""An on-disk embedding cache keyed by model identity and text hash (SQLite, one file)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ._derived import forget_derived

__all__ = ["CachedEncoder", "text_key", "forget_texts", "write_seed", "seed_path", "CACHE_FILE"]

#: The cache's file in ``cache_dir``.
CACHE_FILE = "embeddings.sqlite"
#: Every model's table name starts with this (then a hash of the model's identity).
_TABLE_PREFIX = "emb_"
#: Most keys per SQL statement (SQLite's parameter limit is 999).
_KEYS_PER_QUERY = 900


def text_key(text: str) -> bytes:
    """The cache key of a text: a 16-byte BLAKE2b digest of its UTF-8 bytes."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def seed_path(seed_dir, identity: str) -> Path:
    """Where the seed file of a model identity lives."""
    return Path(seed_dir) / (_table_name(identity) + ".npz")


def _table_name(identity: str) -> str:
    """The cache table (and seed file stem) of a model identity."""
    return _TABLE_PREFIX + hashlib.sha1(identity.encode()).hexdigest()[:16]


#: Table of the texts' detected languages, shared by every model.
_LANG_TABLE = "text_languages"


def forget_texts(texts, cache_dir) -> int:
    """Delete the vectors of ``texts`` from the on-disk cache in ``cache_dir``, for every model,
    and every array derived from them (a fit's placements and vectors, ``_derived``).

    Used when a participant is erased, so that their texts leave no vector behind.
    Returns the number of vectors and derived files deleted (0 when there is no cache).
    """
    path = Path(cache_dir) / CACHE_FILE
    keys = [text_key(t) for t in texts]
    deleted = forget_derived(keys, cache_dir)
    if not path.is_file() or not keys:
        return deleted
    with sqlite3.connect(path, timeout=60) as con:
        q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?"
        tables = [name for (name,) in con.execute(q, (_TABLE_PREFIX + "%",))]
        if con.execute(q, (_LANG_TABLE,)).fetchone():
            tables.append(_LANG_TABLE)
        for table in tables:
            for i in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[i : i + _KEYS_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                deleted += con.execute(
                    f"DELETE FROM {table} WHERE key IN ({marks})", chunk
                ).rowcount
    return deleted


class CachedEncoder:
    """Wrap an encoder so that no text is ever encoded twice for the same model.

    Vectors live in memory and in ``cache_dir/embeddings.sqlite`` (table per model
    identity). ``encoded`` counts texts actually sent to the model, ``hits`` those served
    from the cache. ``progress``, when set, is called as ``progress(done, total)`` while a
    long batch of new texts is encoded (the dashboard shows it as a progress bar).

    Examples
    --------
    >>> import tempfile
    >>> from matcher.encode import HashingEncoder
    >>> enc = CachedEncoder(HashingEncoder(16), tempfile.mkdtemp())
    >>> _ = enc.encode(["cook", "baker", "cook"])
    >>> enc.encoded, enc.hits
    (2, 1)
    """

    def __init__(self, encoder, cache_dir=None, progress=None, seed_dir=None):
        self.encoder = encoder
        self.identity = encoder.identity
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.progress = progress
        self._memory: dict[bytes, np.ndarray] = {}
        self._lock = threading.Lock()
        self.encoded = 0
        self.hits = 0
        self._langs: dict[bytes, tuple[str, float]] = {}
        self._table = _table_name(self.identity)
        self._seed = _load_seed(seed_path(seed_dir, self.identity)) if seed_dir else {}
        if self.cache_dir is not None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                con.execute(
                    f"CREATE TABLE IF NOT EXISTS {self._table} (key BLOB PRIMARY KEY, vec BLOB NOT NULL)"
                )
                con.execute(
                    "CREATE TABLE IF NOT EXISTS models (tbl TEXT PRIMARY KEY, identity TEXT)"
                )
                con.execute(
                    f"CREATE TABLE IF NOT EXISTS {_LANG_TABLE} "
                    "(key BLOB PRIMARY KEY, code TEXT NOT NULL, prob REAL NOT NULL)"
                )
                con.execute(
                    "INSERT OR IGNORE INTO models VALUES (?, ?)", (self._table, self.identity)
                )

    def load(self) -> None:
        """Load the wrapped model now, if it loads lazily (``load()``), so that the first
        new text does not wait for it."""
        load = getattr(self.encoder, "load", None)
        if load is not None:
            load()

    @property
    def dim(self) -> int:
        """Vector size of the wrapped encoder."""
        return self.encoder.dim

    @property
    def languages(self):
        """Languages the wrapped encoder declares it reads (None: undeclared)."""
        return getattr(self.encoder, "languages", None)

    @property
    def centred_range(self):
        """The wrapped encoder's calibrated range of language-centred cosines, if any."""
        return getattr(self.encoder, "centred_range", None)

    @property
    def similarity_range(self):
        """The wrapped encoder's calibrated cosine range, if it has one."""
        return getattr(self.encoder, "similarity_range", None)

    def text_languages(self, texts: list[str]) -> list[tuple[str, float]]:
        """Language and probability of each text (:func:`matcher.language.detect_language`),
        detected once per text and kept beside the vectors, so a warm start detects nothing."""
        from ..language import detect_language

        keys = [text_key(t) for t in texts]
        with self._lock:
            missing = [k for k in dict.fromkeys(keys) if k not in self._langs]
            if missing and self.cache_dir is not None:
                with self._connect() as con:
                    for i in range(0, len(missing), _KEYS_PER_QUERY):
                        chunk = missing[i : i + _KEYS_PER_QUERY]
                        q = f"SELECT key, code, prob FROM {_LANG_TABLE} WHERE key IN ({','.join('?' * len(chunk))})"
                        for key, code, prob in con.execute(q, chunk):
                            self._langs[bytes(key)] = (code, prob)
            new = {
                k: detect_language(t)
                for k, t in zip(keys, texts, strict=True)
                if k not in self._langs
            }
            self._langs.update(new)
            if new and self.cache_dir is not None:
                with self._connect() as con:
                    con.executemany(
                        f"INSERT OR REPLACE INTO {_LANG_TABLE} VALUES (?, ?, ?)",
                        [(k, code, prob) for k, (code, prob) in new.items()],
                    )
            return [self._langs[k] for k in keys]

    def forget(self, texts) -> int:
        """Drop the vectors of ``texts``, in memory (the seed's too) and on disk for every model.

        Returns the number of vectors deleted on disk.
        """
        with self._lock:
            for t in texts:
                self._memory.pop(text_key(t), None)
                self._seed.pop(text_key(t), None)
            return 0 if self.cache_dir is None else forget_texts(texts, self.cache_dir)

    def _connect(self):
        con = sqlite3.connect(self.cache_dir / CACHE_FILE, timeout=60)
        con.execute("PRAGMA journal_mode=WAL")
        return con

    def _load_from_disk(self, keys: list[bytes]) -> None:
        if self.cache_dir is None or not keys:
            return
        with self._connect() as con:
            for i in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[i : i + _KEYS_PER_QUERY]
                q = f"SELECT key, vec FROM {self._table} WHERE key IN ({','.join('?' * len(chunk))})"
                for key, blob in con.execute(q, chunk):
                    self._memory[bytes(key)] = np.frombuffer(blob, dtype=np.float32)

    def _encode_new(self, texts: list[str], chunk: int = 128) -> np.ndarray:
        """Encode texts the cache does not know, reporting ``progress(done, total)`` if set."""
        if self.progress is None or len(texts) <= chunk:
            return np.asarray(self.encoder.encode(texts), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), chunk):
            parts.append(
                np.asarray(self.encoder.encode(texts[start : start + chunk]), dtype=np.float32)
            )
            self.progress(min(start + chunk, len(texts)), len(texts))
        return np.vstack(parts)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts`` (n, dim), encoding only texts never seen with this model."""
        texts = list(texts)
        keys = [text_key(t) for t in texts]
        with self._lock:
            unknown = list({k: None for k in keys if k not in self._memory})
            for k in unknown:
                if k in self._seed:
                    self._memory[k] = self._seed[k]
            self._load_from_disk([k for k in unknown if k not in self._memory])
            todo = {}
            for k, t in zip(keys, texts, strict=True):
                if k not in self._memory and k not in todo:
                    todo[k] = t
            self.hits += len(texts) - len(todo)
            if todo:
                vectors = self._encode_new(list(todo.values()))
                self.encoded += len(todo)
                rows = []
                for k, v in zip(todo, vectors, strict=True):
                    v = np.ascontiguousarray(v)
                    self._memory[k] = v
                    rows.append((k, v.tobytes()))
                if self.cache_dir is not None:
                    with self._connect() as con:
                        con.executemany(f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?)", rows)
            if not texts:
                return np.zeros((0, self.dim), dtype=np.float32)
            return np.stack([self._memory[k] for k in keys])


def _load_seed(path: Path) -> dict[bytes, np.ndarray]:
    """Vectors shipped with the package for texts every user encodes (the taxonomies, the
    sample), keyed like the cache: ``keys`` (n, 16) uint8 and ``vectors`` (n, d) float16.

    Built by ``scripts/build_embedding_seed.py`` for the bundled models; a model without a
    seed file simply encodes everything itself.
    """
    if not path.is_file():
        return {}
    with np.load(path) as data:
        keys, vectors = data["keys"], data["vectors"].astype(np.float32)
    return {bytes(k): v for k, v in zip(keys, vectors, strict=True)}


def write_seed(path, encoder, texts: list[str]) -> int:
    """Write the seed file for ``texts`` with ``encoder`` (a :class:`CachedEncoder`)."""
    texts = list(dict.fromkeys(texts))
    vectors = encoder.encode(texts).astype(np.float16)
    keys = np.frombuffer(b"".join(text_key(t) for t in texts), dtype=np.uint8).reshape(-1, 16)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, keys=keys, vectors=vectors)
    return len(texts)
