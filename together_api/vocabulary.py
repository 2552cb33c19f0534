"""The remediation API's vocabulary, written once: modes, states and their classes, triggers,
severities, review decisions and ``wait_for`` values.

This module imports nothing, so the provider's schema (which validates against these lists)
loads without pydantic or httpx. The models, the client, the provider, the simulator and the
plan review take every list from here; the CDK constructs get them through their enums, which a
test checks against this module. Adding a mode is one entry in ``MODES`` (plus the simulator's
behaviour for it).

Source: Together's Python SDK 3.1.1 (generated from the spec the live API serves).
"""

from __future__ import annotations

# ---- modes ----------------------------------------------------------------------------------

# Wire name -> (disruption rank, one-line description). Ordered least disruptive first, which is
# the order escalation ladders and the plan review use. Ranks: 1 low, 2 medium, 3 high,
# 4 highest. HOST_POWER_CYCLE keeps the node but cordons and power-cycles its whole host, so it
# ranks with HOST_AWARE.
MODES: dict[str, tuple[int, str]] = {
    "REMEDIATION_MODE_REBOOT_VM": (1, "Reboot the VM in place."),
    "REMEDIATION_MODE_VM_ONLY": (2, "Delete the VM and provision a new one on any available host."),
    "REMEDIATION_MODE_HOST_AWARE": (3, "Cordon the host, delete the VM and provision a new one on a different host."),
    "REMEDIATION_MODE_HOST_POWER_CYCLE": (
        3,
        "Cordon and power-cycle the bare-metal host, keeping host and node identity.",
    ),
    "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT": (4, "Evict the VM without provisioning a replacement."),
}
MODE_NAMES: tuple[str, ...] = tuple(MODES)
MODE_DISRUPTION: dict[str, int] = {name: rank for name, (rank, _) in MODES.items()}
MAX_DISRUPTION = max(MODE_DISRUPTION.values())
MODE_PREFIX = "REMEDIATION_MODE_"

# The API refuses these as an approval's mode override ("create a host power-cycle remediation
# directly").
NOT_AN_APPROVAL_OVERRIDE: frozenset[str] = frozenset({"REMEDIATION_MODE_HOST_POWER_CYCLE"})
APPROVAL_OVERRIDE_MODES: tuple[str, ...] = tuple(m for m in MODE_NAMES if m not in NOT_AN_APPROVAL_OVERRIDE)

# Modes that cordon the host first: PENDING -> QUARANTINING -> QUARANTINED -> RUNNING.
QUARANTINING_MODES: frozenset[str] = frozenset({"REMEDIATION_MODE_HOST_AWARE", "REMEDIATION_MODE_HOST_POWER_CYCLE"})

# ---- states ---------------------------------------------------------------------------------

STATES: dict[str, str] = {
    "PENDING_APPROVAL": "Awaiting approval before processing can begin.",
    "PENDING": "Approved and queued for processing.",
    "QUARANTINING": "Cordoning or preparing the host before remediation.",
    "QUARANTINED": "The host has been cordoned or isolated for remediation.",
    "RUNNING": "Actively being processed.",
    "SUCCEEDED": "Successfully completed.",
    "FAILED": "Failed with an error.",
    "CANCELLED": "Cancelled by a user or the system.",
    "AUTO_RESOLVED": "The underlying issue resolved itself before processing.",
}
STATE_NAMES: tuple[str, ...] = tuple(STATES)

TERMINAL_STATES: frozenset[str] = frozenset({"SUCCEEDED", "FAILED", "CANCELLED", "AUTO_RESOLVED"})
"""States a remediation never leaves."""
ACTIVE_STATES: frozenset[str] = frozenset({"PENDING_APPROVAL", "PENDING", "QUARANTINING", "QUARANTINED", "RUNNING"})
"""States that hold an instance: at most one remediation per instance is in one of them."""
QUARANTINE_STATES: frozenset[str] = frozenset({"QUARANTINING", "QUARANTINED"})
"""The host is being (or has been) cordoned: the repair has begun and can no longer be cancelled."""
STARTED_STATES: frozenset[str] = frozenset({"QUARANTINING", "QUARANTINED", "RUNNING"})
"""Work on the node has begun: what ``wait_for = "running"`` waits for (or a terminal state)."""
CANCELLABLE_STATES: frozenset[str] = frozenset({"PENDING_APPROVAL", "PENDING"})
"""States the API's cancel accepts."""
RERUN_STATES: frozenset[str] = frozenset({"FAILED", "CANCELLED"})
"""Ended without repairing the node: ``rerun_on_failure`` plans another attempt."""
ADOPTABLE_ENDED_STATES: frozenset[str] = frozenset({"SUCCEEDED", "FAILED"})
"""Ended states in which an interrupted apply's leftover is still adopted (within timeouts.create)."""
ENDED_WITHOUT_REPAIR_STATES: frozenset[str] = frozenset({"FAILED", "CANCELLED", "AUTO_RESOLVED"})
"""Ended without the repair having run to success: a plan warns when one ended so outside the apply."""

# ---- triggers, severities, decisions ----------------------------------------------------------

TRIGGERS: dict[str, str] = {
    "REMEDIATION_TRIGGER_MANUAL": "A user asked for it (API or console); starts PENDING.",
    "REMEDIATION_TRIGGER_AUTOMATED": "Together's health checks raised it; waits in PENDING_APPROVAL.",
}
TRIGGER_NAMES: tuple[str, ...] = tuple(TRIGGERS)

SEVERITIES: tuple[str, ...] = ("PHC_SEVERITY_INFO", "PHC_SEVERITY_WARNING", "PHC_SEVERITY_CRITICAL")
"""Passive health check alert severities, lowest first."""
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}

DECISIONS: tuple[str, ...] = ("APPROVE", "REJECT")
"""The answers to a remediation waiting in PENDING_APPROVAL."""

# ---- waiting -----------------------------------------------------------------------------------

WAIT_FOR: dict[str, str] = {
    "terminal": "Until it ends (SUCCEEDED, FAILED, CANCELLED or AUTO_RESOLVED).",
    "running": "Until work on the node begins (QUARANTINING, QUARANTINED or RUNNING) or it ends.",
    "none": "Not at all: the API accepted it.",
}
WAIT_FOR_VALUES: tuple[str, ...] = tuple(WAIT_FOR)
DEFAULT_WAIT_FOR = "terminal"


def satisfied(state: str | None, wait_for: str) -> bool:
    """Whether a remediation in ``state`` is as far along as ``wait_for`` asks."""
    if wait_for == "none":
        return True
    if wait_for == "running":
        return state in STARTED_STATES or state in TERMINAL_STATES
    return state in TERMINAL_STATES


def full_mode_name(value: str) -> str:
    """``REBOOT_VM`` or ``REMEDIATION_MODE_REBOOT_VM`` -> ``REMEDIATION_MODE_REBOOT_VM``."""
    return value if value.startswith(MODE_PREFIX) else MODE_PREFIX + value


def described(names: tuple[str, ...] | dict[str, object]) -> str:
    """``A``, ``B`` or ``C``: a list of values for a description."""
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def enum_value(value):
    """The wire string of a model's enum field: a known member's value, an unknown value (kept as
    the string the API sent) or None as it is."""
    return getattr(value, "value", value)
