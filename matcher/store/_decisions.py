"""Decisions and outcomes: who proposed whom where, the hosts' answers, ratings, and the
scorer learned from them."""

from __future__ import annotations

import contextlib
import json

import pandas as pd
import sqlalchemy as sa

from .. import lifecycle as lc
from .. import taxonomy as tx
from ..privacy import candidate_view, pseudonym
from . import _audit, _data, _locks, _secrets
from . import _tables as T
from ._access import AccessDenied, User, require
from ._database import utc_now, write_transaction

__all__ = [
    "record",
    "respond",
    "mark_interest",
    "candidate_profile",
    "states",
    "interests",
    "decisions",
    "all_decisions",
    "proposals_to_host",
    "open_proposals",
    "forget",
    "save_scorer",
    "load_scorer",
]

#: What a host does with a proposal; every other step is the sending side's.
HOST_ACTIONS = lc.HOST_STEPS
#: The actions that make a proposal's state, as a host sees it; shortlists are internal.
PROPOSAL_ACTIONS = ("propose", "withdraw", "accept", "decline", "complete")
#: Why a proposal in each closed state cannot be answered.
_CLOSED = {
    "withdraw": "it was withdrawn by the sending organisation",
    "accept": "it was accepted already",
    "decline": "it was declined already",
    "complete": "the placement is completed",
}
#: The columns of a host's view of the decisions (:func:`proposals_to_host`).
HOST_VIEW_COLUMNS = ("candidate", "host_id", "state", "at", "reason")
#: The states in which a proposal opens the candidate's profile to the host.
PROFILE_OPEN = ("propose", "accept", "complete")
#: Longest metrics text an audit row keeps for a saved scorer.
_METRICS_AUDIT_MAX = 500


def _sending_org(conn, participant_id: str) -> str:
    """The participant's sending organisation (KeyError for an unknown id)."""
    return _participant(conn, participant_id)[0]


def _check_values(action: str, rating: int | None) -> None:
    if action not in T.DECISION_ACTIONS:
        raise ValueError(f"action must be one of {', '.join(T.DECISION_ACTIONS)}")
    lo, hi = T.RATINGS[0], T.RATINGS[-1]
    if rating is not None and (action != "complete" or int(rating) not in T.RATINGS):
        raise ValueError(f"a rating ({lo}-{hi}) goes with 'complete' only")
    if action == "complete" and rating is None:
        raise lc.InvalidStep(f"a completed placement needs a rating ({lo}-{hi})")


def _participant(conn, participant_id: str) -> tuple[str, bool]:
    """The participant's sending organisation and consent (KeyError for an unknown id)."""
    p = T.participants.c
    q = sa.select(p.sending_org, p.consent_share).where(p.participant_id == participant_id)
    rec = conn.execute(q).first()
    if rec is None:
        raise KeyError(f"unknown participant_id '{participant_id}'")
    return rec[0], bool(rec[1])


def _latest(conn, participant_id: str, host_id: str, actions) -> tuple[int, str | None]:
    """``(id, action)`` of the pair's latest decision among ``actions`` ((0, None): none)."""
    d = T.decisions.c
    q = (
        sa.select(d.id, d.action)
        .where((d.participant_id == participant_id) & (d.host_id == host_id))
        .where(d.action.in_(actions))
        .order_by(d.id.desc())
        .limit(1)
    )
    rec = conn.execute(q).first()
    return (0, None) if rec is None else (int(rec[0]), rec[1])


def _proposal_state(conn, participant_id: str, host_id: str) -> str | None:
    """The latest of the pair's :data:`PROPOSAL_ACTIONS` (None: never proposed)."""
    return _latest(conn, participant_id, host_id, PROPOSAL_ACTIONS)[1]


def _pair_state(conn, participant_id: str, host_id: str) -> str | None:
    """The pair's lifecycle state (``matcher.lifecycle.STATES``; None: no step yet)."""
    action = _latest(conn, participant_id, host_id, lc.STEPS)[1]
    return None if action is None else lc.STATE_AFTER[action]


def _check_answer(conn, user: User, participant_id: str, host_id: str) -> None:
    """A host answers an open proposal only: not a withdrawn, answered or missing one."""
    state = _proposal_state(conn, participant_id, host_id)
    if state is None and user.role == "host":
        raise AccessDenied("nothing was proposed to this host for this candidate")
    if state is not None and state != "propose":
        raise lc.InvalidStep(f"the proposal to {host_id} is not open: {_CLOSED[state]}")


