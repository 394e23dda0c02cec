"""The compatibility engine: criteria, hard rules, one reciprocal score, explanations."""

from ._criteria import CRITERIA, CRITERION, Criterion
from ._fit import warm_profiles
from ._links import NaceLink, OccupationLink, esco_anchor_texts, field_nace_codes, nace_anchor_texts
from ._matcher import (
    CANDIDATE_COLUMNS,
    HOST_RESULT_COLUMNS,
    Explanation,
    Matcher,
    top_k,
    top_k_rows,
)
from ._rules import RULES, Rule
from ._sector import trade_fit

__all__ = [
    "Matcher",
    "trade_fit",
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
    "top_k_rows",
    "HOST_RESULT_COLUMNS",
    "field_nace_codes",
    "esco_anchor_texts",
    "nace_anchor_texts",
    "warm_profiles",
]
