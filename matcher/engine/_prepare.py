"""Turn validated frames into the arrays the criteria work on (done once, in ``fit``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import taxonomy as tx
from ..io import parse_languages, parse_list

__all__ = [
    "Vocab",
    "ParticipantArrays",
    "HostArrays",
    "GroupArrays",
    "prepare_participants",
    "prepare_hosts",
    "prepare_groups",
]

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
            countries=tx.programme_countries(),  # every programme year's
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
    accompanying: np.ndarray  # (n,) bool: goes with learners, takes no place
    group: np.ndarray  # (n,) int32 index in GroupArrays, -1 for none
    joins: np.ndarray  # (n,) float64 first day the home country takes part
    grad_deadline: np.ndarray  # (n,) float64 last start day of a recent graduate, OPEN_END if none
    not_employed: np.ndarray  # (n,) bool: staff not employed by the sending organisation

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class GroupArrays:
    """Groups of learners travelling together, with their accompanying persons (one row per
    group). The stay and window are those common to the group's learners."""

    ids: np.ndarray  # (G,) object group_id
    learners: list  # G arrays of participant rows (learners)
    members: list  # G arrays of participant rows (learners and accompanying persons)
    size: np.ndarray  # (G,) int32 learners (the places the group takes)
    activity: np.ndarray  # (G,) int8 the learners' activity (-1 when they differ)
    dmin: np.ndarray  # (G,) int32 longest of the learners' shortest stays
    dmax: np.ndarray  # (G,) int32 shortest of their longest stays
    start: np.ndarray  # (G,) float64 latest earliest start
    end: np.ndarray  # (G,) float64 earliest latest end
    needs_access: np.ndarray  # (G,) bool: a member needs an accessible host
    joins: np.ndarray  # (G,) float64 first day the group's home country takes part

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
    takes_groups: np.ndarray  # (m,) bool: accepts groups, or lists group mobility
    is_event: np.ndarray  # (m,) bool: a skills competition, not a workplace
    joins: np.ndarray  # (m,) float64 first day the host's country takes part
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


def _joins(col: pd.Series) -> np.ndarray:
    """First day each row's country takes part in the programme, as a day number."""
    joins = tx.country_joins()
    days = pd.Series([pd.Timestamp(joins[c]) for c in col], dtype="datetime64[ns]")
    return _days(days, OPEN_START)


def _column(df: pd.DataFrame, name: str, default) -> pd.Series:
    """A column the contract added later (empty cells as ``default``), or ``default`` for
    frames built without it."""
    if name not in df:
        return pd.Series([default] * len(df), index=df.index)
    return df[name].where(df[name].notna(), default)


def _grad_deadline(df: pd.DataFrame) -> np.ndarray:
    """Last day a recent graduate's mobility may start (OPEN_END for everyone else)."""
    from ..io import graduation_deadline

    graduated = pd.to_datetime(_column(df, "graduation_date", pd.NaT))
    learner = (df["role"] == "learner").to_numpy()
    deadline = [
        graduation_deadline(g) if ok and not pd.isna(g) else pd.NaT
        for g, ok in zip(graduated, learner, strict=True)
    ]
    return _days(pd.Series(deadline, dtype="datetime64[ns]"), OPEN_END)


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
        accompanying=(df["role"] == "accompanying").to_numpy(),
        group=_group_index(_column(df, "group_id", "")),
        joins=_joins(df["home_country"]),
        grad_deadline=_grad_deadline(df),
        not_employed=_not_employed(df),
    )


def _not_employed(df: pd.DataFrame) -> np.ndarray:
    """Staff the file says the sending organisation does not employ (experts invited from
    abroad and teachers in training hosted are not asked)."""
    staff = (df["role"] == "staff") & ~df["activity"].isin(tx.EXTERNAL_STAFF_ACTIVITIES)
    return (staff & (_column(df, "employed_by_sender", "") == "false")).to_numpy(bool)


def _group_index(col: pd.Series) -> np.ndarray:
    """Index of each row's group in order of first appearance, -1 without a group."""
    codes, _ = pd.factorize(col.where(col != "", None), use_na_sentinel=True)
    return codes.astype(np.int32)


def prepare_groups(df: pd.DataFrame, P: ParticipantArrays) -> GroupArrays:
    """The groups of ``df`` (rows sharing a ``group_id``), from the participants' arrays."""
    ids = pd.unique(_column(df, "group_id", "").where(lambda c: c != "").dropna())
    members = [np.flatnonzero(P.group == g) for g in range(len(ids))]
    learners = [rows[~P.accompanying[rows]] for rows in members]

    def over(values, reduce, empty):
        return np.array([reduce(values[r]) if len(r) else empty for r in learners])

    acts = [np.unique(P.activity[r]) for r in learners]
    return GroupArrays(
        ids=np.asarray(ids, dtype=object),
        learners=learners,
        members=members,
        size=np.array([len(r) for r in learners], dtype=np.int32),
        activity=np.array([a[0] if len(a) == 1 else -1 for a in acts], dtype=np.int8),
        dmin=over(P.dmin, np.max, 0).astype(np.int32),
        dmax=over(P.dmax, np.min, 0).astype(np.int32),
        start=over(P.start, np.max, OPEN_START).astype(np.float64),
        end=over(P.end, np.min, OPEN_END).astype(np.float64),
        needs_access=np.array([P.needs_access[r].any() for r in members], dtype=bool),
        joins=np.array([P.joins[r].max() for r in members], dtype=np.float64),
    )


def prepare_hosts(
    df: pd.DataFrame, vocab: Vocab, nace: np.ndarray, nace_conf: np.ndarray, emb: np.ndarray
) -> HostArrays:
    """Arrays of the hosts' side, in the order of ``df``."""
    acts = _host_activities(df, vocab)
    wanted = _levels(df["languages"], vocab)
    is_event = (df["org_type"] == tx.EVENT).to_numpy()
    listed_group = np.array(["group" in parse_list(v) for v in df["activities"]], dtype=bool)
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
        takes_groups=_column(df, "accepts_groups", False).to_numpy(bool) | listed_group,
        is_event=is_event,
        joins=_joins(df["country"]),
    )


def _host_activities(df: pd.DataFrame, vocab: Vocab) -> np.ndarray:
    """``(m, A)`` bool: the activities each host offers; empty: all for its roles (an event:
    skills competitions only)."""
    a_index = {a: i for i, a in enumerate(vocab.activities)}
    limits = tx.activity_limits()
    acts = np.zeros((len(df), len(vocab.activities)), dtype=bool)
    rows = zip(df["accepts"], df["activities"], df["org_type"], strict=True)
    for r, (accepts, listed, org_type) in enumerate(rows):
        names = parse_list(listed) or [
            a for a, (role, _, _) in limits.items() if accepts in (role, "both")
        ]
        if org_type == tx.EVENT:
            names = [a for a in names if a == "skills_competition"]
        for a in names:
            acts[r, a_index[a]] = True
    return acts