def _check_interest(conn, participant_id: str, host_id: str) -> None:
    """A host marks interest once, in a candidate not (or no longer) proposed to it.

    Only what the host may know decides: shortlists never show through.
    """
    since, state = _latest(conn, participant_id, host_id, PROPOSAL_ACTIONS)
    if state in ("propose", "accept", "complete", "decline"):
        raise lc.InvalidStep(
            f"this candidate was proposed to {host_id} already ({lc.STATE_AFTER[state]}): "
            "answer the proposal instead"
        )
    marked, _ = _latest(conn, participant_id, host_id, (lc.INTEREST,))
    if marked > since:
        raise lc.InvalidStep(f"{host_id} marked interest in this candidate already")


def _check_actor(conn, user: User, org: str, participant_id: str, host_id: str, action: str):
    """Coordinators act for their own participants; hosts answer proposals made to them
    and mark interest in candidates."""
    host_side = (*HOST_ACTIONS, lc.INTEREST)
    if user.role == "coordinator":
        if org != user.organisation:
            raise AccessDenied(f"{participant_id} is not a participant of {user.organisation!r}")
        if action in host_side:
            raise AccessDenied("only the host accepts, declines or marks interest")
    elif user.role == "host":
        if host_id != user.host_id:
            raise AccessDenied(f"{user.username} acts for host {user.host_id}, not {host_id}")
        if action not in host_side:
            raise AccessDenied("a host accepts or declines proposals, or marks interest")
    elif user.role != "admin":
        raise AccessDenied(f"role {user.role} records no decisions")
    if action in HOST_ACTIONS:
        _check_answer(conn, user, participant_id, host_id)


def _check_step(conn, participant_id: str, host_id: str, action: str, consent: bool) -> None:
    """The step follows the pair's state (``matcher.lifecycle``); a proposal needs consent,
    and an interest a consenting candidate not yet proposed."""
    if action == lc.INTEREST:
        if not consent:
            raise KeyError("no such candidate")
        _check_interest(conn, participant_id, host_id)
        return
    lc.next_state(_pair_state(conn, participant_id, host_id), action)
    refused = lc.consent_refusal(action, participant_id, consent)
    if refused:
        raise ValueError(refused)


def record(
    engine: sa.Engine,
    user: User,
    participant_id: str,
    host_id: str,
    action: str,
    reason: str = "",
    rating: int | None = None,
) -> int:
    """Record a decision and return its id.

    Coordinators shortlist, propose, withdraw and complete (with a rating in
    :data:`RATINGS`) for their own participants; hosts accept or decline open proposals
    to them, and mark interest in consenting candidates. Every step must follow the
    pair's state (:mod:`matcher.lifecycle`; else :class:`~matcher.lifecycle.InvalidStep`,
    a ``ValueError``). Only a participant who consented to share their profile may be
    proposed. The check and the write hold the write lock, so an answer never races a
    withdrawal.
    """
    _check_values(action, rating)
    with write_transaction(engine, T.decisions) as conn:
        org, consent = _participant(conn, participant_id)
        known = conn.execute(sa.select(T.hosts.c.host_id).where(T.hosts.c.host_id == host_id))
        if known.scalar() is None:
            raise KeyError(f"unknown host_id '{host_id}'")
        _check_actor(conn, user, org, participant_id, host_id, action)
        _check_step(conn, participant_id, host_id, action, consent)
        result = conn.execute(
            T.decisions.insert().values(
                participant_id=participant_id,
                host_id=host_id,
                sending_org=org,
                action=action,
                reason=reason or "",
                rating=rating,
                username=user.username,
                at=utc_now(),
            )
        )
        ref = _audit.participant_reference(conn, participant_id)
        target = f"{ref}{_audit.TARGET_SEPARATOR}{host_id}"
        _audit.write(conn, user, action, target, reason or "")
        return int(result.inserted_primary_key[0])


def _by_pseudonym(conn, user: User, candidate: str, participant_ids) -> str | None:
    """The participant among ``participant_ids`` whose pseudonym is ``candidate`` (an admin
    may also name the id itself); None when there is none."""
    key = _secrets.pseudonym_key(conn)
    for p in participant_ids:
        if pseudonym(p, key) == candidate or (user.role == "admin" and p == candidate):
            return p
    return None


def respond(
    engine: sa.Engine, user: User, candidate: str, host_id: str, accept: bool, reason: str = ""
) -> int:
    """A host accepts or declines a proposal, naming the candidate by pseudonym."""
    require(user, "host", "admin")
    d = T.decisions.c
    q = sa.select(d.participant_id).where((d.host_id == host_id) & (d.action == "propose"))
    with engine.connect() as conn:
        pid = _by_pseudonym(conn, user, candidate, conn.execute(q.distinct()).scalars().all())
    if pid is None:
        raise KeyError(f"no proposal of candidate {candidate} to host {host_id}")
    action = "accept" if accept else "decline"
    return record(engine, user, pid, host_id, action, reason)


