"""Build the fitted state from validated frames: links, texts, expanded vectors, arrays."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from .._config import Config
from ..encode import l2_normalise
from ..language import MIN_CONFIDENCE, detect_language
from ._geography import build_travel
from ._history import build_history
from ._links import (
    UNKNOWN_FIELDS,
    _esco_fields,
    anchor_vectors,
    esco_anchor_texts,
    field_index,
    link_nace,
    link_occupations,
    nace_anchor_texts,
    taxonomy_relevance,
    zscore_confidence,
)
from ._persist import load_side, save_side, side_key
from ._prepare import Vocab, prepare_groups, prepare_hosts, prepare_participants
from ._state import Centring, Fitted, TextSide

__all__ = [
    "fit_state",
    "profile_state",
    "warm_profiles",
    "text_side",
    "participant_texts",
    "host_texts",
    "language_centroids",
]


def participant_texts(participants: pd.DataFrame) -> list[str]:
    """``occupation (field). description``: one text per participant.

    One embedding of the whole text ranks sectors better than separate label and
    description embeddings (bench/quality.py); the field name is added only when the user
    gave the code.
    """
    out = []
    rows = zip(
        participants["occupation"],
        participants["description"],
        participants["isced_f"],
        strict=True,
    )
    for occupation, description, field in rows:
        head = occupation
        if field and field not in UNKNOWN_FIELDS:
            head = f"{occupation} ({tx.isced_name(field)})"
        out.append(f"{head}. {description}" if description else head)
    return out


def host_texts(hosts: pd.DataFrame, links) -> list[str]:
    """``sector (NACE class). description``: one text per host."""
    out = []
    for sector, description, link in zip(hosts["sector"], hosts["description"], links, strict=True):
        name = tx.nace_name(link.code) if link.source == "given" else ""
        head = f"{sector} ({name})" if name and name.lower() != sector.lower() else sector
        out.append(f"{head}. {description}" if description else head)
    return out


def _expanded(vectors: np.ndarray, anchors: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Unit rows of ``vectors + weight * anchors``: ``(n, d)``; a zero anchor adds nothing."""
    return l2_normalise(vectors + weight[:, None] * anchors)


def language_centroids(
    vectors: np.ndarray, langs: list[str], reference: np.ndarray, prior: float
) -> np.ndarray:
    """Each text's language centroid, ``(n, d)``: the mean vector of the texts in its
    language, shrunk towards ``reference`` (d,) as if ``prior`` reference texts were among them.

    Multilingual encoders place every text of one language near a common offset; removing it
    leaves what the text is about, so that a German profile is no longer closer to every German
    offer than to the right Czech one. Texts whose language was not recognised ("") share one
    centroid.
    """
    langs_arr = np.asarray(langs, dtype=object)
    out = np.empty_like(vectors)
    for lang in set(langs):
        rows = langs_arr == lang
        total = vectors[rows].sum(axis=0) + prior * reference
        out[rows] = total / (rows.sum() + prior)
    return out


def _anchor_vectors(encoder, texts) -> np.ndarray:
    """Unit vectors of taxonomy texts (English), centred on their own mean: ``(n, d)``."""
    vectors = anchor_vectors(encoder, texts)
    return vectors - vectors.mean(axis=0)


def _participant_vectors(own, links, encoder, config) -> np.ndarray:
    """Profile vectors expanded with their ESCO occupation's text, by placement confidence."""
    esco = _anchor_vectors(encoder, esco_anchor_texts()[1])
    index = np.array([max(link.esco_index, 0) for link in links], dtype=np.int64)
    conf = np.array([link.confidence if link.esco_index >= 0 else 0.0 for link in links])
    anchors = esco[index] if len(index) else np.zeros_like(own)
    return _expanded(own, anchors, config.esco_expansion * conf.astype(np.float32))


def _host_vectors(own, links, encoder, config) -> np.ndarray:
    """Offer vectors expanded with their NACE class name, by placement confidence."""
    codes, names = nace_anchor_texts()
    position = {c: k for k, c in enumerate(codes)}
    name_vectors = _anchor_vectors(encoder, names)
    anchors = np.zeros_like(own)
    conf = np.zeros(len(links), dtype=np.float32)
    for j, link in enumerate(links):
        k = position.get(link.code)
        if k is not None:
            anchors[j], conf[j] = name_vectors[k], link.confidence
    vectors = own + (config.nace_expansion * conf)[:, None] * anchors
    rows = np.flatnonzero([link.source != "given" for link in links])
    if config.host_esco_expansion and len(rows):  # offers without a NACE code borrow ESCO's
        vectors[rows] += config.host_esco_expansion * _host_occupations(own[rows], encoder, config)
    return l2_normalise(vectors)


#: Offers placed on ESCO at a time (bounds the (block, 3,658) similarity matrix).
_HOST_BLOCK = 4096


def _host_occupations(own, encoder, config) -> np.ndarray:
    """Each offer's nearest ESCO occupation text (centred), times the placement's confidence:
    ``(n_offers, d)``. It puts offers in the same English anchor space as profiles."""
    esco = _anchor_vectors(encoder, esco_anchor_texts()[1])
    out = np.zeros_like(own)
    for s in range(0, len(own), _HOST_BLOCK):
        block = own[s : s + _HOST_BLOCK]
        best, conf = zscore_confidence(block @ esco.T, config.anchor_z_low, config.anchor_z_high)
        out[s : s + _HOST_BLOCK] = conf[:, None] * esco[best]
    return out


