"""Allocate a cohort with the engine's scores: results as data, exports for Excel."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._config import Config
from ..io import write_table, write_workbook
from ._kept import kept_placements, open_proposals_released
from ._problem import UNASSIGNED
from ._reasons import why_unassigned
from ._solve import Solution, SolverSettings, UnknownCosts, solve

__all__ = [
    "allocate",
    "Allocation",
    "METHODS",
    "PRIORITIES",
    "ACCOMPANYING_ROLE",
    "cohort_arrays",
    "project_ceilings",
    "MatcherScores",
]

METHODS = ("optimal", "stable")
PRIORITIES = (None, "fewer_opportunities")
#: The participant role of an accompanying person: goes with their group, takes no place.
ACCOMPANYING_ROLE = "accompanying"


@dataclass
class Allocation:
    """What an allocation decided, per participant and per host, and a summary.

    Attributes
    ----------
    assignments : DataFrame
        One row per participant: ``participant_id, status (assigned|unassigned), host_id,
        host_name, host_country, score, components, reason, kept`` (why a placement was
        kept as it was: accepted by the host, locked by hand, open proposal kept; empty
        when the allocation chose it) and ``group_id`` when the cohort has groups.
    hosts : DataFrame
        One row per host: ``host_id, name, country, places_offered, places_used, fill_rate``
        (accompanying persons take no place and are not counted).
    summary : dict
        Counts, shares and means (placed %, mean score, placed % among participants with
        fewer opportunities), the method, the priority rule, how sure the result is
        (``optimality``: certified optimal, or the gap; for ``stable``, the lists it is
        stable with respect to and the blocking pairs found on the full instance),
        ``how_solved`` when the solver left notes (a time limit reached, groups placed
        guided by the optimum with groups split), what was kept, and the solve time.
    blocking_pairs : list of (participant_id, host_id)
    solution : Solution
        The solver's own result (candidate graph, certificate, timings).
    warnings : list of str
        Programme rules over the whole set of placements that this one breaks, in plain
        words (a course whose placed participants all come from one country; a KA122
        project over its cap, which only kept placements can cause): to check, not refused.
    """

    assignments: pd.DataFrame
    hosts: pd.DataFrame
    summary: dict
    blocking_pairs: list = field(default_factory=list)
    solution: Solution | None = None
    warnings: list = field(default_factory=list)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a two-column table (``measure``, ``value``) for display and export,
        the warnings last."""
        return pd.DataFrame(
            {
                "measure": [*self.summary, *(["warning"] * len(self.warnings))],
                "value": [*(str(v) for v in self.summary.values()), *self.warnings],
            }
        )

    def flat_assignments(self) -> pd.DataFrame:
        """Assignments with one column per criterion (for CSV/XLSX)."""
        df = self.assignments.drop(columns=["components"])
        comps = pd.DataFrame(list(self.assignments["components"])).add_prefix("score_").round(4)
        df = pd.concat([df.reset_index(drop=True), comps], axis=1)
        df["score"] = df["score"].round(4)
        return df

    def export(self, path) -> Path:
        """CSV (assignments) or XLSX (sheets assignments, hosts, summary), Excel-safe."""
        path = Path(path)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return write_workbook(
                {
                    "assignments": self.flat_assignments(),
                    "hosts": self.hosts,
                    "summary": self.summary_frame(),
                },
                path,
            )
        return write_table(self.flat_assignments(), path)


