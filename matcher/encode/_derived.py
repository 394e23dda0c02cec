"""Arrays derived from texts (a fit's taxonomy placements and vectors), kept beside the
embedding cache under a key, with the cache keys of the texts they came from.

Like the vectors, they hold no text and no id: only numbers and taxonomy codes, keyed by a
hash of what they were computed from. Erasing a text (:func:`forget_derived`, called by
``forget_texts``) deletes every file derived from it. Files are plain ``.npz`` archives read
without pickle; the most recently used :data:`KEEP` stay.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["DERIVED_DIR", "KEEP", "save_derived", "load_derived", "forget_derived"]

#: Folder of the derived files in the cache directory.
DERIVED_DIR = "derived"
#: Derived files kept (the least recently used beyond are deleted).
KEEP = 8
#: Array of each file holding the cache keys (16 bytes each) of its texts.
_TEXT_KEYS = "_text_keys"


def _folder(cache_dir) -> Path:
    return Path(cache_dir) / DERIVED_DIR


def save_derived(cache_dir, key: str, arrays: dict[str, np.ndarray], text_keys) -> Path:
    """Write ``arrays`` under ``key`` (atomically), with ``text_keys`` (the cache keys of
    the texts they came from); keep the :data:`KEEP` most recently used files."""
    folder = _folder(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    keys = np.frombuffer(b"".join(text_keys), dtype=np.uint8).reshape(-1, 16)
    path = folder / f"{key}.npz"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays, **{_TEXT_KEYS: keys})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(folder)
    return path


def load_derived(cache_dir, key: str) -> dict[str, np.ndarray] | None:
    """The arrays kept under ``key``, or None (none kept, or unreadable)."""
    path = _folder(cache_dir) / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            out = {name: data[name] for name in data.files if name != _TEXT_KEYS}
        os.utime(path)  # recently used: kept longest
    except (OSError, ValueError, KeyError):
        return None
    return out


def forget_derived(text_keys, cache_dir) -> int:
    """Delete every derived file that came from one of ``text_keys``; the number deleted."""
    folder = _folder(cache_dir)
    wanted = {bytes(k) for k in text_keys}
    if not folder.is_dir() or not wanted:
        return 0
    deleted = 0
    for path in folder.glob("*.npz"):
        try:
            with np.load(path, allow_pickle=False) as data:
                held = {row.tobytes() for row in data[_TEXT_KEYS]}
        except (OSError, ValueError, KeyError):
            held = wanted  # unreadable: delete it rather than keep it unchecked
        if held & wanted:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def _prune(folder: Path) -> None:
    files = []
    for path in folder.glob("*.npz"):
        with contextlib.suppress(OSError):  # deleted meanwhile by another process
            files.append((path.stat().st_mtime, path))
    for _, path in sorted(files, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
