"""matcher: partner matchmaking for Erasmus+ VET mobility.

Load and validate participants and hosts, score every pair on sector, language, duration,
dates and the programme's hard rules, explain each score, and allocate cohorts.
"""

__version__ = "0.1.0"

from . import evaluate, fairness, insights, learning  # noqa: F401  (plots: import matcher.plots)
from ._config import BUNDLED_MODEL, DEFAULT_WEIGHTS, Config
from .allocation import Allocation, allocate
from .engine import Explanation, Matcher
from .io import DataValidationError, load_hosts, load_participants, write_table

__all__ = [
    "__version__",
    "Config",
    "DEFAULT_WEIGHTS",
    "BUNDLED_MODEL",
    "DataValidationError",
    "Matcher",
    "allocate",
    "Allocation",
    "Explanation",
    "load_participants",
    "load_hosts",
    "write_table",
]