def _text_languages(texts: list[str], encoder) -> list[str]:
    """Each text's language code, "" when not recognised surely enough."""
    cached = getattr(encoder, "text_languages", None)  # detected once, kept on disk
    langs = cached(texts) if cached else [detect_language(t) for t in texts]
    return [code if prob >= MIN_CONFIDENCE else "" for code, prob in langs]


def _text_vectors(p_texts, h_texts, encoder, config):
    """Profile and offer vectors with their language's centroid removed (when configured),
    and what the centroids were made of (:class:`Centring`, None without centring)."""
    own = encoder.encode([*p_texts, *h_texts])
    centring = None
    if config.language_centring:
        langs = _text_languages([*p_texts, *h_texts], encoder)
        reference = anchor_vectors(encoder, esco_anchor_texts()[1]).mean(axis=0)
        centring = Centring.of(own, langs, reference, config.centroid_prior)
        own = own - language_centroids(own, langs, reference, config.centroid_prior)
    return own[: len(p_texts)], own[len(p_texts) :], centring


def text_side(participants: pd.DataFrame, hosts: pd.DataFrame, encoder, config) -> TextSide:
    """Taxonomy placements and expanded vectors of both sides' texts: read back from the
    cache directory when the same texts were fitted with the same model, configuration,
    code and taxonomies (``config.fit_cache``), else computed (and kept there)."""
    cache_dir = getattr(encoder, "cache_dir", None) if config.fit_cache else None
    key = side_key(participants, hosts, encoder, config) if cache_dir else ""
    side = load_side(cache_dir, key) if cache_dir else None
    if side is not None:
        return side
    texts = participant_texts(participants)
    occupations = link_occupations(participants, texts, encoder, config)
    nace_links = link_nace(hosts, encoder, config)
    h_texts = host_texts(hosts, nace_links)
    p_own, h_own, centring = _text_vectors(texts, h_texts, encoder, config)
    side = TextSide(
        occupations=occupations,
        nace=nace_links,
        p_emb=_participant_vectors(p_own, occupations, encoder, config),
        h_emb=_host_vectors(h_own, nace_links, encoder, config),
        centring=centring,
    )
    if cache_dir:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            save_side(cache_dir, key, side, [*texts, *participants["occupation"], *h_texts])
    return side


def fit_state(
    participants: pd.DataFrame,
    hosts: pd.DataFrame,
    history: pd.DataFrame | None,
    encoder,
    config: Config,
) -> Fitted:
    """Everything the criteria read, built once (texts encoded through the cache)."""
    participants = participants.reset_index(drop=True)
    hosts = hosts.reset_index(drop=True)
    side = text_side(participants, hosts, encoder, config)
    fields, field_idx = field_index(side.occupations)
    vocab = Vocab.build(participants, hosts, fields)
    nace = np.array([link.code for link in side.nace], dtype=object)
    field_conf = np.array([link.field_confidence for link in side.occupations], dtype=np.float32)
    nace_conf = np.array([link.confidence for link in side.nace], dtype=np.float32)
    P = prepare_participants(participants, vocab, field_idx, field_conf, side.p_emb)
    H = prepare_hosts(hosts, vocab, nace, nace_conf, side.h_emb)
    return Fitted(
        config=config,
        participants=participants,
        hosts=hosts,
        vocab=vocab,
        P=P,
        H=H,
        occupations=side.occupations,
        nace=side.nace,
        tax_by_field=taxonomy_relevance(fields, nace),
        history=build_history(history, participants, hosts),
        text_range=config.text_range(encoder, centred=config.language_centring),
        G=prepare_groups(participants, P),
        centring=side.centring,
        travel=build_travel(participants, hosts, config),
    )


def profile_state(S: Fitted, participants: pd.DataFrame, encoder) -> Fitted:
    """The fitted state ``S`` with other participants (typed-in profiles) against its hosts
    as fitted: the hosts are not placed, encoded or centred again.

    Each new text is centred on its language's centroid over the fitted texts and itself,
    as if it had been one more participant of the fit; it has no decision history.
    """
    config = S.config
    participants = participants.reset_index(drop=True)
    texts = participant_texts(participants)
    occupations = link_occupations(participants, texts, encoder, config)
    own = encoder.encode(texts)
    if S.centring is not None:
        own = own - S.centring.centroid(own, _text_languages(texts, encoder))
    p_emb = _participant_vectors(own, occupations, encoder, config)
    fields, field_idx = field_index(occupations)
    vocab = replace(S.vocab, fields=fields)
    field_conf = np.array([link.field_confidence for link in occupations], dtype=np.float32)
    P = prepare_participants(participants, vocab, field_idx, field_conf, p_emb)
    return replace(
        S,
        participants=participants,
        vocab=vocab,
        P=P,
        G=prepare_groups(participants, P),
        travel=build_travel(participants, S.hosts, config),
        occupations=occupations,
        tax_by_field=taxonomy_relevance(fields, S.H.nace),
        history=build_history(None, participants, S.hosts),
    )


def warm_profiles(encoder) -> None:
    """Load now what ``Matcher.with_participants`` waits for on its first call with
    ``encoder``: the ESCO texts' vectors, the language identifier and the model (whose first
    call costs most); e.g. in a background thread while the user types."""
    labels, texts = esco_anchor_texts()
    anchor_vectors(encoder, labels)
    anchor_vectors(encoder, texts)
    _esco_fields()
    detect_language("Warm-up text of the language identifier.")
    load = getattr(encoder, "load", None)
    if load is not None:
        load()
