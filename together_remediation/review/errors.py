"""The one error of plan review: input it cannot trust (exit code 2, never a pass)."""

from __future__ import annotations


class ReviewInputError(Exception):
    """A malformed plan or policy file. The message names the file and what is wrong."""
