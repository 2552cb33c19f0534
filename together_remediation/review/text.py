"""Short, human names for API enums and review values, shared by both renderers."""

from __future__ import annotations

from typing import Any

from together_api.vocabulary import MAX_DISRUPTION, MODE_PREFIX
from together_remediation.review.model import ModePlan
from together_remediation.review.values import is_marker

# The words of vocabulary.MODES' ranks (HOST_AWARE and HOST_POWER_CYCLE rank 3, high).
DISRUPTION_LABELS = {1: "low", 2: "medium", 3: "high", 4: "highest"}


def short_mode(mode: Any) -> str:
    """``REMEDIATION_MODE_HOST_AWARE`` -> ``HOST_AWARE``."""
    return str(mode).removeprefix(MODE_PREFIX)


def short_mode_or_marker(mode: Any) -> Any:
    """A short mode name, or the marker itself for a value known only after apply."""
    return mode if is_marker(mode) else short_mode(mode)


def short_severity(severity: Any) -> str:
    return str(severity).removeprefix("PHC_SEVERITY_")


def mode_text(mode: ModePlan | None) -> str:
    if mode is None:
        return "unknown"
    return " → ".join(short_mode(step) for step in mode.steps)


def disruption_text(level: int | None) -> str:
    if level is None:
        return "unknown"
    return f"{DISRUPTION_LABELS[level]} ({level}/{MAX_DISRUPTION})"


def value_text(value: Any, missing: str = "—") -> str:
    if value is None or value == "":
        return missing
    if is_marker(value):
        return str(value)
    return str(value)
