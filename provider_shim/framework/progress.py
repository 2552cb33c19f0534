"""How far along a remediation is: its state as a string.

Whether a state satisfies a ``wait_for`` is ``together_api.vocabulary.satisfied`` (QUARANTINING
and QUARANTINED count as started). Nothing heavy is imported here, so a launch that only plans
stays light (the API models load on first use).
"""

from __future__ import annotations

from together_api.vocabulary import enum_value


def remediation_state(remediation) -> str | None:
    """The remediation's state as a string (None for no remediation)."""
    return enum_value(remediation.state) if remediation is not None else None
