"""Learning agreements kept with the placement (issue #14, item 10): the draft opens as the
coordinator saved it, the agreed placements' spreadsheet carries the saved dates, and the
workspace keeps the lifecycle and who may write (found in the browser walk: the dates edited
in the form were lost and the spreadsheet showed the first proposal)."""

import datetime as dt

import pytest
from builders import sign_in

from matcher.documents import agreement_fields, draft_agreement, placements_table
from matcher.lifecycle import current_states
from matcher.store import AccessDenied


def _placement(ws, sample_frames):
    """A coordinator, their consenting participant and a host account that accepted them."""
    p = sample_frames[0]
    row = p[p["consent_share"]].iloc[0]
    pid, org, hid = row["participant_id"], row["sending_org"], "H0001"
    anna = sign_in(ws, "anna", "coordinator", org)
    ws.record(anna, pid, hid, "propose")
    return anna, pid, hid, sign_in(ws, "h", "host", hid)


def test_a_saved_agreement_opens_as_saved_and_dates_the_placements_sheet(
    ws, sample_frames, sample_matcher
):
    anna, pid, hid, host = _placement(ws, sample_frames)
    draft = draft_agreement(sample_matcher, pid, hid)
    draft.start, draft.end = dt.date(2027, 3, 1), dt.date(2027, 3, 28)
    draft.tasks, draft.sending_tutor = "Front desk, with Ana", "Jo Tutor"
    draft.outcomes = ["greets guests", "handles bookings"]
    with pytest.raises(ValueError, match="accepted"):  # not yet: the host has not answered
        ws.save_agreement(anna, pid, hid, agreement_fields(draft))
    ws.respond(host, ws.pseudonym(pid), hid, accept=True)
    ws.save_agreement(anna, pid, hid, agreement_fields(draft))

    kept = ws.agreements(anna)
    assert kept[["participant_id", "host_id", "username"]].values.tolist() == [[pid, hid, "anna"]]
    again = draft_agreement(sample_matcher, pid, hid, saved=kept["fields"].iloc[0])
    assert (again.start, again.end, again.tasks) == (draft.start, draft.end, draft.tasks)
    assert again.outcomes == draft.outcomes and again.sending_tutor == "Jo Tutor"

    states = current_states(ws.decisions(anna))
    participants, hosts = sample_matcher.participants_, sample_matcher.hosts_
    sheet = placements_table(states, participants, hosts, ws.agreements(anna))
    row = sheet.set_index("Participant").loc[pid]
    assert row["Planned start"] == dt.datetime(2027, 3, 1)
    assert row["Planned end"] == dt.datetime(2027, 3, 28)
    assert row["Dates from"] == "learning agreement"
    before = placements_table(states, participants, hosts).set_index("Participant").loc[pid]
    assert before["Dates from"] == "first proposal"

    draft.end = dt.date(2027, 3, 21)  # saved again: replaced, not added
    ws.save_agreement(anna, pid, hid, agreement_fields(draft))
    assert len(ws.agreements(anna)) == 1
    assert ws.agreements(anna)["fields"].iloc[0]["end"] == "2027-03-21"
    assert (ws.audit_log(ws.admin)["action"] == "agreement").sum() == 2


def test_only_the_participants_coordinator_or_an_admin_keeps_an_agreement(ws, sample_frames):
    anna, pid, hid, host = _placement(ws, sample_frames)
    ws.respond(host, ws.pseudonym(pid), hid, accept=True)
    other_org = next(o for o in sample_frames[0]["sending_org"] if o != anna.organisation)
    bob = sign_in(ws, "bob", "coordinator", other_org)
    fields = {"start": "2027-03-01", "tasks": "x"}
    with pytest.raises(AccessDenied):
        ws.save_agreement(bob, pid, hid, fields)
    with pytest.raises(AccessDenied):
        ws.save_agreement(host, pid, hid, fields)
    with pytest.raises(AccessDenied):
        ws.agreements(host)
    with pytest.raises(ValueError, match="not a field"):
        ws.save_agreement(anna, pid, hid, {"host_id": "H0002"})
    with pytest.raises(ValueError, match="text expected"):
        ws.save_agreement(anna, pid, hid, {"tasks": {"a": 1}})
    # what would break the draft on reopening is refused, naming the field
    with pytest.raises(ValueError, match="start: a date as YYYY-MM-DD"):
        ws.save_agreement(anna, pid, hid, {"start": "not a date"})
    with pytest.raises(ValueError, match="end: a date"):
        ws.save_agreement(anna, pid, hid, {"end": "2027-13-40"})
    with pytest.raises(ValueError, match="is after end"):
        ws.save_agreement(anna, pid, hid, {"start": "2027-04-01", "end": "2027-03-01"})
    with pytest.raises(ValueError, match="outcomes: a list"):
        ws.save_agreement(anna, pid, hid, {"outcomes": "one string"})
    with pytest.raises(ValueError, match="longer than"):
        ws.save_agreement(anna, pid, hid, {"tasks": "x" * 20_001})
    assert ws.agreements(anna).empty  # nothing half-saved
    ws.save_agreement(ws.admin, pid, hid, fields)
    assert len(ws.agreements(anna)) == 1 and ws.agreements(bob).empty


def test_forgetting_a_participant_deletes_their_agreements(ws, sample_frames):
    anna, pid, hid, host = _placement(ws, sample_frames)
    ws.respond(host, ws.pseudonym(pid), hid, accept=True)
    ws.save_agreement(anna, pid, hid, {"tasks": "reception"})
    ws.forget(pid, anna)
    assert ws.agreements(ws.admin).empty
