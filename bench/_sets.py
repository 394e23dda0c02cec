"""The labelled sets of the quality benchmark, as (participants, hosts, relevance) with a
development and a test part fixed before any tuning.

- ``vet``: 57 ESCO VET occupations x all NACE Rev. 2.1 classes, labelled by the team that
  wrote the crosswalk (``data/taxonomies/vet_occupations.csv``); split by the parity of the
  sha1 of the occupation.
- ``esco``: 307 ESCO occupations x all NACE Rev. 2.1 classes, labelled independently of the
  crosswalk (``data/bench/esco_nace/``); split as shipped (sha1 parity of the ESCO id).
- ``crosslingual``: 192 profiles x 144 host offers written in 26 languages
  (``data/bench/crosslingual/``); split by trade as shipped. Hosts' NACE codes are withheld
  (inferred from their texts), as on most real offers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from matcher import taxonomy as tx
from matcher.io import HOSTS, PARTICIPANTS

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = ROOT / "data" / "bench"


@dataclass
class LabelledSet:
    """Participants and hosts in the data contract, graded relevance ``(n_p, n_h)``."""

    name: str
    participants: pd.DataFrame
    hosts: pd.DataFrame
    relevance: np.ndarray
    split: np.ndarray  # (n_p,) "dev" or "test"
    p_lang: np.ndarray | None = None  # (n_p,) language of each profile
    h_lang: np.ndarray | None = None  # (n_h,) language of each offer

    def part(self, split: str) -> LabelledSet:
        """The participants of one split, against every host."""
        keep = self.split == split
        return LabelledSet(
            f"{self.name}/{split}",
            self.participants[keep].reset_index(drop=True),
            self.hosts,
            self.relevance[keep],
            self.split[keep],
            None if self.p_lang is None else self.p_lang[keep],
            self.h_lang,
        )


def _participant(pid: str, occupation: str, description: str, country: str = "IT") -> dict:
    return {
        "participant_id": pid,
        "role": "learner",
        "activity": "short_term",
        "home_country": country,
        "sending_org": "bench",
        "occupation": occupation,
        "isced_f": "",
        "description": description,
        "languages": "",
        "duration_min_days": 14,
        "duration_max_days": 30,
        "available_from": pd.NaT,
        "available_to": pd.NaT,
        "preferred_countries": "",
        "fewer_opportunities": False,
        "needs_accessibility": False,
        "consent_share": True,
    }


def _host(hid: str, name: str, country: str, nace: str, sector: str, description: str) -> dict:
    return {
        "host_id": hid,
        "name": name,
        "country": country,
        "city": "",
        "org_type": "company",
        "oid": "",
        "nace_code": nace,
        "sector": sector,
        "description": description,
        "languages": "",
        "accepts": "both",
        "activities": "",
        "duration_min_days": 1,
        "duration_max_days": 365,
        "capacity": 1,
        "available_from": pd.NaT,
        "available_to": pd.NaT,
        "accessible": True,
        "inclusion_support": True,
    }


def _frames(p_rows: list[dict], h_rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    participants = pd.DataFrame(p_rows, columns=list(PARTICIPANTS.names))
    hosts = pd.DataFrame(h_rows, columns=list(HOSTS.names))
    for frame in (participants, hosts):
        for c in ("available_from", "available_to"):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return participants, hosts


def nace_hosts() -> list[dict]:
    """Every NACE Rev. 2.1 class as a host: class name as sector, group and division as text.

    The host's country is a programme country other than the participants' (IT).
    """
    nace = tx.nace_codes()
    classes = nace[nace["level"] == 4]
    return [
        _host(c, n, "DE", c, n, f"{nace.loc[c[:4], 'name']}. {nace.loc[c[:2], 'name']}.")
        for c, n in zip(classes["code"], classes["name"], strict=True)
    ]


def _grade(codes: np.ndarray, primary: list[str], related: list[str]) -> np.ndarray:
    out = np.zeros(len(codes))
    out[np.isin(codes, related)] = 1
    out[np.isin(codes, primary)] = 2
    return out


def _esco_description(uri_or_label: str) -> str:
    esco = tx.esco_occupations()
    hit = esco[(esco["uri"] == uri_or_label) | (esco["preferred_label"] == uri_or_label)]
    return hit["description"].iloc[0]


def vet_set() -> LabelledSet:
    """57 ESCO VET occupations; relevance 2 for the labelled classes, 1 for their NACE group."""
    occ = tx.vet_occupations()
    hosts = nace_hosts()
    codes = np.array([h["host_id"] for h in hosts])
    groups = np.array([c[:4] for c in codes])
    rows, rel = [], []
    for i, r in enumerate(occ.itertuples()):
        rows.append(_participant(f"Q{i:03d}", r.occupation, _esco_description(r.occupation)))
        grades = np.isin(groups, [c[:4] for c in r.nace_classes]).astype(float)
        grades[np.isin(codes, r.nace_classes)] = 2
        rel.append(grades)
    split = np.array(
        [
            "dev" if int(hashlib.sha1(o.encode()).hexdigest(), 16) % 2 == 0 else "test"
            for o in occ["occupation"]
        ]
    )
    participants, hosts_df = _frames(rows, hosts)
    return LabelledSet("vet", participants, hosts_df, np.array(rel), split)


def esco_set() -> LabelledSet:
    """307 ESCO occupations labelled independently: 2 primary classes, 1 related ones."""
    labels = pd.read_csv(BENCH_DATA / "esco_nace" / "labels.csv", dtype=str, keep_default_na=False)
    hosts = nace_hosts()
    codes = np.array([h["host_id"] for h in hosts])
    rows, rel = [], []
    for i, r in enumerate(labels.itertuples()):
        rows.append(_participant(f"E{i:03d}", r.occupation, _esco_description(r.esco_id)))
        rel.append(_grade(codes, r.primary.split(";"), [c for c in r.related.split(";") if c]))
    participants, hosts_df = _frames(rows, hosts)
    return LabelledSet("esco", participants, hosts_df, np.array(rel), labels["split"].to_numpy())


def crosslingual_set(nace_given: bool = False) -> LabelledSet:
    """Profiles and offers in 26 languages: 2 same trade, 1 related trade, 0 otherwise."""
    d = BENCH_DATA / "crosslingual"
    trades = pd.read_csv(d / "trades.csv", dtype=str, keep_default_na=False).set_index("trade_id")
    hosts = pd.read_csv(d / "hosts.csv", dtype=str, keep_default_na=False)
    profiles = pd.read_csv(d / "profiles.csv", dtype=str, keep_default_na=False)
    p_rows = [
        _participant(r.profile_id, r.occupation, r.description, r.home_country)
        for r in profiles.itertuples()
    ]
    # hosts abroad for everyone: the bench measures the ranking, not the cross-border rule
    h_rows = [
        _host(r.host_id, r.name, "LI", r.nace_code if nace_given else "", r.sector, r.description)
        for r in hosts.itertuples()
    ]
    related = {t: set(filter(None, trades.at[t, "related"].split(";"))) for t in trades.index}
    rel = np.zeros((len(profiles), len(hosts)))
    for i, t in enumerate(profiles["trade_id"]):
        rel[i, hosts["trade_id"].isin(related[t]).to_numpy()] = 1
        rel[i, (hosts["trade_id"] == t).to_numpy()] = 2
    participants, hosts_df = _frames(p_rows, h_rows)
    split = trades.loc[profiles["trade_id"], "split"].to_numpy()
    name = "crosslingual" + ("+nace" if nace_given else "")
    return LabelledSet(
        name,
        participants,
        hosts_df,
        rel,
        split,
        profiles["lang"].to_numpy(),
        hosts["lang"].to_numpy(),
    )
