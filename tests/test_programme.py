"""The programme as coordinators live it (issue #15): groups of learners with accompanying
persons, recent graduates, staff of the sending organisation, projects, countries by programme
year, skills competitions at events and the activities added to the table. Each rule is checked
where the file is read (file, row, column) and where the engine applies it (a "why not")."""

import numpy as np
import pandas as pd
import pytest
from builders import hosts as _hosts
from builders import participants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Matcher
from matcher import taxonomy as tx
from matcher.encode import CachedEncoder, HashingEncoder
from matcher.io import DataValidationError, validate_table
from matcher.labels import CODE_PATTERN


def hosts(*rows):
    """Hand-made hosts with a sector (the contract requires one)."""
    return _hosts(*({"sector": "restaurant kitchen", **r} for r in rows))


def _problems(frame, schema):
    with pytest.raises(DataValidationError) as info:
        validate_table(frame, schema)
    return [(p.row, p.column, p.message) for p in info.value.problems]


ENCODER = CachedEncoder(HashingEncoder(128))


def _fit(p, h, history=None):
    return Matcher(encoder=ENCODER).fit(
        validate_table(p, "participants"), validate_table(h, "hosts"), history
    )


def _group(gid="G1", learners=3, accompanying=1, **extra):
    rows = [
        {"participant_id": f"L{k}", "activity": "group", "group_id": gid, **extra}
        for k in range(1, learners + 1)
    ]
    rows += [
        {
            "participant_id": f"A{k}",
            "role": "accompanying",
            "activity": "",
            "group_id": gid,
            "occupation": "vocational teacher",
            **extra,
        }
        for k in range(1, accompanying + 1)
    ]
    return rows


GROUP_STAY = {"duration_min_days": 10, "duration_max_days": 14}


# --- reading the file ---------------------------------------------------------------------


def test_a_group_with_its_accompanying_person_loads():
    frame = validate_table(participants(*_group(**GROUP_STAY)), "participants")
    accompanying = frame[frame["role"] == "accompanying"].iloc[0]
    assert accompanying["activity"] == "group"  # filled from the group's learners
    assert any("accompanying person" in n for n in frame.attrs["notes"])


def test_group_mobility_needs_two_learners_and_an_accompanying_person():
    found = _problems(
        participants(*_group(learners=1, accompanying=0, **GROUP_STAY)), "participants"
    )
    messages = " ".join(m for _, _, m in found)
    assert all(col == "group_id" for _, col, _ in found) and {row for row, _, _ in found} == {2}
    assert "at least 2 learners" in messages and "no accompanying person" in messages


def test_accompanying_persons_need_learners_and_a_group():
    alone = participants(
        {"participant_id": "A1", "role": "accompanying", "activity": "short_term"},
        {"participant_id": "A2", "role": "accompanying", "group_id": "X", "activity": "short_term"},
    )
    found = _problems(alone, "participants")
    assert (2, "group_id") in {(r, c) for r, c, _ in found}
    assert any(r == 3 and "has no learner" in m for r, _, m in found)


def test_staff_in_a_group_and_learners_without_their_group_are_reported():
    found = _problems(
        participants(
            {"role": "staff", "activity": "job_shadowing", "group_id": "G1", **GROUP_STAY},
            {"activity": "group", **GROUP_STAY},
        ),
        "participants",
    )
    assert (2, "role") in {(r, c) for r, c, _ in found}
    assert (3, "group_id") in {(r, c) for r, c, _ in found}


def test_a_group_travels_together():
    rows = _group(**GROUP_STAY)
    rows[1] = {**rows[1], "sending_org": "Another school", "duration_min_days": 15}
    rows[1]["duration_max_days"] = 20
    found = _problems(participants(*rows), "participants")
    assert (3, "sending_org") in {(r, c) for r, c, _ in found}
    assert any(c == "duration_min_days" and "share no stay length" in m for _, c, m in found)


def test_recent_graduates_start_within_twelve_months():
    ok = {
        "graduation_date": "2026-06-30",
        "available_from": "2027-05-01",
        "available_to": "2027-08-01",
    }
    validate_table(participants(ok), "participants")
    late = {**ok, "available_from": "2027-07-15", "available_to": "2027-10-01"}
    staff = {"role": "staff", "activity": "job_shadowing", "graduation_date": "2026-06-30"}
    found = _problems(participants(late, staff), "participants")
    assert (2, "available_from") in {(r, c) for r, c, _ in found}
    assert any("within 12 months" in m for _, _, m in found)
    assert (3, "graduation_date") in {(r, c) for r, c, _ in found}


