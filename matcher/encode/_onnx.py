"""A sentence-transformers model run by onnxruntime: exported once on this machine, no hub.

sentence-transformers' own ``backend="onnx"`` needs ``optimum``, whose releases pin
``transformers`` below 4.58 while sentence-transformers 6 needs 5.x; so the model's
transformer is exported here with ``torch.onnx`` (its ``onnx`` package) and run with
``onnxruntime`` on every core, with the model's own tokenizer, pooling and normalisation.
The vectors equal the torch backend's to about 1e-7, so both share one cache identity.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ._base import l2_normalise
from ._sentence import ModelUnavailableError, SentenceEncoder

__all__ = ["OnnxEncoder", "export_onnx"]

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: ONNX operator set of the export (onnxruntime 1.17+ runs it).
_OPSET = 17


def _pooling(path: Path) -> str:
    """``mean`` or ``cls``: the pooling of a sentence-transformers folder."""
    cfg = json.loads((path / "1_Pooling" / "config.json").read_text())
    if cfg.get("pooling_mode_mean_tokens"):
        return "mean"
    if cfg.get("pooling_mode_cls_token"):
        return "cls"
    raise ModelUnavailableError(f"the onnx backend handles mean or CLS pooling only ({path})")


def export_onnx(model_path, out: Path) -> Path:
    """Export the transformer of a local sentence-transformers folder to ``out`` (ONNX).

    Written to a temporary name and renamed, so that a half-written file is never used.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()
    tok = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)
    sample = tok(["an example", "a second, longer example"], padding=True, return_tensors="pt")

    class _Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "hidden")}
    with torch.no_grad():
        torch.onnx.export(
            _Hidden(model),
            tuple(sample[name] for name in _INPUTS),
            str(tmp),
            input_names=list(_INPUTS),
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=_OPSET,
            dynamo=False,
        )
    tmp.replace(out)
    return out


class OnnxEncoder:
    """Encode with a sentence-transformers model through onnxruntime, on every core.

    Parameters
    ----------
    model : str
        As for :class:`SentenceEncoder` (``bundled:all-MiniLM-L6-v2`` or a local folder).
    export_dir : Path
        Where the exported model is kept (``<cache_dir>/onnx``): exported on first use.
    batch_size : int
    threads : int, optional
        onnxruntime's threads (default: every core).
    """

    def __init__(self, model: str, export_dir, batch_size: int = 64, threads: int | None = None):
        self._base = SentenceEncoder(model, batch_size, show_progress=False)
        self.model, self.batch_size = model, batch_size
        self.identity = self._base.identity  # same vectors to ~1e-7: one cache for both
        for name in ("languages", "similarity_range", "centred_range"):
            if hasattr(self._base, name):
                setattr(self, name, getattr(self._base, name))
        self.threads = threads or os.cpu_count() or 1
        key = self.identity.replace(":", "-").replace("/", "-")
        self.onnx_path = Path(export_dir) / key / "model.onnx"
        self._session = self._tokenizer = None

    def __getstate__(self):
        return {**self.__dict__, "_session": None, "_tokenizer": None}

    def _load(self):
        if self._session is None:
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError:
                raise ModelUnavailableError(
                    "MATCHER_ENCODER_BACKEND=onnx needs the onnx extra: pip install 'matcher[onnx]'"
                ) from None
            path = Path(self._base._path)
            if not self.onnx_path.is_file():
                export_onnx(path, self.onnx_path)
            opts = ort.SessionOptions()
            opts.intra_op_num_threads, opts.inter_op_num_threads = self.threads, 1
            self._session = ort.InferenceSession(
                str(self.onnx_path), opts, providers=["CPUExecutionProvider"]
            )
            cfg = json.loads((path / "sentence_bert_config.json").read_text())
            self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
            self._tokenizer.enable_truncation(int(cfg.get("max_seq_length", 256)))
            self._tokenizer.enable_padding()
            self._pool = _pooling(path)
        return self._session

    @property
    def dim(self) -> int:
        """Vector size of the model."""
        return self._base.dim if self._session is None else int(self.encode(["-"]).shape[1])

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        hidden = self._session.run(None, feed)[0]
        if self._pool == "cls":
            return hidden[:, 0]
        weight = feed["attention_mask"][..., None].astype(np.float32)
        return (hidden * weight).sum(axis=1) / np.maximum(weight.sum(axis=1), 1e-9)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors ``(len(texts), dim)`` float32; texts batched by length (less padding)."""
        texts = list(texts)
        self._load()
        out = np.zeros((len(texts), self._base.dim), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for s in range(0, len(texts), self.batch_size):
            rows = order[s : s + self.batch_size]
            out[rows] = self._batch([texts[i] for i in rows])
        return l2_normalise(out)
