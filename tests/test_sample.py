import os
import subprocess
import sys
from pathlib import Path

from matcher import taxonomy as tx
from matcher.sample import generate_sample


def test_sample_is_realistic(sample_frames):
    participants, hosts = sample_frames
    assert 350 <= len(participants) <= 450 and 200 <= len(hosts) <= 300
    assert participants["home_country"].nunique() >= 10
    assert hosts["country"].nunique() >= 15
    fewer = participants["fewer_opportunities"].mean()
    assert 0.10 <= fewer <= 0.20
    assert participants["needs_accessibility"].any() and hosts["accessible"].any()
    assert (hosts["org_type"] == "intermediary").sum() >= 3
    workplaces = hosts[hosts["org_type"] != tx.EVENT]
    assert workplaces["capacity"].between(1, 6).all()
    limits = tx.activity_limits()
    for row in participants.itertuples():
        role, lo, hi = limits[row.activity]
        expected = "learner" if row.role == "accompanying" else row.role
        assert role == expected and lo <= row.duration_min_days <= row.duration_max_days <= hi
    learners = participants[participants["role"] == "learner"]
    assert 0.65 <= len(learners) / len(participants) <= 0.85
    english = participants["languages"].str.contains("en:")
    assert english.mean() > 0.7
    esco = set(tx.esco_occupations()["preferred_label"].str.lower())
    assert learners["occupation"].str.lower().isin(esco).all()


def test_isced_and_nace_are_consistent(sample_frames):
    participants, hosts = sample_frames
    occ = tx.vet_occupations().set_index("occupation")
    learners = participants[(participants["role"] == "learner") & (participants["isced_f"] != "")]
    assert (learners["isced_f"] == occ.loc[learners["occupation"], "isced_f"].to_numpy()).all()
    for row in hosts[hosts["nace_code"] != ""].itertuples():
        assert row.nace_code in {
            c for cs in occ[occ["host_sector"] == row.sector]["nace_classes"] for c in cs
        }


def test_generation_is_reproducible():
    a = generate_sample(30, 20, seed=11)
    b = generate_sample(30, 20, seed=11)
    assert a[0].equals(b[0]) and a[1].equals(b[1])
    c = generate_sample(30, 20, seed=12)
    assert not a[0].equals(c[0])


def test_organisations_do_not_depend_on_the_hash_seed():
    # Ties between ISCED-F fields were once broken by set order, which follows PYTHONHASHSEED.
    code = (
        "from matcher.sample import generate_organisations, generate_sample\n"
        "p, h = generate_sample(400, 250, seed=7)\n"
        "print(generate_organisations(p, h, seed=7).to_csv())"
    )
    root = Path(__file__).resolve().parents[1]
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        run = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


def test_sample_has_what_coordinators_meet(sample_frames):
    """Groups with accompanying persons, learners accompanied alone, recent graduates,
    projects, hosts that take groups and skills competitions as events (issue #15)."""
    participants, hosts = sample_frames
    grouped = participants[participants["group_id"] != ""]
    groups = grouped.groupby("group_id")
    assert groups.ngroups >= 5
    for gid, rows in groups:
        learners = rows[rows["role"] == "learner"]
        assert len(learners) >= 1 and (rows["role"] == "accompanying").sum() >= 1, gid
        assert rows["sending_org"].nunique() == 1 and rows["activity"].nunique() == 1, gid
        if learners["activity"].iloc[0] == "group":
            assert len(learners) >= tx.programme_figure("group_min_learners"), gid
    assert (participants["role"] == "accompanying").sum() == groups.ngroups
    solo = groups.filter(lambda r: (r["role"] == "learner").sum() == 1)
    assert len(solo) >= 2  # a learner with fewer opportunities and their accompanying person
    graduates = participants[participants["graduation_date"].notna()]
    assert len(graduates) >= 5 and (graduates["role"] == "learner").all()
    assert set(participants["project_type"]) == set(tx.PROJECT_TYPES)
    staff = participants[participants["role"] == "staff"]
    assert (staff["employed_by_sender"] == "true").mean() > 0.9
    assert {"preparatory_visit", "invited_expert", "hosting_teacher"} <= set(
        participants["activity"]
    )
    assert hosts["accepts_groups"].sum() >= 20
    events = hosts[hosts["org_type"] == tx.EVENT]
    assert len(events) >= 2 and (events["activities"] == "skills_competition").all()


def test_sample_keeps_the_first_rows_as_drawn():
    """The programme features convert later rows only: the first ones (examples, tests) keep
    their content whatever the features do."""
    from matcher.sample._programme import PROTECTED_ROWS

    p, h = generate_sample(60, 60, seed=3)
    first = p.iloc[:PROTECTED_ROWS]
    # only a learner drawn on a group mobility gains its group
    assert ((first["group_id"] == "") | (first["activity"] == "group")).all()
    assert (first["role"] != "accompanying").all()
    assert (h["org_type"].iloc[:PROTECTED_ROWS] != tx.EVENT).all()