def test_employed_by_sender_is_a_checked_staff_field():
    frame = validate_table(
        participants(
            {"role": "staff", "activity": "job_shadowing", "employed_by_sender": "yes"},
            {"role": "staff", "activity": "job_shadowing", "employed_by_sender": ""},
        ),
        "participants",
    )
    assert list(frame["employed_by_sender"]) == ["true", ""]  # empty: not checked yet
    assert any("1 staff row(s) leave it empty" in n for n in frame.attrs["notes"])
    found = _problems(participants({"employed_by_sender": "no"}), "participants")
    assert found == [(2, "employed_by_sender", "applies to staff only, not learners")]


def test_employed_by_sender_is_refused_for_an_accompanying_person(tmp_path):
    # the programme asks no employment of an accompanying person: a value would be ignored
    from matcher import load_participants
    from matcher.io import write_table

    for value in ("false", "true"):
        rows = _group(**GROUP_STAY)
        rows[-1]["employed_by_sender"] = value
        path = write_table(participants(*rows), tmp_path / "people.csv")
        with pytest.raises(DataValidationError) as info:
            load_participants(path)
        (problem,) = info.value.problems
        assert (problem.row, problem.column) == (5, "employed_by_sender")  # header is row 1
        assert "an accompanying person need not be employed by the sending organisation" in (
            problem.message
        )
        assert "people.csv" in str(info.value) and "row 5" in str(info.value)


def test_projects_ka121_ka122_and_the_cap_note():
    cap = tx.project_types()["KA122"]["max_participants"]
    rows = [
        {
            "participant_id": f"P{k}",
            "project_type": "ka122",
            "project_id": "2026-1-IT01-KA122-VET-1",
        }
        for k in range(cap + 1)
    ]
    rows.append({"participant_id": "A", "role": "accompanying", "group_id": "G", **rows[0]})
    rows[-1]["participant_id"] = "A"
    rows[0] = {**rows[0], "group_id": "G"}
    frame = validate_table(participants(*rows), "participants")
    assert set(frame["project_type"]) == {"KA122"}  # written in canonical form
    note = next(n for n in frame.attrs["notes"] if "project_id" in n)
    assert f"lists {cap + 1} participants" in note  # the accompanying person not counted
    mixed = participants(
        {"participant_id": "P1", "project_type": "KA121", "project_id": "X"},
        {"participant_id": "P2", "project_type": "KA122", "project_id": "X"},
    )
    assert (3, "project_type") in {(r, c) for r, c, _ in _problems(mixed, "participants")}


def test_countries_by_programme_year_in_the_files():
    before = {"home_country": "CH", "available_from": "2026-09-01", "available_to": "2026-12-20"}
    found = _problems(participants(before), "participants")
    assert found[0][:2] == (2, "home_country") and "from 2027-01-01" in found[0][2]
    validate_table(participants({**before, "available_to": "2027-03-01"}), "participants")
    validate_table(participants({"home_country": "GB"}), "participants")  # open dates: 2027 on
    host = {"country": "UK", "available_from": "2026-09-01", "available_to": "2026-11-30"}
    assert _problems(hosts(host), "hosts")[0][:2] == (2, "country")


def test_skills_competitions_are_events():
    found = _problems(
        hosts(
            {"org_type": "event", "accepts": "learner", "activities": "short_term"},
            {"org_type": "company", "accepts": "learner", "activities": "skills_competition"},
            {"org_type": "event", "accepts": "staff"},
        ),
        "hosts",
    )
    assert {(r, c) for r, c, _ in found} >= {(2, "activities"), (3, "activities"), (4, "accepts")}


def test_organisations_may_be_in_third_countries():
    from matcher.io import ORGANISATIONS

    row = {
        "org_id": "O1",
        "name": "Lviv college",
        "country": "UA",
        "org_type": "vet_provider",
        "expertise": "cooks",
        "past_projects": 0,
    }
    frame = pd.DataFrame([row], columns=[c for c in ORGANISATIONS.names if c in row])
    assert validate_table(frame, ORGANISATIONS)["country"].iloc[0] == "UA"


