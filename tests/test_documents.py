"""Documents of a placement: the draft learning agreement (DOCX) and the spreadsheets (XLSX)."""

import copy
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from matcher import taxonomy as tx
from matcher.documents import (
    agreement_bytes,
    draft_agreement,
    learning_outcomes,
    placements_table,
    planned_period,
    shortlist_table,
    workbook_bytes,
)
from matcher.lifecycle import current_states

pytestmark = pytest.mark.model


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _a_cook(matcher) -> str:
    """A participant the engine reads, surely, as ESCO 'cook'."""
    for i, link in enumerate(matcher.occupation_links_):
        if link.esco == "cook" and link.confidence >= 0.5:
            return matcher.participants_["participant_id"].iloc[i]
    pytest.skip("no participant read as a cook in the sample")


def test_the_draft_says_what_the_workspace_knows(sample_matcher):
    pid = _a_cook(sample_matcher)
    hid = sample_matcher.recommend_hosts(pid, k=1)["host_id"].iloc[0]
    draft = draft_agreement(sample_matcher, pid, hid)
    p = sample_matcher.participants_.set_index("participant_id").loc[pid]
    h = sample_matcher.hosts_.set_index("host_id").loc[hid]
    assert (draft.host_name, draft.sending_org, draft.occupation) == (
        h["name"],
        p["sending_org"],
        p["occupation"],
    )
    # outcomes: the ESCO skills nearest to 'cook', phrased as what the learner can do
    assert len(draft.outcomes) == 5 and all(
        o.startswith(("Can ", "Knows ")) for o in draft.outcomes
    )
    assert "'cook'" in draft.outcomes_source
    assert sum("dish" in o or "kitchen" in o or "cook" in o for o in draft.outcomes) >= 3
    text = _docx_text(agreement_bytes(draft))
    for expected in (pid, h["name"], p["sending_org"], draft.outcomes[0], "Learning agreement"):
        assert expected in text
    if draft.start:
        assert draft.start.isoformat() in text and str(draft.duration_days) in text


def test_the_draft_uses_host_contacts_when_the_table_has_them(sample_matcher):
    pid = sample_matcher.participants_["participant_id"].iloc[0]
    hid = sample_matcher.recommend_hosts(pid, k=1)["host_id"].iloc[0]
    m = copy.copy(sample_matcher)
    m.hosts_ = sample_matcher.hosts_.assign(
        contact_person="Ana Souza", email="ana@example.org", phone="+351 22 000 0000", website=""
    )
    draft = draft_agreement(m, pid, hid)
    assert draft.host_contacts == {
        "contact_person": "Ana Souza",
        "email": "ana@example.org",
        "phone": "+351 22 000 0000",
    }
    assert draft.host_tutor == "Ana Souza"
    text = _docx_text(agreement_bytes(draft))
    assert "ana@example.org" in text and "+351 22 000 0000" in text
    m.hosts_ = sample_matcher.hosts_.assign(contact_person="", email="", phone="", website="")
    plain = draft_agreement(m, pid, hid)  # no contacts given: blanks
    assert plain.host_contacts == {} and "ana@example.org" not in _docx_text(agreement_bytes(plain))


def test_an_edited_draft_is_written_as_edited(sample_matcher):
    pid = sample_matcher.participants_["participant_id"].iloc[1]
    hid = sample_matcher.recommend_hosts(pid, k=1)["host_id"].iloc[0]
    draft = draft_agreement(sample_matcher, pid, hid)
    draft.start, draft.end = dt.date(2027, 3, 1), dt.date(2027, 3, 28)
    draft.tasks = "Prep kitchen, then the pass."
    draft.sending_tutor = "Maria Rossi"
    text = _docx_text(agreement_bytes(draft))
    assert "2027-03-01" in text and "2027-03-28" in text and "\n28\n" in text
    assert "Prep kitchen, then the pass." in text and "Maria Rossi" in text


def test_unsure_occupations_propose_no_outcomes():
    assert learning_outcomes(-1) == []
    occupations = tx.esco_occupations()
    hairdresser = int(np.flatnonzero(occupations["preferred_label"] == "hairdresser")[0])
    texts = [o.text for o in learning_outcomes(hairdresser, 5)]
    assert len(texts) == 5 and sum("hair" in t for t in texts) >= 4


def test_planned_period_stays_in_both_windows():
    p = {
        "available_from": pd.Timestamp("2027-01-10"),
        "available_to": pd.Timestamp("2027-06-30"),
        "duration_min_days": 14,
        "duration_max_days": 30,
    }
    h = {
        "available_from": pd.Timestamp("2027-02-01"),
        "available_to": pd.NaT,
        "duration_min_days": 10,
        "duration_max_days": 90,
    }
    assert planned_period(p, h) == (dt.date(2027, 2, 1), dt.date(2027, 3, 2))
    none = dict(p, available_from=pd.NaT)
    assert planned_period(none, dict(h, available_from=pd.NaT)) == (None, None)


def _history(rows):
    return pd.DataFrame(
        [
            {"id": k, "participant_id": p, "host_id": h, "sending_org": "S", "action": a}
            | {"reason": "", "rating": r, "at": pd.Timestamp("2026-09-01", tz="UTC")}
            for k, (p, h, a, r) in enumerate(rows)
        ]
    )


def test_spreadsheets_open_with_the_right_rows(sample_matcher):
    participants, hosts = sample_matcher.participants_, sample_matcher.hosts_
    p = list(participants["participant_id"][:3])
    h = list(hosts["host_id"][:3])
    states = current_states(
        _history(
            [
                (p[0], h[0], "shortlist", None),
                (p[0], h[1], "propose", None),
                (p[1], h[1], "propose", None),
                (p[1], h[1], "accept", None),
                (p[2], h[2], "propose", None),
                (p[2], h[2], "accept", None),
                (p[2], h[2], "complete", 4),
            ]
        )
    )
    shortlist = shortlist_table(states, participants, hosts)
    assert shortlist[["Participant", "Host", "State"]].values.tolist() == [
        [p[0], h[0], "shortlisted"],
        [p[0], h[1], "proposed"],
    ]
    wanted = hosts.set_index("host_id").loc[h[0], "languages"]  # e.g. "de:B1; en:B2"
    words = shortlist["Languages wanted"].iloc[0]  # found in a walk: codes, "en:B1"
    assert wanted and ":" not in words and words.split()[0][0].isupper(), words
    placed = placements_table(states, participants, hosts)
    assert placed[["Participant", "Host", "State"]].values.tolist() == [
        [p[1], h[1], "accepted"],
        [p[2], h[2], "completed"],
    ]
    assert placed["Rating"].iloc[1] == 4
    wb = load_workbook(io.BytesIO(workbook_bytes({"placements": placed, "shortlist": shortlist})))
    sheet = wb["placements"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Participant", "Occupation"] and sheet.max_row == 3
    since = sheet.cell(row=2, column=header.index("Since") + 1).value
    assert isinstance(since, dt.datetime)