class MatcherScores:
    """A score source over a fitted matcher: a block of participants against the hosts.

    Parameters
    ----------
    matcher : Matcher
    participant_ids, host_ids : array of str, the rows and columns of the problem
    """

    def __init__(self, matcher, participant_ids, host_ids):
        self.matcher = matcher
        self.participant_ids = np.asarray(participant_ids, dtype=object)
        self.host_ids = np.asarray(host_ids, dtype=object)
        self.n_participants, self.n_hosts = len(self.participant_ids), len(self.host_ids)

    def rows(self, idx, hosts=None):
        """Scores ``(len(idx), n_hosts)`` float32 and mask (every rule but capacity), against
        ``hosts`` (column indices) only when given."""
        cols = self.host_ids if hosts is None else self.host_ids[hosts]
        return self.matcher.score_matrix(self.participant_ids[idx], cols, check_capacity=False)


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of non-empty values, -1 for empty ones."""
    text = values.fillna("").astype(str).str.strip()
    codes = pd.factorize(text.where(text != ""))[0]
    return np.asarray(codes, dtype=np.int64)


def cohort_arrays(participants: pd.DataFrame) -> dict:
    """``group`` and ``places`` of a participants frame (see :func:`optimal_assignment`).

    Examples
    --------
    >>> p = pd.DataFrame({"role": ["learner", "accompanying", "staff"], "group_id": ["G1", "G1", ""]})
    >>> {k: v.tolist() for k, v in cohort_arrays(p).items()}
    {'group': [0, 0, -1], 'places': [1, 0, 1]}
    """
    n = len(participants)
    group = _codes(participants["group_id"]) if "group_id" in participants else np.full(n, -1)
    places = (participants["role"].astype(str) != ACCOMPANYING_ROLE).to_numpy(np.int64)
    return {"group": group, "places": places}


def project_ceilings(participants: pd.DataFrame) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Projects with a ceiling on the participants they place (a KA122 short-term project:
    the programme table's maximum), from ``project_type`` and ``project_id``; accompanying
    persons and preparatory visits do not count (:func:`matcher.programme.counted_for_cap`).

    Returns
    -------
    project : ndarray (n,) int, the project of each participant counted towards a ceiling,
        -1 for the others
    ceiling : ndarray (P,) int, each project's maximum
    Both None when no participant is in a project with a ceiling.
    """
    from .. import taxonomy as tx
    from ..programme import counted_for_cap

    types = getattr(tx, "project_types", None)  # the programme table's project rows
    if types is None or not {"project_type", "project_id"} <= set(participants.columns):
        return None, None
    caps = {t: v["max_participants"] for t, v in types().items() if v.get("max_participants")}
    kind = participants["project_type"].fillna("").astype(str)
    ident = participants["project_id"].fillna("").astype(str).str.strip()
    capped = kind.isin(list(caps)) & (ident != "") & counted_for_cap(participants)
    if not capped.any():
        return None, None
    codes, keys = pd.factorize(
        pd.Series(list(zip(kind, ident, strict=True))).where(capped.to_numpy())
    )
    return np.asarray(codes, dtype=np.int64), np.array([caps[k[0]] for k in keys], dtype=np.int64)