# --- the engine ----------------------------------------------------------------------------


def test_a_group_goes_only_where_the_whole_group_fits():
    p = participants(*_group(learners=3, **GROUP_STAY))
    h = hosts(
        {"host_id": "H_small", "capacity": 2, "accepts_groups": True},
        {"host_id": "H_nogroups", "capacity": 5},
        {"host_id": "H_ok", "capacity": 3, "accepts_groups": True},
        {"host_id": "H_listed", "capacity": 4, "activities": "group"},  # lists group mobility
        {
            "host_id": "H_short",
            "capacity": 9,
            "accepts_groups": True,
            "duration_min_days": 5,
            "duration_max_days": 9,
        },
    )
    m = _fit(p, h)
    _, mask = m.score_matrix()
    ok = {hid for hid, allowed in zip(m.host_ids_, mask.all(axis=0), strict=True) if allowed}
    assert ok == {"H_ok", "H_listed"}
    assert (
        "has 2 places and group 'G1' (3 learners) needs 3"
        in m.explain("L1", "H_small").broken_rules["group_places"]
    )
    assert "does not take groups" in m.explain("A1", "H_nogroups").broken_rules["whole_group"]
    assert "stays 10-14 days together" in m.explain("L2", "H_short").broken_rules["whole_group"]
    # recommendations of every member, the accompanying person included, follow the group
    for pid in ("L1", "L3", "A1"):
        assert set(m.recommend_hosts(pid, k=10)["host_id"]) == {"H_ok", "H_listed"}


def test_group_reasons_count_places_and_people_in_plain_words():
    p = participants(*_group(learners=2, **GROUP_STAY))
    m = _fit(p, hosts({"host_id": "H1", "capacity": 1, "accepts_groups": True}))
    why = m.explain("L1", "H1").broken_rules["group_places"]
    assert "the host has 1 place and group 'G1' (2 learners) needs 2" in why
    # one learner and the person accompanying them
    one = [{**r, "group_id": "A01"} for r in _group(learners=1, **GROUP_STAY)]
    one[0]["activity"] = "short_term"  # a learner alone, accompanied
    m = _fit(participants(*one), hosts({"host_id": "H1", "capacity": 0, "accepts_groups": True}))
    why = m.explain("L1", "H1").broken_rules["group_places"]
    assert "the host has 0 places and group 'A01' (1 learner and 1 accompanying person)" in why


def test_dates_without_overlap_say_which_window_ends_first():
    p = participants({"available_from": "2027-02-01", "available_to": "2027-03-08",
                      "duration_min_days": 10, "duration_max_days": 20})  # fmt: skip
    h = hosts({"host_id": "H1", "available_from": "2027-03-19", "available_to": "2027-06-30"})
    e = _fit(p, h).explain("P1", "H1")
    words = "no overlap: the participant's window ends on 2027-03-08, before the host's starts on 2027-03-19"
    assert words in e.broken_rules["dates"] and "overlap 0 days" not in e.broken_rules["dates"]
    assert e.reasons["dates"] == words


def test_the_group_stay_is_what_all_learners_accept():
    rows = _group(learners=2, duration_min_days=10, duration_max_days=20)
    rows[1] = {**rows[1], "duration_min_days": 16}
    m = _fit(participants(*rows), hosts({"accepts_groups": True, "duration_max_days": 15}))
    _, mask = m.score_matrix()
    assert not mask.any()  # L1 alone fits 10-15, but L2 needs 16: the group cannot go
    assert "stays 16-20 days together" in m.explain("L1", "H1").broken_rules["whole_group"]


def test_an_accompanying_person_scores_as_the_group_and_takes_no_place():
    p = participants(*_group(learners=2, **GROUP_STAY))
    m = _fit(p, hosts({"accepts_groups": True, "capacity": 2, "sector": "restaurant kitchen"}))
    scores, mask = m.score_matrix()
    assert mask.all()  # two places suffice for two learners and their teacher
    np.testing.assert_allclose(scores[2], scores[:2].mean(axis=0), rtol=1e-6)
    e = m.explain("A1", "H1")
    assert "group 'G1' (2 learners), mean of the learners' scores" in e.reasons["sector"]
    seen = m.recommend_participants("H1", k=10, pseudonymise=False)
    assert "A1" not in set(seen["participant_id"])  # not a candidate for a place


