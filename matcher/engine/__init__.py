"""The compatibility engine: criteria, hard rules, one reciprocal score, explanations."""

from ._criteria import CRITERIA, CRITERION, Criterion
from ._links import NaceLink, OccupationLink, field_nace_codes
from ._matcher import CANDIDATE_COLUMNS, Explanation, Matcher, top_k
from ._rules import RULES, Rule

__all__ = [
    "Matcher",
    "Explanation",
    "CRITERIA",
    "CRITERION",
    "Criterion",
    "RULES",
    "Rule",
    "CANDIDATE_COLUMNS",
    "OccupationLink",
    "NaceLink",
    "top_k",
    "field_nace_codes",
]
