"""KA2 partner search: rank partners for a project idea and suggest consortia that meet the
action's composition rules (KA210-VET: >= 2 organisations from >= 2 countries; KA220-VET: >= 3
from >= 3; figures in ``data/taxonomies/programme.csv``).

The criteria are plain vectorised functions, each beside the sentence that explains it; the
consortium search is split into an exact and a greedy algorithm over a `ConsortiumProblem`;
`PartnerFinder` fits the organisations once and wires them together.
"""

from .._config import PARTNER_WEIGHTS
from ._consortium import Consortium, ConsortiumProblem, best_distinct, describe_consortium
from ._criteria import (
    CRITERIA,
    DEFAULT_COMPLEMENTS,
    combine,
    common_language,
    complementarity,
    complementarity_reason,
    country_reason,
    language_reason,
    new_country,
    newcomer_preference,
    newcomer_reason,
    partner_weights,
    thematic_fit,
    thematic_reason,
    wanted_types,
)
from ._exact import exact_search
from ._finder import RANK_COLUMNS, PartnerFinder
from ._greedy import greedy_search

__all__ = [
    "PartnerFinder",
    "Consortium",
    "PARTNER_WEIGHTS",
    "DEFAULT_COMPLEMENTS",
    "CRITERIA",
    "RANK_COLUMNS",
    "wanted_types",
    "thematic_fit",
    "thematic_reason",
    "complementarity",
    "complementarity_reason",
    "new_country",
    "country_reason",
    "common_language",
    "language_reason",
    "newcomer_preference",
    "newcomer_reason",
    "partner_weights",
    "combine",
    "ConsortiumProblem",
    "exact_search",
    "greedy_search",
    "best_distinct",
    "describe_consortium",
]
