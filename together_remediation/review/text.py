"""Short, human names for API enums and review values, shared by both renderers, and the one
rule that makes any text from a plan safe to show (``safe_text``)."""

from __future__ import annotations

import unicodedata
from typing import Any

from together_api.vocabulary import MAX_DISRUPTION, MODE_PREFIX
from together_remediation.review.model import ModePlan
from together_remediation.review.values import is_marker

# The words of vocabulary.MODES' ranks (HOST_AWARE and HOST_POWER_CYCLE rank 3, high).
DISRUPTION_LABELS = {1: "low", 2: "medium", 3: "high", 4: "highest"}


def short_mode(mode: Any) -> str:
    """``REMEDIATION_MODE_HOST_AWARE`` -> ``HOST_AWARE``."""
    return safe_text(str(mode)).removeprefix(MODE_PREFIX)


def short_mode_or_marker(mode: Any) -> Any:
    """A short mode name, or the marker itself for a value known only after apply."""
    return mode if is_marker(mode) else short_mode(mode)


def short_severity(severity: Any) -> str:
    return safe_text(str(severity)).removeprefix("PHC_SEVERITY_")


def mode_text(mode: ModePlan | None) -> str:
    if mode is None:
        return "unknown"
    return " → ".join(short_mode(step) for step in mode.steps)


def disruption_text(level: int | None) -> str:
    if level is None:
        return "unknown"
    return f"{DISRUPTION_LABELS[level]} ({level}/{MAX_DISRUPTION})"


# Control characters (NUL, ESC of an ANSI sequence, C1), format characters (bidi overrides and
# isolates, zero-width ones), private-use, surrogates and line/paragraph separators: a reason,
# comment, name or alert title holding one could hide or reorder what a reviewer reads, or drive
# the terminal that prints the review. Newlines and tabs are kept (both renderers handle them).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
_KEPT = frozenset("\n\t")


def safe_text(value: str) -> str:
    """``value`` with every unsafe character shown as ``[U+XXXX]``: ``"a\u202eb"`` -> ``"a[U+202E]b"``."""
    if value.isascii() and value.isprintable():
        return value  # the common case, kept fast
    return "".join(
        f"[U+{ord(char):04X}]" if char not in _KEPT and unicodedata.category(char) in _UNSAFE_CATEGORIES else char
        for char in value
    )


def value_text(value: Any, missing: str = "—") -> str:
    if value is None or value == "":
        return missing
    if is_marker(value):
        return str(value)
    return safe_text(str(value))