def test_a_decline_of_one_member_excludes_the_group():
    p = participants(*_group(learners=2, **GROUP_STAY))
    h = hosts({"host_id": "H1", "accepts_groups": True}, {"host_id": "H2", "accepts_groups": True})
    history = pd.DataFrame(
        [{"participant_id": "L2", "host_id": "H1", "sending_org": "Scuola", "action": "decline"}]
    )
    m = _fit(p, h, history)
    assert set(m.recommend_hosts("L1")["host_id"]) == {"H2"}
    assert "declined a member of group 'G1'" in m.explain("A1", "H1").broken_rules["whole_group"]


def test_recent_graduate_rule_in_the_engine():
    p = participants(
        {"participant_id": "G", "graduation_date": "2026-06-30", "available_from": "2026-09-01"}
    )
    h = hosts(
        {"host_id": "early", "available_from": "2027-03-01", "available_to": "2027-12-31"},
        {"host_id": "late", "available_from": "2027-07-15", "available_to": "2027-12-31"},
    )
    m = _fit(p, h)
    _, mask = m.score_matrix()
    assert mask[0].tolist() == [True, False]
    why = m.explain("G", "late").broken_rules["recent_graduate"]
    assert "within 12 months of graduation, by 2027-06-30" in why and "2027-07-15" in why


def test_staff_not_employed_by_the_sender_are_not_matched():
    p = participants(
        {
            "participant_id": "S1",
            "role": "staff",
            "activity": "job_shadowing",
            "employed_by_sender": "false",
        },
        {
            "participant_id": "S2",
            "role": "staff",
            "activity": "job_shadowing",
            "employed_by_sender": "",
        },
    )
    m = _fit(p, hosts({}))
    _, mask = m.score_matrix()
    assert mask[:, 0].tolist() == [False, True]
    assert (
        "employed by or regularly work for"
        in m.explain("S1", "H1").broken_rules["employed_by_sender"]
    )


def test_countries_by_programme_year_in_the_engine():
    p = participants(
        {"participant_id": "IT1", "available_from": "2026-09-01", "available_to": "2027-06-30"}
    )
    h = hosts(
        {
            "host_id": "CH_autumn",
            "country": "CH",
            "available_from": "2026-09-01",
            "available_to": "2026-12-31",
        },
        {
            "host_id": "CH_spring",
            "country": "CH",
            "available_from": "2026-09-01",
            "available_to": "2027-06-30",
        },
        {"host_id": "DE_autumn", "available_from": "2026-09-01", "available_to": "2026-12-31"},
    )
    h.loc[0, "duration_min_days"] = 14
    with pytest.raises(DataValidationError):  # a Swiss host open only in 2026 is refused early
        validate_table(h, "hosts")
    m = _fit(p, h.iloc[1:])
    _, mask = m.score_matrix()
    assert mask[0].tolist() == [True, True]
    late = participants(
        {"participant_id": "IT2", "available_from": "2026-09-01", "available_to": "2027-01-20"}
    )
    m = _fit(late, h.iloc[1:])
    why = m.explain("IT2", "CH_spring").broken_rules["programme_year"]
    assert "Switzerland takes part in Erasmus+ from 2027-01-01" in why


def test_skills_competitions_only_at_events():
    p = participants(
        {
            "participant_id": "C",
            "activity": "skills_competition",
            "duration_min_days": 3,
            "duration_max_days": 5,
        },
        {"participant_id": "T", "activity": "short_term"},
    )
    h = hosts(
        {
            "host_id": "E",
            "org_type": "event",
            "accepts": "learner",
            "duration_min_days": 1,
            "duration_max_days": 10,
        },
        {"host_id": "W", "duration_min_days": 1},
    )
    m = _fit(p, h)
    _, mask = m.score_matrix()
    assert mask.tolist() == [[True, False], [False, True]]
    assert "takes place at an event" in m.explain("C", "W").broken_rules["event"]
    why = m.explain("T", "E").broken_rules["role_activity"]
    assert "does not offer short-term traineeship (offers " in why  # words, not codes
    assert not CODE_PATTERN.search(why), why


