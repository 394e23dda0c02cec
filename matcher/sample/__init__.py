"""Realistic synthetic sample data (``matcher sample``)."""

from ._generate import generate_sample, write_sample
from ._organisations import THEMES, generate_organisations

__all__ = ["generate_sample", "write_sample", "generate_organisations", "THEMES"]
