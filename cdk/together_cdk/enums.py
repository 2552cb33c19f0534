"""The API's closed sets of values. Each prop that takes one accepts the member or its string."""

from __future__ import annotations

from enum import Enum


class RemediationMode(str, Enum):
    """How a node is repaired."""

    VM_ONLY = "REMEDIATION_MODE_VM_ONLY"
    """Delete the VM; a new one is created on any host."""
    HOST_AWARE = "REMEDIATION_MODE_HOST_AWARE"
    """Cordon the host; a new VM is created on another host."""
    EVICT_WITHOUT_REPLACEMENT = "REMEDIATION_MODE_EVICT_WITHOUT_REPLACEMENT"
    """Remove the node from the cluster without a replacement."""
    REBOOT_VM = "REMEDIATION_MODE_REBOOT_VM"
    """Reboot the VM in place."""


class RemediationState(str, Enum):
    """Where a remediation is in its life."""

    PENDING_APPROVAL = "PENDING_APPROVAL"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    AUTO_RESOLVED = "AUTO_RESOLVED"


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
    """Until it starts running (or ends)."""
    NONE = "none"
    """Not at all: the API accepted it."""


SEVERITY_ORDER: tuple[AlertSeverity, ...] = (AlertSeverity.INFO, AlertSeverity.WARNING, AlertSeverity.CRITICAL)
"""Severities from lowest to highest, for "at least this severe" filters."""