def test_new_activities_are_matched_within_the_data_bounds():
    p = participants(
        {
            "participant_id": "X",
            "role": "staff",
            "activity": "invited_expert",
            "duration_min_days": 3,
            "duration_max_days": 5,
        },
        {
            "participant_id": "V",
            "role": "staff",
            "activity": "preparatory_visit",
            "duration_min_days": 1,
            "duration_max_days": 3,
        },
    )
    m = _fit(p, hosts({"duration_min_days": 1, "accepts": "staff"}))
    _, mask = m.score_matrix()
    assert mask.all()


@st.composite
def grouped_cohort(draw):
    """Random groups (with or without accompanying persons) and hosts of random places."""
    rows, n_groups = [], draw(st.integers(1, 3))
    for g in range(n_groups):
        size = draw(st.integers(2, 4))
        lo = draw(st.integers(2, 20))
        stay = {"duration_min_days": lo, "duration_max_days": draw(st.integers(lo, 30))}
        for r in _group(f"G{g}", size, draw(st.integers(1, 2)), **stay):
            rows.append({**r, "participant_id": f"G{g}-{r['participant_id']}"})
    host_rows = [
        {
            "host_id": f"H{j}",
            "capacity": draw(st.integers(0, 5)),
            "accepts_groups": draw(st.booleans()),
            "duration_min_days": draw(st.integers(1, 20)),
            "duration_max_days": 60,
        }
        for j in range(draw(st.integers(1, 5)))
    ]
    return participants(*rows), hosts(*host_rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grouped_cohort())
def test_property_a_group_is_recommended_only_hosts_that_take_it_whole(cohort):
    p, h = cohort
    m = _fit(p, h)
    _, mask = m.score_matrix()
    frame, cap = m.participants_, m.hosts_["capacity"].to_numpy()
    takes = m.hosts_["accepts_groups"].to_numpy()
    for gid, rows in frame.groupby("group_id").groups.items():
        rows = np.asarray(rows)
        learners = rows[frame.loc[rows, "role"].to_numpy() == "learner"]
        allowed = mask[rows]
        # every member, the accompanying persons too, has the same hosts
        assert (allowed == allowed[0]).all(), gid
        assert not (allowed[0] & ((cap < len(learners)) | ~takes)).any(), gid
        lo = frame.loc[learners, "duration_min_days"].max()
        hi = frame.loc[learners, "duration_max_days"].min()
        host_lo, host_hi = m.hosts_["duration_min_days"], m.hosts_["duration_max_days"]
        fits = (np.maximum(lo, host_lo) <= np.minimum(hi, host_hi)).to_numpy()
        assert not (allowed[0] & ~fits).any(), gid


# --- rules over a set of placements --------------------------------------------------------


def test_ka122_cap_counts_learners_and_staff_not_accompanying_or_visits():
    from matcher.programme import project_cap_warnings, project_caps

    cap = tx.project_types()["KA122"]["max_participants"]
    rows = [
        {"participant_id": f"P{k}", "role": "learner", "activity": "short_term"} for k in range(cap)
    ]
    rows += [
        {"participant_id": "V", "role": "staff", "activity": "preparatory_visit"},
        {"participant_id": "A", "role": "accompanying", "activity": "short_term"},
    ]
    p = pd.DataFrame(rows).assign(project_type="KA122", project_id="X", home_country="IT")
    ((found_cap, counted),) = project_caps(p).values()
    assert found_cap == cap and len(counted) == cap
    everyone = np.zeros(len(p), dtype=int)
    assert project_cap_warnings(p, everyone) == []  # the visit and the accompanying person are free
    extra = pd.concat([p, p.iloc[[0]].assign(participant_id="P_extra")], ignore_index=True)
    warning = project_cap_warnings(extra, np.zeros(len(extra), dtype=int))
    assert warning and f"places {cap + 1} participants" in warning[0]
    assert project_cap_warnings(extra, np.r_[np.zeros(len(p)), -1]) == []  # one left unplaced
    assert project_caps(p.assign(project_type="KA121")) == {}  # accredited projects: no cap


