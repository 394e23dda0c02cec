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
    assert hosts["capacity"].between(1, 6).all()
    limits = tx.activity_limits()
    for row in participants.itertuples():
        role, lo, hi = limits[row.activity]
        assert role == row.role and lo <= row.duration_min_days <= row.duration_max_days <= hi
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
