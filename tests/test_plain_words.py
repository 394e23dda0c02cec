"""Plain words: no page shows an internal code (``snake_case``) to a person, in any text it
renders: titles, captions, messages, options, table headers and cells, chart titles, axes
and legends, "why not" and the allocation's reasons."""

import pytest
from app_driver import run_page
from rendered import codes, texts

from matcher.engine import CRITERIA
from matcher.labels import is_code, label, rule_phrase
from matcher.store import DEMO_PASSWORD

pytestmark = pytest.mark.model


@pytest.fixture(autouse=True)
def _sample_workspace(monkeypatch):
    monkeypatch.delenv("MATCHER_DATABASE_URL", raising=False)


def _as(username):
    from views import resources

    return resources.workspace().authenticate(username, DEMO_PASSWORD) if username else None


def _check(at):
    found = codes(at)
    assert not found, f"internal codes on the page: {found}"
    return at


@pytest.mark.parametrize(
    ("username", "page"),
    [
        (None, None),
        ("demo-admin", None),
        ("demo-host", "views/candidates.py"),
        ("demo-admin", "views/decisions.py"),
        ("demo-host", "views/decisions.py"),
        ("demo-analyst", "views/insights.py"),
        ("demo-admin", "views/partners.py"),
        ("demo-coordinator", "views/data.py"),
    ],
)
def test_no_page_shows_an_internal_code(username, page):
    at = _check(run_page(_as(username), page))
    assert texts(at)  # the scan read the page


def test_why_not_and_an_excluded_host_read_as_words(sample_matcher):
    at = run_page(_as("demo-admin"))
    at.selectbox(key="fh_participant").set_value("P0007").run()
    home = sample_matcher.participants_.set_index("participant_id").at["P0007", "home_country"]
    same = sample_matcher.hosts_.loc[sample_matcher.hosts_["country"] == home, "host_id"]
    at.selectbox(key="fh_host_P0007").set_value(same.iloc[0]).run()
    _check(at)
    assert any(label("cross_border") in e.value for e in at.error)
    score = next(m for m in at.metric if m.label == "Score")
    assert score.value == "excluded" and not score.proto.delta  # no score with an arrow


def test_a_typed_profile_shows_inclusion_as_not_applicable():
    at = run_page(_as("demo-admin"))
    at.radio[0].set_value("New profile").run()
    at.button[0].click().run()
    _check(at)
    bars = at.dataframe[0].value["criteria"]
    assert all(len(row) == len(CRITERIA) - 1 for row in bars)  # no inclusion bar, not a full one
    assert "inclusion: n/a" in at.dataframe[0].proto.columns
    each = next(t for t in at.toggle if t.label == "One column per criterion")
    each.set_value(True).run()
    _check(at)
    assert (at.dataframe[0].value["inclusion fit"] == "n/a").all()


def test_allocation_reasons_read_as_words():
    at = run_page(_as("demo-admin"), "views/allocate.py")
    at.button[0].click().run()
    _check(at)
    reasons = at.session_state["allocation"].assignments["reason"]
    assert not reasons.map(is_code).map(bool).any()
    assert reasons.str.len().gt(0).all()


def test_rule_phrases_are_sentences():
    assert rule_phrase("cross_border", 1) == "1 host is in the participant's home country"
    assert rule_phrase("duration", 2) == "2 hosts do not offer a stay of this length"
    assert label("a_new_code") == "a new code"
