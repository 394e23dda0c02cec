"""Turn validated frames into the arrays the criteria work on (done once, in ``fit``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ..io import parse_languages, parse_list

__all__ = ["Vocab", "ParticipantArrays", "HostArrays", "prepare_participants", "prepare_hosts"]

_DAY = np.timedelta64(1, "D")
#: Day numbers standing for an open start or end of availability (far beyond any real date).
OPEN_START, OPEN_END = -1e9, 1e9


@dataclass
class Vocab:
    """Index spaces shared by both sides: countries, activities, languages, ISCED-F fields."""

    countries: tuple[str, ...]
    activities: tuple[str, ...]
    languages: tuple[str, ...]
    fields: tuple[str, ...]

    @classmethod
    def build(cls, participants: pd.DataFrame, hosts: pd.DataFrame, fields=()) -> Vocab:
        """Index spaces for these frames; ``fields`` are the ISCED-F fields that occur."""
        langs = set()
        for col in (participants["languages"], hosts["languages"]):
            for v in col:
                langs.update(parse_languages(v))
        return cls(
            countries=tx.programme_countries(),
            activities=tx.ACTIVITIES,
            languages=tuple(sorted(langs)),
            fields=tuple(fields),
        )


@dataclass
class ParticipantArrays:
    """The participants' side as arrays, one row per participant (built once in ``fit``)."""

    ids: np.ndarray
    country: np.ndarray  # (n,) int16 index in vocab.countries
    is_staff: np.ndarray  # (n,) bool
    activity: np.ndarray  # (n,) int8 index in vocab.activities
    dmin: np.ndarray  # (n,) int32
    dmax: np.ndarray
    start: np.ndarray  # (n,) float64 days since epoch, OPEN_START when open
    end: np.ndarray
    needs_access: np.ndarray  # (n,) bool
    fewer: np.ndarray  # (n,) bool
    consent: np.ndarray  # (n,) bool
    prefs: np.ndarray  # (n, C) bool
    has_prefs: np.ndarray  # (n,) bool
    levels: np.ndarray  # (n, L) int8 CEFR rank held, 0 = none
    field: np.ndarray  # (n,) int16 index in vocab.fields, -1 unknown
    field_conf: np.ndarray  # (n,) float32 how sure the field is, 1 when given
    emb: np.ndarray  # (n, d) float32 unit rows: profile text, expanded with its ESCO occupation

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class HostArrays:
    """The hosts' side as arrays, one row per host (built once in ``fit``)."""

    ids: np.ndarray
    country: np.ndarray
    accepts_learner: np.ndarray
    accepts_staff: np.ndarray
    activities: np.ndarray  # (m, A) bool: activity offered
    dmin: np.ndarray
    dmax: np.ndarray
    start: np.ndarray
    end: np.ndarray
    capacity: np.ndarray  # (m,) int32
    accessible: np.ndarray
    support: np.ndarray
    has_wanted: np.ndarray  # (m,) bool
    wanted_t: np.ndarray  # (L, m) int8 CEFR rank wanted, 0 = not a working language
    wanted_any: np.ndarray  # (L,) bool: some host wants this language
    nace: np.ndarray  # (m,) object: given or inferred NACE code, "" unknown
    nace_conf: np.ndarray  # (m,) float32 how sure the NACE class is, 1 when given
    emb: np.ndarray  # (m, d) float32 unit rows: offer text, expanded with its NACE class
    _emb64: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def emb64(self) -> np.ndarray:
        """``emb`` in float64 ``(m, d)``, made once: cosines computed in float64 round to the
        same float32 whether one participant or a block of them is scored (BLAS sums a
        matrix-vector and a matrix-matrix product in different orders)."""
        if self._emb64 is None:
            self._emb64 = self.emb.astype(np.float64)
        return self._emb64


def _days(col: pd.Series, open_value: float) -> np.ndarray:
    values = pd.to_datetime(col).to_numpy("datetime64[D]")
    out = (values - np.datetime64("1970-01-01", "D")) / _DAY
    out = out.astype(np.float64)
    out[np.isnat(values)] = open_value
    return out


