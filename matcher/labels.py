"""Plain words for the codes the package uses internally (column names, activities, rules,
criteria, organisation types), so that no interface shows ``cross_border`` or
``duration_min_days`` to a person.

Every function falls back to the code with its underscores as spaces, so a code added later
still reads as words, never as ``snake_case``.

Examples
--------
>>> label("cross_border")
'host in another country'
>>> label("duration_min_days")
'shortest stay (days)'
>>> label("something_new")
'something new'
>>> rule_phrase("capacity", 3)
'3 hosts have no free places'
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "LABELS",
    "RULE_PHRASES",
    "NOT_APPLICABLE",
    "label",
    "rule_phrase",
    "plain_values",
    "column_labels",
    "is_code",
    "CODE_PATTERN",
]

#: What a criterion's reason says when the criterion does not apply to the participant.
NOT_APPLICABLE = "not applicable"

#: Plain labels of codes, by code: columns of the data contract and of results, hard rules,
#: activities, organisation types, decision actions. Codes not listed read with spaces.
LABELS: dict[str, str] = {
    # hard rules (matcher.engine.RULES)
    "cross_border": "host in another country",
    "role_activity": "takes this role and activity",
    "duration": "stay length",
    "dates": "dates",
    "capacity": "free places",
    "accessibility": "accessible when needed",
    "not_declined": "has not declined",
    "programme_year": "both countries in the programme on these dates",
    "event": "skills competition (event)",
    "recent_graduate": "recent graduate starts in time",
    "whole_group": "takes the whole group",
    "group_places": "places for the whole group",
    # mobility activities (data/taxonomies/programme.csv has the full titles)
    "short_term": "short-term traineeship",
    "long_term": "long-term traineeship (ErasmusPro)",
    "skills_competition": "skills competition",
    "group": "group mobility",
    "job_shadowing": "job shadowing",
    "teaching": "teaching assignment",
    "training_course": "course or training",
    "invited_expert": "invited expert",
    "hosting_teacher": "hosted teacher in training",
    "preparatory_visit": "preparatory visit",
    # roles
    "accompanying": "accompanying person",
    # organisation types
    "public_body": "public body",
    "ngo": "NGO",
    "vet_institution": "VET school or provider",
    "intermediary": "intermediary organisation",
    "vet_provider": "VET provider",
    # columns of the data contract and of results
    "participant_id": "participant",
    "host_id": "host",
    "org_id": "organisation",
    "sending_org": "sending organisation",
    "home_country": "home country",
    "stay": "stay (days)",
    "host_country": "host country",
    "host_name": "host name",
    "isced_f": "field (ISCED-F)",
    "nace_code": "NACE code",
    "org_type": "organisation type",
    "duration_min_days": "shortest stay (days)",
    "duration_max_days": "longest stay (days)",
    "available_from": "available from",
    "available_to": "available to",
    "preferred_countries": "preferred countries",
    "fewer_opportunities": "fewer opportunities",
    "needs_accessibility": "needs accessibility",
    "consent_share": "shown to hosts",
    "inclusion_support": "inclusion support",
    "group_id": "group",
    "graduation_date": "graduation date",
    "employed_by_sender": "staff of the sending organisation",
    "project_type": "project type",
    "project_id": "project",
    "accepts_groups": "takes groups",
    "places_offered": "places offered",
    "places_used": "places used",
    "fill_rate": "share of places used",
    "best_score": "best score",
    "best_host": "best host",
    "feasible_hosts": "hosts meeting the rules",
    "good_hosts": "good-fit hosts meeting the rules",
    "sector_match": "in the trade",
    "acts_for": "acts for",
    "username": "user name",
}

#: How many hosts break a rule, as a sentence: "{n} hosts ...".
RULE_PHRASES: dict[str, str] = {
    "cross_border": "are in the participant's home country",
    "role_activity": "do not take this role or activity",
    "duration": "do not offer a stay of this length",
    "dates": "have no dates that fit",
    "capacity": "have no free places",
    "accessibility": "are not accessible",
    "not_declined": "declined this participant",
    "programme_year": "are not in the programme on these dates (Switzerland, United Kingdom)",
    "event": "are not events (a skills competition takes place at an event) or host nothing else",
    "recent_graduate": "start too late for a recent graduate",
    "employed_by_sender": "are ruled out: the sending organisation does not employ this person",
    "whole_group": "cannot take the whole group",
    "group_places": "have too few places for the whole group",
}

#: A code as the interface must never show it: lower-case words joined by underscores.
CODE_PATTERN = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def label(code) -> str:
    """The plain label of ``code`` (a column, rule, activity or organisation type)."""
    text = str(code)
    return LABELS.get(text, text.replace("_", " "))


def rule_phrase(rule: str, hosts: int) -> str:
    """``"{hosts} hosts ..."``: how many hosts a hard rule rules out, in words."""
    phrase = RULE_PHRASES.get(rule, f"fail the rule '{label(rule)}'")
    noun = "host" if hosts == 1 else "hosts"
    if hosts == 1:  # singular verb
        phrase = phrase.replace("are ", "is ", 1).replace("do not ", "does not ", 1)
        phrase = phrase.replace("have ", "has ", 1)
    return f"{hosts} {noun} {phrase}"


#: Columns whose values are codes with a plain label.
_CODED_VALUES = ("activity", "org_type", "activities", "accepts")


def plain_values(frame: pd.DataFrame, columns=_CODED_VALUES) -> pd.DataFrame:
    """A copy of ``frame`` whose coded values (activities, organisation types) read as words;
    ``;``-separated lists are labelled item by item."""
    out = frame.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map(
                lambda v: (
                    "; ".join(label(x.strip()) for x in str(v).split(";") if x.strip())
                    if isinstance(v, str)
                    else v
                )
            )
    return out


def column_labels(columns) -> dict[str, str]:
    """``{column: label}`` for the columns that have a plain label different from their name
    (e.g. for ``st.column_config``)."""
    return {c: label(c) for c in columns if label(c) != c}


def is_code(text: str) -> list[str]:
    """The internal codes (``snake_case`` words) found in ``text``.

    Examples
    --------
    >>> is_code("stay length fits; duration_min_days is 10")
    ['duration_min_days']
    """
    return CODE_PATTERN.findall(str(text))
