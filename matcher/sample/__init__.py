"""Realistic synthetic sample data (``matcher sample``)."""

from ._generate import generate_sample, write_sample

__all__ = ["generate_sample", "write_sample"]