def mark_interest(
    engine: sa.Engine, user: User, candidate: str, host_id: str, note: str = ""
) -> int:
    """A host marks interest in a consenting candidate, named by pseudonym.

    The sending organisation sees it on its decisions; the host sees nothing more of the
    candidate until a proposal opens the profile (:func:`candidate_profile`).
    """
    require(user, "host", "admin")
    p = T.participants.c
    q = sa.select(p.participant_id).where(p.consent_share.is_(True))
    with engine.connect() as conn:
        pid = _by_pseudonym(conn, user, candidate, conn.execute(q).scalars().all())
    if pid is None:
        raise KeyError(f"no candidate {candidate}")
    return record(engine, user, pid, host_id, lc.INTEREST, note)


def candidate_profile(engine: sa.Engine, user: User, candidate: str, host_id: str) -> dict:
    """The pseudonymised profile of a candidate proposed to ``host_id``.

    A proposal (open, accepted or completed) opens it to that host, and to no other:
    occupation, field, goals, languages and levels, durations and dates
    (``matcher.privacy.CANDIDATE_COLUMNS``), never the id, the sending organisation or
    special-category data. Raises :class:`AccessDenied`, with one message whatever the
    cause, when no such proposal is open.
    """
    require(user, "host", "admin")
    if user.role == "host" and host_id != user.host_id:
        raise AccessDenied(f"{user.username} acts for host {user.host_id}, not {host_id}")
    view = proposals_to_host(engine, host_id)
    shown = view[view["state"].isin([lc.STATE_AFTER[a] for a in PROFILE_OPEN])]
    if candidate not in set(shown["candidate"]):
        raise AccessDenied(f"no proposal of candidate {candidate} to {host_id} is open")
    with engine.connect() as conn:
        key = _secrets.pseudonym_key(conn)
    consenting = _data.read(engine, "participants", T.participants.c.consent_share.is_(True))
    view = candidate_view(consenting, key)
    return view[view["candidate"] == candidate].iloc[0].to_dict()