def _levels(col: pd.Series, vocab: Vocab) -> np.ndarray:
    index = {c: i for i, c in enumerate(vocab.languages)}
    out = np.zeros((len(col), len(vocab.languages)), dtype=np.int8)
    for r, value in enumerate(col):
        for code, level in parse_languages(value).items():
            if code in index:
                out[r, index[code]] = tx.cefr_rank(level)
    return out


def _country_index(col: pd.Series, vocab: Vocab) -> np.ndarray:
    index = {c: i for i, c in enumerate(vocab.countries)}
    return np.array([index[c] for c in col], dtype=np.int16)


def prepare_participants(
    df: pd.DataFrame, vocab: Vocab, field: np.ndarray, field_conf: np.ndarray, emb: np.ndarray
) -> ParticipantArrays:
    """Arrays of the participants' side, in the order of ``df``."""
    c_index = {c: i for i, c in enumerate(vocab.countries)}
    prefs = np.zeros((len(df), len(vocab.countries)), dtype=bool)
    for r, value in enumerate(df["preferred_countries"]):
        for code in parse_list(value):
            prefs[r, c_index[code]] = True
    a_index = {a: i for i, a in enumerate(vocab.activities)}
    return ParticipantArrays(
        ids=df["participant_id"].to_numpy(object),
        country=_country_index(df["home_country"], vocab),
        is_staff=(df["role"] == "staff").to_numpy(),
        activity=np.array([a_index[a] for a in df["activity"]], dtype=np.int8),
        dmin=df["duration_min_days"].to_numpy(np.int32),
        dmax=df["duration_max_days"].to_numpy(np.int32),
        start=_days(df["available_from"], OPEN_START),
        end=_days(df["available_to"], OPEN_END),
        needs_access=df["needs_accessibility"].to_numpy(bool),
        fewer=df["fewer_opportunities"].to_numpy(bool),
        consent=df["consent_share"].to_numpy(bool),
        prefs=prefs,
        has_prefs=prefs.any(axis=1),
        levels=_levels(df["languages"], vocab),
        field=field.astype(np.int16),
        field_conf=np.asarray(field_conf, dtype=np.float32),
        emb=emb,
    )


def prepare_hosts(
    df: pd.DataFrame, vocab: Vocab, nace: np.ndarray, nace_conf: np.ndarray, emb: np.ndarray
) -> HostArrays:
    """Arrays of the hosts' side, in the order of ``df``."""
    a_index = {a: i for i, a in enumerate(vocab.activities)}
    limits = tx.activity_limits()
    acts = np.zeros((len(df), len(vocab.activities)), dtype=bool)
    for r, (accepts, listed) in enumerate(zip(df["accepts"], df["activities"], strict=True)):
        names = parse_list(listed) or [
            a for a, (role, _, _) in limits.items() if accepts in (role, "both")
        ]
        for a in names:
            acts[r, a_index[a]] = True
    wanted = _levels(df["languages"], vocab)
    return HostArrays(
        ids=df["host_id"].to_numpy(object),
        country=_country_index(df["country"], vocab),
        accepts_learner=df["accepts"].isin(["learner", "both"]).to_numpy(),
        accepts_staff=df["accepts"].isin(["staff", "both"]).to_numpy(),
        activities=acts,
        dmin=df["duration_min_days"].to_numpy(np.int32),
        dmax=df["duration_max_days"].to_numpy(np.int32),
        start=_days(df["available_from"], OPEN_START),
        end=_days(df["available_to"], OPEN_END),
        capacity=df["capacity"].to_numpy(np.int32),
        accessible=df["accessible"].to_numpy(bool),
        support=df["inclusion_support"].to_numpy(bool),
        has_wanted=(wanted > 0).any(axis=1),
        wanted_t=np.ascontiguousarray(wanted.T),
        wanted_any=(wanted > 0).any(axis=0),
        nace=np.asarray(nace, dtype=object),
        nace_conf=np.asarray(nace_conf, dtype=np.float32),
        emb=emb,
    )
