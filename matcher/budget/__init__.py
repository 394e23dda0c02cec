"""Budget estimates of placements from the rates table (``data/taxonomies/rates.csv``).

Amounts are configuration the user fills in from the Programme Guide of the call year (the
package ships the table's structure with empty figures); an estimate that needs a rate not
set is NaN, and says which.
"""

from ._costs import (
    STAYS,
    RatesNotSet,
    allocation_costs,
    budget_arguments,
    cost_matrix,
    pair_costs,
    placement_costs,
)
from ._rates import ITEMS, RATE_COLUMNS, Rates, load_rates, rates_path

__all__ = [
    "ITEMS",
    "RATE_COLUMNS",
    "STAYS",
    "Rates",
    "RatesNotSet",
    "allocation_costs",
    "budget_arguments",
    "cost_matrix",
    "load_rates",
    "pair_costs",
    "placement_costs",
    "rates_path",
]
