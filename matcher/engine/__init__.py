"""The compatibility engine: criteria, hard rules, one reciprocal score, explanations."""

from ._criteria import CRITERIA, RULES
from ._matcher import CANDIDATE_COLUMNS, Explanation, Matcher

__all__ = ["Matcher", "Explanation", "CRITERIA", "RULES", "CANDIDATE_COLUMNS"]