def _fixed(kept: pd.DataFrame, pids, hids) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Host index per participant for the kept placements, their labels, and notes on the
    ones that cannot be kept here."""
    p_at = {p: k for k, p in enumerate(pids)}
    h_at = {h: k for k, h in enumerate(hids)}
    fixed = np.full(len(pids), UNASSIGNED, dtype=np.int64)
    label = np.full(len(pids), "", dtype=object)
    notes = []
    for pid, hid, why in kept.itertuples(index=False):
        if pid not in p_at:
            continue
        if hid not in h_at:
            notes.append(f"{pid}: {why} at {hid}, a host outside this allocation")
            continue
        fixed[p_at[pid]], label[p_at[pid]] = h_at[hid], why
    return fixed, label, notes


def _settings(config: Config, n: int, m: int) -> SolverSettings:
    """Solver settings: every feasible pair for small cohorts, else the candidate graph."""
    small = n * m <= config.allocation_full_pairs
    return SolverSettings(
        candidates=None if small else config.allocation_candidates,
        block_pairs=config.allocation_block_pairs,
        rounds=config.allocation_rounds,
        time_limit=config.allocation_time_limit,
        mip_pairs=config.allocation_full_pairs,
    )


def allocate(
    matcher,
    method: str = "optimal",
    priority: str | None = None,
    participant_ids=None,
    host_ids=None,
    capacity=None,
    *,
    decisions: pd.DataFrame | None = None,
    locks: pd.DataFrame | None = None,
    keep_proposals: bool = True,
    cost=None,
    budget: float | None = None,
    max_placed: int | None = None,
    project=None,
    config: Config | None = None,
    progress=None,
) -> Allocation:
    """Place a cohort into hosts with limited places.

    ``method``: ``optimal`` places as many as possible, then the highest total score, exact
    and certified optimal for the whole instance (or the gap said); ``stable`` is
    participant-proposing deferred acceptance (no participant and host would both rather be
    together; blocking pairs over every feasible host are counted). ``priority``
    ``"fewer_opportunities"`` places those participants first (in the objective, or first
    in every host's ranking). ``participant_ids``, ``host_ids``: a sub-cohort and hosts
    (default all); ``capacity``: places per host (default the hosts' ``capacity``).

    Groups (``group_id``) go whole to one host or not at all; accompanying persons (role
    ``accompanying``) go with them and take no place. ``decisions`` and ``locks`` (as
    ``Workspace.decisions`` and ``Workspace.locks`` return them): placements accepted by a
    host or locked by hand are kept and take their places first, and so are open proposals
    when ``keep_proposals`` (else released). ``cost`` ``(n, m)`` is reported as the total
    and, with ``budget``, capped. ``max_placed`` caps the learners and staff placed per
    ``project`` (default: each KA122 project of the cohort, ``project_type`` and
    ``project_id``, at the programme table's maximum). ``config``: the ``allocation_*``
    settings; ``progress(done, total)`` follows the scoring. See :func:`optimal_assignment`.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from matcher import Matcher, encode, io, sample
    >>> p, h = (io.validate_table(t, k) for t, k in zip(sample.generate_sample(30, 20, seed=1), ["participants", "hosts"]))
    >>> m = Matcher(encoder=encode.HashingEncoder()).fit(p, h)
    >>> allocate(m, "stable").summary["blocking_pairs"], allocate(m).summary["optimality"]
    (0, 'certified optimal')
    """
    _check_choices(method, priority)
    m, config = matcher, config or Config.from_env()
    pi = _rows(participant_ids, m.participant_index, len(m.participant_ids_))
    hj = _rows(host_ids, m.host_index, len(m.host_ids_))
    places = m.hosts_["capacity"].to_numpy(np.int64)[hj] if capacity is None else capacity
    kept = kept_placements(decisions, locks, keep_proposals)
    released = open_proposals_released(decisions, kept) if not keep_proposals else None
    limits = {"cost": cost, "budget": budget, "max_placed": max_placed, "project": project}
    return _solve_cohort(
        m, pi, hj, places, method, priority, kept, released, limits, config, progress
    )


def _check_choices(method: str, priority) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if priority not in PRIORITIES:
        raise ValueError(f"priority must be one of {PRIORITIES[1:]} or None, got {priority!r}")


def _solve_cohort(m, pi, hj, places, method, priority, kept, released, limits, config, progress):
    """Solve for the cohort's rows ``pi`` and host columns ``hj``; the :class:`Allocation`."""
    pids, hids = m.participant_ids_[pi], m.host_ids_[hj]
    frame = m.participants_.iloc[pi].reset_index(drop=True)
    cap = np.asarray(places, dtype=np.int64)
    fewer = frame["fewer_opportunities"].to_numpy(bool)
    if limits["max_placed"] is None and limits["project"] is None:
        limits["project"], limits["max_placed"] = project_ceilings(frame)
    fixed, kept_label, notes = _fixed(kept, pids, hids)
    try:
        sol = solve(
            MatcherScores(m, pids, hids), cap, method,
            priority=fewer if priority == "fewer_opportunities" else None, fixed=fixed,
            settings=_settings(config, len(pi), len(hj)), progress=progress,
            **limits, **cohort_arrays(frame),
        )  # fmt: skip
    except UnknownCosts as exc:
        raise ValueError(_unknown_costs_words(m, pids, hids, exc.pairs)) from exc
    return _result(m, frame, hids, cap, sol, kept_label, notes, priority, released)


#: Pairs per host country priced again to name the rates an unknown cost lacks.
_PAIRS_NAMED = 50


def _unknown_costs_words(m, pids, hids, pairs) -> str:
    """Why a budget ceiling cannot be checked: the host countries of the feasible pairs
    whose cost is unknown and the rates they lack (from the configured rates table)."""
    from .. import taxonomy as tx
    from ..budget import placement_costs

    country = m.hosts_["country"].to_numpy(object)[m.host_index(hids[pairs[:, 1]])]
    names = tx.countries()["name"]
    parts = []
    for c in sorted(set(country)):
        at = pairs[country == c]
        a, b = pids[at[:_PAIRS_NAMED, 0]], hids[at[:_PAIRS_NAMED, 1]]
        priced = placement_costs(
            m.participants_.iloc[m.participant_index(a)],
            m.hosts_.iloc[m.host_index(b)],
            m.distance_pairs(list(a), list(b)),
        )
        lacks = sorted({x for text in priced["rates_missing"] for x in text.split("; ") if x})
        pair_s = "pair" if len(at) == 1 else "pairs"
        parts.append(
            f"{c} ({names.get(c, c)}; {len(at)} {pair_s}): "
            + (", ".join(lacks) or "a cost not given")
        )
    where = ", ".join(sorted(set(country)))
    return (
        f"a budget ceiling cannot be checked: the estimated cost of {len(pairs)} feasible "
        f"{'pair' if len(pairs) == 1 else 'pairs'} is unknown, for hosts in "
        + "; ".join(parts)
        + ". Fill in these rates in the rates table (rates.csv, MATCHER_RATES_FILE; "
        f"data/README.md, 'Budget rates'), or leave the hosts in {where} out of this allocation"
    )


def _rows(ids, lookup, n: int) -> np.ndarray:
    return np.arange(n) if ids is None else lookup(ids)


def _result(m, frame, hids, cap, sol: Solution, kept_label, notes, priority, released):
    """The :class:`Allocation` of a solution."""
    from ..programme import course_country_warnings, project_cap_warnings

    p = sol.problem
    assign = sol.assign
    placed = assign >= 0
    used = np.bincount(assign[placed], weights=p.places[placed], minlength=len(hids))
    used = used.astype(np.int64)
    h = m.hosts_.set_index("host_id").loc[hids].reset_index()
    hosts = _host_table(h, cap, used)
    assignments = _assignments(m, frame, hids, sol, kept_label, used)
    extra = _kept_summary(kept_label, released, notes)
    summary = _summary(sol, frame, assignments, cap, used, priority, extra)
    blocking = [(frame["participant_id"].iat[i], hids[j]) for i, j in sol.blocking_pairs]
    warnings = course_country_warnings(frame, h, assign) + project_cap_warnings(frame, assign)
    return Allocation(assignments, hosts, summary, blocking, sol, warnings)


def _assignments(m, frame, hids, sol: Solution, kept_label, used) -> pd.DataFrame:
    """One row per participant: the host and why, or why not placed (the placed pairs
    explained all at once)."""
    assign = sol.assign
    n = len(frame)
    out = pd.DataFrame(
        {
            "participant_id": frame["participant_id"].to_numpy(),
            "status": "unassigned",
            "host_id": "",
            "host_name": "",
            "host_country": "",
            "score": np.nan,
            "components": [{} for _ in range(n)],
            "reason": "",
        }
    )
    reasons = why_unassigned(m, frame, hids, sol, used)
    if reasons:
        at = np.fromiter(reasons, dtype=np.int64)
        out.loc[at, "reason"] = [reasons[k] for k in at]
    placed = np.flatnonzero(assign != UNASSIGNED)
    if len(placed):
        host_ids = hids[assign[placed]]
        score, comps, why = m.explain_pairs(
            out["participant_id"].to_numpy()[placed], host_ids, criteria=("sector", "language")
        )
        hosts = m.hosts_.iloc[m.host_index(host_ids)]
        out.loc[placed, "status"] = "assigned"
        out.loc[placed, "host_id"] = host_ids
        out.loc[placed, "host_name"] = hosts["name"].to_numpy()
        out.loc[placed, "host_country"] = hosts["country"].to_numpy()
        out.loc[placed, "score"] = score.astype(np.float64)
        names = list(comps)
        components = out["components"].to_list()
        for r, k in enumerate(placed):
            components[k] = {name: float(comps[name][r]) for name in names}
        out["components"] = components
        out.loc[placed, "reason"] = ["; ".join(f"{c}: {t}" for c, t in w.items()) for w in why]
    out["kept"] = list(kept_label)
    groups = frame["group_id"].fillna("").astype(str) if "group_id" in frame else None
    if groups is not None and (groups != "").any():
        out.insert(1, "group_id", groups.to_numpy())
    return out


def _host_table(h: pd.DataFrame, cap: np.ndarray, used: np.ndarray) -> pd.DataFrame:
    """Places offered and used per host."""
    return pd.DataFrame(
        {
            "host_id": h["host_id"],
            "name": h["name"],
            "country": h["country"],
            "sector": h["sector"],
            "places_offered": cap,
            "places_used": used,
            "fill_rate": np.where(cap > 0, used / np.maximum(cap, 1), 0.0).round(3),
        }
    )


def _quality(sol: Solution) -> dict:
    """How sure the result is, in the summary's words."""
    if sol.method == "optimal":
        out = {"optimality": sol.optimality}
    else:
        within = (
            "every feasible host"
            if sol.complete
            else f"each participant's {sol.candidates} best hosts"
        )
        out = {"optimality": f"stable with respect to {within}"}
    if sol.notes:  # how the solver got there: a time limit reached, groups placed by a guide
        out["how_solved"] = "; ".join(sol.notes)
    out["candidate_hosts"] = "all feasible" if sol.complete else sol.candidates
    out["blocking_pairs"] = len(sol.blocking_pairs)
    return out


def _summary(sol: Solution, frame, assignments, cap, used, priority, extra) -> dict:
    """Headline figures of an allocation (accompanying persons are not counted as placed)."""
    p, assign = sol.problem, sol.assign
    counted = p.places > 0
    placed = (assign != UNASSIGNED) & counted
    fewer = frame["fewer_opportunities"].to_numpy(bool) & counted
    scores = assignments["score"].to_numpy(np.float64)[placed]
    out = {
        "method": sol.method,
        "priority": priority or "none",
        "participants": int(counted.sum()),
        "placed": int(placed.sum()),
        "placed_pct": round(100 * float(placed.sum()) / max(int(counted.sum()), 1), 1),
        "mean_score": round(float(scores.mean()), 4) if len(scores) else 0.0,
        "total_score": round(float(scores.sum()), 4),
        "without_feasible_host": int(((sol.feasible_hosts() == 0) & counted).sum()),
        "fewer_opportunities": int(fewer.sum()),
        "fewer_opportunities_placed_pct": round(100 * float(placed[fewer].mean()), 1)
        if fewer.any()
        else 0.0,
        "places_offered": int(cap.sum()),
        "places_used": int(used.sum()),
    }
    out |= _quality(sol) | _groups_summary(p, assign) | extra
    if sol.total_cost is not None:
        out["total_cost"] = round(sol.total_cost, 2)
    if p.budget is not None:
        out["budget_left"] = round(p.budget + _fixed_cost(p) - (sol.total_cost or 0.0), 2)
    out["scoring_seconds"] = round(sol.seconds["candidates"], 3)
    out["solve_seconds"] = round(sol.seconds["solve"] + sol.seconds["check"], 3)
    return out


def _fixed_cost(p) -> float:
    kept = np.flatnonzero(p.fixed >= 0)
    return float(np.nansum(np.asarray(p.cost[kept, p.fixed[kept]]))) if len(kept) else 0.0


def _groups_summary(p, assign) -> dict:
    """Groups and accompanying persons, when the cohort has them."""
    sizes = np.diff(p.ptr)
    groups = np.flatnonzero(sizes > 1)
    if len(groups) == 0 and (p.places > 0).all():
        return {}
    first = p.members[p.ptr[groups]]
    return {
        "groups": int(len(groups)),
        "groups_placed": int((assign[first] >= 0).sum()),
        "accompanying_persons": int((p.places == 0).sum()),
    }


def _kept_summary(kept_label, released, notes) -> dict:
    """What was kept as it was, and what was released."""
    labels = pd.Series(kept_label)
    out = {f"kept: {k}": int(v) for k, v in labels[labels != ""].value_counts().items()}
    if released is not None:
        out["open proposals released"] = int(len(released))
    if notes:
        out["not kept"] = "; ".join(notes)
    return out