def test_the_allocation_ceiling_counts_no_accompanying_person_nor_preparatory_visit(monkeypatch):
    from matcher.allocation import cohort_arrays, optimal_assignment, project_ceilings

    p = pd.DataFrame(
        {
            "participant_id": ["A", "L1", "L2", "V"],
            "role": ["accompanying", "learner", "learner", "staff"],
            "activity": ["short_term", "short_term", "short_term", "preparatory_visit"],
            "group_id": ["G1", "G1", "G1", ""],
            "project_type": "KA122",
            "project_id": "X",
        }
    )
    for cap, placed in ((2, [0, 0, 0, 0]), (1, [-1, -1, -1, 0])):
        table = {"KA122": {"label": "short-term", "max_participants": cap, "checked": False}}
        monkeypatch.setattr(tx, "project_types", lambda t=table: t, raising=False)
        project, ceiling = project_ceilings(p)
        assert project.tolist() == [-1, 0, 0, -1] and ceiling.tolist() == [cap]
        out = optimal_assignment(
            np.ones((4, 1)), np.ones((4, 1), bool), [4], project=project, max_placed=ceiling,
            **cohort_arrays(p),
        )  # fmt: skip
        assert out.tolist() == placed  # the group's two learners count, whoever comes first


def test_course_participants_from_two_countries():
    from matcher.programme import course_country_warnings

    p = pd.DataFrame(
        {
            "participant_id": ["P1", "P2", "P3", "P4"],
            "role": "staff",
            "activity": ["training_course", "training_course", "training_course", "job_shadowing"],
            "home_country": ["IT", "IT", "ES", "IT"],
        }
    )
    h = pd.DataFrame({"host_id": ["H1", "H2"], "name": ["Course A", "Course B"]})
    warnings = course_country_warnings(p, h, np.array([0, 0, 1, 1]))
    assert len(warnings) == 2 and "all come from IT" in warnings[0] and "from ES" in warnings[1]
    assert course_country_warnings(p, h, np.array([0, 0, 0, 1])) == []  # IT and ES at H1


COURSE = {"role": "staff", "activity": "training_course", "employed_by_sender": "true"}
COURSE |= {"occupation": "vocational teacher", "duration_min_days": 5, "duration_max_days": 10}


def test_an_allocation_warns_of_the_rules_over_its_placements(monkeypatch):
    from matcher.allocation import allocate

    course = hosts({"host_id": "H1", "name": "Course Ltd", "org_type": "vet_institution",
                    "duration_min_days": 2, "capacity": 3})  # fmt: skip
    m = _fit(participants({**COURSE, "participant_id": "S1"}), course)
    a = allocate(m)
    assert a.assignments["host_id"].tolist() == ["H1"]
    (warning,) = a.warnings
    assert warning.startswith("Course Ltd (H1): the course's placed participants all come from IT")
    assert warning in a.summary_frame()["value"].tolist()
    # a KA122 project over its cap: only placements kept as they were can make one
    table = {"KA122": {"label": "short-term", "max_participants": 1, "checked": False}}
    monkeypatch.setattr(tx, "project_types", lambda: table, raising=False)
    p = participants(*({"participant_id": f"L{k}", "project_type": "KA122",
                        "project_id": "X"} for k in (1, 2)))  # fmt: skip
    m = _fit(p, hosts({"host_id": "H1", "name": "Kitchen"}))
    locks = pd.DataFrame({"participant_id": ["L1", "L2"], "host_id": ["H1", "H1"]})
    a = allocate(m, locks=locks)
    assert a.warnings == [
        "project X (KA122) places 2 participants; a KA122 project takes at most 1 "
        "(accompanying persons and preparatory visits not counted)"
    ]


def test_invited_experts_and_teachers_in_training_are_not_staff_of_the_sender():
    rows = [
        {
            "participant_id": act,
            "role": "staff",
            "activity": act,
            "employed_by_sender": "false",
            "duration_min_days": 3,
            "duration_max_days": 5,
        }
        for act in tx.EXTERNAL_STAFF_ACTIVITIES
    ]
    m = _fit(participants(*rows), hosts({"duration_min_days": 1, "accepts": "staff"}))
    _, mask = m.score_matrix()
    assert mask.all()
    unasked = validate_table(
        participants({**rows[0], "employed_by_sender": ""}), "participants"
    ).attrs["notes"]
    assert not any("employed_by_sender" in n for n in unasked)
