"""Short, human names for API enums and review values, shared by both renderers."""

from __future__ import annotations

from typing import Any

from together_remediation.review.model import ModePlan
from together_remediation.review.values import is_marker

DISRUPTION_LABELS = {1: "low", 2: "medium", 3: "high", 4: "highest"}


def short_mode(mode: Any) -> str:
    """``REMEDIATION_MODE_HOST_AWARE`` -> ``HOST_AWARE``."""
    text = str(mode)
    return text.removeprefix("REMEDIATION_MODE_")


def short_severity(severity: Any) -> str:
    return str(severity).removeprefix("PHC_SEVERITY_")


def mode_text(mode: ModePlan | None) -> str:
    if mode is None:
        return "unknown"
    return " → ".join(short_mode(step) for step in mode.steps)


def disruption_text(level: int | None) -> str:
    if level is None:
        return "unknown"
    return f"{DISRUPTION_LABELS[level]} ({level}/4)"


def value_text(value: Any, missing: str = "—") -> str:
    if value is None or value == "":
        return missing
    if is_marker(value):
        return str(value)
    return str(value)
