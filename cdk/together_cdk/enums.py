"""The API's closed sets of values. Each prop that takes one accepts the member or its string.

The constructs import nothing of the rest of the project, so these are written here; a test
(`tests/cdk/test_enums_vocabulary.py`) checks them, member by member and in order, against
`together_api.vocabulary`, the one place the API's vocabulary is written.
"""

from __future__ import annotations

from enum import Enum


class RemediationMode(str, Enum):
    """How a node is repaired, least disruptive first."""

    REBOOT_VM = "REMEDIATION_MODE_REBOOT_VM"
    """Reboot the VM in place."""
    VM_ONLY = "REMEDIATION_MODE_VM_ONLY"
    """Delete the VM; a new one is created on any host."""
    HOST_AWARE = "REMEDIATION_MODE_HOST_AWARE"
    """Cordon the host; a new VM is created on another host."""
    HOST_POWER_CYCLE = "REMEDIATION_MODE_HOST_POWER_CYCLE"
    """Cordon and power-cycle the bare-metal host, keeping host and node identity (not an approval's `mode`)."""
    EVICT_WITHOUT_REPLACEMENT = "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"
    """Remove the node from the cluster without a replacement."""


NOT_AN_APPROVAL_MODE: frozenset[RemediationMode] = frozenset({RemediationMode.HOST_POWER_CYCLE})
"""Modes the API refuses as an approval's mode override (create such a remediation directly)."""


class RemediationState(str, Enum):
    """Where a remediation is in its life."""

    PENDING_APPROVAL = "PENDING_APPROVAL"
    """Awaiting approval before processing can begin."""
    PENDING = "PENDING"
    """Approved and queued for processing."""
    QUARANTINING = "QUARANTINING"
    """Cordoning the host before the repair (HOST_AWARE, HOST_POWER_CYCLE): started, no longer cancellable."""
    QUARANTINED = "QUARANTINED"
    """The host is cordoned for the repair: started, no longer cancellable."""
    RUNNING = "RUNNING"
    """Actively being processed."""
    SUCCEEDED = "SUCCEEDED"
    """Successfully completed."""
    FAILED = "FAILED"
    """Failed with an error."""
    CANCELLED = "CANCELLED"
    """Cancelled by a user or the system."""
    AUTO_RESOLVED = "AUTO_RESOLVED"
    """The underlying issue resolved itself before processing."""


class RemediationTrigger(str, Enum):
    """Who asked for a remediation: a user (manual) or Together's health checks (automated)."""

    MANUAL = "REMEDIATION_TRIGGER_MANUAL"
    AUTOMATED = "REMEDIATION_TRIGGER_AUTOMATED"


class ReviewDecision(str, Enum):
    """The answer to a remediation that waits for approval."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"


class AlertSeverity(str, Enum):
    """Severity of a passive health-check alert, lowest first."""

    INFO = "PHC_SEVERITY_INFO"
    WARNING = "PHC_SEVERITY_WARNING"
    CRITICAL = "PHC_SEVERITY_CRITICAL"


class WaitFor(str, Enum):
    """How long `terraform apply` waits on a remediation it creates or reviews."""

    TERMINAL = "terminal"
    """Until it ends (SUCCEEDED, FAILED, CANCELLED or AUTO_RESOLVED)."""
    RUNNING = "running"
    """Until work on the node begins (QUARANTINING, QUARANTINED or RUNNING) or it ends."""
    NONE = "none"
    """Not at all: the API accepted it."""


SEVERITY_ORDER: tuple[AlertSeverity, ...] = (AlertSeverity.INFO, AlertSeverity.WARNING, AlertSeverity.CRITICAL)
"""Severities from lowest to highest, for "at least this severe" filters."""
