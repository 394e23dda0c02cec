"""Allocation: exact against scipy, stable against the `matching` library, invariants."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matcher.allocation import UNASSIGNED, blocking_pairs, deferred_acceptance, optimal_assignment

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, max_n=9, max_m=6):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n, m)), 3)  # rounded: ties happen, as in real scores
    mask = rng.random((n, m)) < draw(st.floats(0.2, 1.0))
    capacity = rng.integers(0, 4, m)
    priority = rng.random(n) < 0.3
    return scores, mask, capacity, priority


def reference_optimum(scores, mask, capacity, priority=None):
    """linear_sum_assignment on expanded places, one 'unassigned' column per participant."""
    n, m = scores.shape
    places = np.repeat(np.arange(m), capacity)
    B = n + 1.0
    A = (n + 1.0) * (B + 1.0) if priority is not None else 0.0
    prio = np.zeros(n) if priority is None else priority.astype(float)
    gain = A * prio[:, None] + B + scores[:, places]
    cost = np.where(mask[:, places], -gain, 1e12)
    cost = np.hstack([cost, np.zeros((n, n))])
    rows, cols = linear_sum_assignment(cost)
    assign = np.full(n, UNASSIGNED)
    real = cols < len(places)
    assign[rows[real]] = places[cols[real]]
    return assign


def _check_valid(assign, scores, mask, capacity):
    placed = assign >= 0
    assert mask[placed, assign[placed]].all(), "an infeasible pair was assigned"
    used = np.bincount(assign[placed], minlength=len(capacity))
    assert (used <= capacity).all(), "capacity exceeded"


@SETTINGS
@given(instances())
def test_optimal_matches_linear_sum_assignment(inst):
    scores, mask, capacity, _ = inst
    ours = optimal_assignment(scores, mask, capacity)
    ref = reference_optimum(scores, mask, capacity)
    _check_valid(ours, scores, mask, capacity)
    assert (ours >= 0).sum() == (ref >= 0).sum()
    total = lambda a: scores[a >= 0, a[a >= 0]].sum()  # noqa: E731
    assert total(ours) == pytest.approx(total(ref), abs=1e-5)


@SETTINGS
@given(instances())
def test_optimal_with_priority_is_lexicographic(inst):
    scores, mask, capacity, priority = inst
    ours = optimal_assignment(scores, mask, capacity, priority)
    ref = reference_optimum(scores, mask, capacity, priority)
    _check_valid(ours, scores, mask, capacity)
    assert (ours[priority] >= 0).sum() == (ref[priority] >= 0).sum()
    assert (ours >= 0).sum() == (ref >= 0).sum()
    total = lambda a: scores[a >= 0, a[a >= 0]].sum()  # noqa: E731
    assert total(ours) == pytest.approx(total(ref), abs=1e-5)
    plain = optimal_assignment(scores, mask, capacity)
    assert (ours[priority] >= 0).sum() >= (plain[priority] >= 0).sum()


def _matching_library(scores, mask, capacity, priority=None):
    from matching.games import HospitalResident

    n, m = scores.shape
    mask = mask & (capacity > 0)[None, :]
    prio = np.zeros(n, bool) if priority is None else priority
    residents = {}
    for i in range(n):
        js = np.flatnonzero(mask[i])
        residents[f"r{i}"] = [f"h{j}" for j in js[np.lexsort((js, -scores[i, js]))]]
    hospitals, caps = {}, {}
    for j in range(m):
        if capacity[j] <= 0:
            continue
        iis = np.flatnonzero(mask[:, j])
        order = sorted(iis, key=lambda i: (not prio[i], -scores[i, j], i))
        hospitals[f"h{j}"] = [f"r{i}" for i in order]
        caps[f"h{j}"] = int(capacity[j])
    residents = {r: p for r, p in residents.items() if p}
    assign = np.full(n, UNASSIGNED)
    if not residents or not hospitals:
        return assign
    import warnings

    with warnings.catch_warnings():  # hospitals nobody ranks: expected, reported by the library
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospitals, caps)
        solution = game.solve(optimal="resident")
    for h, rs in solution.items():
        for r in rs:
            assign[int(r.name[1:])] = int(h.name[1:])
    return assign


@SETTINGS
@given(instances(), st.booleans())
def test_stable_matches_the_matching_library(inst, with_priority):
    scores, mask, capacity, priority = inst
    prio = priority if with_priority else None
    ours = deferred_acceptance(scores, mask, capacity, prio)
    _check_valid(ours, scores, mask, capacity)
    assert blocking_pairs(ours, scores, mask, capacity, prio) == []
    np.testing.assert_array_equal(ours, _matching_library(scores, mask, capacity, prio))


def test_blocking_pairs_found_in_an_unstable_assignment():
    scores = np.array([[0.9, 0.1], [0.8, 0.7]])
    mask = np.ones((2, 2), bool)
    capacity = np.array([1, 1])
    unstable = np.array([1, 0])  # both would rather swap
    assert blocking_pairs(unstable, scores, mask, capacity) == [(0, 0)]
    assert blocking_pairs(np.array([0, 1]), scores, mask, capacity) == []
    with pytest.raises(ValueError, match="capacity"):
        blocking_pairs(np.array([0, 0]), scores, mask, capacity)


def test_priority_changes_who_gets_the_last_place():
    scores = np.array([[0.9], [0.5]])
    mask = np.ones((2, 1), bool)
    capacity = np.array([1])
    prio = np.array([False, True])
    assert list(deferred_acceptance(scores, mask, capacity)) == [0, UNASSIGNED]
    assert list(deferred_acceptance(scores, mask, capacity, prio)) == [UNASSIGNED, 0]
    assert list(optimal_assignment(scores, mask, capacity, prio)) == [UNASSIGNED, 0]


@pytest.mark.model
@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_allocate_sample(sample_matcher, method, tmp_path):
    from openpyxl import load_workbook

    from matcher import allocate

    a = allocate(sample_matcher, method, priority="fewer_opportunities")
    df = a.assignments
    assert len(df) == len(sample_matcher.participants_)
    assert set(df["status"]) <= {"assigned", "unassigned"}
    assert (df.loc[df["status"] == "unassigned", "reason"].str.len() > 10).all()
    for pid, hid in zip(df["participant_id"], df["host_id"], strict=True):
        if hid:
            assert sample_matcher.explain(pid, hid).feasible
    assert (a.hosts["places_used"] <= a.hosts["places_offered"]).all()
    # accompanying persons go with their group and are not counted as placed
    roles = sample_matcher.participants_.set_index("participant_id")["role"]
    counted = df["participant_id"].map(roles).ne("accompanying").to_numpy()
    assert (roles == "accompanying").any()
    assert a.summary["placed"] == ((df["status"] == "assigned") & counted).sum()
    # a stable matching need not exist with groups (the sample has some): the blocking pairs
    # found are counted and each is a feasible pair
    assert a.summary["blocking_pairs"] == len(a.blocking_pairs)
    assert all(sample_matcher.explain(pid, hid).feasible for pid, hid in a.blocking_pairs)
    wb = load_workbook(a.export(tmp_path / "allocation.xlsx"))
    assert wb.sheetnames == ["assignments", "hosts", "summary"]
    assert "score_sector" in [c.value for c in wb["assignments"][1]]
    assert (
        a.export(tmp_path / "allocation.csv")
        .read_text(encoding="utf-8-sig")
        .startswith("participant_id,group_id,status")
    )


@pytest.mark.model
def test_the_summary_says_how_the_solver_got_there(sample_matcher):
    """The solver's notes reach the summary (CLI, dashboard, XLSX): on the path of a large
    graph with groups, that the groups were placed guided by the optimum with them split."""
    from matcher import Config, allocate

    large = Config.from_env(allocation_full_pairs=0)  # every cohort takes the large path
    a = allocate(sample_matcher, "optimal", config=large)
    assert a.summary["how_solved"].startswith("groups placed where they gain most")
    assert "how_solved" in a.summary_frame()["measure"].tolist()
    assert "how_solved" not in allocate(sample_matcher, "optimal").summary  # exact programme


def test_why_unassigned_when_the_only_host_is_full_reads_as_one_host():
    """Found in a walk (session 7): "all 1 hosts that meet the rules are full"."""
    from builders import hosts, participants

    from matcher import Matcher, allocate
    from matcher.encode import HashingEncoder
    from matcher.io import validate_table

    p = validate_table(
        participants({"participant_id": "A"}, {"participant_id": "B"}), "participants"
    )
    h = validate_table(
        hosts(
            {"host_id": "H1", "capacity": 1, "sector": "restaurant"},
            {"host_id": "H2", "country": "IT", "sector": "restaurant"},
        ),
        "hosts",
    )  # H2 is in the learners' home country: only H1 meets the rules, and it has one place
    a = allocate(Matcher(encoder=HashingEncoder()).fit(p, h))
    left = a.assignments.set_index("participant_id")
    reason = left.loc[left["status"] == "unassigned", "reason"].iloc[0]
    assert "the one host that meets the rules is full; closest: H1" in reason, reason
    assert "all 1 hosts" not in reason