def all_decisions(engine: sa.Engine) -> pd.DataFrame:
    """Every decision, oldest first, as stored (internal: the engine's history)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(T.decisions).order_by(T.decisions.c.id)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in T.decisions.columns])


def decisions(engine: sa.Engine, user: User) -> pd.DataFrame:
    """Decisions the user may see, oldest first.

    A coordinator sees their organisation's decisions, an admin all; a host sees the
    proposals addressed to it only (:func:`proposals_to_host`).
    """
    if user.role == "host":
        return proposals_to_host(engine, user.host_id)
    if user.role not in ("coordinator", "admin"):
        raise AccessDenied("analysts see aggregates only")
    q = sa.select(T.decisions).order_by(T.decisions.c.id)
    if user.role == "coordinator":
        q = q.where(T.decisions.c.sending_org == user.organisation)
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in T.decisions.columns])


def proposals_to_host(engine: sa.Engine, host_id: str) -> pd.DataFrame:
    """What a host sees: the proposals addressed to it, one row each, by pseudonym.

    Shortlists, the sending organisation's notes, user names and participants who do not
    (or no longer) consent stay with the sending organisation.

    Returns
    -------
    DataFrame, one row per proposed candidate, oldest proposal first
        ``candidate`` (pseudonym), ``host_id``, ``state`` (proposed, withdrawn,
        accepted, declined or completed), ``at`` (when it took that state) and
        ``reason`` (the host's own note on its answer; empty otherwise).
    """
    d, p = T.decisions.c, T.participants.c
    q = (
        sa.select(d.participant_id, d.action, d.reason, d.at)
        .join_from(T.decisions, T.participants, d.participant_id == p.participant_id)
        .where((d.host_id == host_id) & d.action.in_(PROPOSAL_ACTIONS))
        .where(p.consent_share.is_(True))
        .order_by(d.id)
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
        key = _secrets.pseudonym_key(conn)
    seen: dict[str, dict] = {}
    for pid, action, reason, at in rows:
        if action == "propose" or pid in seen:
            kept = "" if action == "propose" else seen[pid]["reason"]
            seen[pid] = {
                "state": lc.STATE_AFTER[action],
                "at": at,
                "reason": reason if action in HOST_ACTIONS else kept,
            }
    return pd.DataFrame(
        [{"candidate": pseudonym(pid, key), "host_id": host_id, **v} for pid, v in seen.items()],
        columns=list(HOST_VIEW_COLUMNS),
    )


def open_proposals(engine: sa.Engine, user: User) -> pd.DataFrame:
    """Proposals still waiting for the host's answer (their state is 'proposed').

    A host gets rows of :func:`proposals_to_host`; the sending side the decisions
    themselves, one row (the proposal) per participant and host.
    """
    d = decisions(engine, user)
    if user.role == "host":
        return d[d["state"] == "proposed"].reset_index(drop=True)
    d = d[d["action"].isin(PROPOSAL_ACTIONS)]
    last = d.sort_values("id").groupby(["participant_id", "host_id"]).tail(1)
    return last[last["action"] == "propose"].reset_index(drop=True)


def states(engine: sa.Engine, user: User) -> pd.DataFrame:
    """Where each pair of the user's participants stands (``lifecycle.current_states``).

    A coordinator gets their organisation's pairs, an admin every pair; hosts see
    proposals through :func:`proposals_to_host` instead.
    """
    require(user, "admin", "coordinator")
    return lc.current_states(decisions(engine, user))


def interests(engine: sa.Engine, user: User) -> pd.DataFrame:
    """Hosts' marks of interest the user may see, oldest first.

    A host gets its own marks by pseudonym: ``candidate, host_id, at``; the sending side
    the marks on its participants with where each pair stands now: ``participant_id,
    host_id, at, state`` (the pair's lifecycle state, empty when none).
    """
    d = T.decisions.c
    q = sa.select(d.participant_id, d.host_id, d.at).where(d.action == lc.INTEREST)
    if user.role == "host":
        with engine.connect() as conn:
            rows = conn.execute(q.where(d.host_id == user.host_id).order_by(d.id)).all()
            key = _secrets.pseudonym_key(conn)
        marks = [(pseudonym(p, key), h, at) for p, h, at in rows]
        return pd.DataFrame(marks, columns=["candidate", "host_id", "at"])
    now = states(engine, user)
    marked = now[now["interested"]].rename(columns={"interested_at": "at"})
    out = marked[["participant_id", "host_id", "at", "state"]]
    return out.sort_values("at", kind="stable").reset_index(drop=True)


def _profile_texts(conn, participant_id: str) -> list[str]:
    """The participant's texts an encoder may have cached: occupation, description and the
    profile text the engine builds of them (with and without the field's name)."""
    p = T.participants.c
    row = conn.execute(
        sa.select(p.occupation, p.description, p.isced_f).where(p.participant_id == participant_id)
    ).one()
    heads = [row.occupation]
    with contextlib.suppress(KeyError):  # no field given, or a code the taxonomy lacks
        heads.append(f"{row.occupation} ({tx.isced_name(row.isced_f)})")
    texts = [row.occupation, row.description, *heads]
    texts += [f"{head}. {row.description}" for head in heads if row.description]
    return [t for t in dict.fromkeys(texts) if t]


def forget(engine: sa.Engine, participant_id: str, user: User, cache_dir=None) -> dict:
    """Erase a participant: their row, their decisions, the notes about them in the audit
    log, and their texts' vectors in the embedding cache at ``cache_dir`` (if given).

    The audit log keeps one ``forget`` row naming the participant by a keyed hash only.

    Returns
    -------
    dict
        Rows deleted or blanked: ``participants``, ``decisions``, ``audit_notes``,
        ``embeddings``.
    """
    require(user, "admin", "coordinator")
    with engine.begin() as conn:
        org = _sending_org(conn, participant_id)
        if user.role == "coordinator" and org != user.organisation:
            raise AccessDenied(f"{participant_id} is not a participant of {user.organisation!r}")
        texts = _profile_texts(conn, participant_id)
        n_dec = conn.execute(
            T.decisions.delete().where(T.decisions.c.participant_id == participant_id)
        ).rowcount
        _locks.forget(conn, participant_id)
        from . import _agreements  # it reads this module's pair states

        _agreements.forget(conn, participant_id)
        conn.execute(
            T.participants.delete().where(T.participants.c.participant_id == participant_id)
        )
        n_notes = _audit.forget_notes(conn, participant_id)
        ref = _audit.participant_reference(conn, participant_id)
        _audit.write(conn, user, "forget", ref, f"{n_dec} decisions deleted")
    n_emb = 0
    if cache_dir is not None:
        from ..encode import forget_texts

        n_emb = forget_texts(texts, cache_dir)
    return {"participants": 1, "decisions": n_dec, "audit_notes": n_notes, "embeddings": n_emb}


def save_scorer(engine: sa.Engine, scorer, user: User, name: str = "default") -> None:
    """Keep a learned scorer (``matcher.learning.LearnedScorer``) with the workspace."""
    require(user, "admin")
    with engine.begin() as conn:
        conn.execute(T.models.delete().where(T.models.c.name == name))
        conn.execute(
            T.models.insert().values(name=name, body=scorer.to_json(), created_at=utc_now())
        )
        metrics = json.dumps(scorer.metrics)[:_METRICS_AUDIT_MAX]
        _audit.write(conn, user, "save_model", name, metrics)


def load_scorer(engine: sa.Engine, name: str = "default"):
    """The saved scorer (``matcher.learning.LearnedScorer``), or None."""
    from ..learning import LearnedScorer

    with engine.connect() as conn:
        body = conn.execute(sa.select(T.models.c.body).where(T.models.c.name == name)).scalar()
    return LearnedScorer.from_json(body) if body else None
