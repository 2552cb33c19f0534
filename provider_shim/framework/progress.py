"""How far along a remediation is: its state, and whether that satisfies a ``wait_for``.

Both resources plan with these and ``waiting.wait_for_remediation`` polls with them. Nothing is
imported here, so a launch that only plans stays light (the API models load on first use).
"""

from __future__ import annotations

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "AUTO_RESOLVED"})


def remediation_state(remediation) -> str | None:
    """The remediation's state as a string (None for no remediation)."""
    from together_api.models import enum_value

    return enum_value(remediation.state) if remediation is not None else None


def satisfied(state: str | None, wait_for: str) -> bool:
    """Whether a remediation in ``state`` is as far along as ``wait_for`` asks."""
    if wait_for == "none":
        return True
    if wait_for == "running":
        return state == "RUNNING" or state in TERMINAL
    return state in TERMINAL
