"""Build the fitted state from validated frames: links, texts, expanded vectors, arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from .._config import Config
from ..encode import l2_normalise
from ._history import build_history
from ._links import (
    UNKNOWN_FIELDS,
    esco_anchor_texts,
    field_index,
    link_nace,
    link_occupations,
    nace_anchor_texts,
    taxonomy_relevance,
)
from ._prepare import Vocab, prepare_hosts, prepare_participants
from ._state import Fitted

__all__ = ["fit_state", "participant_texts", "host_texts"]


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


def _participant_vectors(texts, links, encoder, config) -> np.ndarray:
    """Profile vectors expanded with their ESCO occupation's text, by placement confidence."""
    own = encoder.encode(texts)
    esco = encoder.encode(list(esco_anchor_texts()[1]))
    index = np.array([max(link.esco_index, 0) for link in links], dtype=np.int64)
    conf = np.array([link.confidence if link.esco_index >= 0 else 0.0 for link in links])
    anchors = esco[index] if len(index) else np.zeros_like(own)
    return _expanded(own, anchors, config.esco_expansion * conf.astype(np.float32))


def _host_vectors(hosts, links, encoder, config) -> np.ndarray:
    """Offer vectors expanded with their NACE class name, by placement confidence."""
    own = encoder.encode(host_texts(hosts, links))
    codes, names = nace_anchor_texts()
    position = {c: k for k, c in enumerate(codes)}
    name_vectors = encoder.encode(list(names))
    anchors = np.zeros_like(own)
    conf = np.zeros(len(links), dtype=np.float32)
    for j, link in enumerate(links):
        k = position.get(link.code)
        if k is not None:
            anchors[j], conf[j] = name_vectors[k], link.confidence
    return _expanded(own, anchors, config.nace_expansion * conf)


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
    texts = participant_texts(participants)
    occupations = link_occupations(participants, texts, encoder, config)
    nace_links = link_nace(hosts, encoder, config)
    fields, field_idx = field_index(occupations)
    vocab = Vocab.build(participants, hosts, fields)
    nace = np.array([link.code for link in nace_links], dtype=object)
    field_conf = np.array([link.field_confidence for link in occupations], dtype=np.float32)
    nace_conf = np.array([link.confidence for link in nace_links], dtype=np.float32)
    P = prepare_participants(
        participants,
        vocab,
        field_idx,
        field_conf,
        _participant_vectors(texts, occupations, encoder, config),
    )
    H = prepare_hosts(
        hosts, vocab, nace, nace_conf, _host_vectors(hosts, nace_links, encoder, config)
    )
    return Fitted(
        config=config,
        participants=participants,
        hosts=hosts,
        vocab=vocab,
        P=P,
        H=H,
        occupations=occupations,
        nace=nace_links,
        tax_by_field=taxonomy_relevance(fields, nace),
        history=build_history(history, participants, hosts),
        text_range=config.text_range(encoder),
    )
