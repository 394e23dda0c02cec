"""Taxonomies and programme tables as data: countries, languages, CEFR, ISCED-F 2013,
NACE Rev. 2.1, ESCO occupations and the Erasmus+ activity table."""

from ._data import *  # noqa: F403
from ._data import __all__  # noqa: F401
